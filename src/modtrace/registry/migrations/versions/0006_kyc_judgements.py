"""KYC judgements: a reviewer's verdict on a screening match, remembered for later requests."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_kyc_judgements"
down_revision = "0005_gate_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kyc_judgements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("requester", sa.String(300), nullable=False),
        sa.Column("entry", sa.String(300), nullable=False),
        sa.Column("list_name", sa.String(120), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_kyc_requester", "kyc_judgements", ["requester"])


def downgrade() -> None:
    op.drop_table("kyc_judgements")
