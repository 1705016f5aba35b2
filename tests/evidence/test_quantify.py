"""Correcting rates for a labeller's measured error: properties of the estimators and the test."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modtrace.evidence.quantify import (
    Measured,
    RateError,
    correct_rate,
    corrected_paired,
    random_effects,
    tipping_bias,
)

cells = st.tuples(*(st.integers(0, 60),) * 4).filter(lambda c: sum(c) > 0)
errors = st.builds(RateError, st.floats(-0.1, 0.1), st.floats(0, 0.01))


@given(cells, errors, errors)
def test_interval_brackets_the_corrected_difference(
    counts: tuple[int, int, int, int], a: RateError, b: RateError
) -> None:
    r = corrected_paired(counts, a, b)
    assert r.ci_low <= r.difference <= r.ci_high
    assert 0 <= r.p_value <= 1
    assert 0 <= r.original_rate <= 1
    assert 0 <= r.modified_rate <= 1


@given(cells, st.floats(0, 0.01), st.floats(0.0001, 0.02))
def test_more_labeller_uncertainty_never_makes_a_change_more_significant(
    counts: tuple[int, int, int, int], variance: float, extra: float
) -> None:
    tight = corrected_paired(counts, RateError(0, variance), RateError(0, variance))
    loose = corrected_paired(counts, RateError(0, variance + extra), RateError(0, variance + extra))
    assert loose.p_value >= tight.p_value
    assert loose.labeller_sd > tight.labeller_sd


def test_a_shared_bias_cancels_and_a_run_specific_one_is_removed() -> None:
    counts = (10, 5, 35, 150)  # labelled: 7.5% -> 22.5%
    same = corrected_paired(counts, RateError(0.05, 0), RateError(0.05, 0))
    plain = corrected_paired(counts, RateError(0, 0), RateError(0, 0))
    assert same.difference == pytest.approx(plain.difference)
    inflated = corrected_paired(counts, RateError(0.0, 0), RateError(0.12, 0))
    assert inflated.difference == pytest.approx(plain.difference - 0.12)


def test_random_effects_between_group_variance() -> None:
    same = random_effects([(0.02, 0.0001)] * 5)
    assert same.mean == pytest.approx(0.02)
    assert same.variance == pytest.approx(0.0001 / 5)  # no heterogeneity: the mean's only
    spread = random_effects([(-0.05, 0.0001), (0.0, 0.0001), (0.05, 0.0001)])
    assert spread.variance > 0.002  # the groups differ far more than their sampling error


def test_human_labels_on_the_run_narrow_its_error() -> None:
    m = Measured("toy", {"a": (40, 2, 10, 148), "b": (30, 10, 2, 158), "c": (50, 5, 5, 140)})
    prior = m.prior()
    own = m.for_run([(True, True)] * 30 + [(False, False)] * 60 + [(False, True)] * 10)
    assert own.variance < prior.variance
    assert own.mean > prior.mean  # this run's labels run high: 10 false positives in 100


def test_rogan_gladen_and_tipping_point() -> None:
    assert correct_rate(0.5, 0.9, 0.1) == pytest.approx(0.5)
    assert correct_rate(0.05, 0.9, 0.1) == 0.0
    with pytest.raises(ValueError, match="chance"):
        correct_rate(0.5, 0.4, 0.6)
    r = corrected_paired((10, 5, 35, 150), RateError(0, 0.0004), RateError(0, 0.0004))
    tip = tipping_bias(r, 0.05, 0.05)
    assert 0 < tip < abs(r.difference)
