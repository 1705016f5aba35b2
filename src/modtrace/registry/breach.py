"""The breach register (paper fn 70): which confirmed findings may put a party on it.

The register is shared by every provider's gate, so what enters it must not be any one caller's
say-so. A denied gate check is a provider's own decision, not a finding: two of them naming a
requester once put that requester on every gate's deny list (issue 11, finding 2). An entry now
needs a *basis*, a record already in the register that a named person confirmed, and it must
concern the party entered:

- ``kyc-judgement``: a reviewer's verdict ``confirmed`` on a screening match of that requester;
- ``gate-decision``: a ``deny`` decision on that requester, which the recorder reviewed;
- ``incident``: an incident naming the party as alleged developer or deployer, or implicating a
  model the party registered a modification of;
- ``evidence``: evidence recorded with a modification the party made.

Each entry says who recorded it and why (``recorded_by``, ``reason``); its log entry says when.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table, select

from modtrace.errors import RegisterError
from modtrace.names import fold
from modtrace.registry.tables import (
    evidence_records,
    gate_decisions,
    incidents,
    kyc_judgements,
    modifications,
)


def _one(c: Connection, table: Table, row_id: int) -> dict[str, Any] | None:
    row = c.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return dict(row) if row else None


def _kyc(c: Connection, row: dict[str, Any], party: str) -> str | None:
    if row["verdict"] != "confirmed":
        return f"judgement {row['id']} is {row['verdict']!r}, not confirmed"
    return None if row["requester"] == party else f"judgement {row['id']} is about another party"


def _gate(c: Connection, row: dict[str, Any], party: str) -> str | None:
    if row["decision"] != "deny":
        return f"gate decision {row['id']} was {row['decision']!r}, not a denial"
    return None if fold(row["requester"]) == party else f"gate decision {row['id']} is not theirs"


def _incident(c: Connection, row: dict[str, Any], party: str) -> str | None:
    named = {fold(row.get("alleged_developer") or ""), fold(row.get("alleged_deployer") or "")}
    modifiers = {
        fold(m)
        for m in c.execute(
            select(modifications.c.modifier).where(
                modifications.c.model_id.in_([str(i) for i in row["model_ids"]])
            )
        ).scalars()
    }
    if party in named | modifiers:
        return None
    return f"incident {row['id']} neither names the party nor implicates a model it registered"


def _evidence(c: Connection, row: dict[str, Any], party: str) -> str | None:
    modifier = c.execute(
        select(modifications.c.modifier).where(modifications.c.id == row["modification_id"])
    ).scalar_one()
    return None if fold(modifier) == party else f"evidence {row['id']} is about another party"


BASES: dict[str, tuple[Table, Callable[[Connection, dict[str, Any], str], str | None]]] = {
    "kyc-judgement": (kyc_judgements, _kyc),
    "gate-decision": (gate_decisions, _gate),
    "incident": (incidents, _incident),
    "evidence": (evidence_records, _evidence),
}
"""Each kind of confirmed finding, its table, and the check that it concerns the party."""


def check_basis(c: Connection, party: str, basis: str, basis_id: int) -> None:
    """Refuse an entry whose basis is unknown, missing, unconfirmed or about someone else."""
    if basis not in BASES:
        raise RegisterError([("basis", f"one of {', '.join(BASES)}")])
    table, concerns = BASES[basis]
    row = _one(c, table, basis_id)
    if row is None:
        raise RegisterError([("basis_id", f"no {basis} with id {basis_id}")])
    if problem := concerns(c, row, fold(party)):
        raise RegisterError([("basis_id", problem)])
