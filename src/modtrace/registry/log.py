"""The register's append-only, hash-chained Merkle log, and its audit.

Each entry's payload holds its sequence number, the previous entry's leaf hash, the time it was
logged, what was written (kind, ref, operation) and a snapshot of the record after the write.
Leaves go into an RFC 6962 tree whose head (size, root) a regulator can publish, signed as a
checkpoint (``registry/checkpoint.py``). ``verify`` recomputes everything and also compares every
tracked row with its last logged snapshot, so an edit made behind the register's back — to the
log or to the rows — is named. ``consistency`` proves (RFC 9162 §2.1.4) that the log still
extends a head published earlier, so an outsider holding that head detects a rewritten or
truncated history without reading the log.

Entries written before the timestamp was hashed (payload version 1, no ``at``) still verify; a
version 2 entry's ``at`` must equal its ``logged_at`` column.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

from modtrace.registry import merkle
from modtrace.registry.tables import (
    api_tokens,
    breach_entries,
    determinations,
    evidence_records,
    filing_reviews,
    filings,
    gate_decisions,
    incidents,
    kyc_judgements,
    lineage_edges,
    log_entries,
    modifications,
    provider_notices,
)


def _by_id(row: Mapping[str, Any]) -> str:
    return str(row["id"])


def _edge_key(row: Mapping[str, Any]) -> str:
    return f"{row['parent_id']}|{row['child_id']}|{row['relation']}"


@dataclass(frozen=True)
class Tracked:
    """A table whose every write is logged, and how its rows are named in the log."""

    table: Table
    kind: str
    ref: Callable[[Mapping[str, Any]], str]


TRACKED: tuple[Tracked, ...] = (
    Tracked(lineage_edges, "lineage-edge", _edge_key),
    Tracked(modifications, "modification", _by_id),
    Tracked(determinations, "determination", _by_id),
    Tracked(filings, "filing", _by_id),
    Tracked(filing_reviews, "filing-review", _by_id),
    Tracked(incidents, "incident", _by_id),
    Tracked(provider_notices, "provider-notice", _by_id),
    Tracked(evidence_records, "evidence", _by_id),
    Tracked(gate_decisions, "gate-decision", _by_id),
    Tracked(kyc_judgements, "kyc-judgement", _by_id),
    Tracked(api_tokens, "api-token", _by_id),
    Tracked(breach_entries, "breach-entry", _by_id),
)
TRACKED_BY_KIND = {t.kind: t for t in TRACKED}


def _as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _iso(value: dt.date) -> str:
    """A date, or a time in UTC whatever zone the database session hands it back in."""
    if isinstance(value, dt.datetime):
        return _as_utc(value).astimezone(dt.UTC).isoformat()
    return value.isoformat()


def snapshot(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as JSON-friendly data (dates and UTC times as ISO strings, JSON as it is)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        out[key] = _iso(value) if isinstance(value, dt.date) else value
    plain: dict[str, Any] = json.loads(merkle.canonical(out))
    return plain


PAYLOAD_VERSION = 2
"""Version 2 hashes the entry's timestamp (``at``); version 1 entries have none."""


@dataclass(frozen=True)
class Write:
    """One write to log: which kind of record, its ref, the operation and the record after it."""

    kind: str
    ref: str
    op: str
    record: dict[str, Any]


def clock() -> dt.datetime:
    """The time a write is logged at, in UTC (one reading per append; tests may fix it)."""
    return dt.datetime.now(dt.UTC)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE log_entries IN EXCLUSIVE MODE"))


def append(connection: Connection, writes: Sequence[Write]) -> int:
    """Append writes to the log inside the caller's transaction; returns the new size."""
    if not writes:
        return current_size(connection)
    _lock(connection)
    last = connection.execute(
        select(log_entries.c.seq, log_entries.c.leaf_hash)
        .order_by(log_entries.c.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last[0], last[1]) if last else (0, "")
    now = clock()  # read under the lock, so entries' times never go backwards
    rows = []
    for write in writes:
        seq += 1
        payload = merkle.canonical(
            {
                "v": PAYLOAD_VERSION,
                "seq": seq,
                "prev": prev,
                "at": now.isoformat(),
                "kind": write.kind,
                "ref": write.ref,
                "op": write.op,
                "record": snapshot(write.record),
            }
        )
        prev = merkle.leaf_hash(payload).hex()
        rows.append(
            {
                "seq": seq,
                "kind": write.kind,
                "ref": write.ref,
                "payload": payload.decode("utf-8"),
                "leaf_hash": prev,
                "logged_at": now,
            }
        )
    connection.execute(log_entries.insert(), rows)
    return seq


def current_size(connection: Connection) -> int:
    """How many entries the log holds."""
    return int(connection.execute(select(func.count()).select_from(log_entries)).scalar_one())


@dataclass(frozen=True)
class Head:
    """A tree head: size and root hash (hex)."""

    size: int
    root: str


def head(connection: Connection) -> Head:
    """The tree head over the stored leaf hashes."""
    leaves = _leaves(connection)
    return Head(len(leaves), merkle.root(leaves).hex())


@dataclass(frozen=True)
class Proof:
    """An inclusion proof for one entry."""

    seq: int
    size: int
    root: str
    leaf_hash: str
    path: list[str]

    def verify(self) -> bool:
        """Check the proof against its own root."""
        return merkle.verify_inclusion(
            self.seq - 1,
            self.size,
            bytes.fromhex(self.leaf_hash),
            [bytes.fromhex(p) for p in self.path],
            bytes.fromhex(self.root),
        )


def prove(connection: Connection, kind: str, ref: str) -> Proof | None:
    """Inclusion proof of the latest entry for ``kind``/``ref`` in the current tree."""
    seq = connection.execute(
        select(func.max(log_entries.c.seq)).where(
            log_entries.c.kind == kind, log_entries.c.ref == ref
        )
    ).scalar_one()
    if seq is None:
        return None
    leaves = _leaves(connection)
    return Proof(
        seq,
        len(leaves),
        merkle.root(leaves).hex(),
        leaves[seq - 1].hex(),
        [p.hex() for p in merkle.inclusion_proof(seq - 1, leaves)],
    )


@dataclass(frozen=True)
class Consistency:
    """An RFC 9162 consistency proof: the tree of ``first`` leaves is a prefix of ``second``'s."""

    first: int
    second: int
    second_root: str
    path: list[str]

    def verify(self, first_root: str) -> bool:
        """Check the proof against the root of the head its holder trusts."""
        try:
            old = bytes.fromhex(first_root)
            new = bytes.fromhex(self.second_root)
            path = [bytes.fromhex(p) for p in self.path]
        except ValueError:
            return False
        return merkle.verify_consistency(self.first, self.second, old, new, path)


def _leaves(connection: Connection) -> list[bytes]:
    return [
        bytes.fromhex(h)
        for h in connection.execute(
            select(log_entries.c.leaf_hash).order_by(log_entries.c.seq)
        ).scalars()
    ]


def consistency(connection: Connection, first: int, second: int | None = None) -> Consistency:
    """Proof that the log's first ``first`` entries are the first of its ``second`` (default: all).

    Raises ``IndexError`` when ``first`` > ``second`` or ``second`` exceeds the log.
    """
    leaves = _leaves(connection)
    second = len(leaves) if second is None else second
    if not 0 <= second <= len(leaves):
        raise IndexError(f"the log holds {len(leaves)} entries, not {second}")
    tree = leaves[:second]
    path = merkle.consistency_proof(first, tree)
    return Consistency(first, second, merkle.root(tree).hex(), [p.hex() for p in path])


def extends(leaves: list[bytes], expected: Head) -> list[str]:
    """Problems with ``leaves`` as an extension of a published head (none when it extends it)."""
    if len(leaves) < expected.size:
        return [f"the log holds {len(leaves)} entries but a head of {expected.size} was published"]
    if merkle.root(leaves[: expected.size]).hex() != expected.root:
        return [
            f"the first {expected.size} entries do not match the published head: "
            "history was rewritten"
        ]
    return []


@dataclass
class Audit:
    """What ``verify`` found: problems in order, the first one first."""

    size: int = 0
    root: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems


def verify(connection: Connection, expected: Head | None = None) -> Audit:
    """Recompute the chain, the leaves and the root, and compare rows with their last entries."""
    audit = Audit()
    latest: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    leaves: list[bytes] = []
    prev, expected_seq = "", 1
    rows = connection.execute(
        select(
            log_entries.c.seq,
            log_entries.c.payload,
            log_entries.c.leaf_hash,
            log_entries.c.logged_at,
        ).order_by(log_entries.c.seq)
    )
    for seq, payload, stored_leaf, logged_at in rows:
        data = json.loads(payload)
        if seq != expected_seq:
            audit.problems.append(f"entry {expected_seq} was removed (next entry is {seq})")
            expected_seq = seq
        if merkle.leaf_hash(payload.encode("utf-8")).hex() != stored_leaf:
            audit.problems.append(
                f"entry {seq} was altered: its content no longer matches its hash"
            )
        elif data.get("seq") != seq:
            audit.problems.append(
                f"entry {seq} was reordered: it was written as entry {data.get('seq')}"
            )
        elif data.get("prev") != prev:
            audit.problems.append(
                f"entry {seq} does not follow entry {seq - 1}: the chain is broken"
            )
        elif "at" in data and dt.datetime.fromisoformat(data["at"]) != _as_utc(logged_at):
            audit.problems.append(
                f"entry {seq}'s time was altered: logged_at {logged_at} but it was hashed "
                f"at {data['at']}"
            )
        prev = stored_leaf
        leaves.append(bytes.fromhex(stored_leaf))
        latest[(data.get("kind", ""), data.get("ref", ""))] = (seq, data.get("record", {}))
        expected_seq += 1
    audit.size, audit.root = len(leaves), merkle.root(leaves).hex()
    if expected is not None:
        audit.problems += extends(leaves, expected)
    for tracked in TRACKED:
        seen: set[str] = set()
        for mapping in connection.execute(select(tracked.table)).mappings():
            row = dict(mapping)
            ref = tracked.ref(row)
            seen.add(ref)
            logged = latest.get((tracked.kind, ref))
            if logged is None:
                audit.problems.append(
                    f"{tracked.table.name} row {ref} was written outside the register"
                )
            elif snapshot(row) != logged[1]:
                changed = sorted(k for k, v in snapshot(row).items() if logged[1].get(k) != v)
                audit.problems.append(
                    f"{tracked.table.name} row {ref} differs from log entry {logged[0]} in: "
                    + ", ".join(changed)
                )
        for (kind, ref), (seq, _) in latest.items():
            if kind == tracked.kind and ref not in seen:
                audit.problems.append(
                    f"{tracked.table.name} row {ref} (log entry {seq}) was deleted"
                )
    return audit
