"""Evidence records: paired comparisons kept with the modification they concern."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_evidence"
down_revision = "0003_provider_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("modification_id", sa.Integer, sa.ForeignKey("modifications.id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
    )
    op.create_index("ix_evidence_modification", "evidence_records", ["modification_id"])


def downgrade() -> None:
    op.drop_table("evidence_records")
