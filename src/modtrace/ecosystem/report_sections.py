"""Sections of the ecosystem report that read: the estimate, the other scenario only where it
differs, threshold charts on log axes with the estimate's band, partial weeks marked, and what
regulation would cost (docs/ecosystem.md)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import polars as pl

from modtrace.ecosystem.charts import line_chart, superscript
from modtrace.ecosystem.simulate import SCENARIOS

if TYPE_CHECKING:
    from collections.abc import Callable

    from modtrace.ecosystem.report import Report

COUNTS = ("in_scope", "indeterminate", "out_of_scope")


def _assumed(scenario: str) -> str:
    assumed = SCENARIOS[scenario]
    if not assumed:
        return "no assumption"
    return ", ".join(
        f"<code>{html.escape(k)} = {html.escape(str(v))}</code>" for k, v in assumed.items()
    )


def estimate_section(report: Report, table: Callable[[pl.DataFrame], str]) -> str:
    """The central estimate's table, or nothing without one."""
    if report.estimate is None:
        return ""
    e = report.estimate
    rows = [
        {"regime": k, **report.summary[k], **{n: round(x, 1) for n, x in v.items()}}
        for k, v in e.expected.items()
    ]
    frame = pl.DataFrame(rows).select(
        "regime", "expected", "low_90", "high_90", "in_scope", "upper_bound"
    )
    return (
        f"<h3>Central estimate</h3><p>{e.draws} seeded draws (seed {e.seed}) of fine-tune "
        "tokens and pre-training tokens per parameter, from log-normals fitted to Epoch AI's "
        f"table; scenario observable-only ({_assumed('observable-only')}). Expected "
        "derivatives in scope with a 90 % interval, beside the bounds of the report's scenario "
        "(which stay the guarantee). Per derivative: <code>p_in_scope.&lt;regime&gt;</code> in "
        "population.parquet.</p>" + table(frame)
    )


def other_scenario_section(report: Report, table: Callable[[pl.DataFrame], str]) -> str:
    """The other scenario's counts, only for the regimes where they differ."""
    differing = [
        {"regime": k, **v}
        for k, v in report.other_summary.items()
        if any(v[c] != report.summary[k][c] for c in COUNTS)
    ]
    head = f"<h3>Under the {html.escape(report.other_scenario)} scenario</h3>"
    if not differing:
        return head + "<p>Every regime gives the same counts under it.</p>"
    same = sorted(set(report.other_summary) - {d["regime"] for d in differing})
    note = f" Identical for {', '.join(same)}." if same else ""
    return (
        head
        + f"<p>Assumed: {_assumed(report.other_scenario)}. Only regimes whose counts differ."
        + f"{note}</p>"
        + table(pl.DataFrame(differing))
    )


def threshold_charts(report: Report) -> list[str]:
    """Derivatives and developers against the upstream threshold, log on both axes."""
    assert report.threshold_curve is not None
    assert report.other_threshold_curve is not None
    curve, other = report.threshold_curve, report.other_threshold_curve
    x = curve["upstream_threshold_flop"].to_list()
    series: dict[str, Any] = {
        "in scope (lower bound)": curve["in_scope"].to_list(),
        "upper bound": curve["upper_bound"].to_list(),
    }
    if other["in_scope"].to_list() != curve["in_scope"].to_list():
        series[f"in scope, {report.other_scenario}"] = other["in_scope"].to_list()
    band = None
    if report.estimate_curve is not None:
        est = report.estimate_curve
        grid = est["upstream_threshold_flop"].to_list()
        band = (
            "estimate, 90 % interval",
            _interpolate(grid, est["low_90"].to_list(), x),
            _interpolate(grid, est["high_90"].to_list(), x),
        )
        series["estimate"] = _interpolate(grid, est["expected"].to_list(), x)
    return [
        line_chart(
            "govai-2025: derivatives caught as the upstream threshold moves (FLOP)",
            x,
            series,
            log_x=True,
            log_y=True,
            x_label="upstream_threshold_flop",
            band=band,
        ),
        line_chart(
            "govai-2025: developers caught as the upstream threshold moves",
            x,
            {
                "developers in scope": curve["developers_in_scope"].to_list(),
                "developers (upper bound)": curve["developers_upper"].to_list(),
            },
            log_x=True,
            log_y=True,
            x_label="upstream_threshold_flop",
        ),
    ]


def _interpolate(grid: list[float], values: list[float], at: list[float]) -> list[float]:
    """Step interpolation (the value at the nearest grid point at or below)."""
    out = []
    for v in at:
        below = [i for i, g in enumerate(grid) if g <= v * (1 + 1e-9)]
        out.append(values[below[-1]] if below else values[0])
    return out


def weekly_chart(report: Report) -> str:
    """Weekly derivatives of originals in scope, log counts, partial weeks marked."""
    assert report.weekly is not None
    weeks = report.weekly["week"].to_list()
    marked = [i for i, w in enumerate(weeks) if w in report.partial_weeks]
    ticks = [f"{w}{' (partial)' if w in report.partial_weeks else ''}" for w in weeks]
    return line_chart(
        "Derivatives of originals in scope (govai-2025), by week; shaded: partial weeks",
        list(range(len(weeks))),
        {
            "of originals in scope": report.weekly["of_in_scope_originals"].to_list(),
            "of originals possibly in scope": report.weekly["of_possibly_in_scope"].to_list(),
        },
        log_y=True,
        x_label="week",
        x_ticks=ticks,
        marked=marked,
    )


def cost_section(report: Report, table: Callable[[pl.DataFrame], str]) -> str:
    """Filings, developers and hours per full week for each regime and threshold."""
    if report.cost is None or report.cost.is_empty():
        return ""
    b = report.burden
    frame = report.cost.with_columns(
        pl.col("exponent").map_elements(lambda e: superscript(int(e)), return_dtype=pl.String),
        *(pl.col(c).round(1) for c in report.cost.columns if c.endswith(("week", "upper"))),
    ).rename({"exponent": "threshold value"})
    partial = ", ".join(str(w) for w in report.partial_weeks) or "none"
    return (
        "<h2>What regulation would cost</h2>"
        "<p>Per full week of the snapshot (partial weeks left out: "
        f"{html.escape(partial)}), scenario observable-only: filings (one per derivative in "
        "scope), distinct developers, and hours at the stated assumptions of "
        f"{b.hours_per_registration:g} h per registration and {b.hours_per_risk_demonstration:g} "
        "h per risk demonstration (override with <code>--hours-per-registration</code> and "
        "<code>--hours-per-risk-demonstration</code>). Lower figures count derivatives certainly "
        "in scope; upper ones add the indeterminate.</p>" + table(frame)
    )
