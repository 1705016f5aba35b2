"""Every figure of ``modtrace ecosystem report`` on the shared snapshot, as one JSON file, so
that a change meant only to make the report faster can be shown to change no figure.

Writes the population's Epoch matches, each regime's counts under both scenarios, the three
sweeps, the cost table, the central estimate (expected counts and every derivative's
probabilities, as a digest) and a digest of every row the report writes (population.parquet's
content), then compares with an earlier file when given one.

Run:
    .venv/bin/python bench/report_figures.py --write /tmp/before.json     # on the old code
    .venv/bin/python bench/report_figures.py --check /tmp/before.json     # on the new code
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import polars as pl

from modtrace.ecosystem.estimate import Fitted
from modtrace.ecosystem.population import build_population
from modtrace.ecosystem.report import build_report

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def digest(frame: pl.DataFrame) -> str:
    """A content digest of a frame: its schema and every value, row by row, in order."""
    h = hashlib.sha256(repr(frame.schema).encode())
    for row in frame.iter_rows():
        h.update(repr(row).encode())
    return h.hexdigest()


def _rows(name: str, frame: pl.DataFrame) -> list[dict[str, Any]]:
    """A table's rows; the top-15 tables in (count, root) order, since their ties used to come
    in any order (the report now orders them by root)."""
    if name in ("families", "removal_by_base"):
        frame = frame.sort(["derivatives", "root"], descending=[True, False])
    return frame.to_dicts()


def figures(data: Path) -> dict[str, Any]:
    """Everything the report prints or writes, as JSON-able values."""
    population = build_population(
        data / "hf-lineage", data / "hub-stats" / "hub_stats_frozen.parquet", data / "epoch"
    )
    report = build_report(population, "strict", fitted=Fitted.from_epoch(data / "epoch"))
    assert report.outcomes is not None
    assert report.estimate is not None
    frames: dict[str, pl.DataFrame | None] = {
        "threshold_curve": report.threshold_curve,
        "other_threshold_curve": report.other_threshold_curve,
        "fraction_curve": report.fraction_curve,
        "families": report.families,
        "weekly": report.weekly,
        "removal_by_base": report.removal_by_base,
        "cost": report.cost,
        "estimate_curve": report.estimate_curve,
    }
    matches = (
        population.select("root", "epoch_name", "epoch_confidence")
        .drop_nulls("epoch_name")
        .unique()
        .sort("root")
    )
    return {
        "population": report.population,
        "developers": report.developers,
        "epoch_matches": matches.rows(),
        "summary": report.summary,
        "other_summary": report.other_summary,
        "tables": {k: None if v is None else _rows(k, v) for k, v in frames.items()},
        "estimate": report.estimate.expected,
        "probabilities": digest(report.estimate.probabilities),
        "outcomes": digest(report.outcomes),
        "population_rows": digest(population.drop("signal_text", "hub_text")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--write", type=Path, help="write the figures here")
    parser.add_argument("--check", type=Path, help="compare with figures written earlier")
    args = parser.parse_args()
    found = json.loads(json.dumps(figures(args.data), default=str))
    if args.write:
        args.write.write_text(json.dumps(found, indent=1), encoding="utf-8")
        print(f"wrote {args.write}")
    if args.check:
        before = json.loads(args.check.read_text(encoding="utf-8"))
        differing = [k for k in sorted(set(before) | set(found)) if before.get(k) != found.get(k)]
        differing += [
            f"tables.{k}"
            for k in before.get("tables", {})
            if before["tables"][k] != found.get("tables", {}).get(k)
        ]
        if differing:
            sys.exit(f"figures differ: {', '.join(differing)}")
        print(f"every figure identical to {args.check} ({len(found)} groups)")


if __name__ == "__main__":
    main()
