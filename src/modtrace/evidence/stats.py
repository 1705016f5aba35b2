"""Paired statistics for original-vs-modified comparisons on the same prompts.

Cells of the 2x2 table of a binary outcome (e.g. "complied"): ``both``, ``only_original``,
``only_modified``, ``neither``. The test is McNemar's exact (binomial) test on the discordant
pairs; the interval for the difference in rates is Agresti and Min's (2005) adjusted Wald
interval for paired proportions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class Paired:
    """A paired comparison of one binary outcome."""

    n: int
    original_rate: float
    modified_rate: float
    difference: float
    ci_low: float
    ci_high: float
    only_original: int
    only_modified: int
    p_value: float


def mcnemar_exact(only_original: int, only_modified: int) -> float:
    """Two-sided exact McNemar p-value: binomial test of the discordant pairs at one half."""
    k, n = min(only_original, only_modified), only_original + only_modified
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return float(min(1.0, 2 * tail))


def paired(
    both: int, only_original: int, only_modified: int, neither: int, confidence: float = 0.95
) -> Paired:
    """Rates, their difference (modified − original) with an interval, and the exact test."""
    n = both + only_original + only_modified + neither
    if n == 0:
        raise ValueError("no paired observations")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    b, c, m = only_original + 0.5, only_modified + 0.5, n + 2  # Agresti-Min: add 1/2 to each cell
    diff_adj = (c - b) / m
    se = math.sqrt(max(0.0, (b + c) - (c - b) ** 2 / m)) / m
    return Paired(
        n=n,
        original_rate=(both + only_original) / n,
        modified_rate=(both + only_modified) / n,
        difference=(only_modified - only_original) / n,
        ci_low=max(-1.0, diff_adj - z * se),
        ci_high=min(1.0, diff_adj + z * se),
        only_original=only_original,
        only_modified=only_modified,
        p_value=mcnemar_exact(only_original, only_modified),
    )
