"""The register: the one place that writes records, each write logged in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Engine, insert, select, update

from modtrace.determination.assess import assess
from modtrace.determination.model import Determination
from modtrace.errors import ConflictError, RegisterError
from modtrace.facts.model import Facts
from modtrace.names import fold
from modtrace.registry import breach, log
from modtrace.registry.claims import CLAIMED_BY_ANOTHER, hold_claim, other_claimants
from modtrace.registry.db import make_engine, migrate
from modtrace.registry.tables import (
    breach_entries,
    determinations,
    evidence_records,
    filing_reviews,
    filings,
    gate_decisions,
    incidents,
    kyc_judgements,
    lineage_edges,
    models,
    modifications,
    provider_notices,
)

Relation = Literal[
    "finetune", "adapter", "merge", "quantized", "distillation", "continued-pretraining", "other"
]
RELATIONS: tuple[str, ...] = (
    "finetune",
    "adapter",
    "merge",
    "quantized",
    "distillation",
    "continued-pretraining",
    "other",
)
EDGE_STATUSES = ("declared", "inferred", "verified")

FILING_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("under-review",),
    "under-review": ("accepted", "returned"),
    "returned": ("submitted",),
    "accepted": (),
}
"""Which status a filing may move to from each status (a returned filing may be resubmitted)."""


@dataclass(frozen=True)
class Edge:
    """A lineage edge to add."""

    parent_id: str
    child_id: str
    relation: str
    status: str = "declared"
    source: str = "manual"


def _row(connection: Connection, table: Any, row_id: int, what: str) -> dict[str, Any]:
    found = connection.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if found is None:
        raise RegisterError([(f"{what}_id", f"no {what} with id {row_id}")])
    return dict(found)


def _rows_where(
    connection: Connection, table: Any, column: str, value: Any
) -> list[dict[str, Any]]:
    """The rows whose ``column`` equals ``value``, oldest first."""
    stmt = select(table).where(table.c[column] == value).order_by(table.c.id)
    return [dict(r) for r in connection.execute(stmt).mappings()]


FIELD_OF_COLUMN = {
    "original_id": "original.id",
    "modifier": "modifier.name",
    "model_modified": "original.id",
    "requester": "requester.name",
}
"""The field a caller wrote, for columns filled from a document rather than named alike."""


def _fits(table: Any, values: dict[str, Any]) -> None:
    """Every text within its column's length: PostgreSQL refuses longer text (a 500 at the edge)
    where SQLite silently stores it, so the register refuses it alike on both, naming the field."""
    too_long = [
        (FIELD_OF_COLUMN.get(name, name), f"at most {length} characters")
        for name, value in values.items()
        if isinstance(value, str)
        and (length := getattr(table.c[name].type, "length", None)) is not None
        and len(value) > length
    ]
    if too_long:
        raise RegisterError(too_long)


def _insert(connection: Connection, table: Any, kind: str, values: dict[str, Any]) -> int:
    _fits(table, values)
    key = connection.execute(insert(table).values(**values)).inserted_primary_key
    if key is None:  # pragma: no cover - every tracked table has an integer key
        raise RegisterError([("id", f"{kind} was stored without an id")])
    new_id = int(key[0])
    record = _row(connection, table, new_id, kind)
    log.append(connection, [log.Write(kind, str(new_id), "insert", record)])
    return new_id


def _filing_values(
    facts: Facts,
    intended_use: str | None,
    contact: str | None,
    confidential: bool,
    owner: str | None,
) -> dict[str, Any]:
    """A filing's columns, or the fields a registration lacks."""
    use = intended_use or facts.modification.intended_use
    if not use:
        raise RegisterError([("intended_use", "a registration must state the intended use")])
    techniques = facts.modification.techniques
    if not techniques:
        raise RegisterError(
            [("modification.techniques", "a registration must state the modifications made")]
        )
    return {
        "model_modified": facts.original.id,
        "modifications_made": ", ".join(t.value for t in techniques),
        "intended_use": use,
        "contact": contact,
        "confidential": confidential,
        "status": "submitted",
        "owner": owner,
    }


def same_model(a: str, b: str) -> bool:
    """Whether two model ids name one model: the Hub's ids ignore case."""
    return a.strip().casefold() == b.strip().casefold()


def provider_of(model_id: str) -> str:
    """The Hub namespace of a model id (its developer on the Hub)."""
    return model_id.split("/", 1)[0] if "/" in model_id else model_id


class Register:
    """Records, lineage and their log, on one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool = True) -> Register:
        """Open the register at ``url`` (default: ``MODTRACE_DATABASE_URL`` or the SQLite file)."""
        engine = make_engine(url)
        if upgrade:
            migrate(engine)
        return cls(engine)

    # ---- models and lineage ----------------------------------------------------------------

    def upsert_model(self, model_id: str, **fields: Any) -> None:
        """Describe a model (creating it, or filling in what is now known)."""
        values = {
            "provider": provider_of(model_id),
            "external": False,
            "source": "manual",
            **fields,
        }
        with self.engine.begin() as c:
            exists = c.execute(select(models.c.id).where(models.c.id == model_id)).first()
            if exists:
                c.execute(update(models).where(models.c.id == model_id).values(**values))
            else:
                c.execute(insert(models).values(id=model_id, **values))

    def add_edges(self, edges: Iterable[Edge], connection: Connection | None = None) -> int:
        """Add lineage edges (ignoring ones already present); returns how many were new."""
        if connection is None:
            with self.engine.begin() as c:
                return self.add_edges(edges, c)
        batch = list(edges)
        for e in batch:
            if e.relation not in RELATIONS:
                raise RegisterError(
                    [("relation", f"{e.relation!r} is not one of {', '.join(RELATIONS)}")]
                )
            if e.status not in EDGE_STATUSES:
                raise RegisterError(
                    [("status", f"{e.status!r} is not one of {', '.join(EDGE_STATUSES)}")]
                )
            if e.parent_id == e.child_id:
                raise RegisterError([("parent_id", f"{e.parent_id} cannot derive from itself")])
        keys = {(e.parent_id, e.child_id, e.relation) for e in batch}
        existing = set()
        children = sorted({e.child_id for e in batch})
        for i in range(0, len(children), 500):
            existing |= set(
                connection.execute(
                    select(
                        lineage_edges.c.parent_id,
                        lineage_edges.c.child_id,
                        lineage_edges.c.relation,
                    ).where(lineage_edges.c.child_id.in_(children[i : i + 500]))
                )
            )
        new, seen = [], set()
        for e in batch:
            key = (e.parent_id, e.child_id, e.relation)
            if key in existing or key in seen:
                continue
            seen.add(key)
            new.append(
                {
                    "parent_id": e.parent_id,
                    "child_id": e.child_id,
                    "relation": e.relation,
                    "status": e.status,
                    "source": e.source,
                }
            )
        if not new:
            return 0
        connection.execute(insert(lineage_edges), new)
        stored = {
            (r["parent_id"], r["child_id"], r["relation"]): dict(r)
            for i in range(0, len(children), 500)
            for r in connection.execute(
                select(lineage_edges).where(lineage_edges.c.child_id.in_(children[i : i + 500]))
            ).mappings()
            if (r["parent_id"], r["child_id"], r["relation"]) in keys
        }
        log.append(
            connection,
            [
                log.Write(
                    "lineage-edge",
                    f"{n['parent_id']}|{n['child_id']}|{n['relation']}",
                    "insert",
                    stored[(n["parent_id"], n["child_id"], n["relation"])],
                )
                for n in new
            ],
        )
        return len(new)

    # ---- modifications and determinations --------------------------------------------------

    def record_modification(
        self, facts: Facts, *, model_id: str | None = None, determined: Sequence[Determination] = ()
    ) -> int:
        """Store a modification's facts and the determinations made on them."""
        with self.engine.begin() as c:
            return self._store_modification(c, facts, model_id, determined)

    def _store_modification(
        self,
        c: Connection,
        facts: Facts,
        model_id: str | None,
        determined: Sequence[Determination],
    ) -> int:
        if model_id is not None and same_model(model_id, facts.original.id):
            raise RegisterError(
                [
                    (
                        "model_id",
                        f"{model_id} is the original model ({facts.original.id}); name the model "
                        "the modification produced, or leave it out",
                    )
                ]
            )
        mod_id = _insert(
            c,
            modifications,
            "modification",
            {
                "model_id": model_id,
                "original_id": facts.original.id,
                "modifier": facts.modifier.name,
                "facts": facts.model_dump(mode="json"),
                "schema_version": facts.schema_version,
            },
        )
        for d in determined:
            self._store_determination(c, mod_id, d)
        return mod_id

    def _store_determination(self, c: Connection, mod_id: int, d: Determination) -> int:
        return _insert(
            c,
            determinations,
            "determination",
            {
                "modification_id": mod_id,
                "regime_id": d.regime.id,
                "regime_version": d.regime.version,
                "at": d.regime.at,
                "outcome": d.outcome,
                "role": d.role,
                "document": d.model_dump(mode="json"),
                "schema_version": d.schema_version,
            },
        )

    def facts_of(self, modification_id: int) -> Facts:
        """The stored facts of a modification."""
        with self.engine.connect() as c:
            row = _row(c, modifications, modification_id, "modification")
        return Facts.model_validate(row["facts"])

    def reassess(
        self, modification_id: int, regime: Any, *, at: dt.date | None = None
    ) -> tuple[dict[str, Any] | None, Determination]:
        """Assess a stored modification again (e.g. under a new regime version) and record it.

        Returns the previous determination under the same regime id (if any) and the new one.
        """
        facts = self.facts_of(modification_id)
        new = assess(facts, regime, at=at)
        with self.engine.begin() as c:
            previous = (
                c.execute(
                    select(determinations)
                    .where(
                        determinations.c.modification_id == modification_id,
                        determinations.c.regime_id == regime.id,
                    )
                    .order_by(determinations.c.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
            self._store_determination(c, modification_id, new)
        return (dict(previous) if previous else None), new

    def determinations_of(self, modification_id: int) -> list[dict[str, Any]]:
        """Every determination recorded for a modification, oldest first."""
        with self.engine.connect() as c:
            return _rows_where(c, determinations, "modification_id", modification_id)

    # ---- filings --------------------------------------------------------------------------

    def file(
        self,
        modification_id: int,
        *,
        intended_use: str | None = None,
        contact: str | None = None,
        confidential: bool = False,
        owner: str | None = None,
    ) -> int:
        """File the registration obligation for a stored modification (status: submitted)."""
        facts = self.facts_of(modification_id)
        values = _filing_values(facts, intended_use, contact, confidential, owner)
        with self.engine.begin() as c:
            return _insert(c, filings, "filing", {"modification_id": modification_id, **values})

    def submit_filing(
        self,
        facts: Facts,
        *,
        determined: Sequence[Determination] = (),
        model_id: str | None = None,
        intended_use: str | None = None,
        contact: str | None = None,
        confidential: bool = False,
        owner: str | None = None,
        sole_claim: bool = False,
    ) -> tuple[int, int]:
        """Record a modification and file its registration in one transaction.

        A filing that cannot be accepted leaves nothing behind. Returns the modification's id
        and the filing's. With ``sole_claim``, a ``model_id`` another modifier has registered
        is refused (:class:`~modtrace.errors.ConflictError`, nothing written), checked inside
        the transaction so that of two concurrent claims one wins (:mod:`.claims`).
        """
        values = _filing_values(facts, intended_use, contact, confidential, owner)
        with self.engine.begin() as c:
            claimed = model_id if sole_claim else None
            if claimed is not None:
                hold_claim(c, claimed)
            mod_id = self._store_modification(c, facts, model_id, determined)
            if claimed is not None and other_claimants(c, claimed, facts.modifier.name):
                raise ConflictError([("model_id", CLAIMED_BY_ANOTHER)])
            filing_id = _insert(c, filings, "filing", {"modification_id": mod_id, **values})
        return mod_id, filing_id

    def review(
        self, filing_id: int, to_status: str, *, reviewer: str, comment: str | None = None
    ) -> None:
        """Move a filing along submitted → under-review → accepted | returned (→ submitted).

        The move is a compare-and-set in one transaction: the row changes only if its status is
        still the one the transition starts from, so of two concurrent reviews exactly one wins
        and the other is refused (:class:`~modtrace.errors.ConflictError`) without writing.
        """
        if not reviewer.strip():
            raise RegisterError([("reviewer", "must name who reviewed the filing")])
        with self.engine.begin() as c:
            filing = _row(c, filings, filing_id, "filing")
            allowed = FILING_TRANSITIONS[filing["status"]]
            if to_status not in allowed:
                options = ", ".join(allowed) or "nothing (final)"
                raise RegisterError(
                    [
                        (
                            "status",
                            f"a {filing['status']} filing can move to {options}, not {to_status!r}",
                        )
                    ]
                )
            moved = c.execute(
                update(filings)
                .where(filings.c.id == filing_id, filings.c.status == filing["status"])
                .values(status=to_status)
            )
            if moved.rowcount != 1:  # another review moved it after we read it
                raise ConflictError(
                    [
                        (
                            "status",
                            f"filing {filing_id} is no longer {filing['status']}: "
                            "another review moved it first; read it again",
                        )
                    ]
                )
            log.append(
                c,
                [
                    log.Write(
                        "filing", str(filing_id), "update", _row(c, filings, filing_id, "filing")
                    )
                ],
            )
            _insert(
                c,
                filing_reviews,
                "filing-review",
                {
                    "filing_id": filing_id,
                    "from_status": filing["status"],
                    "to_status": to_status,
                    "reviewer": reviewer,
                    "comment": comment,
                },
            )

    def filing(self, filing_id: int) -> dict[str, Any]:
        """A filing with its review history."""
        with self.engine.connect() as c:
            row = _row(c, filings, filing_id, "filing")
            row["reviews"] = _rows_where(c, filing_reviews, "filing_id", filing_id)
        return row

    # ---- incidents ------------------------------------------------------------------------

    def report_incident(
        self,
        *,
        title: str,
        model_ids: Sequence[str],
        date: dt.date | None = None,
        description: str | None = None,
        severity: str | None = None,
        alleged_developer: str | None = None,
        alleged_deployer: str | None = None,
        harmed_parties: str | None = None,
        aiid_id: int | None = None,
        reported_by: str | None = None,
    ) -> int:
        """Record an incident and the models it implicates, and who reported it.

        The API records the caller's token (``role:subject``) and the CLI the operating-system
        account (``cli:<user>``, or ``--reported-by``); incidents recorded before migration 0010
        have none.
        """
        if not title.strip():
            raise RegisterError([("title", "must not be empty")])
        if not model_ids:
            raise RegisterError([("model_ids", "name at least one implicated model")])
        with self.engine.begin() as c:
            return _insert(
                c,
                incidents,
                "incident",
                {
                    "title": title,
                    "model_ids": list(model_ids),
                    "date": date,
                    "description": description,
                    "severity": severity,
                    "alleged_developer": alleged_developer,
                    "alleged_deployer": alleged_deployer,
                    "harmed_parties": harmed_parties,
                    "aiid_id": aiid_id,
                    "reported_by": reported_by,
                },
            )

    def incident(self, incident_id: int) -> dict[str, Any]:
        """One incident."""
        with self.engine.connect() as c:
            return _row(c, incidents, incident_id, "incident")

    # ---- provider notices ---------------------------------------------------------------------

    def publish_notice(
        self,
        *,
        model_id: str,
        provider: str,
        kind: str,
        description: str,
        techniques: Sequence[str] = (),
        data_domains: Sequence[str] = (),
    ) -> int:
        """Record a provider's warning or prohibited modification for one of its models.

        Warnings are what the regimes' ``modification.upstream_warned`` fact refers to (paper
        §IV.3, condition (i)); prohibitions are the licence terms of Table 6; ``shown-safe``
        records the provider's showing that the model cannot pose unacceptable risk even without
        its safeguards (paper fn 91), read by ``modtrace.determination.notices``.
        """
        if kind not in ("warning", "prohibited", "shown-safe"):
            raise RegisterError([("kind", "one of warning, prohibited, shown-safe")])
        if not description.strip():
            raise RegisterError([("description", "must not be empty")])
        with self.engine.begin() as c:
            return _insert(
                c,
                provider_notices,
                "provider-notice",
                {
                    "model_id": model_id,
                    "provider": provider,
                    "kind": kind,
                    "description": description,
                    "techniques": list(techniques),
                    "data_domains": list(data_domains),
                },
            )

    def notices(self, model_id: str) -> list[dict[str, Any]]:
        """Every notice published for a model, oldest first."""
        with self.engine.connect() as c:
            return _rows_where(c, provider_notices, "model_id", model_id)

    # ---- evidence -----------------------------------------------------------------------------

    def record_evidence(
        self, modification_id: int, kind: str, summary: str, document: dict[str, Any]
    ) -> int:
        """Keep an evaluation result (e.g. a paired comparison) with its modification."""
        with self.engine.begin() as c:
            _row(c, modifications, modification_id, "modification")
            return _insert(
                c,
                evidence_records,
                "evidence",
                {
                    "modification_id": modification_id,
                    "kind": kind,
                    "summary": summary,
                    "document": document,
                },
            )

    def evidence_of(self, modification_id: int) -> list[dict[str, Any]]:
        """Evidence recorded for a modification, oldest first."""
        with self.engine.connect() as c:
            return _rows_where(c, evidence_records, "modification_id", modification_id)

    # ---- gate decisions -----------------------------------------------------------------------

    def record_gate_decision(
        self,
        *,
        requester: str,
        model_id: str,
        decision: str,
        terms_version: int,
        reasons: list[dict[str, Any]],
        request: dict[str, Any],
    ) -> int:
        """Keep a gate decision for the provider's monitoring and the regulator's audit."""
        with self.engine.begin() as c:
            return _insert(
                c,
                gate_decisions,
                "gate-decision",
                {
                    "requester": requester,
                    "model_id": model_id,
                    "decision": decision,
                    "terms_version": terms_version,
                    "reasons": reasons,
                    "request": request,
                },
            )

    def gate_decisions_of(self, requester: str | None = None) -> list[dict[str, Any]]:
        """Recorded gate decisions, oldest first (optionally one requester's)."""
        stmt = select(gate_decisions).order_by(gate_decisions.c.id)
        if requester is not None:
            stmt = stmt.where(gate_decisions.c.requester == requester)
        with self.engine.connect() as c:
            return [dict(r) for r in c.execute(stmt).mappings()]

    # ---- KYC judgements -----------------------------------------------------------------------

    def record_kyc_judgement(
        self,
        *,
        requester: str,
        entry: str,
        list_name: str,
        verdict: str,
        reviewer: str,
        note: str | None = None,
    ) -> int:
        """Remember a reviewer's verdict on a screening match (confirmed or false-positive)."""
        if verdict not in ("confirmed", "false-positive"):
            raise RegisterError([("verdict", "one of confirmed, false-positive")])
        if not reviewer.strip():
            raise RegisterError([("reviewer", "must name who reviewed the match")])
        with self.engine.begin() as c:
            return _insert(
                c,
                kyc_judgements,
                "kyc-judgement",
                {
                    "requester": fold(requester),
                    "entry": entry,
                    "list_name": list_name,
                    "verdict": verdict,
                    "reviewer": reviewer,
                    "note": note,
                },
            )

    def kyc_verdicts(self, requester: str) -> dict[str, str]:
        """The latest verdict per listed entry for a requester (by folded name)."""
        with self.engine.connect() as c:
            rows = c.execute(
                select(kyc_judgements.c.entry, kyc_judgements.c.verdict)
                .where(kyc_judgements.c.requester == fold(requester))
                .order_by(kyc_judgements.c.id)
            ).all()
        return {str(entry): str(verdict) for entry, verdict in rows}

    # ---- the breach register (fn 70) --------------------------------------------------------

    def record_breach(
        self, *, party: str, basis: str, basis_id: int, recorded_by: str, reason: str
    ) -> int:
        """Put a party on the shared breach register, from a confirmed finding (``breach``)."""
        issues = [
            (name, "must not be empty")
            for name, value in (("party", party), ("recorded_by", recorded_by), ("reason", reason))
            if not value.strip()
        ]
        if issues:
            raise RegisterError(issues)
        with self.engine.begin() as c:
            breach.check_basis(c, party, basis, basis_id)
            return _insert(
                c,
                breach_entries,
                "breach-entry",
                {
                    "party": party.strip(),
                    "party_key": fold(party),
                    "basis": basis,
                    "basis_id": basis_id,
                    "recorded_by": recorded_by.strip(),
                    "reason": reason.strip(),
                },
            )

    def breaches(self) -> list[dict[str, Any]]:
        """Every entry on the breach register, oldest first."""
        with self.engine.connect() as c:
            return [
                dict(r)
                for r in c.execute(select(breach_entries).order_by(breach_entries.c.id)).mappings()
            ]

    # ---- log -------------------------------------------------------------------------------

    def head(self) -> log.Head:
        """The log's current tree head."""
        with self.engine.connect() as c:
            return log.head(c)

    def prove(self, kind: str, ref: str) -> log.Proof:
        """Inclusion proof of a record's latest entry."""
        if kind not in log.TRACKED_BY_KIND:
            raise RegisterError([("kind", f"one of {', '.join(log.TRACKED_BY_KIND)}")])
        with self.engine.connect() as c:
            proof = log.prove(c, kind, ref)
        if proof is None:
            raise RegisterError([("ref", f"no {kind} {ref} in the log")])
        return proof

    def consistency(self, first: int, second: int | None = None) -> log.Consistency:
        """RFC 9162 proof that the head of ``first`` entries is a prefix of ``second`` (or now)."""
        with self.engine.connect() as c:
            size = log.current_size(c)
            if second is not None and not 0 <= second <= size:
                raise RegisterError([("second", f"the log holds {size} entries, not {second}")])
            top = size if second is None else second
            if not 0 <= first <= top:
                raise RegisterError(
                    [("first", f"must be between 0 and {top}, the size proved against")]
                )
            return log.consistency(c, first, second)

    def verify(self, expected: log.Head | None = None) -> log.Audit:
        """Audit the log and every tracked row against it."""
        with self.engine.connect() as c:
            return log.verify(c, expected)

    def model(self, model_id: str) -> dict[str, Any] | None:
        """A model's row, if known."""
        with self.engine.connect() as c:
            row = c.execute(select(models).where(models.c.id == model_id)).mappings().first()
        return dict(row) if row else None
