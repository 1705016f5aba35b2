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

    A model listed in several weeks keeps the week of its first listing, and the relation and
    bases of its first listing that declares a base (a re-listed model may add its base later:
    29 such models in the snapshot, which the register also links).
    """
    return first_listings(read_listings(directory, kind))


def read_listings(directory: Path, kind: str = "added") -> pl.DataFrame:
    """Every listing of one kind, in file order, repeats kept: ``model_id`` (stripped),
    ``relation`` and ``base_text`` as written, ``week``."""
    folder = directory / kind
    files = sorted(folder.glob(f"{kind}_model_*.csv"))
    if not files:
        raise FileNotFoundError(f"no {kind}_model_*.csv under {folder}")
    frames = [  # scanned, so that the files are read side by side
        pl.scan_csv(
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
        .with_columns(pl.col("model_id").str.strip_chars())
        .collect()
    )


def first_listings(listings: pl.DataFrame) -> pl.DataFrame:
    """:func:`read_weeks` from :func:`read_listings`: one row per model, in the order of the
    listing each keeps; bases are split only where a listing names any."""
    return kept_listings(listings).drop("last_week")


def kept_listings(
    listings: pl.DataFrame, *, based_only: bool = False, repeated: pl.Series | None = None
) -> pl.DataFrame:
    """:func:`first_listings` with ``last_week``, the week of each model's last listing (for
    :func:`last_deletions`' test); with ``based_only``, only the models whose kept listing
    names a base.

    Nearly every model is listed once, and such a model keeps its one listing as it is: only
    the rows of ``repeated`` (a Boolean per listing that holds for every listing of a model
    listed more than once: by default :func:`repeated_listings`) are grouped by model."""
    rows = listings.with_row_index("_order")
    repeated = repeated_listings(rows["model_id"]) if repeated is None else repeated
    grouped = _grouped_listings(rows.filter(repeated))
    keep = (~repeated).scatter(grouped["_order"], True)
    if based_only:
        keep = keep & rows["base_text"].is_not_null()
        grouped = grouped.filter(keep.gather(grouped["_order"]))
    kept = rows.filter(keep)
    at = (keep.cum_sum().cast(pl.Int64) - 1).gather(grouped["_order"])
    kept = kept.with_columns(
        kept["week"].scatter(at, grouped["week"]),
        kept["week"].scatter(at, grouped["last_week"]).alias("last_week"),
    )
    return kept.select(
        "model_id",
        pl.col("relation").fill_null("").str.strip_chars(),
        "week",
        _split_bases(pl.col("base_text"))
        .fill_null(pl.lit([], dtype=pl.List(pl.String)))
        .alias("bases"),
        "last_week",
    )


def repeated_listings(ids: pl.Series) -> pl.Series:
    """True for every row whose id's hash another row's id shares: every row of a repeated id,
    and the rare rows of distinct ids whose hashes collide (which grouping then tells apart).
    Sorting the hashes finds them several times faster than hashing the strings to group."""
    hashes = ids.hash()
    ordered = hashes.sort()
    following = ordered.slice(1)
    shared = following.filter(following == ordered.slice(0, max(len(ordered) - 1, 0)))
    return hashes.is_in(shared.unique().implode()).alias("repeated")


def _split_bases(text: pl.Expr) -> pl.Expr:
    """The bases a ``Base Model`` cell names, in order, blanks dropped (null stays null)."""
    return text.str.split(",").list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))


def _grouped_listings(rows: pl.DataFrame) -> pl.DataFrame:
    """For the listings ``rows`` (with ``_order``), grouped by model: the ``_order`` of the
    listing each model keeps (its first that names a base, else its first), its first and last
    ``week``; in ``_order``."""
    return (
        rows.with_columns((_split_bases(pl.col("base_text")).list.len() > 0).alias("_based"))
        .group_by("model_id")
        .agg(
            pl.coalesce(
                pl.col("_order").filter(pl.col("_based")).min(), pl.col("_order").min()
            ).alias("_order"),
            pl.col("week").min(),
            pl.col("week").max().alias("last_week"),
        )
        .sort("_order")
    )


def deletions(directory: Path, added: pl.DataFrame | None = None) -> pl.DataFrame:
    """``model_id, deleted_at``: the last week each model was listed as deleted, unless it was
    listed as added again after that week (a re-upload under the same id is live); sorted by
    ``model_id``.

    ``added`` is the ``added`` listings (:func:`read_listings`) when already read."""
    return last_deletions(directory, added).sort("model_id")


def last_deletions(directory: Path, added: pl.DataFrame | None = None) -> pl.DataFrame:
    """The rows of :func:`deletions` in no particular order (to be joined on ``model_id``)."""
    last_deleted = last_deleted_weeks(directory)
    if last_deleted is None:
        return pl.DataFrame(schema={"model_id": pl.String, "deleted_at": pl.Date})
    try:
        listed = _listings(directory, "added") if added is None else added
        last_added = (
            listed.select("model_id", "week")
            .join(last_deleted.select("model_id"), on="model_id", how="semi")
            .group_by("model_id")
            .agg(pl.col("week").max().alias("added_at"))
        )
    except FileNotFoundError:
        last_added = pl.DataFrame(schema={"model_id": pl.String, "added_at": pl.Date})
    return (
        last_deleted.join(last_added, on="model_id", how="left")
        .filter(pl.col("added_at").is_null() | (pl.col("added_at") <= pl.col("deleted_at")))
        .select("model_id", "deleted_at")
    )


def last_deleted_weeks(directory: Path) -> pl.DataFrame | None:
    """``model_id, deleted_at``: the last week each model was listed as deleted, re-uploads
    not yet taken out (:func:`last_deletions` does that); ``None`` without deleted listings."""
    try:
        every_deletion = _scan_listings(directory, "deleted")
    except FileNotFoundError:
        return None
    return (  # one query, so that Polars groups the listings as it reads them
        every_deletion.group_by("model_id").agg(pl.col("week").max().alias("deleted_at")).collect()
    )


def _listings(directory: Path, kind: str) -> pl.DataFrame:
    """Every listing (``model_id, week``) of one kind, repeats kept."""
    return _scan_listings(directory, kind).collect()


def _scan_listings(directory: Path, kind: str) -> pl.LazyFrame:
    """:func:`_listings`, not yet read."""
    files = sorted((directory / kind).glob(f"{kind}_model_*.csv"))
    if not files:
        raise FileNotFoundError(f"no {kind}_model_*.csv under {directory / kind}")
    return pl.concat(
        [
            pl.scan_csv(path, schema_overrides={"Model ID": pl.String})
            .select(pl.col("Model ID").str.strip_chars().alias("model_id"))
            .with_columns(pl.lit(week_of(path)).alias("week"))
            for path in files
        ]
    ).filter(pl.col("model_id").is_not_null())
