"""One plan for many values of a parameter (``assess_points``) answers every row as the plan for
each value alone does, near ties included; ``keep`` changes which columns come out, not the
answers."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fact_frames import FRAMES, frame_of
from modtrace.determination.batch import POINT, assess_lazy, assess_points
from modtrace.regimes.columnar import step_column
from modtrace.regimes.loader import default_catalog, with_overrides

CATALOG = default_catalog()
SWEPT = {
    "govai-2025": ("upstream_threshold_flop", [1e24, 1e25, 1e25 * (1 - 1e-12), 1e26]),
    "eu-ai-act-gpai": ("systemic_threshold_flop", [1e23, 1e25, 3e25]),
    "ca-sb53": ("frontier_threshold_ops", [1e25, 1e26]),
    "ca-sb1047-2024": ("covered_compute_ops", [1e26, 1e26 * (1 + 1e-12)]),
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRAMES, st.sampled_from(sorted(SWEPT)))
def test_each_point_answers_as_its_own_plan(frame: pl.DataFrame, regime_id: str) -> None:
    regime = CATALOG.get(regime_id)
    parameter, values = SWEPT[regime_id]
    variants = [with_overrides(regime, {parameter: str(v)}) for v in values]
    names = [step_column(s.id) for s in regime.steps] + ["outcome", "role"]
    together = assess_points(frame, variants, parameter).collect()
    narrow = assess_points(frame, variants, parameter, keep=[]).collect()
    for i, variant in enumerate(variants):
        alone = assess_lazy(frame, variant).collect().select(names)
        mine = together.filter(pl.col(POINT) == i).select(names)
        assert mine.to_dict(as_series=False) == alone.to_dict(as_series=False)
        assert narrow.filter(pl.col(POINT) == i).select(names).equals(mine)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRAMES, st.sampled_from(sorted(SWEPT)))
def test_keep_changes_the_columns_not_the_answers(frame: pl.DataFrame, regime_id: str) -> None:
    regime = CATALOG.get(regime_id)
    names = [step_column(s.id) for s in regime.steps] + ["outcome", "role"]
    full = assess_lazy(frame, regime).collect()
    kept = assess_lazy(frame, regime, keep=["modification.release"]).collect()
    assert kept.columns[-len(names) :] == names
    assert "modification.release" in kept.columns
    assert "modifier.name" not in kept.columns  # an unknown fact no step reads stays out
    assert kept.select(names).equals(full.select(names))


def test_variants_must_differ_in_the_swept_parameter_alone() -> None:
    govai = CATALOG.get("govai-2025")
    both = [
        with_overrides(govai, {"upstream_threshold_flop": "1e25"}),
        with_overrides(
            govai, {"upstream_threshold_flop": "1e26", "substantial_compute_fraction": "0.5"}
        ),
    ]
    frame = frame_of([])
    with pytest.raises(ValueError, match="differ in more than"):
        assess_points(frame, both, "upstream_threshold_flop")
    with pytest.raises(ValueError, match="no variant"):
        assess_points(frame, [], "upstream_threshold_flop")
