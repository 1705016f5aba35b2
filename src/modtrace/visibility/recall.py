"""Recall lists under the same rules as filings: what a model was assessed as comes from its
filings, so a caller sees an outcome only where it may read the filing behind it."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import Connection, select

from modtrace.lineage.recall import RecallList, propagate
from modtrace.registry.tables import determinations, filings, models, modifications
from modtrace.registry.tokens import Principal
from modtrace.visibility.access import can_read_filing


def _visible_outcomes(
    who: Principal, connection: Connection, model_ids: list[str]
) -> dict[str, dict[str, str]]:
    """Latest outcome per regime per model, from the filings this caller may read."""
    out: dict[str, dict[str, str]] = {}
    for i in range(0, len(model_ids), 500):
        rows = connection.execute(
            select(
                filings,
                modifications.c.model_id.label("recalled_model"),
                modifications.c.facts,
                determinations.c.regime_id,
                determinations.c.outcome,
                models.c.provider.label("model_provider"),
            )
            .join(modifications, modifications.c.id == filings.c.modification_id)
            .outerjoin(models, models.c.id == filings.c.model_modified)
            .join(determinations, determinations.c.modification_id == modifications.c.id)
            .where(modifications.c.model_id.in_(model_ids[i : i + 500]))
            .order_by(determinations.c.id)
        ).mappings()
        for row in rows:
            filing = {c.name: row[c.name] for c in filings.c}
            filing["model_provider"] = row["model_provider"]
            if can_read_filing(who, filing, dict(row["facts"] or {})):
                out.setdefault(row["recalled_model"], {})[row["regime_id"]] = row["outcome"]
    return out


def visible_recall(
    who: Principal, connection: Connection, incident_id: int, *, from_root: bool = False
) -> dict[str, Any]:
    """The recall list as ``who`` may see it: regulators everything; others the lineage (public
    Hub data) with assessed outcomes only from filings they may read."""
    result: RecallList = propagate(connection, incident_id, from_root=from_root)
    if who.role != "regulator":
        outcomes = _visible_outcomes(who, connection, [r.model_id for r in result.downstream])
        result.downstream = [
            replace(r, assessed=outcomes.get(r.model_id, {})) for r in result.downstream
        ]
    return asdict(result)
