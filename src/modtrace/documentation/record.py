"""What the documentation outputs are built from: a registered modification and its lineage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from modtrace.errors import RegisterError
from modtrace.facts.model import Facts
from modtrace.lineage.trace import Walk, walk
from modtrace.registry.register import Register
from modtrace.registry.tables import determinations, filings, models, modifications


@dataclass(frozen=True)
class DerivedModel:
    """A derived model as the register knows it."""

    model_id: str
    modification_id: int
    facts: Facts
    determinations: list[dict[str, Any]]
    filing_status: str | None
    ancestry: Walk
    parents: list[dict[str, Any]]
    ancestor_rows: dict[str, dict[str, Any]]


def derived_model(register: Register, model_id: str) -> DerivedModel:
    """The latest registered modification that produced ``model_id``, with its ancestry."""
    with register.engine.connect() as c:
        mod = (
            c.execute(
                select(modifications)
                .where(modifications.c.model_id == model_id)
                .order_by(modifications.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        if mod is None:
            raise RegisterError([("model_id", f"no registered modification produced {model_id}")])
        found = (
            c.execute(
                select(determinations)
                .where(determinations.c.modification_id == mod["id"])
                .order_by(determinations.c.id)
            )
            .mappings()
            .all()
        )
        latest: dict[str, dict[str, Any]] = {}
        for d in found:
            latest[d["regime_id"]] = dict(d)
        status = c.execute(
            select(filings.c.status)
            .where(filings.c.modification_id == mod["id"])
            .order_by(filings.c.id.desc())
            .limit(1)
        ).scalar()
        ancestry = walk(c, model_id, "back")
        ids = [r.model_id for r in ancestry.reached]
        facts = Facts.model_validate(mod["facts"])
        if not ids:
            ids = [facts.original.id]
        rows = {
            r["id"]: dict(r)
            for r in c.execute(select(models).where(models.c.id.in_(ids))).mappings()
        }
    parents = [
        {"id": r.model_id, "relation": r.path[-1][1]} for r in ancestry.reached if r.depth == 1
    ]
    if not parents:  # lineage not recorded: the facts still name the original
        parents = [{"id": facts.original.id, "relation": "other"}]
    return DerivedModel(
        model_id, int(mod["id"]), facts, list(latest.values()), status, ancestry, parents, rows
    )
