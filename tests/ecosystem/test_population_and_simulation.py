"""The ecosystem: exact figures on an extract, cross-checked with plain SQL, and the classifier."""

from __future__ import annotations

import csv
import datetime as dt
import math
import sqlite3
from pathlib import Path

import polars as pl
import pytest

from modtrace.ecosystem.monitor import digest, digest_text
from modtrace.ecosystem.population import resolve_roots, size_from_name
from modtrace.ecosystem.report import build_report, write_report
from modtrace.ecosystem.safeguards import classify, flag_expr
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY, counts, run, sweep
from modtrace.regimes.loader import default_catalog

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "safeguard_sample.csv"


def test_population_rows_are_the_derivatives(
    population: pl.DataFrame, lineage_extract: Path
) -> None:
    expected = set()
    for path in sorted((lineage_extract / "added").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                bases = [b.strip() for b in row["Base Model"].split(",") if b.strip()]
                if bases and bases[0] != row["Model ID"]:
                    expected.add(row["Model ID"])
    assert set(population["derived_model"]) == expected


def test_counts_match_an_independent_sql_query(population: pl.DataFrame) -> None:
    regime = default_catalog().get("govai-2025")
    result = run(population, regime, OBSERVABLE_ONLY)
    c = counts(result)
    con = sqlite3.connect(":memory:")
    rows = population.select(
        "derived_model",
        "developer",
        "root_developer",
        "relation",
        "safeguard_removal",
        "original.training_compute.low",
        "original.training_compute.high",
    ).rows()
    con.execute("CREATE TABLE p (m, dev, rootdev, rel, flag, olow, ohigh)")
    con.executemany(
        "INSERT INTO p VALUES (?,?,?,?,?,?,?)",
        [(*r[:5], r[5], None if math.isinf(r[6]) else r[6]) for r in rows],
    )
    threshold = regime.param_values()["upstream_threshold_flop"]
    # Written from the paper's Figure 2 alone: in scope when the original certainly exceeds the
    # threshold, the developer is someone else, and safeguard removal is signalled (the backstop
    # can only fire on compute, which these ranges never reach); out when the original is certainly
    # below it or the developer is the provider; indeterminate otherwise.
    in_scope = con.execute(
        "SELECT COUNT(*) FROM p WHERE dev != rootdev AND olow > ? AND flag = 1", (threshold,)
    ).fetchone()[0]
    out = con.execute(
        "SELECT COUNT(*) FROM p WHERE dev = rootdev OR (ohigh IS NOT NULL AND ohigh <= ?)",
        (threshold,),
    ).fetchone()[0]
    assert (c.in_scope, c.out_of_scope) == (in_scope, out)
    assert c.indeterminate == population.height - in_scope - out


def test_exact_figures_on_the_extract(population: pl.DataFrame) -> None:
    regime = default_catalog().get("govai-2025")
    strict = counts(run(population, regime))
    assert strict.in_scope == 0  # no Llama-3.1-8B/3.2-1B derivative can exceed 1e25
    assert strict.out_of_scope > 0.6 * population.height
    lowered = counts(run(population, default_catalog().get("govai-2025"), OBSERVABLE_ONLY))
    assert lowered.upper <= strict.upper


def test_sweep_is_monotone_and_bounds_never_cross(population: pl.DataFrame) -> None:
    curve = sweep(
        population,
        default_catalog().get("govai-2025"),
        {"upstream_threshold_flop": [1e20, 1e22, 1e23, 1e24, 1e25, 1e26]},
        OBSERVABLE_ONLY,
    )
    uppers, lowers = curve["upper_bound"].to_list(), curve["in_scope"].to_list()
    assert uppers == sorted(uppers, reverse=True)
    assert lowers == sorted(lowers, reverse=True)
    assert all(lo <= up for lo, up in zip(lowers, uppers, strict=True))
    # At 1e20 the originals' lower bounds clear the threshold and the four derivatives that
    # signal safeguard removal are caught: two gemma-3-27b-it abliterations, one Llama-3.1-8B,
    # and one Reka-Flash-3 whose original's size (21B) comes from its quantizations.
    assert lowers[0] == 4
    assert curve.filter(pl.col("upstream_threshold_flop") == 1e25)["in_scope"].item() == 0


def test_two_parameter_sweep(population: pl.DataFrame) -> None:
    curve = sweep(
        population,
        default_catalog().get("govai-2025"),
        {"upstream_threshold_flop": [1e23, 1e25], "substantial_compute_fraction": [0.01, 1.0]},
    )
    assert curve.height == 4
    assert set(curve.columns) >= {
        "upstream_threshold_flop",
        "substantial_compute_fraction",
        "in_scope",
    }


def test_roots_follow_first_bases_and_flag_loops() -> None:
    edges = pl.DataFrame(
        {"model_id": ["b", "c", "d", "x", "y"], "parent": ["a", "b", "c", "y", "x"]}
    )
    roots = {r["model_id"]: r for r in resolve_roots(edges).iter_rows(named=True)}
    assert (roots["d"]["root"], roots["d"]["depth"]) == ("a", 3)
    assert roots["x"]["cyclic"] or roots["y"]["cyclic"]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("meta-llama/Llama-3.1-8B", 8e9),
        ("x/Mixtral-8x7B-v0.1", 56e9),
        ("Qwen/Qwen3-235B-A22B", 235e9),
        ("google/gemma-3-270m", 270e6),
        ("black-forest-labs/FLUX.1-dev", None),
    ],
)
def test_parameters_from_names(name: str, params: float | None) -> None:
    got = pl.DataFrame({"id": [name]}).select(size_from_name("id")).item()
    assert got == (pytest.approx(params) if params else None)


def test_classifier_precision_on_the_labelled_sample() -> None:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        sample = list(csv.DictReader(handle))
    frame = pl.DataFrame({"m": [r["model_id"] for r in sample]}).with_columns(
        flag_expr("m").alias("f")
    )
    flags = frame["f"].to_list()
    labels = [r["label"] == "1" for r in sample]
    true_pos = sum(f and lab for f, lab in zip(flags, labels, strict=True))
    predicted = sum(flags)
    precision = true_pos / predicted
    assert precision >= 0.95, precision
    assert [classify(r["model_id"]) is not None for r in sample] == flags  # both forms agree
    for r in sample:
        if r["why"].startswith("pinned"):
            assert (classify(r["model_id"]) is not None) == (r["label"] == "1"), r["model_id"]


def test_digest_and_report(population: pl.DataFrame, lineage_extract: Path, tmp_path: Path) -> None:
    outcomes = run(population, default_catalog().get("govai-2025"))
    d = digest(lineage_extract, outcomes, dt.date(2025, 3, 19), dt.date(2025, 4, 2))
    assert d.added > 0
    assert "Downstream ecosystem digest" in digest_text(d)
    files = write_report(build_report(population, "strict"), tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert "<script" not in html
    written = pl.read_parquet(files[0])
    assert written.height == population.height
    assert {"outcome.govai-2025", "outcome.eu-ai-act-gpai"} <= set(written.columns)


@pytest.mark.parametrize("regime_id", ["govai-2025", "eu-ai-act-gpai"])
def test_counts_are_the_outcomes_tallied(population: pl.DataFrame, regime_id: str) -> None:
    result = run(population, default_catalog().get(regime_id))
    tally = dict(result.group_by("outcome").len().iter_rows())
    c = counts(result)
    assert (c.in_scope, c.out_of_scope, c.indeterminate) == tuple(
        tally.get(k, 0) for k in ("in-scope", "out-of-scope", "indeterminate")
    )
    assert (
        c.developers_upper
        == result.filter(pl.col("outcome") != "out-of-scope")["developer"].n_unique()
    )
    assert (
        c.developers_in_scope
        == result.filter(pl.col("outcome") == "in-scope")["developer"].n_unique()
    )
    assert c.in_scope + c.out_of_scope + c.indeterminate == population.height
