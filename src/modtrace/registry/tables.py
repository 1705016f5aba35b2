"""The register's tables (SQLAlchemy Core). Migrations in ``migrations/versions`` create them.

Every row says which record schema it follows (``schema_version``) where the record is a
document (facts, determinations); lineage edges say how they are known (declared, inferred,
verified) and from which source.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

actors = Table(
    "actors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),  # provider | modifier | both
    Column("jurisdiction", String(40)),
    Column("employees", Integer),
    Column("annual_revenue_usd", Float),
    Column("identifiers", JSON, nullable=False, default=dict),
)

models = Table(
    "models",
    metadata,
    Column("id", String(300), primary_key=True),  # Hub-style org/name
    Column("provider", String(300)),
    Column("parameters", Float),
    Column("training_compute_flop", Float),
    Column("training_compute_source", String(300)),
    Column("access", String(20)),
    Column("license", String(120)),
    Column("pipeline_tag", String(80)),
    Column("card", JSON),
    Column("external", Boolean, nullable=False, default=False),  # referenced, never described
    Column("source", String(120), nullable=False),
    Column("deleted_at", Date),  # listed as deleted from the Hub that week (migration 0007)
    Column("deleted_source", String(200)),
)

lineage_edges = Table(
    "lineage_edges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("parent_id", String(300), nullable=False),
    Column("child_id", String(300), nullable=False),
    Column("relation", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # declared | inferred | verified
    Column("source", String(200), nullable=False),
    UniqueConstraint("parent_id", "child_id", "relation", name="uq_edge"),
)
Index("ix_edges_parent", lineage_edges.c.parent_id)
Index("ix_edges_child", lineage_edges.c.child_id)

modifications = Table(
    "modifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_id", String(300)),  # the derived model, when it has an id
    Column("original_id", String(300), nullable=False),
    Column("modifier", String(300), nullable=False),
    Column("facts", JSON, nullable=False),
    Column("schema_version", String(20), nullable=False),
)
Index("ix_modifications_model", modifications.c.model_id)

determinations = Table(
    "determinations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("modification_id", Integer, ForeignKey("modifications.id"), nullable=False),
    Column("regime_id", String(80), nullable=False),
    Column("regime_version", Integer, nullable=False),
    Column("at", Date, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("role", String(80)),
    Column("document", JSON, nullable=False),
    Column("schema_version", String(20), nullable=False),
)
Index("ix_determinations_modification", determinations.c.modification_id)

filings = Table(
    "filings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("modification_id", Integer, ForeignKey("modifications.id"), nullable=False),
    Column("model_modified", String(300), nullable=False),
    Column("modifications_made", Text, nullable=False),
    Column("intended_use", Text, nullable=False),
    Column("contact", String(300)),
    Column("confidential", Boolean, nullable=False, default=False),
    Column("status", String(20), nullable=False),
    Column("owner", String(300)),  # the subject of the token that filed it
)

filing_reviews = Table(
    "filing_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("filing_id", Integer, ForeignKey("filings.id"), nullable=False),
    Column("from_status", String(20), nullable=False),
    Column("to_status", String(20), nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("comment", Text),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", Date),
    Column("title", String(500), nullable=False),
    Column("description", Text),
    Column("alleged_developer", String(500)),
    Column("alleged_deployer", String(500)),
    Column("harmed_parties", String(500)),
    Column("severity", String(20)),
    Column("model_ids", JSON, nullable=False),
    Column("aiid_id", Integer),
    Column("reported_by", String(200)),  # "role:subject" from the API, "cli:<user>" locally
)

log_entries = Table(
    "log_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(40), nullable=False),
    Column("ref", String(400), nullable=False),
    Column("payload", Text, nullable=False),  # canonical JSON of the record as written
    Column("leaf_hash", String(64), nullable=False),
    Column("logged_at", DateTime(timezone=True), nullable=False),
)
Index("ix_log_ref", log_entries.c.kind, log_entries.c.ref)

import_progress = Table(
    "import_progress",
    metadata,
    Column("source", String(400), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("done", Boolean, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("label", String(200)),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),  # set on every token (0007 backfilled)
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_hash", String(64), nullable=False, unique=True),
    Column("token_id", Integer, ForeignKey("api_tokens.id", ondelete="CASCADE"), nullable=False),
    Column("form_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

provider_notices = Table(
    "provider_notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_id", String(300), nullable=False),
    Column("provider", String(300), nullable=False),
    Column("kind", String(20), nullable=False),  # warning | prohibited | shown-safe
    Column("techniques", JSON, nullable=False),
    Column("data_domains", JSON, nullable=False),
    Column("description", Text, nullable=False),
)
Index("ix_notices_model", provider_notices.c.model_id)

evidence_records = Table(
    "evidence_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("modification_id", Integer, ForeignKey("modifications.id"), nullable=False),
    Column("kind", String(40), nullable=False),  # e.g. comparison:harmful
    Column("summary", Text, nullable=False),
    Column("document", JSON, nullable=False),
)
Index("ix_evidence_modification", evidence_records.c.modification_id)

gate_decisions = Table(
    "gate_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("requester", String(300), nullable=False),
    Column("model_id", String(300), nullable=False),
    Column("decision", String(30), nullable=False),
    Column("terms_version", Integer, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("request", JSON, nullable=False),
)
Index("ix_gate_requester", gate_decisions.c.requester)

kyc_judgements = Table(
    "kyc_judgements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("requester", String(300), nullable=False),  # folded name (kyc.fold)
    Column("entry", String(300), nullable=False),
    Column("list_name", String(120), nullable=False),
    Column("verdict", String(20), nullable=False),  # confirmed | false-positive
    Column("reviewer", String(200), nullable=False),
    Column("note", Text),
)
Index("ix_kyc_requester", kyc_judgements.c.requester)

breach_entries = Table(
    "breach_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party", String(300), nullable=False),  # as the finding names it
    Column("party_key", String(300), nullable=False),  # folded (names.fold), for matching
    Column("basis", String(20), nullable=False),  # kyc-judgement | gate-decision | incident | ...
    Column("basis_id", Integer, nullable=False),  # the confirmed finding's row
    Column("recorded_by", String(200), nullable=False),
    Column("reason", Text, nullable=False),
)
Index("ix_breach_party", breach_entries.c.party_key)
