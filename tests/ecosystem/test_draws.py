"""The parts of the regimes that no draw changes are computed once, and change no answer: every
draw's plan reading them gives what the plan computing them itself gives."""

from __future__ import annotations

import statistics
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest.mock import MagicMock

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHARED_DATA
from fact_frames import FRAMES
from modtrace.determination.batch import assess_lazy, assessor
from modtrace.ecosystem import draws
from modtrace.ecosystem.draws import DrawStream, fixed_subtrees, with_fixed
from modtrace.ecosystem.estimate import Fitted, estimate_curve, monte_carlo, shared_stream
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


@pytest.fixture
def population(lineage_extract: Path) -> pl.DataFrame:
    """The extract's population, with hub-stats and Epoch beside it."""
    return build_population(
        lineage_extract, SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet", EPOCH
    )


@pytest.mark.skipif(not EPOCH.is_dir(), reason="../shared/data/epoch is not beside this checkout")
def test_the_estimate_and_band_are_the_same_without_the_fixed_columns(
    population: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
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


@pytest.mark.skipif(not EPOCH.is_dir(), reason="../shared/data/epoch is not beside this checkout")
def test_a_shared_stream_read_from_two_threads_gives_each_reader_its_own_streams_figures(
    population: pl.DataFrame,
) -> None:
    fitted = Fitted.from_epoch(EPOCH)
    govai = default_catalog().get("govai-2025")
    values = [1e23, 1e24, 1e25]
    alone_estimate = monte_carlo(population, REGIMES, fitted, OBSERVABLE_ONLY, draws=4, seed=9)
    alone_band = estimate_curve(
        population, govai, fitted, "upstream_threshold_flop", values, OBSERVABLE_ONLY, 3, seed=9
    )
    stream = shared_stream(population, REGIMES, fitted, OBSERVABLE_ONLY, 4, 3, seed=9)
    with ThreadPoolExecutor(max_workers=1) as pool:
        estimate = pool.submit(
            monte_carlo, population, REGIMES, fitted, OBSERVABLE_ONLY, 4, 9, stream
        )
        band = estimate_curve(
            population,
            govai,
            fitted,
            "upstream_threshold_flop",
            values,
            OBSERVABLE_ONLY,
            3,
            stream=stream,
        )
        shared_estimate = estimate.result()
    assert shared_estimate.expected == alone_estimate.expected
    assert shared_estimate.probabilities.equals(alone_estimate.probabilities)
    assert band.equals(alone_band)
    assert not stream._kept  # every shared draw was read by both and let go


def test_a_stream_refuses_a_draw_it_made_for_another_reader_and_did_not_keep() -> None:
    sampler = MagicMock()
    sampler.draw.side_effect = lambda rng: pl.DataFrame({"x": [rng.random()]})
    stream = DrawStream(sampler, seed=1, shared=1, readers=2)
    first = stream.draw(0)
    assert stream.draw(0).equals(first)  # the second reader gets the same draw
    stream.draw(2)  # draws 1 and 2 made for this reader, in order, and not kept
    with pytest.raises(ValueError, match="draw 1"):
        stream.draw(1)
    assert sampler.draw.call_count == 3


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=1, max_value=5_000),
    st.floats(min_value=-3, max_value=30),
    st.floats(min_value=0, max_value=5),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_shuffling_the_powers_of_ten_is_raising_ten_to_the_shuffled_scores(
    n: int, mean: float, sd: float, seed: int
) -> None:
    scores = draws.normal_scores(n)
    before = 10.0 ** (mean + sd * scores.shuffle(seed=seed))  # the draw as it was written
    after = (10.0 ** (mean + sd * scores)).shuffle(seed=seed)  # powers once, shuffled per draw
    assert before.to_numpy().view(np.int64).tolist() == after.to_numpy().view(np.int64).tolist()
