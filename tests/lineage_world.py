"""A small family with edges from every source kind, shared by the lineage and API tests."""

from __future__ import annotations

from modtrace.registry.register import Edge, Register


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
