"""A draft regime against an existing one over the same population: who changes outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from modtrace.ecosystem.estimate import Fitted, monte_carlo
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY, Counts, counts, run
from modtrace.regimes.model import Regime


@dataclass(frozen=True)
class Comparison:
    """Counts under each regime, the outcome transitions, and the families that change most."""

    draft: Regime
    against: Regime
    draft_counts: Counts
    against_counts: Counts
    transitions: pl.DataFrame  # against_outcome, draft_outcome, models, developers
    changed_models: int
    changed_developers: int
    families: pl.DataFrame  # root, changed, newly_in_scope, no_longer_in_scope
    estimate: dict[str, dict[str, float]] | None = None  # regime id -> expected, low_90, high_90
    estimate_scenario: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "draft": {
                "id": self.draft.id,
                "version": self.draft.version,
                **self.draft_counts.as_dict(),
            },
            "against": {
                "id": self.against.id,
                "version": self.against.version,
                **self.against_counts.as_dict(),
            },
            "changed_models": self.changed_models,
            "changed_developers": self.changed_developers,
            "transitions": self.transitions.to_dicts(),
            "families": self.families.to_dicts(),
            "estimate": self.estimate,
            "estimate_scenario": self.estimate_scenario,
        }


def compare(
    population: pl.DataFrame,
    draft: Regime,
    against: Regime,
    assume: Mapping[str, Any] | None = None,
    top: int = 10,
    fitted: Fitted | None = None,
) -> Comparison:
    """Run both regimes with the same compiled evaluator and join their outcomes per model.

    With ``fitted`` distributions, each regime also gets the central estimate (expected count
    and 90 % interval, :func:`modtrace.ecosystem.estimate.monte_carlo`) under the scenario the
    estimate uses.
    """
    a = run(population, draft, assume)
    b = run(population, against, assume)
    joined = b.select(
        "derived_model", "developer", "root", pl.col("outcome").alias("against")
    ).join(a.select("derived_model", pl.col("outcome").alias("draft")), on="derived_model")
    changed = joined.filter(pl.col("against") != pl.col("draft"))
    transitions = (
        joined.group_by("against", "draft")
        .agg(pl.len().alias("models"), pl.col("developer").n_unique().alias("developers"))
        .sort("against", "draft")
    )
    families = (
        changed.group_by("root")
        .agg(
            pl.len().alias("changed"),
            ((pl.col("draft") == "in-scope") & (pl.col("against") != "in-scope"))
            .sum()
            .alias("newly_in_scope"),
            ((pl.col("against") == "in-scope") & (pl.col("draft") != "in-scope"))
            .sum()
            .alias("no_longer_in_scope"),
        )
        .sort(["changed", "root"], descending=[True, False])
        .head(top)
    )
    estimate = None
    if fitted is not None:
        estimate = monte_carlo(population, [draft, against], fitted, OBSERVABLE_ONLY).expected
    return Comparison(
        draft,
        against,
        counts(a),
        counts(b),
        transitions,
        changed.height,
        changed["developer"].n_unique(),
        families,
        estimate,
        "observable-only" if estimate is not None else "",
    )


def comparison_text(c: Comparison) -> str:
    """A plain-text summary a regulator reads first."""
    lines = [
        f"{'regime':<24} {'in scope':>9} {'indeterminate':>14} {'upper':>9} "
        f"{'developers':>11} {'dev. upper':>11}"
    ]
    for regime, n in ((c.against, c.against_counts), (c.draft, c.draft_counts)):
        lines.append(
            f"{regime.id + ' v' + str(regime.version):<24} {n.in_scope:>9,} "
            f"{n.indeterminate:>14,} {n.upper:>9,} {n.developers_in_scope:>11,} "
            f"{n.developers_upper:>11,}"
        )
    if c.estimate:
        lines.append("")
        lines.append(f"central estimate ({c.estimate_scenario} scenario, Monte Carlo):")
        for regime in (c.against, c.draft):
            e = c.estimate[regime.id]
            lines.append(
                f"  {regime.id}: expected {e['expected']:,.1f} in scope "
                f"(90 % interval {e['low_90']:,.0f} to {e['high_90']:,.0f})"
            )
    lines.append("")
    lines.append(
        f"{c.changed_models:,} derivatives ({c.changed_developers:,} developers) change outcome "
        f"from {c.against.id} to {c.draft.id}:"
    )
    for row in c.transitions.filter(pl.col("against") != pl.col("draft")).iter_rows(named=True):
        lines.append(
            f"  {row['against']} -> {row['draft']}: {row['models']:,} "
            f"({row['developers']:,} developers)"
        )
    if c.families.height:
        lines.append("")
        lines.append("largest families among them (root: changed, newly in, no longer in):")
        for row in c.families.iter_rows(named=True):
            lines.append(
                f"  {row['root']}: {row['changed']:,}, +{row['newly_in_scope']:,}, "
                f"-{row['no_longer_in_scope']:,}"
            )
    return "\n".join(lines)
