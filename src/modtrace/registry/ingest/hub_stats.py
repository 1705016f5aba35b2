"""Import the hub-stats snapshot (Parquet): parameters from safetensors totals, licences,
pipeline tags, and declared base models with their relation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from modtrace.registry.ingest import bulk
from modtrace.registry.ingest.bulk import EdgeRow, ModelValues
from modtrace.registry.ingest.progress import (
    ImportInputError,
    ImportReport,
    Problem,
    position,
)
from modtrace.registry.register import RELATIONS, Register, provider_of

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


def _values(row: dict[str, Any], model_id: str, source: str) -> ModelValues:
    card = _card(row["cardData"])
    safetensors = row["safetensors"] or {}
    return (
        row["author"] or provider_of(model_id),
        False,
        source,
        float(safetensors["total"]) if safetensors.get("total") else None,
        str(card.get("license"))[:120] if card.get("license") else None,
        row["pipeline_tag"],
        {k: card[k] for k in ("base_model", "license", "tags", "datasets") if k in card},
    )


def _edges(
    row: dict[str, Any], model_id: str, source: str, where: tuple[str, int], report: ImportReport
) -> list[EdgeRow]:
    base = row["baseModels"] or {}
    relation = RELATION_BY_HUB.get(base.get("relation") or "", "other")
    if base.get("relation") and base["relation"] not in RELATION_BY_HUB:
        report.problems.append(
            Problem(*where, f"unknown relation {base['relation']!r}; recorded as 'other'")
        )
    edges: list[EdgeRow] = []
    for parent in base.get("models") or []:
        parent_id = parent.get("id") if isinstance(parent, dict) else None
        if not parent_id:
            report.problems.append(Problem(*where, "base model without an id; skipped"))
        elif parent_id == model_id:
            report.problems.append(
                Problem(*where, f"{model_id} names itself as its base; edge skipped")
            )
        else:
            rel = relation if relation in RELATIONS else "other"
            edges.append((parent_id, model_id, rel, "declared", source))
    return edges


def import_hub_stats(register: Register, parquet: Path) -> ImportReport:
    """Import one hub-stats Parquet file in one transaction (it is small), through the bulk
    writer: a model met again is updated with the newest row's values."""
    source = f"hub-stats:{parquet.name}"
    report = ImportReport()
    with register.engine.connect() as c:
        if position(c, source)[1]:
            report.skipped_sources = 1
            return report
    frame = read_hub_stats(parquet)
    described: dict[str, ModelValues] = {}
    edges: list[EdgeRow] = []
    for line, row in enumerate(frame.iter_rows(named=True), start=1):
        model_id = row["id"]
        described[model_id] = _values(row, model_id, source)  # a repeated id: the last row
        edges += _edges(row, model_id, source, (parquet.name, line), report)
    with bulk.writer(register.engine) as writer, writer.transaction():
        known = writer.known_models(sorted(described))
        writer.update_models([(m, v) for m, v in described.items() if m in known])
        writer.insert_described([(m, v) for m, v in described.items() if m not in known])
        report.models_added = len(described) - len(known)
        parents = sorted({e[0] for e in edges} - described.keys())
        met = writer.known_models(parents)
        writer.insert_models([(m, provider_of(m), True, source) for m in parents if m not in met])
        report.external_models = len(parents) - len(met)
        stored = set(writer.edges_of(sorted({e[1] for e in edges})))
        report.edges_added = writer.add_edges(bulk.new_edges(edges, stored))
        report.rows_read = frame.height
        writer.record(source, frame.height, True)
    return report
