"""The population a served ecosystem report holds (``modtrace serve --ecosystem``), read back so
that a draft regime can be simulated on it without rebuilding from the Hub lists."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from modtrace.ecosystem.simulate import KEEP, QUANTITY_COLUMNS
from modtrace.errors import InputError

INPUT_COLUMNS = [
    *KEEP,
    "root_developer",
    "root_pipeline_tag",
    "same_developer_as_root",
    *QUANTITY_COLUMNS,
]
"""Every column :func:`modtrace.ecosystem.simulate.as_facts` reads."""


class NoPopulation(InputError):
    """No population to simulate on: no report, or one built without the simulation's inputs."""

    def __init__(self, problem: str) -> None:
        super().__init__([("ecosystem", problem)])
        self.problem = problem


def read_population(folder: Path | None) -> pl.DataFrame:
    """The rows of the report in ``folder``, checked to hold every simulation input."""
    path = folder / "population.parquet" if folder else None
    if path is None or not path.is_file():
        raise NoPopulation(
            "no ecosystem report is loaded (build one with `modtrace ecosystem report` and "
            "serve it with `modtrace serve --ecosystem FOLDER`)"
        )
    try:
        columns = pl.read_parquet_schema(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise NoPopulation(f"{path} cannot be read: {exc}") from None
    missing = [c for c in INPUT_COLUMNS if c not in columns]
    if missing:
        raise NoPopulation(
            f"the report in {folder} was built without the simulation's inputs "
            f"({', '.join(missing[:4])}{' …' if len(missing) > 4 else ''}); rebuild it with "
            "`modtrace ecosystem report`"
        )
    return pl.read_parquet(path, columns=INPUT_COLUMNS)
