"""Import the hub-stats snapshot (Parquet): parameters from safetensors totals, licences,
pipeline tags, and declared base models with their relation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import insert, select, update

from modtrace.registry.ingest.nodes import add_external
from modtrace.registry.ingest.progress import (
    ImportInputError,
    ImportReport,
    Problem,
    position,
    record,
)
from modtrace.registry.register import RELATIONS, Edge, Register, provider_of
from modtrace.registry.tables import models

RELATION_BY_HUB = {
    "finetune": "finetune",
    "adapter": "adapter",
    "quantized": "quantized",
    "merge": "merge",
}


def _card(text: Any) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


COLUMNS = ("id", "author", "cardData", "safetensors", "baseModels", "pipeline_tag", "library_name")


def read_hub_stats(parquet: Path) -> pl.DataFrame:
    """The columns the import needs; a file that is not such a Parquet file is refused by name."""
    try:
        schema = pl.read_parquet_schema(parquet)
    except (pl.exceptions.PolarsError, OSError) as exc:
        first = (str(exc).splitlines() or [""])[0][:160]
        raise ImportInputError([(str(parquet), f"not a Parquet file ({first})")]) from None
    missing = [c for c in COLUMNS if c not in schema]
    if missing:
        raise ImportInputError(
            [(str(parquet), f"not a hub-stats snapshot: no column {', '.join(missing)}")]
        )
    try:
        return pl.read_parquet(parquet, columns=list(COLUMNS))
    except (pl.exceptions.PolarsError, OSError) as exc:
        first = (str(exc).splitlines() or [""])[0][:160]
        raise ImportInputError([(str(parquet), f"cannot be read: {first}")]) from None


def import_hub_stats(register: Register, parquet: Path) -> ImportReport:
    """Import one hub-stats Parquet file in one transaction (it is small)."""
    source = f"hub-stats:{parquet.name}"
    report = ImportReport()
    with register.engine.connect() as c:
        if position(c, source)[1]:
            report.skipped_sources = 1
            return report
    frame = read_hub_stats(parquet)
    with register.engine.begin() as c:
        edges: list[Edge] = []
        for line, row in enumerate(frame.iter_rows(named=True), start=1):
            model_id = row["id"]
            card = _card(row["cardData"])
            safetensors = row["safetensors"] or {}
            values = {
                "provider": row["author"] or provider_of(model_id),
                "external": False,
                "source": source,
                "parameters": float(safetensors["total"]) if safetensors.get("total") else None,
                "license": str(card.get("license"))[:120] if card.get("license") else None,
                "pipeline_tag": row["pipeline_tag"],
                "card": {
                    k: card[k] for k in ("base_model", "license", "tags", "datasets") if k in card
                },
            }
            if c.execute(select(models.c.id).where(models.c.id == model_id)).first():
                c.execute(update(models).where(models.c.id == model_id).values(**values))
            else:
                c.execute(insert(models).values(id=model_id, **values))
                report.models_added += 1
            base = row["baseModels"] or {}
            relation = RELATION_BY_HUB.get(base.get("relation") or "", "other")
            if base.get("relation") and base["relation"] not in RELATION_BY_HUB:
                report.problems.append(
                    Problem(
                        parquet.name,
                        line,
                        f"unknown relation {base['relation']!r}; recorded as 'other'",
                    )
                )
            for parent in base.get("models") or []:
                parent_id = parent.get("id") if isinstance(parent, dict) else None
                if not parent_id:
                    report.problems.append(
                        Problem(parquet.name, line, "base model without an id; skipped")
                    )
                elif parent_id == model_id:
                    report.problems.append(
                        Problem(
                            parquet.name, line, f"{model_id} names itself as its base; edge skipped"
                        )
                    )
                else:
                    edges.append(
                        Edge(
                            parent_id,
                            model_id,
                            relation if relation in RELATIONS else "other",
                            "declared",
                            source,
                        )
                    )
        report.external_models += add_external(c, (e.parent_id for e in edges), source)
        report.edges_added += register.add_edges(edges, c)
        report.rows_read = frame.height
        record(c, source, frame.height, True)
    return report
