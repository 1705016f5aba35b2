"""The central estimate: fitted distributions, leave-one-out validation, seeded sampling."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHARED_DATA
from modtrace.ecosystem.draws import normal_scores
from modtrace.ecosystem.estimate import (
    FineTune,
    Fitted,
    LogNormal,
    epoch_finetunes,
    fit,
    leave_one_out,
    monte_carlo,
)
from modtrace.ecosystem.population import build_population
from modtrace.ecosystem.report import build_report, summary_text, write_report
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY, counts, run
from modtrace.regimes.loader import default_catalog

EPOCH = SHARED_DATA / "epoch"
needs_epoch = pytest.mark.skipif(not EPOCH.is_dir(), reason="../shared/data/epoch is missing")


@given(st.lists(st.floats(min_value=1e3, max_value=1e15), min_size=3, max_size=30))
def test_fit_recovers_the_log_mean(values: list[float]) -> None:
    got = fit(values)
    assert got.mean == pytest.approx(sum(math.log10(v) for v in values) / len(values))
    low, high = got.interval()
    assert low <= 10**got.mean <= high


def test_fit_refuses_too_few_values() -> None:
    with pytest.raises(ValueError, match="three"):
        fit([1.0, 2.0])


def test_normal_scores_are_symmetric() -> None:
    z = normal_scores(1001)
    assert z.sum() == pytest.approx(0.0, abs=1e-9)
    assert z[500] == pytest.approx(0.0, abs=1e-12)
    values = z.to_list()
    assert max(values) == pytest.approx(-min(values))


def test_leave_one_out_on_a_known_sample() -> None:
    same = [FineTune(f"m{i}", 1e9, 6e9 * 1e9) for i in range(5)]  # identical: sd 0
    held, tried = leave_one_out(same)
    assert (held, tried) == (5, 5)
    outlier = [*same[:4], FineTune("far", 1e9, 6e9 * 1e15)]
    held, _ = leave_one_out(outlier)
    assert held < 5


@needs_epoch
def test_leave_one_out_holds_85_percent_of_epoch_finetunes() -> None:
    finetunes = epoch_finetunes(EPOCH)
    held, tried = leave_one_out(finetunes)
    assert tried >= 40
    assert held / tried >= 0.85, (held, tried)


@needs_epoch
def test_monte_carlo_is_seeded_and_between_the_bounds(lineage_extract: Path) -> None:
    population = build_population(
        lineage_extract, SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet", EPOCH
    )
    regimes = default_catalog().in_force()
    fitted = Fitted.from_epoch(EPOCH)
    first = monte_carlo(population, regimes, fitted, OBSERVABLE_ONLY, draws=6, seed=7)
    again = monte_carlo(population, regimes, fitted, OBSERVABLE_ONLY, draws=6, seed=7)
    assert first.expected == again.expected
    assert first.probabilities.equals(again.probabilities)
    for regime in regimes:
        bounds = counts(run(population, regime, OBSERVABLE_ONLY))
        e = first.expected[regime.id]
        assert bounds.in_scope <= e["low_90"] <= e["expected"] <= e["high_90"] <= bounds.upper
        p = first.probabilities[f"p_in_scope.{regime.id}"].to_list()
        assert min(p) >= 0.0
        assert max(p) <= 1.0
        assert sum(p) == pytest.approx(e["expected"])


def test_a_derivative_of_an_unsized_original_is_never_counted() -> None:
    fitted = Fitted(LogNormal(10, 1, 42), LogNormal(2, 1, 100))
    population = pl.DataFrame(
        {
            "derived_model": ["a/x"],
            "developer": ["a"],
            "relation": ["finetune"],
            "root": ["o/unknown"],
            "week": [None],
            "safeguard_removal": [True],
            "root_developer": ["o"],
            "root_pipeline_tag": ["text-generation"],
            "same_developer_as_root": [False],
            "root_parameters": [None],
            "root_active_parameters": [None],
            "epoch_compute": [None],
            **{
                f"{q}.{p}": [None]
                for q in ("original.training_compute", "modification.compute")
                for p in ("flop", "low", "high", "method")
            },
        },
        schema_overrides={
            "week": pl.Date,
            "root_parameters": pl.Float64,
            "root_active_parameters": pl.Float64,
            "epoch_compute": pl.Float64,
            **{
                f"{q}.{p}": pl.String if p == "method" else pl.Float64
                for q in ("original.training_compute", "modification.compute")
                for p in ("flop", "low", "high", "method")
            },
        },
    )
    got = monte_carlo(population, default_catalog().in_force(), fitted, OBSERVABLE_ONLY, draws=3)
    assert all(v["expected"] == 0 for v in got.expected.values())


@needs_epoch
def test_report_carries_the_estimate(lineage_extract: Path, tmp_path: Path) -> None:
    population = build_population(
        lineage_extract, SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet", EPOCH
    )
    report = build_report(population, "strict", fitted=Fitted.from_epoch(EPOCH), draws=4)
    files = write_report(report, tmp_path)
    rows = pl.read_parquet(files[0])
    assert "p_in_scope.govai-2025" in rows.columns
    assert rows.height == population.height
    assert "central estimate" in summary_text(report)
    assert "Central estimate" in (tmp_path / "report.html").read_text(encoding="utf-8")
