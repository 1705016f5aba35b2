"""Incidents record who reported them (an accountable register: a provider's or a regulator's
report of an incident against another party's model is attributable)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_incident_reporter"
down_revision = "0009_breach_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("reported_by", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("reported_by")
