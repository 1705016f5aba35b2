"""Benchmark the ecosystem report on the full shared snapshot and at Hub size; prints figures only.

1. **The report as a user runs it** (issue #15): ``modtrace ecosystem report`` in a fresh process,
   wall and CPU time and peak memory, on the snapshot and on a synthetic Hub-size copy (the
   snapshot ``--scale`` times over: each copy's models under renamed namespaces, derived from
   the same originals where the snapshot's bases lie outside it, so families grow and so do
   the developers, the roots and the Epoch search; 2.18 M listed rows at ×5). Beside each, in
   the same run and on the same files, a DuckDB script computing the headline counts (the
   derivatives, developers, relations, weeks and largest base families), which is the least
   any report must do; the ratio is printed. Targets: snapshot ≤ 3 s, Hub size ≤ 8 s, ≤ 2 GB.
2. **The pipeline's stages in one process**: the population + every regime at its defaults + a
   50-point sweep + the central estimate (Monte Carlo, with the threshold band) + the cost
   table, with wall and CPU time (on a shared machine the CPU time is the fairer figure).
3. **The compiled evaluator against a naive per-row Python evaluation** of the same regime on
   a 10^4-row sample.

Run: .venv/bin/python bench/ecosystem.py                 # snapshot and ×5
     .venv/bin/python bench/ecosystem.py --scale 1,5,10 --skip-stages
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from modtrace.ecosystem.cost import regulation_cost
from modtrace.ecosystem.estimate import Fitted, estimate_curve, monte_carlo
from modtrace.ecosystem.population import build_population
from modtrace.ecosystem.report import BAND_EXPONENTS, COST_EXPONENTS, log_range
from modtrace.ecosystem.rowwise import decide_row
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY, as_facts, counts, run, sweep
from modtrace.regimes.loader import default_catalog
from modtrace.regimes.model import Regime

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def naive(rows: list[dict[str, Any]], regime: Regime) -> list[bool | None]:
    """The same regime decided one row at a time by the single-case evaluator's step logic."""
    return [decide_row(row, regime) for row in rows]


# ---- 1. the report as a user runs it, against a DuckDB peer -----------------------------------

PEER_SQL = """
CREATE TEMP TABLE listing AS
SELECT trim("Model ID") AS model_id, coalesce(trim("Type"), '') AS relation,
       trim(split_part(coalesce("Base Model", ''), ',', 1)) AS base,
       regexp_extract(filename, '_(\\d{4})\\.csv$', 1) AS week, row_number() OVER () AS seq
FROM read_csv('{added}/added_model_*.csv', header = true, all_varchar = true, filename = true);
CREATE TEMP TABLE derivative AS
SELECT model_id, min(week) AS week,
       arg_min(relation, seq) FILTER (WHERE base <> '') AS relation,
       arg_min(base, seq) FILTER (WHERE base <> '') AS base
FROM listing WHERE model_id IS NOT NULL GROUP BY model_id
HAVING count(*) FILTER (WHERE base <> '') > 0;
DELETE FROM derivative WHERE base = model_id;
"""
PEER_COUNTS = {
    "derivatives": "SELECT count(*) FROM derivative",
    "developers": "SELECT count(DISTINCT split_part(model_id, '/', 1)) FROM derivative",
    "relations": "SELECT relation, count(*) FROM derivative GROUP BY ALL ORDER BY 2 DESC",
    "weeks": "SELECT week, count(*) FROM derivative GROUP BY ALL ORDER BY 1",
    "families": "SELECT base, count(*) AS n, count(DISTINCT split_part(model_id, '/', 1)) "
    "FROM derivative GROUP BY ALL ORDER BY n DESC, base LIMIT 15",
}


PEER = f"""
import json, sys
import duckdb
con = duckdb.connect()
con.execute({PEER_SQL!r}.replace("{{added}}", sys.argv[1]))
counts = {{name: con.execute(sql).fetchall() for name, sql in {PEER_COUNTS!r}.items()}}
print(json.dumps({{"derivatives": counts["derivatives"][0][0],
                  "developers": counts["developers"][0][0]}}))
"""
"""The peer as a script of its own: it imports only DuckDB (its start-up is part of its time)."""


BEFORE = """
import sys
sys.path.insert(0, sys.argv.pop(1))
from modtrace.cli.main import main
main()
"""
"""The report from an earlier checkout's ``src`` (``--before``), run the same way."""


def timed(kind: str, data: Path, out: Path, before: Path | None = None) -> dict[str, Any]:
    """One fresh process, as a user runs it: wall time from spawn to exit, and its own CPU
    time and peak memory (from ``wait4``)."""
    if kind == "peer":
        command = [sys.executable, "-c", PEER, str(data / "hf-lineage" / "added")]
    else:
        args = ["ecosystem", "report", "--data", str(data), "--out", str(out)]
        if kind == "before" and before is not None:
            command = [sys.executable, "-c", BEFORE, str(before), *args]
        else:
            command = [str(Path(sys.executable).with_name("modtrace")), *args]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    printed = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{kind} failed on {data} (exit {child.returncode})")
    found = json.loads(printed.strip().splitlines()[-1]) if kind == "peer" else {}
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        **found,
    }


def rename(column: str, copy: int) -> pl.Expr:
    """``org/name`` -> ``org-copyK/name``: the same model names under other namespaces."""
    return pl.col(column).str.replace(r"^([^/]+)/", f"${{1}}-copy{copy}/")


def scaled_snapshot(source: Path, copies: int, out: Path) -> Path:
    """The snapshot ``copies`` times over (hub-stats and Epoch shared): copy K renames every
    listed model's namespace and every base that is itself a listed model, so each copy is a
    forest of its own grafted onto the same external originals (Llama, Qwen, FLUX …)."""
    lineage = source / "hf-lineage"
    schema = {"Model ID": pl.String, "Type": pl.String, "Base Model": pl.String}
    listed = (
        pl.scan_csv(lineage / "added" / "*.csv", schema=schema)
        .select(pl.col("Model ID").str.strip_chars().unique())
        .collect()
        .to_series()
        .implode()
    )
    for kind in ("added", "deleted"):
        (out / "hf-lineage" / kind).mkdir(parents=True)
        for path in sorted((lineage / kind).glob("*.csv")):
            frame = pl.read_csv(path, schema=schema)
            bases = pl.col("Base Model").str.split(",").list.eval(pl.element().str.strip_chars())
            copies_of = [frame]
            for k in range(1, copies):
                inside = pl.element().is_in(listed)
                renamed = pl.element().str.replace(r"^([^/]+)/", f"${{1}}-copy{k}/")
                copies_of.append(
                    frame.with_columns(
                        rename("Model ID", k),
                        bases.list.eval(pl.when(inside).then(renamed).otherwise(pl.element()))
                        .list.join(",")
                        .alias("Base Model"),
                    )
                )
            pl.concat(copies_of).write_csv(out / "hf-lineage" / kind / path.name)
    for shared in ("hub-stats", "epoch"):
        (out / shared).symlink_to(source / shared)
    return out


def report_against_peer(scales: list[int], repeat: int, before: Path | None) -> None:
    """The report and the peer at each scale, interleaved, medians of ``repeat`` rounds."""
    print("modtrace ecosystem report, fresh process, against DuckDB's headline counts (same run)")
    print("  (ratio: wall time over the peer's; CPU: the process's user + system time)")
    print(
        f"  {'size':<22} {'rows':>10} {'report':>9} {'CPU':>7} {'peak':>9}   "
        f"{'DuckDB':>8} {'CPU':>7} {'peak':>8}   {'ratio':>5}   target"
    )
    with tempfile.TemporaryDirectory(prefix="modtrace-bench-") as tmp:
        for scale in scales:
            data = DATA if scale == 1 else scaled_snapshot(DATA, scale, Path(tmp) / f"x{scale}")
            rows = sum(
                1
                for path in (data / "hf-lineage" / "added").glob("*.csv")
                for _ in path.open(encoding="utf-8")
            )
            kinds = ("peer", "report", "before") if before else ("peer", "report")
            runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
            for _ in range(repeat):
                for kind in kinds:
                    runs[kind].append(timed(kind, data, Path(tmp) / f"out{scale}", before))
            med = {
                kind: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu", "peak_mb")}
                for kind, rs in runs.items()
            }
            r, p = med["report"], med["peer"]
            target = 3.0 if scale == 1 else 8.0
            label = "snapshot" if scale == 1 else f"Hub size (snapshot ×{scale})"
            print(
                f"  {label:<22} {rows:>10,} {r['wall']:>7.2f} s {r['cpu']:>5.2f} s "
                f"{r['peak_mb']:>6,.0f} MB   {p['wall']:>6.2f} s {p['cpu']:>5.2f} s "
                f"{p['peak_mb']:>5,.0f} MB   {r['wall'] / p['wall']:>4.1f}×   "
                f"≤ {target:g} s, ≤ 2,048 MB"
            )
            if before:
                b = med["before"]
                print(
                    f"  {'  before (' + before.parent.name + ')':<22} {'':>10} {b['wall']:>7.2f} s "
                    f"{b['cpu']:>5.2f} s {b['peak_mb']:>6,.0f} MB   {'':>24}   "
                    f"{b['wall'] / p['wall']:>4.1f}×   now {b['wall'] / r['wall']:.1f}× faster "
                    f"({b['cpu'] / r['cpu']:.1f}× less CPU)"
                )
            print(
                f"  {'':<22} peer counted {runs['peer'][0]['derivatives']:,} derivatives by "
                f"{runs['peer'][0]['developers']:,} developers; walls {_walls(runs['report'])} "
                f"against {_walls(runs['peer'])}"
            )


def _walls(runs: list[dict[str, Any]]) -> str:
    return "/".join(f"{r['wall']:.2f}" for r in runs)


# ---- 2. and 3. the stages in one process; the evaluator against per-row Python -------------


def stages() -> None:
    catalog = default_catalog()
    start, cpu_start = time.perf_counter(), time.process_time()
    population = build_population(
        DATA / "hf-lineage", DATA / "hub-stats" / "hub_stats_frozen.parquet", DATA / "epoch"
    )
    built = time.perf_counter()
    results = {rid: counts(run(population, catalog.get(rid))) for rid in catalog.ids()}
    simulated = time.perf_counter()
    curve = sweep(
        population, catalog.get("govai-2025"), {"upstream_threshold_flop": log_range(20, 27, 50)}
    )
    swept = time.perf_counter()
    regimes = catalog.in_force()
    fitted = Fitted.from_epoch(DATA / "epoch")
    estimate = monte_carlo(population, regimes, fitted, OBSERVABLE_ONLY)
    band = estimate_curve(
        population,
        catalog.get("govai-2025"),
        fitted,
        "upstream_threshold_flop",
        [10**e for e in BAND_EXPONENTS],
        OBSERVABLE_ONLY,
    )
    estimated = time.perf_counter()
    cost = regulation_cost(population, regimes, COST_EXPONENTS, OBSERVABLE_ONLY)
    costed = time.perf_counter()
    cpu = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"population: {population.height:,} derivatives, built in {built - start:.1f} s")
    for rid, c in results.items():
        print(
            f"  {rid:<16} in scope {c.in_scope:>6,}  indeterminate {c.indeterminate:>7,}  "
            f"out {c.out_of_scope:>7,}"
        )
    print(
        f"all {len(results)} regimes: {simulated - built:.2f} s; 50-point sweep: "
        f"{swept - simulated:.2f} s "
        f"({curve.height} points)"
    )
    print(
        f"central estimate ({estimate.draws} draws, 4 regimes) and its {band.height}-point band: "
        f"{estimated - swept:.2f} s; cost table ({cost.height} rows): {costed - estimated:.2f} s"
    )
    print(
        f"whole pipeline: {costed - start:.1f} s wall, {cpu:.1f} s CPU (target < 30 s); peak "
        f"memory {peak_mb:,.0f} MB (target < 2,048 MB)"
    )

    regime = catalog.get("govai-2025")
    sample = population.sample(10_000, seed=3)
    facts = as_facts(sample).collect()
    rows = facts.to_dicts()
    t0 = time.perf_counter()
    slow = naive(rows, regime)
    t1 = time.perf_counter()
    fast = run(sample, regime)["outcome"].to_list()
    t2 = time.perf_counter()
    words = {True: "in-scope", False: "out-of-scope", None: "indeterminate"}
    agree = sum(words[a] == b for a, b in zip(slow, fast, strict=True))
    print(
        f"10^4-row sample, govai-2025: per-row Python {t1 - t0:.3f} s "
        f"({len(rows) / (t1 - t0):,.0f} rows/s); "
        f"compiled batch {t2 - t1:.3f} s ({len(rows) / (t2 - t1):,.0f} rows/s); ratio "
        f"{(t1 - t0) / (t2 - t1):.0f}x; "
        f"agreement {agree}/{len(rows)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1,5", help="snapshot sizes to run (1 = as it is)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size (medians)")
    parser.add_argument(
        "--before", type=Path, help="also time an earlier checkout's src/ (git archive OLD src)"
    )
    parser.add_argument("--skip-stages", action="store_true", help="only the report and peer")
    args = parser.parse_args()
    if not (DATA / "hf-lineage").is_dir():
        sys.exit(f"no data at {DATA}")
    report_against_peer([int(x) for x in args.scale.split(",")], args.repeat, args.before)
    if not args.skip_stages:
        stages()


if __name__ == "__main__":
    main()
