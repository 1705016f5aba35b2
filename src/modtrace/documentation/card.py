"""An updated model card: the parent's card plus a section on the modification (Hub format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from huggingface_hub import ModelCard, ModelCardData

from modtrace.compute.estimate import estimate_all
from modtrace.documentation.record import DerivedModel
from modtrace.facts.flatten import facts_to_row

_HUB_RELATIONS = {"finetune", "adapter", "merge", "quantized"}


def _fmt(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.3g}"


def _finite(value: float) -> float | None:
    return None if value == float("inf") else value


def modification_section(model: DerivedModel) -> str:
    """Markdown describing the modification, its compute, and what each regime decided."""
    f = model.facts
    m = f.modification
    estimates = estimate_all(facts_to_row(f))
    mod = estimates["modification.compute"]
    techniques = ", ".join(t.value for t in m.techniques) if m.techniques else "not stated"
    lines = [
        "## Modification",
        "",
        "This section was added by modtrace from the register; it documents what changed relative "
        "to the parent model (paper Table 5, documentation).",
        "",
        f"- **Parent model(s):** {', '.join(p['id'] for p in model.parents)}",
        f"- **Modified by:** {f.modifier.name}"
        + (f" ({f.modifier.jurisdiction})" if f.modifier.jurisdiction else ""),
        f"- **Techniques:** {techniques}",
        f"- **Modification compute:** {_fmt(mod.flop)} FLOP ({mod.method or 'no method applies'}"
        + (
            f"; range {_fmt(mod.low)} to {_fmt(mod.high if mod.high != float('inf') else None)}"
            if mod.method
            else ""
        )
        + ")",
        f"- **Training data:** {', '.join(m.data.domains or []) or 'domains not stated'}"
        + (f"; {m.data.examples:,} examples" if m.data.examples else ""),
        f"- **Safeguards:** {m.safeguards.altered.value if m.safeguards.altered else 'not stated'}"
        + (" (significant)" if m.safeguards.significant else ""),
        f"- **Intended use:** {m.intended_use or 'not stated'}",
        f"- **Release:** {m.release.value if m.release else 'not stated'}",
    ]
    if model.filing_status:
        lines.append(f"- **Registration:** {model.filing_status}")
    if model.determinations:
        lines += [
            "",
            "### Regulatory determinations",
            "",
            "| regime | version | as of | outcome | role |",
            "|---|---|---|---|---|",
        ]
        for d in model.determinations:
            lines.append(
                f"| {d['regime_id']} | {d['regime_version']} | {d['at']} | {d['outcome']} "
                f"| {d['role'] or '-'} |"
            )
    return "\n".join(lines) + "\n"


def updated_card(model: DerivedModel, parent_card: Path | None = None) -> str:
    """The derived model's card: front matter for the Hub, the parent's body, the new section."""
    parent_data: dict[str, Any] = {}
    body = ""
    if parent_card is not None:
        parent = ModelCard.load(parent_card, ignore_metadata_errors=True)
        parent_data = parent.data.to_dict()
        body = parent.text.strip()
    elif model.parents:
        stored = model.ancestor_rows.get(model.parents[0]["id"], {})
        parent_data = dict(stored.get("card") or {})
        if stored.get("license") and "license" not in parent_data:
            parent_data["license"] = stored["license"]
    relations = {p["relation"] for p in model.parents}
    extra: dict[str, Any] = {}
    if len(relations) == 1 and (relation := next(iter(relations))) in _HUB_RELATIONS:
        extra["base_model_relation"] = relation
    bases = [p["id"] for p in model.parents]
    data = ModelCardData(
        license=parent_data.get("license"),
        tags=sorted({*(parent_data.get("tags") or []), "modtrace-registered"}),
        datasets=parent_data.get("datasets"),
        pipeline_tag=parent_data.get("pipeline_tag"),
        base_model=bases if len(bases) > 1 else bases[0],
        **extra,
    )
    title = f"# {model.model_id}\n\n"
    inherited = (
        f"{body}\n\n"
        if body
        else (
            f"Derived from {', '.join(p['id'] for p in model.parents)}; see the parent's card for "
            "its training, evaluation and limitations.\n\n"
        )
    )
    return f"---\n{data.to_yaml()}\n---\n\n{title}{inherited}{modification_section(model)}"
