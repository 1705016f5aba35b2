"""A weekly digest for a regulator: what changed in the ecosystem between two snapshots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from modtrace.ecosystem.safeguards import flag_expr, term_expr
from modtrace.ecosystem.snapshot import read_weeks


@dataclass(frozen=True)
class Digest:
    """New derivatives of in-scope originals, new safeguard-removal derivatives, deletions."""

    since: dt.date
    until: dt.date
    added: int
    new_of_in_scope: pl.DataFrame
    new_safeguard_removal: pl.DataFrame
    deleted: int
    deleted_of_in_scope: pl.DataFrame


def digest(
    lineage_dir: Path, population_outcomes: pl.DataFrame, since: dt.date, until: dt.date
) -> Digest:
    """Compare the weeks after ``since`` up to ``until`` with what was there before.

    ``population_outcomes`` holds ``derived_model, root, outcome`` from a simulation; a root is
    "in scope" when its original-in-scope step was true for any of its derivatives.
    """
    in_scope_roots = (
        set(
            population_outcomes.filter(pl.col("step.original_in_scope").eq(True))["root"]
            .unique()
            .to_list()
        )
        if "step.original_in_scope" in population_outcomes.columns
        else set()
    )
    window = (pl.col("week") > since) & (pl.col("week") <= until)
    added = read_weeks(lineage_dir, "added").filter(window)
    with_root = added.join(
        population_outcomes.select("derived_model", "root"),
        left_on="model_id",
        right_on="derived_model",
        how="left",
    )
    new_in_scope = with_root.filter(pl.col("root").is_in(sorted(in_scope_roots))).select(
        "model_id", "relation", "root", "week"
    )
    removal = (
        added.filter(flag_expr("model_id"))
        .with_columns(term_expr("model_id").alias("signal"))
        .join(
            population_outcomes.select("derived_model", "root"),
            left_on="model_id",
            right_on="derived_model",
            how="left",
        )
        .select("model_id", "signal", "root", "week")
    )
    try:
        deleted = read_weeks(lineage_dir, "deleted").filter(window)
    except FileNotFoundError:
        deleted = pl.DataFrame(
            schema={
                "model_id": pl.String,
                "relation": pl.String,
                "bases": pl.List(pl.String),
                "week": pl.Date,
            }
        )
    gone_in_scope = deleted.filter(
        pl.col("bases")
        .list.eval(pl.element().is_in(sorted(in_scope_roots)))
        .list.any()
        .fill_null(False)
    ).select("model_id", "relation", "week")
    return Digest(since, until, added.height, new_in_scope, removal, deleted.height, gone_in_scope)


def digest_text(d: Digest, limit: int = 15) -> str:
    """The digest as a regulator would read it."""
    lines = [
        f"Downstream ecosystem digest, {d.since + dt.timedelta(days=1)} to {d.until}",
        f"  models added: {d.added:,}; deleted: {d.deleted:,}",
        f"  new derivatives of originals in scope: {d.new_of_in_scope.height:,}",
    ]
    for row in d.new_of_in_scope.head(limit).iter_rows(named=True):
        lines.append(
            f"    {row['week']}  {row['model_id']}  ({row['relation'] or 'undeclared'} of "
            f"{row['root']})"
        )
    lines.append(
        f"  new derivatives signalling safeguard removal: {d.new_safeguard_removal.height:,}"
    )
    for row in d.new_safeguard_removal.head(limit).iter_rows(named=True):
        lines.append(
            f"    {row['week']}  {row['model_id']}  [{row['signal']}] root {row['root'] or '?'}"
        )
    lines.append(f"  deleted derivatives of originals in scope: {d.deleted_of_in_scope.height:,}")
    for row in d.deleted_of_in_scope.head(limit).iter_rows(named=True):
        lines.append(f"    {row['week']}  {row['model_id']}")
    return "\n".join(lines)
