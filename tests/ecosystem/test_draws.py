"""The parts of the regimes that no draw changes are computed once, and change no answer: every
draw's plan reading them gives what the plan computing them itself gives."""

from __future__ import annotations

import statistics
import struct
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHARED_DATA
from fact_frames import FRAMES
from modtrace.determination.batch import assess_lazy, assessor
from modtrace.ecosystem import draws
from modtrace.ecosystem.draws import fixed_subtrees, with_fixed
from modtrace.ecosystem.estimate import Fitted, estimate_curve, monte_carlo
from modtrace.ecosystem.folded import QUANTITY_COLUMNS
from modtrace.ecosystem.population import build_population
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY
from modtrace.regimes.expr import BoolParam, HasAny, NumParam, Quantity, StepRef, walk
from modtrace.regimes.loader import default_catalog

REGIMES = default_catalog().in_force()
EPOCH = SHARED_DATA / "epoch"
DRAWN = set(QUANTITY_COLUMNS)


def test_fixed_subtrees_read_nothing_a_draw_or_a_parameter_changes() -> None:
    subtrees = fixed_subtrees(REGIMES, DRAWN)
    assert any(isinstance(s, HasAny) for s in subtrees)  # the techniques a modification used
    for subtree in subtrees:
        assert not any(
            isinstance(n, NumParam | BoolParam | StepRef | Quantity) for n in walk(subtree)
        ), subtree
    assert len(subtrees) == len(set(subtrees))  # a subtree shared by two regimes: once


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRAMES)
def test_plans_reading_the_fixed_columns_answer_as_the_full_plans(frame: pl.DataFrame) -> None:
    with_columns, cached = with_fixed(frame, REGIMES, DRAWN)
    assert cached
    for regime in REGIMES:
        full = assess_lazy(frame, regime, keep=[]).collect()
        split = assessor(regime, [], cached)(with_columns).collect()
        assert split.equals(full), regime.id


@pytest.mark.skipif(not EPOCH.is_dir(), reason="../shared/data/epoch is not beside this checkout")
def test_the_estimate_and_band_are_the_same_without_the_fixed_columns(
    lineage_extract: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    population = build_population(
        lineage_extract, SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet", EPOCH
    )
    fitted = Fitted.from_epoch(EPOCH)
    govai = default_catalog().get("govai-2025")
    values = [1e23, 1e24, 1e25]

    def both() -> tuple[dict[str, dict[str, float]], pl.DataFrame, pl.DataFrame]:
        estimate = monte_carlo(population, REGIMES, fitted, OBSERVABLE_ONLY, draws=3, seed=5)
        band = estimate_curve(
            population, govai, fitted, "upstream_threshold_flop", values, OBSERVABLE_ONLY, 3
        )
        return estimate.expected, estimate.probabilities, band

    fast = both()
    monkeypatch.setattr(draws, "fixed_subtrees", lambda regimes, drawn: [])
    plain = both()
    assert fast[0] == plain[0]
    assert fast[1].equals(plain[1])
    assert fast[2].equals(plain[2])


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=20_000))
def test_normal_scores_are_inv_cdf_bit_for_bit(n: int) -> None:
    inv = statistics.NormalDist().inv_cdf
    expected = [inv((i + 0.5) / n) for i in range(n)]
    got = draws.normal_scores(n).to_list()
    assert [struct.pack("<d", v) for v in got] == [struct.pack("<d", v) for v in expected]


def test_normal_scores_at_hub_size_are_inv_cdf_bit_for_bit() -> None:
    n = 593_635  # the snapshot five times over, as docs/scale.md measures
    inv = statistics.NormalDist().inv_cdf
    expected = np.array([inv((i + 0.5) / n) for i in range(n)], dtype=np.float64)
    got = draws.normal_scores(n).to_numpy()
    assert np.array_equal(got.view(np.int64), expected.view(np.int64))
