"""Model deletions: the week a model was listed as deleted from the Hub (``deleted/`` lists).

A deleted model keeps its row and its edges (the register never forgets lineage); traces
leave it out by default and count it, or show it with ``--include-deleted``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_model_deletions"
down_revision = "0006_kyc_judgements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("models") as batch:
        batch.add_column(sa.Column("deleted_at", sa.Date, nullable=True))
        batch.add_column(sa.Column("deleted_source", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("models") as batch:
        batch.drop_column("deleted_source")
        batch.drop_column("deleted_at")
