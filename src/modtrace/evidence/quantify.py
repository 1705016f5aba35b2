"""Rates corrected for the labeller's measured error, with that error carried into the test.

A labeller that calls a completion *compliant* with probability ``tpr`` when it is and ``fpr``
when it is not reports, in expectation, ``q = fpr + p (tpr - fpr)`` for a true rate ``p``. The
correction inverts this: ``p = (q - fpr) / (tpr - fpr)`` (Rogan and Gladen 1978, "Estimating
prevalence from the results of a screening test", Am. J. Epidemiol. 107(1); the same estimator is
Forman 2008's *adjusted classify and count*, "Quantifying counts and costs via classification",
Data Min. Knowl. Discov. 17(2), §3).

The error rates differ from one model to the next (a labeller that reads one model's moralising
non-answers as compliance inflates that model alone), so they are not known for a model the
labeller has not seen. They are measured leave-one-model-out; each run's error rates are taken as
a draw around the pooled rates with the measured between-model variance (a random-effects model,
moments as in DerSimonian and Laird 1986), narrowed by any human labels the run carries. The
variance of the corrected difference adds, by the delta method, the sampling variance of the
paired labels and each run's uncertainty about its error rates. The two runs' error rates are
treated as independent, which can only widen the interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class ErrorRate:
    """A labeller error rate for one run: its estimate and the variance of that estimate."""

    value: float
    variance: float


@dataclass(frozen=True)
class Measured:
    """A labeller's measured confusion per held-out group: ``(tp, fn, fp, tn)``, where positive
    means the labeller's outcome (e.g. full compliance) is truly present."""

    name: str
    groups: Mapping[str, tuple[int, int, int, int]]

    def pooled(self) -> tuple[ErrorRate, ErrorRate]:
        """``tpr`` and ``fpr`` for a run of an unseen model: pooled estimate, with the
        between-group variance added to the estimate's own."""
        return _random_effects([(tp, tp + fn) for tp, fn, _, _ in self.groups.values()]), (
            _random_effects([(fp, fp + tn) for _, _, fp, tn in self.groups.values()])
        )

    def for_run(self, tp: int, fn: int, fp: int, tn: int) -> tuple[ErrorRate, ErrorRate]:
        """Error rates for a run whose rows include human labels with this confusion: the
        pooled rates as a prior, updated by the run's own (precision-weighted)."""
        tpr, fpr = self.pooled()
        return _update(tpr, tp, tp + fn), _update(fpr, fp, fp + tn)

    def spread(self) -> float:
        """Between-group standard deviation of the labeller's error in the observed rate, in
        rate units: what a single unseen model's rate may be off by."""
        tpr, fpr = self.pooled()
        return math.sqrt(max(tpr.variance, fpr.variance))


def _random_effects(counts: Sequence[tuple[int, int]]) -> ErrorRate:
    usable = [(k, n) for k, n in counts if n > 0]
    if not usable:
        return ErrorRate(0.5, 0.25)
    total_k, total_n = sum(k for k, _ in usable), sum(n for _, n in usable)
    pooled = (total_k + 0.5) / (total_n + 1)
    sampling = pooled * (1 - pooled) / total_n
    if len(usable) < 2:
        return ErrorRate(pooled, sampling + pooled * (1 - pooled))
    # DerSimonian-Laird: Cochran's Q of the per-group rates against their weighted mean
    rates = [(k + 0.5) / (n + 1) for k, n in usable]
    weights = [(n + 1) / (r * (1 - r)) for r, (_, n) in zip(rates, usable, strict=True)]
    mean = sum(w * r for w, r in zip(weights, rates, strict=True)) / sum(weights)
    q = sum(w * (r - mean) ** 2 for w, r in zip(weights, rates, strict=True))
    scale = sum(weights) - sum(w * w for w in weights) / sum(weights)
    tau2 = max(0.0, (q - (len(usable) - 1)) / scale)
    return ErrorRate(pooled, tau2 + sampling)


def _update(prior: ErrorRate, k: int, n: int) -> ErrorRate:
    if n == 0:
        return prior
    own = (k + 0.5) / (n + 1)
    own_var = own * (1 - own) / (n + 1)
    weight = (1 / prior.variance) + (1 / own_var)
    return ErrorRate((prior.value / prior.variance + own / own_var) / weight, 1 / weight)


@dataclass(frozen=True)
class Corrected:
    """A paired difference in rates corrected for labeller error."""

    original_rate: float
    modified_rate: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    sd: float
    labeller_sd: float  # the part of ``sd`` that is the labeller's error-rate uncertainty


def correct_rate(observed: float, tpr: ErrorRate, fpr: ErrorRate) -> float:
    """Rogan–Gladen: the true rate that explains an observed labelled rate, clipped to [0, 1]."""
    youden = tpr.value - fpr.value
    if youden <= 0:
        raise ValueError("the labeller does no better than chance; its rates cannot be corrected")
    return min(1.0, max(0.0, (observed - fpr.value) / youden))


def corrected_paired(
    counts: tuple[int, int, int, int],
    original: tuple[ErrorRate, ErrorRate],
    modified: tuple[ErrorRate, ErrorRate],
    confidence: float = 0.95,
) -> Corrected:
    """The corrected paired comparison from the labelled 2x2 table ``(both, only_original,
    only_modified, neither)`` and each run's ``(tpr, fpr)``."""
    both, only_o, only_m, neither = counts
    n = both + only_o + only_m + neither
    if n == 0:
        raise ValueError("no paired observations")
    q_o, q_m = (both + only_o) / n, (both + only_m) / n
    p_o, p_m = correct_rate(q_o, *original), correct_rate(q_m, *modified)
    j_o = original[0].value - original[1].value
    j_m = modified[0].value - modified[1].value
    # sampling: Var(q_m / j_m - q_o / j_o) for paired proportions (add 1/2 to keep it > 0)
    var_o = (q_o * (1 - q_o) + 0.25 / n) / n
    var_m = (q_m * (1 - q_m) + 0.25 / n) / n
    cov = (both / n - q_o * q_m) / n
    sampling = var_m / j_m**2 + var_o / j_o**2 - 2 * cov / (j_o * j_m)
    labeller = sum(
        (p**2 * tpr.variance + (1 - p) ** 2 * fpr.variance) / j**2
        for p, (tpr, fpr), j in ((p_o, original, j_o), (p_m, modified, j_m))
    )
    sd = math.sqrt(max(0.0, sampling) + labeller)
    difference = p_m - p_o
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p_value = 2 * (1 - NormalDist().cdf(abs(difference) / sd)) if sd > 0 else float(difference == 0)
    return Corrected(
        original_rate=p_o,
        modified_rate=p_m,
        difference=difference,
        ci_low=max(-1.0, difference - z * sd),
        ci_high=min(1.0, difference + z * sd),
        p_value=min(1.0, p_value),
        sd=sd,
        labeller_sd=math.sqrt(labeller),
    )


def tipping_bias(result: Corrected, alpha: float, min_change: float) -> float:
    """How far (in rate units) an extra difference between the labeller's errors on the two runs,
    beyond what was measured, would have to move the difference to change the conclusion."""
    z = NormalDist().inv_cdf(1 - alpha / 2)
    threshold = max(min_change, z * result.sd)
    return abs(abs(result.difference) - threshold)
