"""A central estimate beside the bounds: distributions fitted to Epoch AI's table, sampled.

Two quantities are unknown for most Hub derivatives, and each gets a log-normal fitted to the
records that publish it (docs/ecosystem.md):
- **fine-tune tokens**: ``Finetune compute / (6 · Parameters)`` for each of Epoch's fine-tunes;
- **pre-training tokens per parameter** for originals Epoch does not cover:
  ``Training compute / (6 · Parameters²)`` for Epoch's models with both figures (from
  ``PRETRAINING_SINCE`` on, the era of the originals on the Hub).
An original known only by a family range (``family-range``) gets one size per draw, drawn
within the range by the stated prior (:data:`modtrace.ecosystem.assumptions.FAMILY_SIZE_PRIOR`,
log-uniform unless overridden) and shared by all its derivatives.
A seeded Monte Carlo draws both per derivative, runs every regime on each draw with the same
compiled evaluator, and gives each derivative ``p_in_scope.<regime>`` and each regime an
expected count with a 90 % interval (5th to 95th percentile of the draws' totals). A derivative
whose original has no size keeps unknown compute in every draw, so it is never counted.
:func:`leave_one_out` checks the fine-tune distribution against Epoch's published figures.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import polars as pl

from modtrace.determination.batch import assessor
from modtrace.determination.split import outcomes_over
from modtrace.ecosystem import assumptions as a
from modtrace.ecosystem.draws import DrawStream, Sampler
from modtrace.regimes.loader import with_overrides
from modtrace.regimes.model import Regime

__all__ = [
    "CURVE_DRAWS",
    "DRAWS",
    "SEED",
    "Estimate",
    "FineTune",
    "Fitted",
    "LogNormal",
    "epoch_finetunes",
    "estimate_curve",
    "fit",
    "leave_one_out",
    "monte_carlo",
    "pretraining_tokens_per_parameter",
]

DRAWS: Final = 20
CURVE_DRAWS: Final = 6
SEED: Final = 20250319
PRETRAINING_SINCE: Final = "2020-01-01"
Z90: Final = 1.6448536269514722


@dataclass(frozen=True)
class LogNormal:
    """A log10-normal distribution and the records it was fitted to."""

    mean: float
    sd: float
    n: int

    def interval(self, z: float = Z90) -> tuple[float, float]:
        """The central interval holding ``2·Φ(z) − 1`` of the mass (90 % by default)."""
        return 10 ** (self.mean - z * self.sd), 10 ** (self.mean + z * self.sd)


def fit(values: list[float]) -> LogNormal:
    """Fit log10-normal to positive values (sample mean and standard deviation)."""
    logs = [math.log10(v) for v in values if v > 0]
    if len(logs) < 3:
        raise ValueError("at least three positive values are needed to fit a distribution")
    return LogNormal(statistics.fmean(logs), statistics.stdev(logs), len(logs))


@dataclass(frozen=True)
class FineTune:
    """One of Epoch's fine-tunes with published compute and parameters."""

    name: str
    parameters: float
    compute: float

    @property
    def tokens(self) -> float:
        """Tokens implied by the full fine-tune rule (6 FLOP per parameter per token)."""
        return self.compute / (6.0 * self.parameters)


def _notable_models(epoch_dir: Path) -> list[dict[str, str]]:
    """The rows of Epoch's notable-models table (none when it is absent)."""
    path = epoch_dir / "notable_ai_models.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _positive(*texts: str | None) -> tuple[float, ...] | None:
    """The numbers, if every text is one and each is above zero."""
    try:
        values = tuple(float(t or "nan") for t in texts)
    except ValueError:
        return None
    return values if all(v > 0 for v in values) else None


def epoch_finetunes(epoch_dir: Path) -> list[FineTune]:
    """Epoch's fine-tunes with a positive fine-tune compute and a parameter count."""
    out: list[FineTune] = []
    for row in _notable_models(epoch_dir):
        if found := _positive(row.get("Finetune compute (FLOP)"), row.get("Parameters")):
            compute, size = found
            out.append(FineTune(row["Model"], size, compute))
    return out


def pretraining_tokens_per_parameter(epoch_dir: Path) -> list[float]:
    """``C / (6 · N²)`` for Epoch's notable models since ``PRETRAINING_SINCE``."""
    out: list[float] = []
    for row in _notable_models(epoch_dir):
        if (row.get("Publication date") or "") < PRETRAINING_SINCE:
            continue
        if found := _positive(row.get("Training compute (FLOP)"), row.get("Parameters")):
            compute, size = found
            out.append(compute / (6.0 * size * size))
    return out


@dataclass(frozen=True)
class Fitted:
    """The fitted distributions the Monte Carlo samples."""

    finetune_tokens: LogNormal
    tokens_per_parameter: LogNormal
    size_prior: str = a.FAMILY_SIZE_PRIOR
    """How a size is drawn within a family range (one of ``FAMILY_SIZE_PRIORS``)."""

    def __post_init__(self) -> None:
        if self.size_prior not in a.FAMILY_SIZE_PRIORS:
            raise ValueError(
                f"size prior {self.size_prior!r} is not one of {', '.join(a.FAMILY_SIZE_PRIORS)}"
            )

    @classmethod
    def from_epoch(cls, epoch_dir: Path, size_prior: str = a.FAMILY_SIZE_PRIOR) -> Fitted:
        """Fit both distributions to Epoch's table; ``size_prior`` is stated, not fitted."""
        return cls(
            fit([f.tokens for f in epoch_finetunes(epoch_dir)]),
            fit(pretraining_tokens_per_parameter(epoch_dir)),
            size_prior,
        )


def leave_one_out(finetunes: list[FineTune], z: float = Z90) -> tuple[int, int]:
    """How many published fine-tune computes fall inside the 90 % interval fitted to the
    others (6 · N · tokens), and how many were tried."""
    held = 0
    for i, target in enumerate(finetunes):
        others = fit([f.tokens for j, f in enumerate(finetunes) if j != i])
        low, high = others.interval(z)
        held += 6.0 * target.parameters * low <= target.compute <= 6.0 * target.parameters * high
    return held, len(finetunes)


@dataclass
class Estimate:
    """Per-derivative probabilities and per-regime expected counts with 90 % intervals."""

    draws: int
    seed: int
    scenario: dict[str, Any]
    probabilities: pl.DataFrame
    expected: dict[str, dict[str, float]] = field(default_factory=dict)


def monte_carlo(
    population: pl.DataFrame,
    regimes: list[Regime],
    fitted: Fitted,
    assume: Mapping[str, Any] | None = None,
    draws: int = DRAWS,
    seed: int = SEED,
    stream: DrawStream | None = None,
) -> Estimate:
    """Sample ``draws`` populations and count, per derivative and per regime, the in-scope
    draws; ``assume`` is the scenario the regimes run under (printed beside the figures).
    ``stream``: the draws, when shared with another reader (see :func:`shared_stream`)."""
    if stream is None:
        stream = DrawStream(Sampler(population, fitted, regimes, assume), seed)
    sampler = stream.sampler
    hits = {r.id: np.zeros(population.height, dtype=np.int64) for r in regimes}
    totals: dict[str, list[int]] = {r.id: [] for r in regimes}
    plans = [
        (regime, assessor(regime, [], sampler.cached)) for regime in regimes
    ]  # built once, not per draw
    for index in range(draws):
        facts = stream.draw(index)
        for regime, plan in plans:
            outcome = plan(facts).select("outcome").collect()["outcome"]
            caught = (outcome == "in-scope").cast(pl.Int64).to_numpy()
            totals[regime.id].append(int(caught.sum()))
            hits[regime.id] += caught
    probabilities = population.select("derived_model").with_columns(
        (pl.Series(counts, dtype=pl.Int32).cast(pl.Float64) / draws).alias(f"p_in_scope.{rid}")
        for rid, counts in hits.items()
    )
    estimate = Estimate(draws, seed, dict(assume or {}), probabilities)
    for rid, values in totals.items():
        ordered = sorted(values)
        estimate.expected[rid] = {
            "expected": sum(values) / draws,
            "low_90": float(_quantile(ordered, 0.05)),
            "high_90": float(_quantile(ordered, 0.95)),
        }
    return estimate


def _quantile(ordered: list[int], q: float) -> float:
    """The ``q`` quantile of sorted values (linear interpolation between ranks)."""
    pos = q * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def shared_stream(
    population: pl.DataFrame,
    regimes: list[Regime],
    fitted: Fitted,
    assume: Mapping[str, Any] | None = None,
    draws: int = DRAWS,
    curve_draws: int = CURVE_DRAWS,
    seed: int = SEED,
) -> DrawStream:
    """One stream for :func:`monte_carlo` over ``regimes`` and :func:`estimate_curve` of one of
    them, with the same population, distributions, scenario and seed: each would draw the same
    populations from its own stream (the draws do not depend on which regimes read them), so
    the curve reads the estimate's first ``curve_draws`` (the same figures, made once)."""
    sampler = Sampler(population, fitted, regimes, assume)
    return DrawStream(sampler, seed, shared=min(draws, curve_draws), readers=2)


def estimate_curve(
    population: pl.DataFrame,
    regime: Regime,
    fitted: Fitted,
    parameter: str,
    values: list[float],
    assume: Mapping[str, Any] | None = None,
    draws: int = CURVE_DRAWS,
    seed: int = SEED,
    stream: DrawStream | None = None,
) -> pl.DataFrame:
    """Expected in-scope count with its 90 % interval at each value of one parameter (the band
    on threshold charts); each draw is evaluated at every value, what does not read the
    parameter once per draw (:func:`~modtrace.determination.split.outcomes_over`).
    ``stream``: the draws, when shared with another reader (see :func:`shared_stream`)."""
    if stream is None:
        stream = DrawStream(Sampler(population, fitted, [regime], assume), seed)
    sampler = stream.sampler
    variants = [with_overrides(regime, {parameter: str(value)}) for value in values]
    totals: list[list[int]] = [[] for _ in values]
    outcomes = outcomes_over(variants, parameter, sampler.cached)  # built once, not per draw
    for index in range(draws):
        for i, outcome in enumerate(outcomes(stream.draw(index))):
            totals[i].append(int((outcome == "in-scope").sum()))
    return pl.DataFrame(
        {
            parameter: values,
            "expected": [sum(t) / draws for t in totals],
            "low_90": [_quantile(sorted(t), 0.05) for t in totals],
            "high_90": [_quantile(sorted(t), 0.95) for t in totals],
        }
    )
