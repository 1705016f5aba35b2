"""The weekly files read once, with one group-by, give the frames the earlier reader built
with three sorts of the whole listing: that reader is kept here as the oracle, and generated
snapshots (re-listed models, bases added later, blank and padded cells, weeks out of file
order, deletions and re-uploads) are read both ways."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from modtrace.ecosystem.population import build_population, derivatives
from modtrace.ecosystem.snapshot import (
    deletions,
    kept_listings,
    last_deletions,
    read_listings,
    read_weeks,
    repeated_listings,
    week_of,
)


def _oracle_weeks(directory: Path, kind: str = "added") -> pl.DataFrame:
    """The reader before issue #15's bulk build, unchanged."""
    files = sorted((directory / kind).glob(f"{kind}_model_*.csv"))
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
        .with_columns(pl.col("week").min().over("model_id"))
        .with_row_index("_order")
        .sort(pl.col("bases").list.len() == 0, "_order")
        .unique(subset="model_id", keep="first")
        .sort("_order")
        .drop("_order")
    )


def _oracle_listings(directory: Path, kind: str) -> pl.DataFrame:
    files = sorted((directory / kind).glob(f"{kind}_model_*.csv"))
    return pl.concat(
        [
            pl.read_csv(path, columns=["Model ID"], schema_overrides={"Model ID": pl.String})
            .select(pl.col("Model ID").str.strip_chars().alias("model_id"))
            .with_columns(pl.lit(week_of(path)).alias("week"))
            for path in files
        ]
    ).filter(pl.col("model_id").is_not_null())


def _oracle_deletions(directory: Path) -> pl.DataFrame:
    last_deleted = (
        _oracle_listings(directory, "deleted")
        .group_by("model_id")
        .agg(pl.col("week").max().alias("deleted_at"))
    )
    last_added = (
        _oracle_listings(directory, "added")
        .group_by("model_id")
        .agg(pl.col("week").max().alias("added_at"))
    )
    return (
        last_deleted.join(last_added, on="model_id", how="left")
        .filter(pl.col("added_at").is_null() | (pl.col("added_at") <= pl.col("deleted_at")))
        .select("model_id", "deleted_at")
        .sort("model_id")
    )


IDS = st.sampled_from(["org/a", "org/b", " org/a ", "x/c", "org/ä", ""])
BASES = st.sampled_from(["", "base/x", "base/y, base/z", " , ", "org/a", "base/x,"])
ROW = st.tuples(IDS, st.sampled_from(["", "finetune", "adapter", " quantized "]), BASES)
WEEKS = st.lists(
    st.tuples(st.sampled_from(["0402", "0319", "0326", "1231"]), st.lists(ROW, max_size=6)),
    min_size=1,
    max_size=4,
    unique_by=lambda w: w[0],
)


def _write(folder: Path, kind: str, weeks: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
    (folder / kind).mkdir(parents=True, exist_ok=True)
    for mmdd, rows in weeks:
        with (folder / kind / f"{kind}_model_{mmdd}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Model ID", "Type", "Base Model"])
            writer.writerows(rows)


@settings(max_examples=150, deadline=None)
@given(WEEKS, WEEKS)
def test_the_same_frames_as_the_earlier_reader(
    added: list[tuple[str, list[tuple[str, str, str]]]],
    deleted: list[tuple[str, list[tuple[str, str, str]]]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, "added", added)
        _write(folder, "deleted", deleted)
        assert read_weeks(folder).equals(_oracle_weeks(folder))
        assert read_weeks(folder, "deleted").equals(_oracle_weeks(folder, "deleted"))
        expected = _oracle_deletions(folder)
        assert deletions(folder).equals(expected)
        shared = last_deletions(folder, read_listings(folder)).sort("model_id")
        assert shared.equals(expected)


@settings(max_examples=150, deadline=None)
@given(WEEKS, st.data())
def test_any_rows_beside_the_repeated_ones_may_be_grouped(
    added: list[tuple[str, list[tuple[str, str, str]]]], data: st.DataObject
) -> None:
    """Rows of distinct ids whose hashes collide are grouped too: whatever rows beyond the
    repeated ones are grouped, the frames are the same."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, "added", added)
        listings = read_listings(folder)
        truly = listings["model_id"].is_duplicated()
        assert not (truly & ~repeated_listings(listings["model_id"])).any()
        extra = data.draw(st.lists(st.booleans(), min_size=len(truly), max_size=len(truly)))
        grouped = truly | pl.Series(extra, dtype=pl.Boolean)
        expected = _oracle_weeks(folder)
        kept = kept_listings(listings, repeated=grouped)
        assert kept.drop("last_week").equals(expected)
        last = listings.group_by("model_id").agg(pl.col("week").max().alias("last_week"))
        assert kept.select("model_id", "last_week").join(last, on="model_id", how="anti").is_empty()
        assert (
            kept.join(last, on="model_id")
            .filter(pl.col("last_week") != pl.col("last_week_right"))
            .is_empty()
        )
        based = kept_listings(listings, based_only=True, repeated=grouped)
        assert (
            based.filter(pl.col("bases").list.len() > 0)
            .drop("last_week")
            .equals(expected.filter(pl.col("bases").list.len() > 0))
        )


@settings(max_examples=150, deadline=None)
@given(WEEKS)
def test_the_derivatives_are_the_listed_models_that_name_a_base(
    added: list[tuple[str, list[tuple[str, str, str]]]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, "added", added)
        expected = (
            _oracle_weeks(folder)
            .filter(pl.col("bases").list.len() > 0)
            .with_columns(
                pl.col("bases").list.first().alias("parent"),
                pl.when(pl.col("relation") == "")
                .then(pl.lit("other"))
                .otherwise(pl.col("relation"))
                .alias("relation"),
            )
            .filter(pl.col("parent") != pl.col("model_id"))
        )
        assert derivatives(folder).equals(expected)
        assert derivatives(folder, read_listings(folder)).equals(expected)


@settings(max_examples=60, deadline=None)
@given(WEEKS, WEEKS)
def test_a_population_s_deletions_are_the_snapshot_s(
    added: list[tuple[str, list[tuple[str, str, str]]]],
    deleted: list[tuple[str, list[tuple[str, str, str]]]],
) -> None:
    """The population reads each derivative's deletion from its last listing as added, not
    from :func:`last_deletions`' group-by over every listing: the same dates."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, "added", added)
        _write(folder, "deleted", deleted)
        pop = build_population(folder)
        expected = pop.select("model_id").join(
            _oracle_deletions(folder), on="model_id", how="left", maintain_order="left"
        )
        assert pop["deleted_at"].equals(expected["deleted_at"])


def test_a_population_from_a_generated_snapshot(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "added",
        [
            ("0319", [("org/a-GGUF", "quantized", "org/b"), ("org/b", "finetune", "meta/llama")]),
            ("0326", [("org/c", "adapter", "org/a-GGUF"), ("org/b", "", "")]),
        ],
    )
    _write(tmp_path, "deleted", [("0402", [("org/c", "", "")])])
    pop = build_population(tmp_path)
    rows = {r["model_id"]: r for r in pop.iter_rows(named=True)}
    assert {m: (r["root"], r["depth"]) for m, r in rows.items()} == {
        "org/a-GGUF": ("meta/llama", 2),
        "org/b": ("meta/llama", 1),
        "org/c": ("meta/llama", 3),
    }
    assert str(rows["org/c"]["deleted_at"]) == "2025-04-02"
    assert rows["org/b"]["deleted_at"] is None
