"""Small lineage families (edges from every source kind, merges, cycles, deleted models), shared
by the lineage, trace and API tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import update

from modtrace.registry.register import Edge, Register
from modtrace.registry.tables import models


def write_snapshot(folder: Path, added: Sequence[str], deleted: Sequence[str] = ()) -> Path:
    """A one-week Hub lineage snapshot (``added/`` and ``deleted/`` CSV files) in ``folder``:
    each row is ``Model ID,Type,Base Model``."""
    for kind, rows in (("added", added), ("deleted", deleted)):
        (folder / kind).mkdir(parents=True, exist_ok=True)
        text = "\n".join(["Model ID,Type,Base Model", *rows]) + "\n"
        (folder / kind / f"{kind}_model_0319.csv").write_text(text, encoding="utf-8")
    return folder


def source_family(register: Register) -> None:
    """org/base with a fine-tune (Hub lineage), a quantization (hub-stats), an adapter of the
    fine-tune (a model card) and a fine-tune that the Hub later deleted (d/gone)."""
    for m in ["org/base", "a/ft", "b/q", "c/lora", "d/gone"]:
        register.upsert_model(m)
    register.add_edges(
        [
            Edge("org/base", "a/ft", "finetune", source="hf-lineage:added_model_0319.csv"),
            Edge("org/base", "b/q", "quantized", source="hub-stats:hub_stats_frozen.parquet"),
            Edge("a/ft", "c/lora", "adapter", source="model-card:x/README.md"),
            Edge("org/base", "d/gone", "finetune", source="hf-lineage:added_model_0326.csv"),
        ]
    )


def mark_deleted(register: Register, model_id: str, when: dt.date) -> None:
    """Record ``model_id`` as deleted from the Hub on ``when`` (as the deletion lists do)."""
    with register.engine.begin() as c:
        c.execute(
            update(models)
            .where(models.c.id == model_id)
            .values(deleted_at=when, deleted_source="hf-lineage:deleted_model_0402.csv")
        )


def deleted_source_family(register: Register) -> None:
    """:func:`source_family`, with d/gone deleted from the Hub on 2 April 2025."""
    source_family(register)
    mark_deleted(register, "d/gone", dt.date(2025, 4, 2))


def merge_family(register: Register) -> None:
    """A fine-tune merged with another base, its quantization, and an adapter of the merge that
    the register knows only by reference (x/merged-lora: dangling, external)."""
    for model_id in ["meta/base", "lab/ft", "q/ft-gguf", "m/merged", "other/model"]:
        register.upsert_model(model_id)
    register.add_edges(
        [
            Edge("meta/base", "lab/ft", "finetune"),
            Edge("lab/ft", "q/ft-gguf", "quantized"),
            Edge("lab/ft", "m/merged", "merge"),
            Edge("other/model", "m/merged", "merge"),
            Edge("m/merged", "x/merged-lora", "adapter", source="model-card:m/merged/README.md"),
            Edge("meta/base", "m/merged", "finetune", status="inferred", source="hub-stats:x"),
        ]
    )


def cycle_family(register: Register) -> None:
    """Three models in a loop (bad data the walks must report, not loop on), one deleted."""
    for model_id in ["a/x", "b/y", "c/z"]:
        register.upsert_model(model_id)
    register.add_edges(
        [
            Edge("a/x", "b/y", "finetune"),
            Edge("b/y", "c/z", "finetune", source="hf-lineage:added_model_0319.csv"),
            Edge("c/z", "a/x", "merge"),
            Edge("b/y", "a/x", "adapter", source="filing:3"),
        ]
    )
    mark_deleted(register, "c/z", dt.date(2025, 3, 5))


WORLDS: dict[str, Callable[[Register], None]] = {
    "sources": deleted_source_family,
    "merge": merge_family,
    "cycle": cycle_family,
}
"""Every lineage world, by name: the families the trace parity tests walk."""
