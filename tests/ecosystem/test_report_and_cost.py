"""The report reads (log axes, powers of ten, partial weeks, the estimate's band) and the cost
of regulation follows its stated assumptions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHARED_DATA
from modtrace.ecosystem.charts import line_chart, power_of_ten_ticks, superscript
from modtrace.ecosystem.cost import Burden, partial_weeks, regulation_cost
from modtrace.ecosystem.population import build_population
from modtrace.ecosystem.report import Report, build_report
from modtrace.ecosystem.report_sections import other_scenario_section
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY, fold
from modtrace.regimes.loader import default_catalog


def test_superscripts() -> None:
    assert superscript(25) == "10²⁵"
    assert superscript(-2) == "10⁻²"


@given(st.floats(min_value=-5, max_value=30), st.floats(min_value=0.1, max_value=12))
def test_power_of_ten_ticks_cover_the_range(lo: float, width: float) -> None:
    ticks = power_of_ten_ticks(lo, lo + width)
    assert ticks[0] <= lo
    assert ticks[-1] >= lo + width - 1
    assert len(ticks) <= 9


def test_log_chart_ticks_band_and_marks() -> None:
    svg = line_chart(
        "t",
        [1e20, 1e22, 1e24, 1e26],
        {"a": [1000, 100, 0, 0]},
        log_x=True,
        log_y=True,
        band=("estimate", [10, 5, 0, 0], [2000, 300, 1, 0]),
        marked=[2],
    )
    labels = re.findall(r">(10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)<", svg)
    assert {"10²⁰", "10²²", "10²⁴", "10²⁶"} <= set(labels)  # x: powers of ten
    assert {"10⁰", "10³", "10⁴"} <= set(labels)  # y: log counts up to 2000
    assert 'class="band"' in svg
    assert 'class="partial"' in svg
    assert "1e20.0" not in svg


def test_partial_weeks_are_the_thin_ones() -> None:
    weeks = [dt.date(2025, 3, 19) + dt.timedelta(days=7 * i) for i in range(4)]
    pop = pl.DataFrame({"week": [weeks[i] for i in (0,) * 10 + (1,) * 9 + (2,) * 3 + (3,) * 10]})
    assert partial_weeks(pop) == [weeks[2]]


def test_other_scenario_only_where_it_differs() -> None:
    report = Report("strict", 10, 3, other_scenario="observable-only")
    same = {"in_scope": 1, "indeterminate": 2, "out_of_scope": 7}
    report.summary = {"a": dict(same), "b": dict(same)}
    report.other_summary = {"a": dict(same), "b": {**same, "indeterminate": 0, "out_of_scope": 9}}
    html = other_scenario_section(report, lambda f: "|".join(f["regime"].to_list()))
    assert "Identical for a" in html
    assert html.endswith("b")
    report.other_summary = {"a": dict(same), "b": dict(same)}
    assert "same counts" in other_scenario_section(report, lambda f: "")


@pytest.fixture(scope="module")
def population(lineage_extract: Path) -> pl.DataFrame:
    return build_population(
        lineage_extract, SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet", None
    )


def test_cost_follows_its_assumptions(population: pl.DataFrame) -> None:
    regimes = default_catalog().in_force()
    base = regulation_cost(population, regimes, [20.0, 25.0], OBSERVABLE_ONLY, Burden(4, 40))
    double = regulation_cost(population, regimes, [20.0, 25.0], OBSERVABLE_ONLY, Burden(8, 80))
    assert set(base["regime"]) == {r.id for r in regimes}
    assert double["hours_per_week"].to_list() == [2 * h for h in base["hours_per_week"]]
    assert (base["filings_per_week"] <= base["filings_per_week_upper"]).all()
    assert (base["developers_per_week"] <= base["filings_per_week"]).all()
    govai = base.filter(pl.col("regime") == "govai-2025").sort("exponent")
    assert govai["filings_per_week"][0] >= govai["filings_per_week"][1]  # lower threshold
    weeks = population.filter(~pl.col("week").is_in(partial_weeks(population)))["week"]
    assert govai["filings_per_week"][0] * weeks.n_unique() == pytest.approx(
        round(govai["filings_per_week"][0] * weeks.n_unique())
    )


def test_top_tables_break_ties_by_root(population: pl.DataFrame) -> None:
    """The same data gives the same report: families with equal counts come in root order."""
    report = build_report(population, "strict")
    for table in (report.families, report.removal_by_base):
        assert table is not None
        assert table.rows() == table.sort(["derivatives", "root"], descending=[True, False]).rows()


def test_cost_from_a_fold_at_hand_is_the_cost_folded_anew(population: pl.DataFrame) -> None:
    last = population["week"].max()
    thinned = pl.int_range(pl.len()) % 5 != 0
    population = population.filter((pl.col("week") != last) | ~thinned)  # a partial week
    catalog = default_catalog()
    regimes = catalog.in_force()
    # the report hands over its fold of every regime in force and GovAI's, partial weeks too
    folded = fold(population, [*regimes, catalog.get("govai-2025")], OBSERVABLE_ONLY)
    exponents = [22.0, 23.0, 24.0, 25.0, 26.0]
    anew = regulation_cost(population, regimes, exponents, OBSERVABLE_ONLY)
    at_hand = regulation_cost(population, regimes, exponents, OBSERVABLE_ONLY, folded=folded)
    assert partial_weeks(population) == [last]  # the cut removes rows here
    assert at_hand.equals(anew)
