"""The ecosystem report: a self-contained HTML page, the rows behind it, and a text summary."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from modtrace.ecosystem import assumptions
from modtrace.ecosystem.charts import bar_chart
from modtrace.ecosystem.cost import Burden, partial_weeks, regulation_cost
from modtrace.ecosystem.draws import DrawStream
from modtrace.ecosystem.estimate import (
    DRAWS,
    SEED,
    Estimate,
    Fitted,
    estimate_curve,
    monte_carlo,
    shared_stream,
)
from modtrace.ecosystem.folded import Folded
from modtrace.ecosystem.report_sections import (
    cost_section,
    estimate_section,
    other_scenario_section,
    threshold_charts,
    weekly_chart,
)
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY, SCENARIOS, fold, sweep
from modtrace.regimes.loader import default_catalog
from modtrace.regimes.model import Regime

SWEEP_POINTS = 50
SWEEP_EXPONENTS = (20.0, 27.0)
"""The threshold sweep's range: from where the first derivatives are certainly caught (the
originals' lower bounds clear 10^20-10^21) to past the largest originals' upper bounds."""
BAND_EXPONENTS = [20.0 + 0.5 * i for i in range(15)]
COST_EXPONENTS = [21.0, 22.0, 23.0, 24.0, 25.0, 26.0]


def log_range(start_exp: float, stop_exp: float, points: int) -> list[float]:
    """``points`` values from 10^start to 10^stop, evenly spaced in log."""
    step = (stop_exp - start_exp) / (points - 1)
    return [10 ** (start_exp + i * step) for i in range(points)]


@dataclass
class Report:
    """Everything the report shows."""

    scenario: str
    population: int
    developers: int
    summary: dict[str, Any] = field(default_factory=dict)
    threshold_curve: pl.DataFrame | None = None
    fraction_curve: pl.DataFrame | None = None
    families: pl.DataFrame | None = None
    weekly: pl.DataFrame | None = None
    removal_by_base: pl.DataFrame | None = None
    outcomes: pl.DataFrame | None = None
    other_scenario: str = ""
    other_summary: dict[str, Any] = field(default_factory=dict)
    other_threshold_curve: pl.DataFrame | None = None
    estimate: Estimate | None = None
    estimate_curve: pl.DataFrame | None = None
    cost: pl.DataFrame | None = None
    burden: Burden = field(default_factory=Burden)
    partial_weeks: list[dt.date] = field(default_factory=list)


def build_report(
    population: pl.DataFrame,
    scenario: str = "strict",
    progress: Callable[[str], None] = lambda _: None,
    fitted: Fitted | None = None,
    draws: int = DRAWS,
    burden: Burden | None = None,
) -> Report:
    """Run every regime, the sweeps and the breakdowns; with ``fitted`` distributions, also the
    Monte Carlo central estimate (under the observable-only scenario, which it prints)."""
    assume = SCENARIOS[scenario]
    catalog = default_catalog()
    regimes: list[Regime] = catalog.in_force()
    report = Report(scenario, population.height, population["developer"].n_unique())
    report.burden = burden or Burden()
    report.partial_weeks = partial_weeks(population)
    govai = catalog.get("govai-2025")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The central estimate shares nothing mutable with the runs below but its draws, so it
        # runs beside them: Polars releases the GIL while it evaluates, so one side's plan
        # building and exact settling (Python) overlaps the other's evaluation.
        sampled = None
        if fitted is not None:
            stream = shared_stream(
                population, _with(regimes, govai), fitted, OBSERVABLE_ONLY, draws
            )
            sampled = pool.submit(
                monte_carlo, population, regimes, fitted, OBSERVABLE_ONLY, draws, SEED, stream
            )
            # the band reads the estimate's first draws as the estimate makes them (so few are
            # kept waiting for the other reader), then this side runs the regimes
            report.estimate_curve = _band(population, govai, fitted, stream)
        outcome_columns = _run_regimes(report, population, regimes, govai, assume, progress)
        if sampled is not None:
            progress("sampling the central estimate")
            report.estimate = sampled.result()
    report.outcomes = population.select(
        "derived_model",
        "developer",
        "relation",
        "parent",
        "root",
        "depth",
        "week",
        "cyclic",
        "root_via",
        "deleted_at",
        "root_parameters",
        "root_active_parameters",
        "root_parameters_source",
        "root_parameters_low",
        "root_parameters_high",
        "epoch_name",
        "epoch_confidence",
        "original.training_compute.flop",
        "original.training_compute.low",
        "original.training_compute.high",
        "original.training_compute.method",
        "modification.compute.low",
        "modification.compute.high",
        "modification.compute.method",
        "safeguard_removal",
        "safeguard_term",
        "safeguard_inherited",
        "safeguard_ancestor",
        "relation_inferred",
        "relation_disputed",
        # the rest of the simulation's inputs, so that a served report can simulate a draft
        "root_developer",
        "root_pipeline_tag",
        "same_developer_as_root",
        "modification.compute.flop",
    ).with_columns(outcome_columns)
    if report.estimate is not None:
        # one row per derivative in the population's order on both sides: laid beside, not joined
        probabilities = report.estimate.probabilities
        if not probabilities["derived_model"].equals(report.outcomes["derived_model"]):
            raise ValueError("the estimate's rows are not the population's")
        report.outcomes = report.outcomes.hstack(probabilities.drop("derived_model").get_columns())
    return report


def _with(regimes: list[Regime], regime: Regime) -> list[Regime]:
    """``regimes`` with ``regime`` added if no regime of its id is among them."""
    return regimes if any(r.id == regime.id for r in regimes) else [*regimes, regime]


def _run_regimes(
    report: Report,
    population: pl.DataFrame,
    regimes: list[Regime],
    govai: Regime,
    assume: dict[str, Any],
    progress: Callable[[str], None],
) -> list[pl.Series]:
    """Each regime's counts under both scenarios, the sweeps, the cost table and the family
    tables, written into ``report``; each derivative's outcome per regime, returned."""
    scenario = report.scenario
    # Both scenarios' folds: the strict one from the derivatives, the other from its distinct
    # rows with the scenario's assumptions filled in (the same fold, without regrouping them all).
    read = [*regimes, govai]
    strict = fold(population, read, SCENARIOS["strict"])

    def folded_under(scenario_facts: dict[str, Any]) -> Folded:
        return fold(population, read, scenario_facts, strict) if scenario_facts else strict

    folded = folded_under(assume)
    outcome_columns = []
    for regime in regimes:
        progress(f"simulating {regime.id}")
        answers = folded.assess(regime)
        c = folded.counts(answers["outcome"])
        report.summary[regime.id] = {"version": regime.version, **c.as_dict()}
        outcome_columns.append(folded.spread(answers)["outcome"].alias(f"outcome.{regime.id}"))
        if regime.id == "govai-2025":
            step = folded.spread(answers.select("step.original_in_scope"))
            report.weekly = (
                step.with_columns(population["week"])
                .group_by("week")
                .agg(
                    pl.len().alias("derivatives"),
                    (pl.col("step.original_in_scope") == True).sum().alias("of_in_scope_originals"),  # noqa: E712
                    (pl.col("step.original_in_scope").is_null())
                    .sum()
                    .alias("of_possibly_in_scope"),
                )
                .sort("week")
            )
    other = "observable-only" if scenario == "strict" else "strict"
    report.other_scenario = other
    other_folded = folded_under(SCENARIOS[other])
    for regime in regimes:
        c = other_folded.counts(other_folded.assess(regime)["outcome"])
        report.other_summary[regime.id] = {"version": regime.version, **c.as_dict()}
    grid = {"upstream_threshold_flop": log_range(*SWEEP_EXPONENTS, SWEEP_POINTS)}
    report.other_threshold_curve = sweep(other_folded, govai, grid)
    progress("sweeping upstream_threshold_flop")
    report.threshold_curve = sweep(folded, govai, grid)
    progress("counting what regulation would cost")
    # the cost table assumes the observable-only scenario: one of the two folds already has it
    observable = other_folded if SCENARIOS[other] == OBSERVABLE_ONLY else None
    if assume == OBSERVABLE_ONLY:
        observable = folded
    report.cost = regulation_cost(
        population, regimes, COST_EXPONENTS, OBSERVABLE_ONLY, report.burden, observable
    )
    progress("sweeping substantial_compute_fraction")
    report.fraction_curve = sweep(
        folded, govai, {"substantial_compute_fraction": log_range(-2, 0, 11)}
    )
    report.families = (
        population.group_by("root")
        .agg(pl.len().alias("derivatives"), pl.col("developer").n_unique().alias("developers"))
        .sort(["derivatives", "root"], descending=[True, False])  # ties in a stable order
        .head(15)
    )
    report.removal_by_base = (
        population.filter(pl.col("safeguard_removal"))
        .group_by("root")
        .agg(pl.len().alias("derivatives"))
        .sort(["derivatives", "root"], descending=[True, False])
        .head(15)
    )
    return outcome_columns


def _band(
    population: pl.DataFrame, govai: Regime, fitted: Fitted, stream: DrawStream
) -> pl.DataFrame:
    """The central estimate's band on the threshold chart (observable-only scenario)."""
    return estimate_curve(
        population,
        govai,
        fitted,
        "upstream_threshold_flop",
        [10**e for e in BAND_EXPONENTS],
        OBSERVABLE_ONLY,
        stream=stream,
    )


def summary_text(report: Report) -> str:
    """The terminal summary."""
    lines = [
        f"{report.population:,} Hub derivatives by {report.developers:,} developers "
        f"(scenario: {report.scenario})",
        f"  {'regime':<16} {'in scope':>9} {'indeterminate':>14} {'out':>9} {'developers in':>14} "
        f"{'developers ≤':>13}",
    ]
    for rid, s in report.summary.items():
        lines.append(
            f"  {rid:<16} {s['in_scope']:>9,} {s['indeterminate']:>14,} {s['out_of_scope']:>9,} "
            f"{s['developers_in_scope']:>14,} {s['developers_upper']:>13,}"
        )
    lines.append("  (in scope is a lower bound; in scope + indeterminate an upper bound)")
    if report.estimate is not None:
        e = report.estimate
        lines.append(
            f"  central estimate ({e.draws} seeded draws, scenario observable-only): expected in "
            "scope [90 % interval]"
        )
        for rid, v in e.expected.items():
            lines.append(
                f"  {rid:<16} {v['expected']:>9,.1f} [{v['low_90']:,.0f} to {v['high_90']:,.0f}]"
            )
    return "\n".join(lines)


def _table(frame: pl.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    rows = []
    for row in frame.iter_rows():
        cells = "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return (
            "∞"
            if math.isinf(value)
            else (f"{value:.3g}" if abs(value) >= 1e5 or 0 < abs(value) < 1e-2 else f"{value:g}")
        )
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def write_report(report: Report, out: Path) -> list[Path]:
    """Write report.html, the rows (Parquet and CSV) and the sweep (CSV) under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    assert report.outcomes is not None
    assert report.threshold_curve is not None
    assert report.families is not None
    assert report.removal_by_base is not None
    assert report.weekly is not None
    assert report.fraction_curve is not None
    assert report.other_threshold_curve is not None
    files = [
        out / "population.parquet",
        out / "population.csv",
        out / "sweep.csv",
        out / "report.html",
    ]
    outcomes = report.outcomes
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the two encodings of the same rows are independent and Polars releases the GIL while
        # it writes, so the Parquet file is written beside the CSV rather than before it
        parquet = pool.submit(outcomes.write_parquet, files[0])
        outcomes.with_columns(pl.col("week").cast(pl.String)).write_csv(files[1])
        parquet.result()
    report.threshold_curve.write_csv(files[2])
    frac = report.fraction_curve
    summary = pl.DataFrame([{"regime": k, **v} for k, v in report.summary.items()])
    assumed = SCENARIOS[report.scenario]
    body = [
        "<h1>The downstream ecosystem under each regime</h1>",
        f"<p>{report.population:,} models added to the Hugging Face Hub in 16 weeks of "
        f"2025 that declare "
        f"a base model, made by {report.developers:,} developers. Scenario: "
        f"<strong>{html.escape(report.scenario)}"
        "</strong>. Counts <em>in scope</em> are a lower bound; <em>in scope + "
        "indeterminate</em> an upper "
        "bound: unknown facts are never counted on either side.</p>",
        (
            "<p>Assumed for this scenario (not observable on the Hub): "
            + ", ".join(
                f"<code>{html.escape(k)} = {html.escape(str(v))}</code>" for k, v in assumed.items()
            )
            + ".</p>"
        )
        if assumed
        else "<p>No assumption: every fact the Hub does not show stays unknown.</p>",
        "<h2>Who each regime catches</h2>",
        _table(summary),
        estimate_section(report, _table),
        other_scenario_section(report, _table),
        *threshold_charts(report),
        "<h3>Substantial-compute fraction (fn 92)</h3>",
        _table(frac),
        bar_chart(
            "Top base families by derivatives",
            report.families["root"].to_list(),
            report.families["derivatives"].to_list(),
        ),
        weekly_chart(report),
        f"<p>Safeguard-removal signal: {int(report.outcomes['safeguard_removal'].sum()):,} "
        f"derivatives direct (their own name, tags or card), "
        f"{int(report.outcomes['safeguard_inherited'].sum()):,} inherited from a flagged "
        "ancestor (column <code>safeguard_ancestor</code>). The regimes read only the direct "
        "signal.</p>",
        bar_chart(
            "Safeguard-removal derivatives by base",
            report.removal_by_base["root"].to_list(),
            report.removal_by_base["derivatives"].to_list(),
        ),
        "<h2>Top base families</h2>",
        _table(report.families),
        "<h2>Weekly</h2>",
        _table(report.weekly),
        cost_section(report, _table),
        "<h2>How the figures are made</h2>",
        f"<p>Originals' training compute: Epoch AI where the family resolves, else a "
        f"range from the "
        f"parameter count ({assumptions.TOKENS_PER_PARAMETER_MIN:g} to "
        f"{assumptions.PRETRAINING_TOKENS_MAX:.0e} "
        f"pre-training tokens). Fine-tunes and adapters: {assumptions.FINETUNE_TOKENS[0]:.0e} to "
        f"{assumptions.FINETUNE_TOKENS[1]:.0e} tokens; merges and quantizations train nothing. "
        "See docs/ecosystem.md. Rows: population.parquet / population.csv; sweep: sweep.csv.</p>",
        f"<p><small>Generated by modtrace on {dt.date.today()}.</small></p>",
    ]
    style = (
        "body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;"
        "padding:3px 6px;text-align:right}th{background:#f3f3f3}figure{margin:1.5em 0}"
        "figcaption{font-weight:bold;margin-bottom:.3em}"
    )
    files[3].write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>modtrace '
        f"ecosystem report</title><style>{style}</style></head><body>{''.join(body)}</body></html>",
        encoding="utf-8",
    )
    return files
