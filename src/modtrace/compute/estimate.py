"""Estimate training compute for one case: measured value first, then the documented methods.

Each estimate is an interval with an optional central value: ``low`` is always known (0 at
worst, since compute is never negative) and ``high`` is ``inf`` when nothing bounds it. Values
are computed exactly (:mod:`modtrace.compute.exact`); the float fields are for display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from modtrace.compute.conventions import (
    FACTORS_BY_METHOD,
    MAX_FLOP_PER_USD,
    MIN_ACTIVE_SHARE,
    SECONDS_PER_HOUR,
    TRAINING_FACTS,
    TRAINS_NOTHING,
    UNKNOWN_METHOD_FACTORS,
)
from modtrace.compute.exact import Bound, exact

INF = math.inf

MODIFICATION = "modification.compute"
ORIGINAL = "original.training_compute"
DISTILLATION = "distillation"

_ZERO = Fraction(0)


@dataclass(frozen=True)
class Estimate:
    """A compute figure: central value (or ``None``), bounds, the method and its inputs."""

    quantity: str
    flop: float | None
    low: float = 0.0
    high: float = INF
    method: str | None = None
    formula: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    exact_flop: Fraction | None = None
    exact_low: Fraction = _ZERO
    exact_high: Bound = INF

    @property
    def known(self) -> bool:
        """Whether a central value exists."""
        return self.flop is not None

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (``high`` is ``None`` when unbounded)."""
        return {
            "quantity": self.quantity,
            "flop": self.flop,
            "low": self.low,
            "high": None if math.isinf(self.high) else self.high,
            "method": self.method,
            "formula": self.formula,
            "inputs": self.inputs,
        }


def _float(value: Fraction | float) -> float:
    """The nearest float; an exact value beyond the float range is infinite (the loader then
    refuses the facts as overflowing, naming the quantity)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf


def make(
    quantity: str,
    mid: Fraction | None,
    low: Fraction,
    high: Bound,
    method: str | None,
    formula: str,
    inputs: dict[str, Any],
) -> Estimate:
    """An estimate from exact values (floats derived for display)."""
    return Estimate(
        quantity,
        None if mid is None else _float(mid),
        _float(low),
        _float(high),
        method,
        formula,
        inputs,
        mid,
        low,
        high,
    )


def _unknown(quantity: str) -> Estimate:
    return Estimate(quantity, None)


def _measured(quantity: str, path: str, row: dict[str, Any]) -> Estimate | None:
    value = row.get(path)
    if value is None:
        return None
    v = exact(value)
    return make(quantity, v, v, v, "measured", f"{path} as reported", {path: value})


def _parameters(row: dict[str, Any], prefixes: tuple[str, ...]) -> tuple[str, bool] | None:
    """The parameter fact 6·N·D reads, and whether it is only a total (range widens)."""
    for prefix in prefixes:
        if row.get(f"{prefix}parameters_active") is not None:
            return f"{prefix}parameters_active", False
        if row.get(f"{prefix}parameters") is not None:
            return f"{prefix}parameters", True
    return None


def _architecture(
    quantity: str,
    n_path: str,
    total_only: bool,
    d_path: str,
    row: dict[str, Any],
    factors: tuple[float, float | None, float],
    epochs_path: str | None = None,
    method_label: str = "",
) -> Estimate | None:
    n, d = row.get(n_path), row.get(d_path)
    epochs = row.get(epochs_path) if epochs_path else 1.0
    if n is None or d is None or epochs is None:
        return None
    base = exact(n) * exact(d) * exact(epochs)
    k_low, k_mid, k_high = factors
    inputs: dict[str, Any] = {n_path: n, d_path: d}
    if epochs_path:
        inputs[epochs_path] = epochs
    mid = None if k_mid is None else exact(k_mid) * base
    low = exact(k_low) * base * (exact(MIN_ACTIVE_SHARE) if total_only else 1)
    shown = f"{k_mid:g}" if k_mid is not None else f"{k_low:g}..{k_high:g}"
    epochs_text = " · epochs" if epochs_path else ""
    moe = f"; low end: {MIN_ACTIVE_SHARE:g} of N active (MoE)" if total_only else ""
    formula = f"{shown} · N · D{epochs_text}{method_label}{moe}"
    high = exact(k_high) * base
    return make(quantity, mid, low, high, "architecture", formula, inputs)


def _hardware(row: dict[str, Any]) -> Estimate | None:
    hours = row.get("modification.hardware.accelerator_hours")
    peak = row.get("modification.hardware.peak_flop_per_s")
    if hours is None or peak is None:
        return None
    utilization = row.get("modification.hardware.utilization")
    ceiling = exact(hours) * exact(SECONDS_PER_HOUR) * exact(peak)
    inputs: dict[str, Any] = {
        "modification.hardware.accelerator_hours": hours,
        "modification.hardware.peak_flop_per_s": peak,
    }
    if utilization is None:
        return make(
            MODIFICATION,
            None,
            _ZERO,
            ceiling,
            "hardware",
            "hours · 3600 · peak (upper bound: utilization unknown)",
            inputs,
        )
    inputs["modification.hardware.utilization"] = utilization
    value = ceiling * exact(utilization)
    return make(
        MODIFICATION, value, value, value, "hardware", "hours · 3600 · peak · utilization", inputs
    )


def _cost_bound(row: dict[str, Any]) -> Estimate | None:
    cost = row.get("modification.cost_usd")
    if cost is None:
        return None
    return make(
        MODIFICATION,
        None,
        _ZERO,
        exact(cost) * exact(MAX_FLOP_PER_USD),
        "cost",
        f"cost_usd · {MAX_FLOP_PER_USD:g} operations/USD (upper bound, any precision)",
        {"modification.cost_usd": cost},
    )


def _choose(quantity: str, candidates: list[Estimate | None]) -> Estimate:
    """The first candidate with a central value; else the tightest bounds all of them allow."""
    present = [c for c in candidates if c is not None]
    for candidate in present:
        if candidate.known:
            return candidate
    if not present:
        return _unknown(quantity)
    low = max(c.exact_low for c in present)
    high = min(c.exact_high for c in present)
    inputs: dict[str, Any] = {}
    for c in present:
        inputs.update(c.inputs)
    formula = "; ".join(f"{c.method}: {c.formula}" for c in present)
    return make(quantity, None, low, high, "bounds", formula, inputs)


def trains_nothing(row: dict[str, Any]) -> bool:
    """Every technique trains no weights and no training fact says otherwise."""
    techniques = row.get("modification.techniques")
    return (
        techniques is not None
        and all(t in TRAINS_NOTHING for t in techniques)
        and all(row.get(path) is None for path in TRAINING_FACTS)
    )


def trained_parameters(row: dict[str, Any]) -> tuple[str, bool] | None:
    """Which parameter count drives the modification's 6·N·D, or ``None`` when unknown.

    The trained model's own size when stated; in distillation only the student's size will do
    (the teacher's is not the model being trained); otherwise the original's."""
    own = _parameters(row, ("modification.training.",))
    if own is not None:
        return own
    if DISTILLATION in (row.get("modification.techniques") or []):
        return None
    return _parameters(row, ("original.",))


def estimate_modification_compute(row: dict[str, Any]) -> Estimate:
    """Modification compute in FLOP from a flat facts row."""
    measured = _measured(MODIFICATION, "modification.compute_flop", row)
    if measured:
        return measured
    if trains_nothing(row):
        techniques = row.get("modification.techniques") or []
        listed = ", ".join(techniques) or "none"
        return make(
            MODIFICATION,
            _ZERO,
            _ZERO,
            _ZERO,
            "no-training",
            f"techniques train no weights ({listed})",
            {"modification.techniques": techniques},
        )
    method = row.get("modification.training.method")
    factors = (
        FACTORS_BY_METHOD.get(method, UNKNOWN_METHOD_FACTORS) if method else UNKNOWN_METHOD_FACTORS
    )
    tokens_path = (
        "modification.training.tokens"
        if row.get("modification.training.tokens") is not None
        else "modification.data.tokens"
    )
    label = f" ({method})" if method else " (training method unknown)"
    n = trained_parameters(row)
    architecture = (
        None
        if n is None
        else _architecture(
            MODIFICATION,
            n[0],
            n[1],
            tokens_path,
            row,
            factors,
            epochs_path="modification.training.epochs",
            method_label=label,
        )
    )
    if architecture and method:
        architecture.inputs["modification.training.method"] = method
    return _choose(MODIFICATION, [architecture, _hardware(row), _cost_bound(row)])


def estimate_original_compute(row: dict[str, Any]) -> Estimate:
    """The original model's training compute in FLOP from a flat facts row."""
    measured = _measured(ORIGINAL, "original.training_compute_flop", row)
    if measured:
        return measured
    n = _parameters(row, ("original.",))
    architecture = (
        None
        if n is None
        else _architecture(
            ORIGINAL,
            n[0],
            n[1],
            "original.training_tokens",
            row,
            FACTORS_BY_METHOD["full"],
            method_label=" (pre-training)",
        )
    )
    return architecture or _unknown(ORIGINAL)


def estimate_all(row: dict[str, Any]) -> dict[str, Estimate]:
    """Both estimates, keyed by quantity name."""
    return {
        MODIFICATION: estimate_modification_compute(row),
        ORIGINAL: estimate_original_compute(row),
    }


QUANTITY_INPUTS: dict[str, tuple[str, ...]] = {
    MODIFICATION: (
        "modification.compute_flop",
        "modification.techniques",
        "modification.training.method",
        "modification.training.tokens",
        "modification.training.epochs",
        "modification.training.parameters_active",
        "modification.training.parameters",
        "original.parameters_active",
        "original.parameters",
        "modification.hardware.accelerator_hours",
        "modification.hardware.peak_flop_per_s",
        "modification.hardware.utilization",
        "modification.cost_usd",
    ),
    ORIGINAL: (
        "original.training_compute_flop",
        "original.parameters_active",
        "original.parameters",
        "original.training_tokens",
    ),
}
"""The facts that can settle each quantity, in order of preference."""
