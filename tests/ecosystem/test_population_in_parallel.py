"""The population built with the roots' sizes worked out in a thread beside each derivative's
own columns is the frame built one step after the other: same rows, same values, same columns
in the same order (the Parquet and CSV the report writes depend on all three)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from modtrace.ecosystem.population import (
    _derived,
    _hub_frame,
    _listed_columns,
    _shown_columns,
    _with_roots,
    lineage_edges,
    resolve_roots,
)
from modtrace.ecosystem.root_info import epoch_inputs, root_info
from modtrace.ecosystem.snapshot import last_deleted_weeks, read_listings

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _one_step_after_another(lineage: Path, hub_stats: Path, epoch: Path) -> pl.DataFrame:
    hub = _hub_frame(hub_stats)
    derived = _derived(read_listings(lineage, "added"))
    edges = lineage_edges(derived, hub)
    pop = _listed_columns(
        _with_roots(derived, resolve_roots(edges)), last_deleted_weeks(lineage), hub
    )
    info = root_info(pop["root"].unique().sort().to_list(), hub, epoch_inputs(epoch), edges)
    return _shown_columns(pop.join(info, on="root", how="left"), edges)


def test_the_threaded_build_is_the_sequential_one(population: Any, lineage_extract: Path) -> None:
    hub_stats = SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet"
    expected = _one_step_after_another(lineage_extract, hub_stats, SHARED_DATA / "epoch")
    assert population.columns[: expected.width] == expected.columns
    assert population.select(expected.columns).equals(expected, null_equal=True)
    # the intervals and developers come after, read from those columns
    assert {"derived_model", "developer", "original.training_compute.low"} <= set(
        population.columns[expected.width :]
    )
