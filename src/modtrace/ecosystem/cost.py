"""What regulation would cost (the paper's open question (iii), §V): filings and developers per
week under each regime and threshold, and the hours they would take.

Each derivative in scope files one registration; the hours per registration and per risk
demonstration are stated assumptions (``Burden``), overridable from the command line, never
taken from the paper. Weeks whose snapshot is clearly incomplete (fewer than half the median
week's models, such as 25 June 2025) are marked and left out of per-week figures.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from modtrace.ecosystem.folded import Folded
from modtrace.ecosystem.simulate import fold
from modtrace.regimes.loader import with_overrides
from modtrace.regimes.model import Regime

PARTIAL_WEEK_SHARE: Final = 0.5

THRESHOLDS: Final = {
    "govai-2025": "upstream_threshold_flop",
    "eu-ai-act-gpai": "systemic_threshold_flop",
    "ca-sb53": "frontier_threshold_ops",
    "ca-sb1047-2024": "covered_compute_ops",
}
"""The compute threshold each regime's cost is swept over."""


@dataclass(frozen=True)
class Burden:
    """Stated assumptions: hours one registration and one risk demonstration take."""

    hours_per_registration: float = 4.0
    hours_per_risk_demonstration: float = 40.0

    @property
    def hours_per_filing(self) -> float:
        """Hours for one in-scope derivative: it registers and demonstrates its risk."""
        return self.hours_per_registration + self.hours_per_risk_demonstration


def partial_weeks(population: pl.DataFrame) -> list[dt.date]:
    """Weeks with fewer than ``PARTIAL_WEEK_SHARE`` of the median week's derivatives."""
    per_week = population.group_by("week").len()
    median = statistics.median(per_week["len"].to_list()) if per_week.height else 0
    return sorted(per_week.filter(pl.col("len") < PARTIAL_WEEK_SHARE * median)["week"].to_list())


def regulation_cost(
    population: pl.DataFrame,
    regimes: Sequence[Regime],
    exponents: Sequence[float],
    assume: Mapping[str, Any] | None = None,
    burden: Burden = Burden(),
    folded: Folded | None = None,
) -> pl.DataFrame:
    """Per regime and threshold (10^exponent): filings, developers and hours per full week,
    the lower bound (in scope) and the upper bound (in scope + indeterminate).

    ``folded`` is ``population`` already folded under ``assume`` over (at least) the columns
    ``regimes`` read, when at hand: it is then cut to the full weeks rather than folded anew."""
    partial = partial_weeks(population)
    in_full = population.select(~pl.col("week").is_in(partial)).to_series()
    weeks = max(1, population.filter(in_full)["week"].n_unique())
    if folded is None:
        folded = fold(
            population.filter(in_full), [r for r in regimes if r.id in THRESHOLDS], assume
        )
    else:
        folded = folded.subset(in_full)
    rows: list[dict[str, Any]] = []
    for regime in regimes:
        name = THRESHOLDS.get(regime.id)
        if name is None:
            continue
        variants = [with_overrides(regime, {name: str(10.0**e)}) for e in exponents]
        for exponent, c in zip(exponents, folded.sweep(variants, name), strict=True):
            rows.append(
                {
                    "regime": regime.id,
                    "threshold": name,
                    "exponent": exponent,
                    "filings_per_week": c.in_scope / weeks,
                    "filings_per_week_upper": c.upper / weeks,
                    "developers_per_week": c.developers_in_scope / weeks,
                    "developers_per_week_upper": c.developers_upper / weeks,
                    "hours_per_week": c.in_scope / weeks * burden.hours_per_filing,
                    "hours_per_week_upper": c.upper / weeks * burden.hours_per_filing,
                }
            )
    return pl.DataFrame(rows)
