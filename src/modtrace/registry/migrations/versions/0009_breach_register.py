"""The breach register (paper fn 70): parties in breach, each from a confirmed finding."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_breach_register"
down_revision = "0008_token_expiry_and_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "breach_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("party", sa.String(300), nullable=False),
        sa.Column("party_key", sa.String(300), nullable=False),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.Column("basis_id", sa.Integer, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_breach_party", "breach_entries", ["party_key"])


def downgrade() -> None:
    op.drop_table("breach_entries")
