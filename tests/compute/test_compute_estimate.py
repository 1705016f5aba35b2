"""Compute estimates: each method, its range, the order of preference, and both backends agree."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings

from modtrace.compute import MODIFICATION, ORIGINAL, estimate_all
from modtrace.compute.conventions import MAX_FLOP_PER_USD, MIN_ACTIVE_SHARE
from modtrace.compute.frame import with_compute_estimates
from modtrace.determination.batch import conform, facts_frame
from strategies import flat_case, rows


def row(**values: Any) -> dict[str, Any]:
    return flat_case(**values)


N, D = 7e9, 1e9


def mod(**values: Any) -> dict[str, Any]:
    return estimate_all(row(**values))[MODIFICATION].as_dict()


def test_measured_value_wins_over_every_method() -> None:
    est = mod(
        modification__compute_flop=1e20,
        original__parameters=N,
        modification__training__tokens=D,
        modification__training__epochs=1,
        modification__training__method="full",
    )
    assert (est["method"], est["flop"], est["low"], est["high"]) == ("measured", 1e20, 1e20, 1e20)


def test_full_fine_tuning_is_six_n_d_per_epoch_with_recompute_ceiling() -> None:
    est = mod(
        original__parameters=N,
        modification__training__tokens=D,
        modification__training__epochs=2,
        modification__training__method="full",
    )
    assert est["method"] == "architecture"
    assert est["flop"] == pytest.approx(6 * N * D * 2)
    assert est["high"] == pytest.approx(8 * N * D * 2)


@pytest.mark.parametrize("method", ["lora", "qlora"])
def test_adapters_cost_four_n_d(method: str) -> None:
    est = mod(
        original__parameters_active=N,
        modification__training__tokens=D,
        modification__training__epochs=1,
        modification__training__method=method,
    )
    assert est["flop"] == pytest.approx(4 * N * D)
    assert (est["low"], est["high"]) == (pytest.approx(4 * N * D), pytest.approx(6 * N * D))


def test_data_tokens_stand_in_for_training_tokens() -> None:
    est = mod(
        original__parameters=N,
        modification__data__tokens=D,
        modification__training__epochs=1,
        modification__training__method="full",
    )
    assert est["flop"] == pytest.approx(6 * N * D)


@pytest.mark.parametrize(
    "techniques", [["merge"], ["quantization", "prompting"], ["abliteration"], []]
)
def test_techniques_that_train_nothing_cost_nothing(techniques: list[str]) -> None:
    est = mod(modification__techniques=techniques)
    assert (est["method"], est["flop"], est["high"]) == ("no-training", 0.0, 0.0)


def test_training_technique_alongside_merge_is_not_free() -> None:
    assert mod(modification__techniques=["merge", "fine-tuning"])["method"] is None


def test_hardware_method() -> None:
    est = mod(
        modification__hardware__accelerator_hours=500,
        modification__hardware__peak_flop_per_s=9.89e14,
        modification__hardware__utilization=0.4,
    )
    assert est["flop"] == pytest.approx(500 * 3600 * 9.89e14 * 0.4)


def test_hardware_without_utilization_is_only_an_upper_bound() -> None:
    est = mod(
        modification__hardware__accelerator_hours=10, modification__hardware__peak_flop_per_s=1e15
    )
    assert est["flop"] is None
    assert est["high"] == pytest.approx(10 * 3600 * 1e15)


def test_bounds_from_several_methods_intersect() -> None:
    est = mod(
        modification__hardware__accelerator_hours=10,
        modification__hardware__peak_flop_per_s=1e15,
        modification__cost_usd=0.1,
    )
    assert (est["method"], est["high"]) == ("bounds", pytest.approx(0.1 * MAX_FLOP_PER_USD))


def test_unknown_method_gives_bounds_not_a_guess() -> None:
    est = mod(
        original__parameters_active=N,
        modification__training__tokens=D,
        modification__training__epochs=1,
    )
    assert est["flop"] is None
    assert (est["low"], est["high"]) == (pytest.approx(4 * N * D), pytest.approx(8 * N * D))


def test_nothing_known_is_unknown() -> None:
    est = mod()
    assert est["flop"] is None
    assert est["low"] == 0
    assert est["high"] is None


def test_original_estimated_from_parameters_and_tokens() -> None:
    est = estimate_all(row(original__parameters=405e9, original__training_tokens=15.6e12))[ORIGINAL]
    assert est.flop == pytest.approx(6 * 405e9 * 15.6e12)
    assert est.method == "architecture"


def _frame_estimates(r: dict[str, Any]) -> dict[str, Any]:
    out = with_compute_estimates(conform(facts_frame([r]))).collect()
    return out.row(0, named=True)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12) or (math.isinf(a) and math.isinf(b))


@settings(max_examples=300, deadline=None)
@given(r=rows())
def test_scalar_and_columnar_estimates_agree(r: dict[str, Any]) -> None:
    scalar = estimate_all(r)
    frame = _frame_estimates(r)
    for q, est in scalar.items():
        assert frame[f"{q}.method"] == est.method, q
        assert _same(frame[f"{q}.flop"], est.flop), q
        assert _same(frame[f"{q}.low"], est.low), q
        assert _same(frame[f"{q}.high"], est.high), q


def test_columnar_estimates_over_many_rows() -> None:
    frame = facts_frame([row(modification__compute_flop=float(i)) for i in range(1, 101)])
    out = with_compute_estimates(conform(frame)).collect()
    assert out[f"{MODIFICATION}.flop"].to_list() == [float(i) for i in range(1, 101)]
    assert out.schema[f"{MODIFICATION}.method"] == pl.String


# ---- mixture of experts, distillation, training facts (docs/compute.md) -------------------


def test_active_parameters_drive_six_n_d() -> None:
    est = mod(
        original__parameters=671e9,
        original__parameters_active=37e9,
        modification__training__tokens=D,
        modification__training__epochs=1,
        modification__training__method="full",
    )
    assert est["flop"] == pytest.approx(6 * 37e9 * D)
    assert est["low"] == pytest.approx(6 * 37e9 * D)


def test_only_a_total_widens_the_low_end() -> None:
    """Without active parameters the model may be a mixture of experts."""
    est = mod(
        original__parameters=N,
        modification__training__tokens=D,
        modification__training__epochs=1,
        modification__training__method="full",
    )
    assert est["flop"] == pytest.approx(6 * N * D)
    assert est["low"] == pytest.approx(6 * N * D * MIN_ACTIVE_SHARE)
    assert est["high"] == pytest.approx(8 * N * D)
    original = estimate_all(row(original__parameters=N, original__training_tokens=D))[ORIGINAL]
    assert original.low == pytest.approx(6 * N * D * MIN_ACTIVE_SHARE)


def test_distillation_uses_the_students_size() -> None:
    est = mod(
        modification__techniques=["distillation"],
        original__parameters_active=405e9,
        modification__training__parameters=8e9,
        modification__training__tokens=D,
        modification__training__epochs=1,
        modification__training__method="full",
    )
    assert est["flop"] == pytest.approx(6 * 8e9 * D)


def test_distillation_without_the_students_size_is_unknown() -> None:
    est = mod(
        modification__techniques=["distillation"],
        original__parameters_active=405e9,
        modification__training__tokens=D,
        modification__training__epochs=1,
        modification__training__method="full",
    )
    assert (est["flop"], est["method"]) == (None, None)


def test_quantization_aware_training_with_tokens_is_not_free() -> None:
    est = mod(
        modification__techniques=["quantization"],
        original__parameters_active=N,
        modification__training__tokens=D,
        modification__training__epochs=1,
        modification__training__method="full",
    )
    assert est["method"] == "architecture"
    assert est["flop"] == pytest.approx(6 * N * D)


def test_cost_bound_covers_low_precision_operations() -> None:
    """SB 53 §22757.11(i)(1) counts integer operations: a BF16-only bound would be too low."""
    h100_bf16_at_70_cents = 989.5e12 * 3600 / 0.70
    assert 8 * h100_bf16_at_70_cents <= MAX_FLOP_PER_USD
