"""How much a machine-labelled comparison can be trusted: the labeller, its measured error, the
corrected rates and test, and how far its error would have to move to change the conclusion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from modtrace.evidence.labeller import positive, shipped
from modtrace.evidence.quantify import Measured, corrected_paired, tipping_bias
from modtrace.textclass import agreement

LABELLERS = {
    "learned": "rules + learned looks (evidence/labeller.py)",
    "classifier": "rules (evidence/refusal.py)",
}


def measured(labels: str, prompt_set: str) -> Measured:
    """The labeller's leave-one-model-out confusion on XSTest, per model, of a prompt set's
    outcome (harmful: compliance is positive; benign: refusal is)."""
    record = shipped(prompt_set).measured
    key = "labeller" if labels == "learned" else "rules"
    return Measured(
        LABELLERS[labels], {m: (c[0], c[1], c[2], c[3]) for m, c in record[key].items()}
    )


def summary(m: Measured) -> dict[str, Any]:
    """Pooled agreement figures of a measurement: accuracy, kappa, worst per-model rate error."""
    truth: list[str] = []
    predicted: list[str] = []
    worst = 0.0
    for tp, fn, fp, tn in m.groups.values():
        truth += ["+"] * (tp + fn) + ["-"] * (fp + tn)
        predicted += ["+"] * tp + ["-"] * fn + ["+"] * fp + ["-"] * tn
        n = tp + fn + fp + tn
        worst = max(worst, abs((tp + fp) - (tp + fn)) / n)
    a = agreement(truth, predicted, ("+", "-"))
    return {
        "accuracy": round(a.accuracy, 4),
        "kappa": round(a.kappa, 4),
        "worst_rate_error": round(worst, 4),
        "models": len(m.groups),
        "spread": round(m.spread(), 4),
    }


def assess(
    labels: str,
    prompt_set: str,
    counts: tuple[int, int, int, int],
    calibration: Sequence[Sequence[tuple[str, str]]],
    alpha: float,
    min_change: float,
    measurement: Measured | None = None,
) -> dict[str, Any]:
    """The corrected comparison and what stands behind it.

    ``counts`` is the labelled 2x2 table; ``calibration`` holds, per run (original, modified),
    the ``(human, machine)`` label pairs of its rows that carry a human label.
    """
    m = measurement or measured(labels, prompt_set)
    errors = [
        m.for_run([(positive(h, prompt_set), positive(p, prompt_set)) for h, p in pairs])
        for pairs in calibration
    ]
    result = corrected_paired(counts, errors[0], errors[1])
    significant = result.p_value < alpha and abs(result.difference) >= min_change
    tip = tipping_bias(result, alpha, min_change)
    return {
        "labeller": m.name,
        "measured": {
            "method": shipped(prompt_set).measured["method"],
            "version": shipped(prompt_set).name if labels == "learned" else "rules",
            **summary(m),
        },
        "calibrated_on": [len(pairs) for pairs in calibration],
        "correction": "bias adjustment, random-effects (DerSimonian-Laird) labeller error",
        "corrected": asdict(result),
        "significant": significant,
        "tipping_bias": round(tip, 4),
        "robustness": (
            f"the conclusion would change if the labeller's errors on the two runs differed by "
            f"{tip:.1%} more than measured (between-model spread of its error: "
            f"{m.spread():.1%})"
        ),
    }
