"""How modtrace grows with the Hub: synthetic forests at 10^5, 10^6 (and 10^7) edges.

Each size is a Hub-like forest: roots with a power-law (preferential-attachment) fan-out, the
relation mix of the real snapshot (finetune, quantized, adapter, merge), written as the same
weekly CSV files as ../shared/data/hf-lineage. For each size and stage the figures are time and
peak memory (each stage runs in its own process, so peaks do not mix), next to a plain peer
measured in the same run on the same files:

- import:  `modtrace import hf-lineage` into SQLite  vs  a plain sqlite3 script (executemany);
- walk:    all descendants of the largest family, in-memory graph (load, then walk) and the
           SQL walk  vs  a recursive SQL query for the ids alone;
- report:  the ecosystem population plus one regime simulated  vs  polars reading the CSVs and
           counting derivatives per first base (the least any report must do).

Prints figures; asserts nothing. Run:
    .venv/bin/python bench/scale.py                 # 10^5 and 10^6 edges
    .venv/bin/python bench/scale.py --sizes 1e5,1e6,1e7
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RELATIONS = [("finetune", 0.45), ("quantized", 0.30), ("adapter", 0.17), ("merge", 0.08)]
WEEKS = 16


def forest(edges: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(child, relation, parent) rows shaped like the Hub: 70 % of new models derive from a root
    chosen by Zipf popularity (a few bases draw most derivatives: the snapshot's FLUX.1-dev has
    ~11k), 30 % from an earlier derivative chosen uniformly (chains: quantizations of tunes)."""
    rng = random.Random(seed)
    roots = max(10, edges // 40)
    names = [f"org{i % 997}/root-{i}" for i in range(roots)]
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.1 for rank in range(roots)))
    kinds = [r for r, _ in RELATIONS]
    cum = [w for _, w in RELATIONS]
    rows: list[tuple[str, str, str]] = []
    for i in range(edges):
        if i < 10 or rng.random() < 0.7:
            parent = names[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        else:
            parent = rows[rng.randrange(len(rows))][0]
        child = f"user{rng.randrange(edges // 8 + 1)}/model-{i}"
        rows.append((child, rng.choices(kinds, cum)[0], parent))
    return rows


def write_snapshot(rows: list[tuple[str, str, str]], folder: Path) -> Path:
    added = folder / "hf-lineage" / "added"
    added.mkdir(parents=True)
    (folder / "hf-lineage" / "deleted").mkdir()
    per_week = len(rows) // WEEKS + 1
    roots = {p for _, _, p in rows} - {c for c, _, _ in rows}
    for week in range(WEEKS):
        day = f"{3 + week // 4:02d}{1 + 7 * (week % 4):02d}"
        with (added / f"added_model_{day}.csv").open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["Model ID", "Type", "Base Model"])
            if week == 0:
                out.writerows([r, "", ""] for r in sorted(roots))
            out.writerows(rows[week * per_week : (week + 1) * per_week])
    return folder / "hf-lineage"


# ---- stages, each run in a child process (python bench/scale.py --stage NAME DIR) -------------

RECURSIVE = """
WITH RECURSIVE d(id) AS (
    SELECT child_id FROM lineage_edges WHERE parent_id = ?
    UNION
    SELECT e.child_id FROM lineage_edges e JOIN d ON e.parent_id = d.id
)
SELECT COUNT(*) FROM d
"""


def stage_import(folder: Path) -> dict[str, object]:
    from modtrace.registry.ingest.hf_lineage import import_hf_lineage
    from modtrace.registry.register import Register

    register = Register.open(f"sqlite:///{folder / 'register.sqlite3'}")
    start = time.perf_counter()
    report = import_hf_lineage(register, folder / "hf-lineage", progress=False)
    return {"seconds": time.perf_counter() - start, "edges": report.edges_added}


def stage_import_peer(folder: Path) -> dict[str, object]:
    import sqlite3

    con = sqlite3.connect(folder / "peer.sqlite3")
    con.execute("CREATE TABLE models (id TEXT PRIMARY KEY)")
    con.execute("CREATE TABLE edges (child TEXT, parent TEXT, relation TEXT)")
    con.execute("CREATE INDEX e_p ON edges(parent)")
    con.execute("CREATE INDEX e_c ON edges(child)")
    start = time.perf_counter()
    n = 0
    for path in sorted((folder / "hf-lineage" / "added").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))[1:]
        con.executemany("INSERT OR IGNORE INTO models VALUES (?)", ((r[0],) for r in rows))
        edges = [(r[0], r[2], r[1]) for r in rows if r[2]]
        con.executemany("INSERT INTO edges VALUES (?, ?, ?)", edges)
        n += len(edges)
        con.commit()
    return {"seconds": time.perf_counter() - start, "edges": n}


def _largest(con: object) -> str:
    row = con.execute(  # type: ignore[attr-defined]
        "SELECT parent_id, COUNT(*) n FROM lineage_edges GROUP BY parent_id ORDER BY n DESC"
    ).fetchone()
    return str(row[0])


def stage_walk(folder: Path) -> dict[str, object]:
    import sqlite3

    from modtrace.lineage.graph import GraphCache
    from modtrace.lineage.trace import walk
    from modtrace.registry.register import Register

    largest = _largest(sqlite3.connect(folder / "register.sqlite3"))
    register = Register.open(f"sqlite:///{folder / 'register.sqlite3'}")
    start = time.perf_counter()
    graph = GraphCache(register.engine).current()
    load = time.perf_counter() - start
    start = time.perf_counter()
    reached = len(graph.walk(largest, "forward").reached)
    memory_walk = time.perf_counter() - start
    with register.engine.connect() as c:
        start = time.perf_counter()
        walk(c, largest, "forward")
        sql_walk = time.perf_counter() - start
    return {
        "load_s": load,
        "walk_ms": memory_walk * 1000,
        "sql_walk_ms": sql_walk * 1000,
        "reached": reached,
        "root": largest,
    }


def stage_walk_peer(folder: Path) -> dict[str, object]:
    import sqlite3

    con = sqlite3.connect(folder / "register.sqlite3")
    largest = _largest(con)
    start = time.perf_counter()
    count = con.execute(RECURSIVE, (largest,)).fetchone()[0]
    return {"walk_ms": (time.perf_counter() - start) * 1000, "reached": count}


def stage_report(folder: Path) -> dict[str, object]:
    from modtrace.ecosystem.population import build_population
    from modtrace.ecosystem.simulate import counts, run
    from modtrace.regimes.loader import default_catalog

    shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    start = time.perf_counter()
    population = build_population(
        folder / "hf-lineage",
        shared / "hub-stats" / "hub_stats_frozen.parquet",
        shared / "epoch",
    )
    c = counts(run(population, default_catalog().get("govai-2025")))
    return {"seconds": time.perf_counter() - start, "rows": population.height, "upper": c.upper}


def stage_report_peer(folder: Path) -> dict[str, object]:
    import polars as pl

    start = time.perf_counter()
    frame = pl.read_csv(
        sorted((folder / "hf-lineage" / "added").glob("*.csv")),
        schema={"Model ID": pl.String, "Type": pl.String, "Base Model": pl.String},
    )
    per_base = (
        frame.filter(pl.col("Base Model").is_not_null())
        .group_by(pl.col("Base Model").str.split(",").list.first())
        .len()
    )
    return {"seconds": time.perf_counter() - start, "rows": int(per_base["len"].sum())}


STAGES = {
    "import": stage_import,
    "import-peer": stage_import_peer,
    "walk": stage_walk,
    "walk-peer": stage_walk_peer,
    "report": stage_report,
    "report-peer": stage_report_peer,
}


def child(stage: str, folder: Path) -> dict[str, object]:
    """Run one stage in a fresh process; its figures plus its own peak memory."""
    done = subprocess.run(
        [sys.executable, __file__, "--stage", stage, str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e5,1e6", help="edge counts, comma-separated")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        figures = STAGES[args.stage](Path(args.folder))
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    for size in (int(float(s)) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            start = time.perf_counter()
            write_snapshot(forest(size), folder)
            print(f"\n== {size:,} edges (forest written in {time.perf_counter() - start:.1f} s)")
            for stage in ("import", "walk", "report"):
                ours, peer = child(stage, folder), child(f"{stage}-peer", folder)
                print(f"  {stage:<7} modtrace {json.dumps(ours)}")
                print(f"  {'':<7} peer     {json.dumps(peer)}")
                key = "walk_ms" if stage == "walk" else "seconds"
                if key in ours and key in peer and float(peer[key]) > 0:  # type: ignore[arg-type]
                    ratio = float(ours[key]) / float(peer[key])  # type: ignore[arg-type]
                    print(f"  {'':<7} ratio    {ratio:.2f}x the peer ({key})")


if __name__ == "__main__":
    main()
