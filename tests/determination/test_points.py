"""One plan for many values of a parameter (``assess_points``) answers every row as the plan for
each value alone does, near ties included; ``keep`` changes which columns come out, not the
answers."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modtrace.determination.batch import POINT, assess_lazy, assess_points
from modtrace.regimes.columnar import step_column
from modtrace.regimes.loader import default_catalog, with_overrides

CATALOG = default_catalog()
QUANTITIES = ("original.training_compute", "modification.compute")
EDGES = [1e23, 1e25, 1e26]
COMPUTE = [
    None,
    0.0,
    1e24,
    *EDGES,
    *(t * (1 + 1e-12) for t in EDGES),
    *(t * (1 - 1e-12) for t in EDGES),
]

SWEPT = {
    "govai-2025": ("upstream_threshold_flop", [1e24, 1e25, 1e25 * (1 - 1e-12), 1e26]),
    "eu-ai-act-gpai": ("systemic_threshold_flop", [1e23, 1e25, 3e25]),
    "ca-sb53": ("frontier_threshold_ops", [1e25, 1e26]),
    "ca-sb1047-2024": ("covered_compute_ops", [1e26, 1e26 * (1 + 1e-12)]),
}


@st.composite
def row(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {
        "modification.techniques": draw(st.sampled_from([None, ["lora"], ["quantization"], []])),
        "original.modalities": draw(st.sampled_from([None, ["text"], ["image", "text"]])),
        "modification.safeguards.altered": draw(st.sampled_from([None, "intentional"])),
        "modification.safeguards.significant": draw(st.sampled_from([None, True, False])),
        "modifier.acts_on_behalf_of_provider": draw(st.sampled_from([None, True, False])),
        "modification.upstream_warned": draw(st.sampled_from([None, True, False])),
        "modification.release": draw(st.sampled_from([None, "open-weights", "api"])),
    }
    for q in QUANTITIES:
        flop = draw(st.sampled_from(COMPUTE))
        out[f"{q}.flop"] = flop
        out[f"{q}.low"] = draw(st.sampled_from([None, 0.0, flop]))
        out[f"{q}.high"] = draw(st.sampled_from([None, math.inf, flop, 1e27]))
        out[f"{q}.method"] = draw(st.sampled_from([None, "epoch"]))
    return out


def frame_of(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema: dict[str, Any] = {
        "modification.techniques": pl.List(pl.String),
        "original.modalities": pl.List(pl.String),
        "modification.safeguards.altered": pl.String,
        "modification.safeguards.significant": pl.Boolean,
        "modifier.acts_on_behalf_of_provider": pl.Boolean,
        "modification.upstream_warned": pl.Boolean,
        "modification.release": pl.String,
        **{f"{q}.{p}": pl.Float64 for q in QUANTITIES for p in ("flop", "low", "high")},
        **{f"{q}.method": pl.String for q in QUANTITIES},
    }
    return pl.DataFrame(rows, schema=schema)


FRAMES = st.lists(row(), min_size=1, max_size=25).map(frame_of)


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
