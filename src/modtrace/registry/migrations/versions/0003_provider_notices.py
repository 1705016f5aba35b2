"""Provider notices: warnings and prohibited modifications a provider publishes for its models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_provider_notices"
down_revision = "0002_tokens_and_filing_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_notices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model_id", sa.String(300), nullable=False),
        sa.Column("provider", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("techniques", sa.JSON, nullable=False),
        sa.Column("data_domains", sa.JSON, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_index("ix_notices_model", "provider_notices", ["model_id"])


def downgrade() -> None:
    op.drop_table("provider_notices")
