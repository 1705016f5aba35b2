"""Rates corrected for the labeller's measured error, with that error carried into the test.

Two corrections were measured leave-one-model-out on XSTest (docs/evidence.md):

- *Adjusted classify-and-count*: a labeller that calls the outcome present with probability
  ``tpr`` when it is and ``fpr`` when it is not reports ``q = fpr + p (tpr - fpr)``, so
  ``p = (q - fpr) / (tpr - fpr)`` (Rogan and Gladen 1978, "Estimating prevalence from the results
  of a screening test", Am. J. Epidemiol. 107(1); Forman 2008, "Quantifying counts and costs via
  classification", Data Min. Knowl. Discov. 17(2), §3). It assumes the error rates carry over
  from the models they were measured on. They do not: dividing by ``tpr - fpr`` amplifies each
  model's own departure, and it moved held-out rates up to 16 points *away* from the humans'.
  ``correct_rate`` keeps it for comparison.
- *Bias adjustment with random effects* (used): what a decision reads is the labeller's error in
  the rate, ``q - p``. It is measured per held-out model; for a model it has not seen, the error
  is a draw from their distribution: the mean, with the between-model variance estimated by
  DerSimonian and Laird's moments (1986, "Meta-analysis in clinical trials", Control. Clin.
  Trials 7(3)). The corrected rate is ``q`` minus the expected error; its variance is that
  variance plus the mean's. Where a run carries human labels on some rows, they measure that
  run's own error, combined with the prior by precision (a normal-normal update).

The paired test is a z test of the corrected difference whose variance adds the paired sampling
variance of the labels and both runs' error variances (independent models: a labeller's error
on one model does not cancel its error on another). So a labeller with a measured bias that
varies by model cannot make a change significant that is within the range of its own errors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class RateError:
    """The labeller's error in a run's rate (labelled - true): expected value and variance."""

    mean: float
    variance: float


@dataclass(frozen=True)
class Measured:
    """A labeller's measured confusion per held-out group: ``(tp, fn, fp, tn)``, where positive
    means the outcome (e.g. full compliance) is truly present."""

    name: str
    groups: Mapping[str, tuple[int, int, int, int]]

    def errors(self) -> list[tuple[float, float]]:
        """Per group: the error in the rate, ``(fp - fn) / n``, and its sampling variance."""
        out = []
        for tp, fn, fp, tn in self.groups.values():
            n = tp + fn + fp + tn
            if n:
                d = (fp + fn + 1) / (n + 2)  # discordance, kept above 0
                out.append(((fp - fn) / n, max(d - ((fp - fn) / n) ** 2, d / 4) / n))
        return out

    def prior(self) -> RateError:
        """The error expected on a run of a model the labeller has not seen."""
        return random_effects(self.errors())

    def for_run(self, pairs: Sequence[tuple[bool, bool]]) -> RateError:
        """The error on a run with these ``(human, machine)`` outcomes on its labelled rows: the
        prior, updated by the run's own measured error."""
        prior = self.prior()
        n = len(pairs)
        if n == 0:
            return prior
        fp = sum(1 for h, m in pairs if m and not h)
        fn = sum(1 for h, m in pairs if h and not m)
        own = (fp - fn) / n
        d = (fp + fn + 1) / (n + 2)
        own_var = max(d - own**2, d / 4) / n
        if prior.variance <= 0:
            return prior
        weight = 1 / prior.variance + 1 / own_var
        return RateError((prior.mean / prior.variance + own / own_var) / weight, 1 / weight)

    def spread(self) -> float:
        """Standard deviation of the labeller's error on an unseen model's rate."""
        return math.sqrt(self.prior().variance)


def random_effects(estimates: Sequence[tuple[float, float]]) -> RateError:
    """DerSimonian-Laird: the mean of ``(estimate, variance)`` pairs and the variance of a new
    group's value (between-group variance plus the mean's own)."""
    if not estimates:
        return RateError(0.0, 0.25)
    weights = [1 / max(v, 1e-9) for _, v in estimates]
    total = sum(weights)
    mean = sum(w * e for w, (e, _) in zip(weights, estimates, strict=True)) / total
    if len(estimates) < 2:
        return RateError(mean, 0.25)
    q = sum(w * (e - mean) ** 2 for w, (e, _) in zip(weights, estimates, strict=True))
    tau2 = max(0.0, (q - (len(estimates) - 1)) / (total - sum(w * w for w in weights) / total))
    re_weights = [1 / (v + tau2) for _, v in estimates]
    re_mean = sum(w * e for w, (e, _) in zip(re_weights, estimates, strict=True)) / sum(re_weights)
    return RateError(re_mean, tau2 + 1 / sum(re_weights))


def correct_rate(observed: float, tpr: float, fpr: float) -> float:
    """Rogan-Gladen (adjusted classify-and-count), clipped to [0, 1]; for comparison only."""
    youden = tpr - fpr
    if youden <= 0:
        raise ValueError("the labeller does no better than chance; its rates cannot be corrected")
    return min(1.0, max(0.0, (observed - fpr) / youden))


def pooled_rates(m: Measured) -> tuple[float, float]:
    """Pooled ``tpr`` and ``fpr`` of a measurement."""
    tp, fn, fp, tn = (sum(c[i] for c in m.groups.values()) for i in range(4))
    return (tp + 0.5) / (tp + fn + 1), (fp + 0.5) / (fp + tn + 1)


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
    labeller_sd: float  # the part of ``sd`` that is the labeller's error


def corrected_paired(
    counts: tuple[int, int, int, int],
    original: RateError,
    modified: RateError,
    confidence: float = 0.95,
) -> Corrected:
    """The corrected comparison from the labelled 2x2 table ``(both, only_original,
    only_modified, neither)`` and each run's expected error."""
    both, only_o, only_m, neither = counts
    n = both + only_o + only_m + neither
    if n == 0:
        raise ValueError("no paired observations")
    q_o, q_m = (both + only_o) / n, (both + only_m) / n
    p_o = min(1.0, max(0.0, q_o - original.mean))
    p_m = min(1.0, max(0.0, q_m - modified.mean))
    b, c = only_o + 0.5, only_m + 0.5  # Agresti-Min's 1/2 keeps the variance above 0
    sampling = ((b + c) - (c - b) ** 2 / (n + 2)) / (n + 2) ** 2
    labeller = original.variance + modified.variance
    sd = math.sqrt(max(0.0, sampling) + labeller)
    difference = p_m - p_o
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p_value = 2 * (1 - NormalDist().cdf(abs(difference) / sd)) if sd > 0 else 1.0
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
