"""No float rounding decides a boundary in either evaluator (guidelines §3.2; SB 53 §22757.11)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from modtrace.compute.exact import exact
from modtrace.determination import assess_row
from modtrace.determination.batch import assess_frame, facts_frame
from modtrace.regimes.loader import default_catalog, with_overrides
from strategies import BASE_CASE, flat_case

EU = default_catalog().get("eu-ai-act-gpai")
SB53 = default_catalog().get("ca-sb53")


def case(**values: Any) -> dict[str, Any]:
    return flat_case({**BASE_CASE, "original.general_purpose": True}, **values)


def test_numbers_are_the_decimals_people_write() -> None:
    assert exact(1e26) == 10**26
    assert exact(0.1) == Fraction(1, 10)
    assert exact(3) == 3
    with pytest.raises(ValueError, match="finite"):
        exact(float("nan"))


def test_float_arithmetic_would_get_this_third_wrong_and_neither_evaluator_does() -> None:
    """3 × 3.333333333333334e24 is more than 1e25 exactly, though the float product rounds to it."""
    mod, orig = 1e25 / 3, 1e25
    assert not 3 * mod > orig  # the float answer, wrong
    row = case(original__training_compute_flop=orig, modification__compute_flop=mod)
    scalar = assess_row(row, EU)
    assert scalar.outcome == "in-scope"
    batch = assess_frame(facts_frame([row]), EU).row(0, named=True)
    assert batch["outcome"] == "in-scope"
    assert batch["step.significant_modification"] is True


@pytest.mark.parametrize(
    ("orig", "mod", "outcome"),
    [
        (3e24, 1e24, "out-of-scope"),
        (3.3e24, 1.1e24, "out-of-scope"),
        (2.1e24, 7e23, "out-of-scope"),
    ],
)
def test_exactly_one_third_is_not_more_in_both_evaluators(
    orig: float, mod: float, outcome: str
) -> None:
    row = case(original__training_compute_flop=orig, modification__compute_flop=mod)
    assert assess_row(row, EU).outcome == outcome
    assert assess_frame(facts_frame([row]), EU)["outcome"].to_list() == [outcome]


def test_sums_are_exact_too() -> None:
    """0.1e26 + 0.2e26 + 0.7e26 is exactly 10^26: not greater (§22757.11(i)(1))."""
    row = case(
        modification__compute_flop=0.1e26,
        modification__prior_compute_flop=0.2e26,
        modification__planned_compute_flop=None,
        original__training_compute_flop=0.7e26,
    )
    with_upstream = with_overrides(SB53, {"count_upstream_compute": "true"})
    assert assess_row(row, with_upstream).outcome == "out-of-scope"
    assert assess_frame(facts_frame([row]), with_upstream)["outcome"].to_list() == ["out-of-scope"]
