"""Deciding each distinct fact row once and mapping the answers back gives every derivative the
answer the full evaluation gives it, and the same counts: also at thresholds, near ties, with
unknown facts, and with unknown developers."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modtrace.determination.batch import POINT
from modtrace.ecosystem import assumptions as a
from modtrace.ecosystem.draws import Ranges, normal_scores
from modtrace.ecosystem.estimate import (
    Fitted,
    LogNormal,
    estimate_curve,
    monte_carlo,
)
from modtrace.ecosystem.folded import (
    KEY,
    QUANTITIES,
    Counts,
    Folded,
    developer_codes,
    read_columns,
)
from modtrace.ecosystem.simulate import SCENARIOS, counts, fold, run, sweep
from modtrace.regimes.columnar import step_column
from modtrace.regimes.loader import default_catalog, with_overrides


def point_counts_by_join(folded: Folded, result: pl.DataFrame, points: int = 1) -> list[Counts]:
    """:meth:`Folded._point_counts` as joins and group-bys: the reference it is tested against
    (the code before the counts moved to NumPy)."""
    outcome = pl.col("outcome")
    weight = pl.col("rows")
    models = (
        result.join(folded.weights, on=KEY)
        .group_by(POINT)
        .agg(
            weight.filter(outcome == "in-scope").sum().alias("in"),
            weight.filter(outcome == "out-of-scope").sum().alias("out"),
            weight.filter(outcome == "indeterminate").sum().alias("unknown"),
        )
    )
    developers = (
        result.filter(outcome != "out-of-scope")
        .join(folded.pairs, on=KEY)
        .group_by(POINT)
        .agg(
            pl.col("developer").filter(outcome == "in-scope").n_unique().alias("dev_in"),
            pl.col("developer").n_unique().alias("dev_up"),
        )
    )
    table = (
        pl.DataFrame({POINT: pl.Series(range(points), dtype=pl.UInt32)})
        .join(models, on=POINT, how="left")
        .join(developers, on=POINT, how="left")
        .fill_null(0)
        .sort(POINT)
    )
    return [
        Counts(*(int(v) for v in row))
        for row in table.select("in", "out", "unknown", "dev_in", "dev_up").iter_rows()
    ]


CATALOG = default_catalog()
REGIMES = CATALOG.in_force()
GOVAI = CATALOG.get("govai-2025")

# thresholds of the regimes in force, values a rounding error either side, a third and a tenth
# of them (the modification divisor and the substantial-compute fraction)
_EDGES = [1e23, 1e25, 3e25, 1e26]
COMPUTE = [
    None,
    0.0,
    *_EDGES,
    *(t * (1 + 1e-12) for t in _EDGES),
    *(t * (1 - 1e-12) for t in _EDGES),
    1e25 / 3.0,
    1e26 / 3.0,
    1e24,
    1e25 * 0.1,
    1e22,
]
HIGH = [None, math.inf, *_EDGES, 1e27]


@st.composite
def quantity(draw: st.DrawFn, name: str) -> dict[str, Any]:
    flop = draw(st.sampled_from(COMPUTE))
    return {
        f"{name}.flop": flop,
        f"{name}.low": draw(st.sampled_from([None, 0.0, flop if flop is not None else 1e24])),
        f"{name}.high": draw(st.sampled_from([*HIGH, flop])),
        f"{name}.method": draw(st.sampled_from([None, "epoch", "parameters-range"])),
    }


@st.composite
def derivative(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {
        "developer": draw(st.sampled_from(["ann", "bob", "cat", None])),
        "relation": draw(st.sampled_from(["adapter", "finetune", "quantized", "merge", None])),
        "root": draw(st.sampled_from(["acme/base", "beta/base", "gamma/base"])),
        "week": draw(st.sampled_from([dt.date(2025, 6, 2), dt.date(2025, 6, 9)])),
        "safeguard_removal": draw(st.booleans()),
        "root_developer": draw(st.sampled_from(["acme", "beta", None])),
        "root_pipeline_tag": draw(
            st.sampled_from(["text-generation", "image-to-text", "no-such-tag", None])
        ),
        "same_developer_as_root": draw(st.sampled_from([True, False, None])),
    }
    for name in QUANTITIES:
        row.update(draw(quantity(name)))
    return row


SCHEMA = {
    "derived_model": pl.String,
    "developer": pl.String,
    "relation": pl.String,
    "root": pl.String,
    "week": pl.Date,
    "safeguard_removal": pl.Boolean,
    "root_developer": pl.String,
    "root_pipeline_tag": pl.String,
    "same_developer_as_root": pl.Boolean,
    **{f"{q}.{p}": pl.Float64 for q in QUANTITIES for p in ("flop", "low", "high")},
    **{f"{q}.method": pl.String for q in QUANTITIES},
}


def population_of(rows: list[dict[str, Any]]) -> pl.DataFrame:
    named = [{"derived_model": f"m/{i}", **row} for i, row in enumerate(rows)]
    return pl.DataFrame(named, schema=SCHEMA)


POPULATIONS = st.lists(derivative(), min_size=1, max_size=30).map(population_of)
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(POPULATIONS, st.sampled_from(sorted(SCENARIOS)))
def test_each_derivative_gets_the_answer_of_the_full_evaluation(
    population: pl.DataFrame, scenario: str
) -> None:
    assume = SCENARIOS[scenario]
    folded = fold(population, REGIMES, assume)
    assert folded.table.height <= population.height
    for regime in REGIMES:
        full = run(population, regime, assume)
        answers = folded.assess(regime)
        names = [step_column(s.id) for s in regime.steps] + ["outcome", "role"]
        assert folded.spread(answers).to_dict(as_series=False) == full.select(names).to_dict(
            as_series=False
        )
        assert folded.counts(answers["outcome"]) == counts(full)


@SLOW
@given(POPULATIONS, st.sampled_from(sorted(SCENARIOS)), st.sampled_from([0, 1]))
def test_a_sweep_in_one_plan_counts_what_each_point_counts(
    population: pl.DataFrame, scenario: str, which: int
) -> None:
    assume = SCENARIOS[scenario]
    parameter, values = [
        ("upstream_threshold_flop", [1e23, 1e25, 1e25 * (1 + 1e-12), 3e25, 1e26]),
        ("substantial_compute_fraction", [0.01, 0.1, 1 / 3, 1.0]),
    ][which]
    curve = sweep(population, GOVAI, {parameter: values}, assume)
    expected = [
        {
            parameter: v,
            **counts(run(population, with_overrides(GOVAI, {parameter: str(v)}), assume)).as_dict(),
        }
        for v in values
    ]
    assert curve.to_dicts() == expected


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POPULATIONS)
def test_a_two_parameter_sweep_keeps_its_grid_order(population: pl.DataFrame) -> None:
    grid = {"upstream_threshold_flop": [1e25, 1e26], "substantial_compute_fraction": [0.1, 0.5]}
    curve = sweep(population, GOVAI, grid)
    expected = []
    for t in grid["upstream_threshold_flop"]:
        for f in grid["substantial_compute_fraction"]:
            variant = with_overrides(
                GOVAI, {"upstream_threshold_flop": str(t), "substantial_compute_fraction": str(f)}
            )
            expected.append(
                {
                    "upstream_threshold_flop": t,
                    "substantial_compute_fraction": f,
                    **counts(run(population, variant)).as_dict(),
                }
            )
    assert curve.to_dicts() == expected


def test_the_fold_keeps_every_column_a_step_reads() -> None:
    facts = pl.DataFrame(
        {
            "developer": ["a", "b"],
            "modifier.name": ["a", "b"],  # read by no regime in force
            "modification.upstream_warned": [True, None],
            **{f"{q}.{p}": [1.0, 1.0] for q in QUANTITIES for p in ("flop", "low", "high")},
            **{f"{q}.method": ["m", "m"] for q in QUANTITIES},
        }
    )
    columns = read_columns([GOVAI], facts.columns)
    assert "modification.upstream_warned" in columns  # govai reads it: the rows stay apart
    assert "modifier.name" not in columns
    assert Folded.of(facts, columns).table.height == 2
    # without both compute intervals the evaluator derives them from the facts: keep them all
    assert "modifier.name" in read_columns([GOVAI], ["developer", "modifier.name"])


def test_a_near_tie_is_settled_once_for_all_its_derivatives() -> None:
    """A thousand derivatives exactly at the threshold: one distinct row, settled exactly."""
    row = {
        "developer": None,
        "relation": "finetune",
        "root": "acme/base",
        "week": dt.date(2025, 6, 2),
        "safeguard_removal": True,
        "root_developer": "acme",
        "root_pipeline_tag": "text-generation",
        "same_developer_as_root": False,
        "original.training_compute.flop": 1e25,
        "original.training_compute.low": 1e25,
        "original.training_compute.high": 1e25,
        "original.training_compute.method": "epoch",
        "modification.compute.flop": 1e24,
        "modification.compute.low": 1e24,
        "modification.compute.high": 1e24,
        "modification.compute.method": "epoch",
    }
    population = population_of([{**row, "developer": f"dev{i % 7}"} for i in range(1000)])
    folded = fold(population, [GOVAI])
    assert folded.table.height == 1
    full = run(population, GOVAI)
    answers = folded.assess(GOVAI)
    assert folded.spread(answers)["outcome"].to_list() == full["outcome"].to_list()
    assert folded.counts(answers["outcome"]) == counts(full)
    assert counts(full).developers_in_scope in (0, 7)


FITTED = Fitted(LogNormal(9.0, 1.0, 10), LogNormal(1.3, 0.6, 10))


def _drawn(population: pl.DataFrame, scores: pl.Series, rng: random.Random) -> pl.DataFrame:
    """One draw as the estimate first made it: the whole population with new intervals."""
    z_tokens = scores.shuffle(seed=rng.randrange(2**32))
    z_ratio = scores.shuffle(seed=rng.randrange(2**32))
    ft, tp = FITTED.finetune_tokens, FITTED.tokens_per_parameter
    tokens = 10.0 ** (ft.mean + ft.sd * z_tokens)
    ratio = 10.0 ** (tp.mean + tp.sd * z_ratio)
    drawn = Ranges.of(population).draw(FITTED.size_prior, rng)
    active = pl.coalesce(pl.col("root_active_parameters"), pl.lit(drawn))
    rel, epoch = pl.col("relation"), pl.col("epoch_compute")
    original = (
        pl.when(epoch.is_not_null()).then(epoch).otherwise(6.0 * active * active * pl.lit(ratio))
    )
    trains = rel.is_in(["merge", "quantized"])
    low, full = a.ADAPTER_FLOP_PER_TOKEN_PARAM[0], a.FULL_FLOP_PER_TOKEN_PARAM[0]
    modification = (
        pl.when(trains)
        .then(0.0)
        .when(rel == "adapter")
        .then(low * active * pl.lit(tokens))
        .otherwise(full * active * pl.lit(tokens))
    )
    columns = []
    for prefix, value, ok in (
        ("original.training_compute", original, active.is_not_null() | epoch.is_not_null()),
        ("modification.compute", modification, active.is_not_null() | trains),
    ):
        point = pl.when(ok).then(value)
        columns += [
            point.alias(f"{prefix}.flop"),
            point.fill_null(0.0).alias(f"{prefix}.low"),
            point.fill_null(math.inf).alias(f"{prefix}.high"),
            pl.when(ok).then(pl.lit("monte-carlo")).alias(f"{prefix}.method"),
        ]
    return population.with_columns(columns)


def test_the_estimate_draws_and_counts_as_one_full_run_per_draw(population: pl.DataFrame) -> None:
    """The sampler builds the facts once and only the intervals per draw: the same figures as
    drawing the whole population and running each regime on it, draw by draw."""
    assume = SCENARIOS["observable-only"]
    draws, values = 4, [1e23, 1e24, 1e25, 1e26]
    estimate = monte_carlo(population, REGIMES, FITTED, assume, draws=draws, seed=7)
    curve = estimate_curve(
        population, GOVAI, FITTED, "upstream_threshold_flop", values, assume, draws=3, seed=7
    )
    rng, scores = random.Random(7), normal_scores(population.height)
    totals: dict[str, list[int]] = {r.id: [] for r in REGIMES}
    hits = {r.id: pl.zeros(population.height, pl.Int32, eager=True) for r in REGIMES}
    for _ in range(draws):
        sample = _drawn(population, scores, rng)
        for regime in REGIMES:
            caught = (run(sample, regime, assume)["outcome"] == "in-scope").cast(pl.Int32)
            totals[regime.id].append(int(caught.sum()))
            hits[regime.id] = hits[regime.id] + caught
    for rid, values_ in totals.items():
        assert estimate.expected[rid]["expected"] == sum(values_) / draws
        assert (
            estimate.probabilities[f"p_in_scope.{rid}"].to_list()
            == (hits[rid].cast(pl.Float64) / draws).to_list()
        )
    rng = random.Random(7)
    expected: list[list[int]] = [[] for _ in values]
    for _ in range(3):
        sample = _drawn(population, scores, rng)
        for i, value in enumerate(values):
            variant = with_overrides(GOVAI, {"upstream_threshold_flop": str(value)})
            expected[i].append(counts(run(sample, variant, assume)).in_scope)
    assert curve["expected"].to_list() == [sum(t) / 3 for t in expected]
    assert len({tuple(t) for t in expected}) > 1  # the thresholds do move the counts


@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "A", "a ", "é", ""])), max_size=40),
)
def test_developer_codes_are_equal_exactly_when_names_are(names: list[str | None]) -> None:
    codes = developer_codes(pl.Series("developer", names, dtype=pl.String)).to_list()
    assert len(codes) == len(names)
    for i, (name, code) in enumerate(zip(names, codes, strict=True)):
        assert (code is None) == (name is None)
        for other_name, other_code in zip(names[i:], codes[i:], strict=True):
            if name is not None and other_name is not None:
                assert (code == other_code) == (name == other_name)


_OUTCOMES = st.sampled_from(["in-scope", "out-of-scope", "indeterminate", None])


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(["a", "b", "c", None])),
        min_size=1,
        max_size=30,
    ),
    st.integers(1, 4),
    st.data(),
)
def test_point_counts_equal_the_joins(
    rows: list[tuple[int, str | None]], points: int, data: st.DataObject
) -> None:
    facts = pl.DataFrame(
        {"x": [x for x, _ in rows], "developer": [d for _, d in rows]},
        schema={"x": pl.Int64, "developer": pl.String},
    )
    folded = Folded.of(facts, ["x"])
    keys = folded.table.height
    # every (point, row) once, as a run gives them, or some left out (and a point beyond)
    cells = [(p, k) for p in range(points + 1) for k in range(keys)]
    kept = data.draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells)))
    result = pl.DataFrame(
        {
            POINT: [p for p, _ in kept],
            KEY: [k for _, k in kept],
            "outcome": [data.draw(_OUTCOMES) for _ in kept],
        },
        schema={POINT: pl.UInt32, KEY: pl.UInt32, "outcome": pl.String},
    )
    assert folded._point_counts(result, points) == point_counts_by_join(folded, result, points)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["a", "b", None]), st.booleans()),
        min_size=1,
        max_size=30,
    ),
)
def test_a_subset_counts_as_folding_the_kept_rows(rows: list[tuple[int, str | None, bool]]) -> None:
    facts = pl.DataFrame(
        {"x": [x for x, _, _ in rows], "developer": [d for _, d, _ in rows]},
        schema={"x": pl.Int64, "developer": pl.String},
    )
    keep = pl.Series([k for _, _, k in rows])
    labels = ["in-scope", "out-of-scope", "indeterminate", None, "in-scope"]

    def counts_of(folded: Folded) -> Counts:
        # each distinct row's outcome a function of its facts, whatever its key
        return folded.counts(folded.table["x"].map_elements(labels.__getitem__, pl.String))

    assert counts_of(Folded.of(facts, ["x"]).subset(keep)) == counts_of(
        Folded.of(facts.filter(keep), ["x"])
    )


FILLING = {  # facts the population shows on some rows (filled where unknown) and constants
    "modification.safeguards.altered": "none",
    "modifier.acts_on_behalf_of_provider": False,
    "modification.upstream_warned": False,
}


@SLOW
@given(POPULATIONS, st.sampled_from([SCENARIOS["observable-only"], FILLING]))
def test_a_scenario_filled_in_the_strict_folds_rows_is_the_scenarios_own_fold(
    population: pl.DataFrame, assume: dict[str, Any]
) -> None:
    direct = fold(population, REGIMES, assume)
    refolded = fold(population, REGIMES, assume, strict=fold(population, REGIMES))
    assert refolded.table.equals(direct.table)
    assert refolded.key.equals(direct.key)
    assert refolded.weights.equals(direct.weights)
    assert refolded.developers.equals(direct.developers)
    assert refolded.pairs.sort(pl.all()).equals(direct.pairs.sort(pl.all()))
