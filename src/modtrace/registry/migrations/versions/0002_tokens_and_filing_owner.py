"""API tokens (hashed at rest) with a role and a subject; filings remember who filed them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_tokens_and_filing_owner"
down_revision = "0001_create_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("revoked", sa.Boolean, nullable=False),
    )
    with op.batch_alter_table("filings") as batch:
        batch.add_column(sa.Column("owner", sa.String(300)))


def downgrade() -> None:
    with op.batch_alter_table("filings") as batch:
        batch.drop_column("owner")
    op.drop_table("api_tokens")
