"""Read the Hub lineage snapshot (weekly ``added``/``deleted`` CSVs) as Polars frames."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

SNAPSHOT_YEAR = 2025
_WEEK = re.compile(r"_(\d{2})(\d{2})\.csv$")


def week_of(path: Path, year: int = SNAPSHOT_YEAR) -> dt.date:
    """The date in a file name such as ``added_model_0319.csv`` (the snapshot's year)."""
    match = _WEEK.search(path.name)
    if not match:
        raise ValueError(f"{path.name}: no MMDD date in the file name")
    return dt.date(year, int(match[1]), int(match[2]))


def read_weeks(directory: Path, kind: str = "added") -> pl.DataFrame:
    """All weekly files of one kind: ``model_id, relation, bases (list), week``.

    A model listed in several weeks keeps its first listing.
    """
    folder = directory / kind
    files = sorted(folder.glob(f"{kind}_model_*.csv"))
    if not files:
        raise FileNotFoundError(f"no {kind}_model_*.csv under {folder}")
    frames = [
        pl.read_csv(
            path,
            schema={"Model ID": pl.String, "Type": pl.String, "Base Model": pl.String},
            has_header=True,
            quote_char='"',
        ).with_columns(pl.lit(week_of(path)).alias("week"))
        for path in files
    ]
    return (
        pl.concat(frames)
        .rename({"Model ID": "model_id", "Type": "relation", "Base Model": "base_text"})
        .filter(pl.col("model_id").is_not_null())
        .with_columns(
            pl.col("model_id").str.strip_chars(),
            pl.col("relation").fill_null("").str.strip_chars(),
            pl.col("base_text")
            .fill_null("")
            .str.split(",")
            .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
            .alias("bases"),
        )
        .drop("base_text")
        .unique(subset="model_id", keep="first", maintain_order=True)
    )
