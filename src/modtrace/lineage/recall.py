"""Incident propagation: from an implicated model back to its originals and forward to every
derived model, with each developer and whether it was assessed in scope (Appendix A.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from modtrace.errors import RegisterError
from modtrace.lineage.trace import roots, walk
from modtrace.registry.register import provider_of
from modtrace.registry.tables import determinations, incidents, models, modifications


@dataclass(frozen=True)
class RecallRow:
    """One model on the recall list."""

    model_id: str
    developer: str
    depth: int
    path: str
    assessed: dict[str, str]


@dataclass
class RecallList:
    """What an incident reaches."""

    incident_id: int
    title: str
    implicated: list[str]
    originals: list[dict[str, Any]] = field(default_factory=list)
    downstream: list[RecallRow] = field(default_factory=list)
    cycles: list[tuple[str, str]] = field(default_factory=list)
    unknown_models: list[str] = field(default_factory=list)


def _assessed(connection: Connection, ids: list[str]) -> dict[str, dict[str, str]]:
    """Latest outcome per regime for each model that has a recorded modification."""
    out: dict[str, dict[str, str]] = {}
    for i in range(0, len(ids), 500):
        rows = connection.execute(
            select(
                modifications.c.model_id,
                determinations.c.regime_id,
                determinations.c.outcome,
                determinations.c.id,
            )
            .join(determinations, determinations.c.modification_id == modifications.c.id)
            .where(modifications.c.model_id.in_(ids[i : i + 500]))
            .order_by(determinations.c.id)
        )
        for model_id, regime_id, outcome, _ in rows:
            out.setdefault(model_id, {})[regime_id] = outcome  # later rows win
    return out


def propagate(connection: Connection, incident_id: int, *, from_root: bool = False) -> RecallList:
    """The recall list of an incident."""
    incident = (
        connection.execute(select(incidents).where(incidents.c.id == incident_id))
        .mappings()
        .first()
    )
    if incident is None:
        raise RegisterError([("incident_id", f"no incident with id {incident_id}")])
    implicated = list(incident["model_ids"])
    result = RecallList(incident_id, incident["title"], implicated)
    known = set(
        connection.execute(select(models.c.id).where(models.c.id.in_(implicated))).scalars()
    )
    result.unknown_models = [m for m in implicated if m not in known]
    starts: list[str] = []
    seen_roots: set[str] = set()
    for model_id in implicated:
        tops = roots(connection, model_id)
        for top in tops or []:
            if top.model_id not in seen_roots:
                seen_roots.add(top.model_id)
                result.originals.append(
                    {
                        "model_id": top.model_id,
                        "provider": top.developer or provider_of(top.model_id),
                        "external": top.external,
                        "implicated_via": model_id,
                    }
                )
        if not tops and model_id not in seen_roots:
            seen_roots.add(model_id)
            result.originals.append(
                {
                    "model_id": model_id,
                    "provider": provider_of(model_id),
                    "external": model_id not in known,
                    "implicated_via": model_id,
                }
            )
        starts.extend([t.model_id for t in tops] if (from_root and tops) else [model_id])
    reached: dict[str, RecallRow] = {}
    for start in dict.fromkeys(starts):
        downstream = walk(connection, start, "forward")
        result.cycles.extend(downstream.cycles)
        for r in downstream.reached:
            if r.model_id in reached:
                continue
            path = start + "".join(f" -{rel}-> {m}" for m, rel in r.path)
            reached[r.model_id] = RecallRow(
                r.model_id, r.developer or provider_of(r.model_id), r.depth, path, {}
            )
    assessed = _assessed(connection, list(reached))
    result.downstream = [
        RecallRow(row.model_id, row.developer, row.depth, row.path, assessed.get(row.model_id, {}))
        for row in reached.values()
    ]
    return result
