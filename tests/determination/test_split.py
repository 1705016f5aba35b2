"""The split evaluation of a sweep (what does not read the parameter once per frame) gives each
value the outcomes of its own full plan, near ties and exact ties included."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fact_frames import FRAMES, QUANTITIES, frame_of
from modtrace.compute.frame import with_compute_estimates
from modtrace.determination.batch import assess_lazy, conform
from modtrace.determination.split import outcomes_at
from modtrace.regimes.columnar import compile_bool, compile_num, number_columns, shared_numbers
from modtrace.regimes.expr import (
    Mul,
    NumParam,
    StepRef,
    Sum,
    referenced_params,
    step_refs,
    walk,
)
from modtrace.regimes.loader import default_catalog, with_overrides

CATALOG = default_catalog()
SWEPT = {
    "govai-2025": ("upstream_threshold_flop", [1e24, 1e25, 1e26]),
    "eu-ai-act-gpai": ("systemic_threshold_flop", [1e23, 1e25, 3e25]),
    "ca-sb53": ("frontier_threshold_ops", [1e25, 1e26]),
    "ca-sb1047-2024": ("covered_compute_ops", [1e26]),
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRAMES, st.sampled_from(sorted(SWEPT)), st.data())
def test_outcomes_at_each_value_are_the_full_plans(
    frame: pl.DataFrame, regime_id: str, data: st.DataObject
) -> None:
    """The split evaluation (what does not read the parameter once) gives each variant the
    outcomes of its own full plan, at values drawn from the frame's own compute (exact ties)
    and just beside them (near ties)."""
    regime = CATALOG.get(regime_id)
    parameter, values = SWEPT[regime_id]
    drawn = [
        v for q in QUANTITIES for v in frame[f"{q}.flop"].drop_nulls().to_list() if 0 < v < math.inf
    ]
    chosen = data.draw(st.lists(st.sampled_from(values + drawn), min_size=1, max_size=4))
    chosen += [v * (1 + 1e-12) for v in chosen[:1]]
    variants = [with_overrides(regime, {parameter: str(v)}) for v in chosen]
    split = outcomes_at(frame, variants, parameter)
    assert len(split) == len(variants)
    for variant, outcome in zip(variants, split, strict=True):
        alone = assess_lazy(frame, variant, keep=[]).collect()["outcome"]
        assert outcome.to_list() == alone.to_list()


def test_outcomes_at_checks_its_variants() -> None:
    govai = CATALOG.get("govai-2025")
    with pytest.raises(ValueError, match="no variant"):
        outcomes_at(frame_of([]), [], "upstream_threshold_flop")
    both = [
        with_overrides(govai, {"upstream_threshold_flop": "1e25"}),
        with_overrides(govai, {"substantial_compute_fraction": "0.5"}),
    ]
    with pytest.raises(ValueError, match="differ in more than"):
        outcomes_at(frame_of([]), both, "upstream_threshold_flop")


@pytest.mark.parametrize("regime_id", sorted(SWEPT))
def test_shared_numbers_read_no_parameter_or_step(regime_id: str) -> None:
    """What a plan computes once for every variant reads nothing a variant changes."""
    regime = CATALOG.get(regime_id)
    trees = [t for s in regime.steps for t in (s.when, *(e.when for e in s.exceptions))]
    found = shared_numbers([*trees, regime.scope])
    for node in found:
        assert isinstance(node, Sum | Mul)
        assert not any(isinstance(n, NumParam | StepRef) for n in walk(node))


def test_shared_numbers_hold_the_modification_compute_sum() -> None:
    """govai-2025 compares upstream and prior compute, summed, with a fraction of the
    threshold: the sum is shared, the product with the threshold is not."""
    govai = CATALOG.get("govai-2025")
    found = shared_numbers([s.when for s in govai.steps])
    assert any(isinstance(n, Sum) for n in found)
    assert not any(isinstance(n, Mul) and referenced_params(n) for n in found)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRAMES, st.sampled_from(sorted(SWEPT)))
def test_numbers_read_from_columns_compile_alike(frame: pl.DataFrame, regime_id: str) -> None:
    """A tree compiled to read its shared sums and products from columns computed first gives
    the same values, null for null, as the tree compiled whole."""
    regime = CATALOG.get(regime_id)
    params = regime.param_values()
    trees = [t for s in regime.steps for t in (s.when, *(e.when for e in s.exceptions))]
    trees = [t for t in trees if not step_refs(t)]  # those that read no step column
    numbers = {n: f"n.{i}" for i, n in enumerate(shared_numbers(trees))}
    lazy = with_compute_estimates(conform(frame))
    first = lazy.with_columns(
        e.alias(c)
        for n, p in numbers.items()
        for e, c in zip(compile_num(n, params), number_columns(p), strict=True)
    )
    for i, tree in enumerate(trees):
        whole = lazy.select(compile_bool(tree, params).alias("v")).collect()["v"]
        read = first.select(compile_bool(tree, params, None, numbers).alias("v")).collect()["v"]
        assert whole.to_list() == read.to_list(), i
