"""Gate decisions: every modification request a provider's gate answered, with its reasons."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_gate_decisions"
down_revision = "0004_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gate_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("requester", sa.String(300), nullable=False),
        sa.Column("model_id", sa.String(300), nullable=False),
        sa.Column("decision", sa.String(30), nullable=False),
        sa.Column("terms_version", sa.Integer, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("request", sa.JSON, nullable=False),
    )
    op.create_index("ix_gate_requester", "gate_decisions", ["requester"])


def downgrade() -> None:
    op.drop_table("gate_decisions")
