"""Run a regime over the population with the same compiled evaluator the CLI uses for one case."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from modtrace.determination.batch import assess_lazy
from modtrace.ecosystem import assumptions as a
from modtrace.ecosystem.folded import QUANTITY_COLUMNS, Counts, Folded, read_columns
from modtrace.regimes.loader import with_overrides
from modtrace.regimes.model import Regime

__all__ = [
    "KEEP",
    "OBSERVABLE_ONLY",
    "QUANTITY_COLUMNS",
    "SCENARIOS",
    "Counts",
    "as_facts",
    "breakdown",
    "counts",
    "fold",
    "run",
    "sweep",
]

KEEP = ["derived_model", "developer", "relation", "root", "week", "safeguard_removal"]


OBSERVABLE_ONLY: dict[str, Any] = {
    "modification.upstream_warned": False,
    "modification.capabilities.high_risk_uplift": "insignificant",
    "modification.other_reason_to_believe_unacceptable_risk": False,
    "original.exempt_without_safeguards": False,
}
"""A named scenario: facts no Hub record can show are assumed absent, so only the observable
criteria (original compute, safeguard-removal signals, modification compute) decide. Reports
print it whenever it is used; the strict scenario assumes nothing."""

SCENARIOS: dict[str, dict[str, Any]] = {"strict": {}, "observable-only": OBSERVABLE_ONLY}


def as_facts(population: pl.DataFrame, assume: Mapping[str, Any] | None = None) -> pl.LazyFrame:
    """The population in the facts layout (unknown stays null), with its compute intervals.

    ``assume`` fills named facts where they are unknown — an explicit scenario, never a default.
    """
    modalities = pl.col("root_pipeline_tag").replace_strict(
        a.PIPELINE_MODALITIES, default=None, return_dtype=pl.List(pl.String)
    )
    flagged = pl.col("safeguard_removal")
    return (
        population.lazy()
        .select(
            *KEEP,
            pl.col("root").alias("original.id"),
            pl.col("root_developer").alias("original.provider"),
            modalities.alias("original.modalities"),
            pl.col("developer").alias("modifier.name"),
            pl.col("same_developer_as_root").alias("modifier.acts_on_behalf_of_provider"),
            pl.col("relation")
            .replace_strict(a.RELATION_TECHNIQUES, default=None, return_dtype=pl.List(pl.String))
            .alias("modification.techniques"),
            pl.when(flagged).then(pl.lit("intentional")).alias("modification.safeguards.altered"),
            pl.when(flagged).then(pl.lit(True)).alias("modification.safeguards.significant"),
            pl.lit("open-weights").alias("modification.release"),
            # a public Hub upload makes the model available in the Union (AI Act Art. 2(1)(a))
            pl.lit(True).alias("modification.placed_on_union_market"),
            *QUANTITY_COLUMNS,
        )
        .with_columns(_assumed(assume or {}))
    )


def _assumed(assume: Mapping[str, Any], only: Iterable[str] | None = None) -> list[pl.Expr]:
    """``assume``'s facts filled in (those of ``only``, when given): a constant, or where the
    population shows the fact, a fill of the rows it leaves unknown."""
    wanted = set(assume) if only is None else set(only)
    return [
        pl.lit(value).alias(path)
        if path not in _FROM_POPULATION
        else pl.col(path).fill_null(pl.lit(value))
        for path, value in assume.items()
        if path in wanted
    ]


_FROM_POPULATION = {
    "modification.safeguards.altered",
    "modification.safeguards.significant",
    "modifier.acts_on_behalf_of_provider",
    "original.modalities",
}


def run(
    population: pl.DataFrame, regime: Regime, assume: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """Every derivative's outcome under ``regime`` (plus its step answers)."""
    return assess_lazy(as_facts(population, assume), regime).collect()


def counts(result: pl.DataFrame) -> Counts:
    """Outcome counts of a simulated population (one pass over the two columns)."""
    outcome, developer = pl.col("outcome"), pl.col("developer")
    row = result.select(
        (outcome == "in-scope").sum().alias("in"),
        (outcome == "out-of-scope").sum().alias("out"),
        (outcome == "indeterminate").sum().alias("unknown"),
        developer.filter(outcome == "in-scope").n_unique().alias("developers_in"),
        developer.filter(outcome != "out-of-scope").n_unique().alias("developers_up"),
    ).row(0)
    return Counts(*(int(v) for v in row))


def breakdown(result: pl.DataFrame, by: str, top: int | None = None) -> pl.DataFrame:
    """Outcome counts per value of ``by`` (relation, root, week), largest first."""
    table = (
        result.group_by(by)
        .agg(
            pl.len().alias("models"),
            (pl.col("outcome") == "in-scope").sum().alias("in_scope"),
            (pl.col("outcome") == "indeterminate").sum().alias("indeterminate"),
            pl.col("developer")
            .filter(pl.col("outcome") == "in-scope")
            .n_unique()
            .alias("developers_in_scope"),
        )
        .sort(["in_scope", "indeterminate", "models"], descending=True)
    )
    return table.head(top) if top else table


def fold(
    population: pl.DataFrame,
    regimes: Sequence[Regime],
    assume: Mapping[str, Any] | None = None,
    strict: Folded | None = None,
) -> Folded:
    """The population's facts under ``assume``, folded over every column ``regimes`` read.

    ``strict`` is the same population already folded over the same ``regimes`` under no
    assumption, when at hand: ``assume`` is then filled in its distinct rows, which are grouped
    again (:meth:`Folded.refold`), rather than in every derivative's."""
    facts = as_facts(population, assume)
    columns = read_columns(regimes, facts.collect_schema().names())
    if strict is not None:
        table = strict.table.with_columns(_assumed(assume or {}, only=columns))
        return strict.refold(table, columns)
    return Folded.of(facts.select(*columns, "developer").collect(), columns)


def sweep(
    population: pl.DataFrame | Folded,
    regime: Regime,
    grid: Mapping[str, Sequence[Any]],
    assume: Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """Counts for every combination of parameter values in ``grid`` (one or two parameters);
    ``population`` may be given already folded (:func:`fold`, which ``assume`` then ignores).
    One plan per value of the first parameter when there are two, else one in all."""
    names = list(grid)
    if not 1 <= len(names) <= 2:
        raise ValueError("sweep one or two parameters")
    folded = population if isinstance(population, Folded) else fold(population, [regime], assume)
    outer: list[dict[str, Any]] = (
        [{}] if len(names) == 1 else [{names[0]: v} for v in grid[names[0]]]
    )
    swept = names[-1]
    points: list[dict[str, Any]] = []
    for fixed in outer:
        variants = [
            with_overrides(regime, {k: str(v) for k, v in {**fixed, swept: w}.items()})
            for w in grid[swept]
        ]
        for value, c in zip(grid[swept], folded.sweep(variants, swept), strict=True):
            points.append({**fixed, swept: value, **c.as_dict()})
    return pl.DataFrame(points)
