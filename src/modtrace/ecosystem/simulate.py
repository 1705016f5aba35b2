"""Run a regime over the population with the same compiled evaluator the CLI uses for one case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from modtrace.determination.batch import assess_lazy
from modtrace.ecosystem import assumptions as a
from modtrace.regimes.loader import with_overrides
from modtrace.regimes.model import Regime

QUANTITY_COLUMNS = [
    f"{q}.{p}"
    for q in ("original.training_compute", "modification.compute")
    for p in ("flop", "low", "high", "method")
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
        .with_columns(
            [
                pl.lit(value).alias(path)
                if path not in _FROM_POPULATION
                else pl.col(path).fill_null(pl.lit(value))
                for path, value in (assume or {}).items()
            ]
        )
    )


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


@dataclass(frozen=True)
class Counts:
    """Outcome counts for models and distinct developers; bounds never fold unknowns away."""

    in_scope: int
    out_of_scope: int
    indeterminate: int
    developers_in_scope: int
    developers_upper: int

    @property
    def upper(self) -> int:
        """Models caught if every indeterminate case turned out in scope."""
        return self.in_scope + self.indeterminate

    def as_dict(self) -> dict[str, int]:
        """The counts with their bounds, for tables and JSON."""
        return {
            "in_scope": self.in_scope,
            "indeterminate": self.indeterminate,
            "out_of_scope": self.out_of_scope,
            "upper_bound": self.upper,
            "developers_in_scope": self.developers_in_scope,
            "developers_upper": self.developers_upper,
        }


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


def sweep(
    population: pl.DataFrame,
    regime: Regime,
    grid: Mapping[str, Sequence[Any]],
    assume: Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """Counts for every combination of parameter values in ``grid`` (one or two parameters)."""
    names = list(grid)
    if not 1 <= len(names) <= 2:
        raise ValueError("sweep one or two parameters")
    facts = as_facts(population, assume).collect().lazy()
    points: list[dict[str, Any]] = []
    combos: list[dict[str, Any]] = [{names[0]: v} for v in grid[names[0]]]
    if len(names) == 2:
        combos = [{**c, names[1]: w} for c in combos for w in grid[names[1]]]
    for combo in combos:
        variant = with_overrides(regime, {k: str(v) for k, v in combo.items()})
        result = assess_lazy(facts, variant).select("outcome", "developer").collect()
        points.append({**combo, **counts(result).as_dict()})
    return pl.DataFrame(points)
