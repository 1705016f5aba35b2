"""Create the register: actors, models, lineage, modifications, determinations, filings,
incidents, the append-only log and import progress.

A migration is frozen once published: it spells out its tables rather than importing the
current ``tables.py``, so later changes to the schema go into new migrations.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_create_register"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("jurisdiction", sa.String(40)),
        sa.Column("employees", sa.Integer),
        sa.Column("annual_revenue_usd", sa.Float),
        sa.Column("identifiers", sa.JSON, nullable=False),
    )
    op.create_table(
        "models",
        sa.Column("id", sa.String(300), primary_key=True),
        sa.Column("provider", sa.String(300)),
        sa.Column("parameters", sa.Float),
        sa.Column("training_compute_flop", sa.Float),
        sa.Column("training_compute_source", sa.String(300)),
        sa.Column("access", sa.String(20)),
        sa.Column("license", sa.String(120)),
        sa.Column("pipeline_tag", sa.String(80)),
        sa.Column("card", sa.JSON),
        sa.Column("external", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
    )
    op.create_table(
        "lineage_edges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.String(300), nullable=False),
        sa.Column("child_id", sa.String(300), nullable=False),
        sa.Column("relation", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.UniqueConstraint("parent_id", "child_id", "relation", name="uq_edge"),
    )
    op.create_index("ix_edges_parent", "lineage_edges", ["parent_id"])
    op.create_index("ix_edges_child", "lineage_edges", ["child_id"])
    op.create_table(
        "modifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model_id", sa.String(300)),
        sa.Column("original_id", sa.String(300), nullable=False),
        sa.Column("modifier", sa.String(300), nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("schema_version", sa.String(20), nullable=False),
    )
    op.create_index("ix_modifications_model", "modifications", ["model_id"])
    op.create_table(
        "determinations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("modification_id", sa.Integer, sa.ForeignKey("modifications.id"), nullable=False),
        sa.Column("regime_id", sa.String(80), nullable=False),
        sa.Column("regime_version", sa.Integer, nullable=False),
        sa.Column("at", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("role", sa.String(80)),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("schema_version", sa.String(20), nullable=False),
    )
    op.create_index("ix_determinations_modification", "determinations", ["modification_id"])
    op.create_table(
        "filings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("modification_id", sa.Integer, sa.ForeignKey("modifications.id"), nullable=False),
        sa.Column("model_modified", sa.String(300), nullable=False),
        sa.Column("modifications_made", sa.Text, nullable=False),
        sa.Column("intended_use", sa.Text, nullable=False),
        sa.Column("contact", sa.String(300)),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_table(
        "filing_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("filing_id", sa.Integer, sa.ForeignKey("filings.id"), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("comment", sa.Text),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.Date),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("alleged_developer", sa.String(500)),
        sa.Column("alleged_deployer", sa.String(500)),
        sa.Column("harmed_parties", sa.String(500)),
        sa.Column("severity", sa.String(20)),
        sa.Column("model_ids", sa.JSON, nullable=False),
        sa.Column("aiid_id", sa.Integer),
    )
    op.create_table(
        "log_entries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("ref", sa.String(400), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("leaf_hash", sa.String(64), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_log_ref", "log_entries", ["kind", "ref"])
    op.create_table(
        "import_progress",
        sa.Column("source", sa.String(400), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in [
        "import_progress",
        "log_entries",
        "incidents",
        "filing_reviews",
        "filings",
        "determinations",
        "modifications",
        "lineage_edges",
        "models",
        "actors",
    ]:
        op.drop_table(table)
