"""Benchmark the register on the full Hub lineage snapshot; prints figures, asserts nothing.

- full import of ../shared/data/hf-lineage (436k models) — target under 60 s on SQLite;
- one-step queries (back, forward) — target under 1 ms;
- full descendants of the largest family — target under 50 ms;
- the breadth-first walk against a recursive SQL query, on the same data in the same run;
- the same on PostgreSQL when MODTRACE_BENCH_POSTGRES_URL names an empty database.

Run: .venv/bin/python bench/register.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text

from modtrace.lineage.graph import GraphCache
from modtrace.lineage.trace import one_step, walk
from modtrace.registry.ingest.hf_lineage import import_hf_lineage
from modtrace.registry.register import Register
from modtrace.registry.tables import lineage_edges

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "hf-lineage"

RECURSIVE = text("""
WITH RECURSIVE d(id) AS (
    SELECT child_id FROM lineage_edges WHERE parent_id = :start
    UNION
    SELECT e.child_id FROM lineage_edges e JOIN d ON e.parent_id = d.id
)
SELECT COUNT(*) FROM d
""")


def ms(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(url: str, label: str) -> None:
    register = Register.open(url)
    start = time.perf_counter()
    report = import_hf_lineage(register, DATA, progress=False)
    seconds = time.perf_counter() - start
    print(
        f"\n[{label}] full import: {seconds:.1f} s for {report.rows_read:,} rows, "
        f"{report.models_added:,} models, {report.edges_added:,} edges "
        f"({report.rows_read / seconds:,.0f} rows/s; target < 60 s)"
    )
    with register.engine.connect() as c:
        largest, children = c.execute(
            select(lineage_edges.c.parent_id, func.count().label("n"))
            .group_by(lineage_edges.c.parent_id)
            .order_by(text("n DESC"))
            .limit(1)
        ).one()
        print(f"[{label}] largest family: {largest} with {children:,} direct children")
        probe = "meta-llama/Llama-3.1-8B-Instruct"
        back = ms(lambda: one_step(c, probe, "back"), 200)
        forward_small = ms(lambda: one_step(c, "meta-llama/Llama-3.2-1B-Instruct", "back"), 200)
        print(
            f"[{label}] one step back ({probe}): {back:.3f} ms; "
            f"another model: {forward_small:.3f} ms (target < 1 ms)"
        )
        fwd = ms(lambda: one_step(c, largest, "forward"), 20)
        print(f"[{label}] one step forward from {largest} ({children:,} children): {fwd:.1f} ms")
        bfs = ms(lambda: walk(c, largest, "forward"), 5)
        n = len(walk(c, largest, "forward").reached)
        sql = ms(lambda: c.execute(RECURSIVE, {"start": largest}).scalar_one(), 5)
        count = c.execute(RECURSIVE, {"start": largest}).scalar_one()
        print(
            f"[{label}] all descendants of {largest}: breadth-first walk {bfs:.1f} ms "
            f"({n:,} models, with depth and paths); "
            f"recursive SQL {sql:.1f} ms ({count:,} ids only); "
            f"walk/SQL = {bfs / sql:.2f} (target < 50 ms)"
        )
        cache = GraphCache(register.engine)
        load_start = time.perf_counter()
        graph = cache.current()
        load_s = time.perf_counter() - load_start
        mem = ms(lambda: graph.walk(largest, "forward"), 5)
        assert graph.walk(largest, "forward") == walk(c, largest, "forward")
        print(
            f"[{label}] in-memory graph (service): loaded once in {load_s:.1f} s; "
            f"all descendants of {largest} {mem:.1f} ms (target < 50 ms); "
            f"SQL walk / graph walk = {bfs / mem:.1f}x"
        )
        head = ms(register.head, 3)
        print(f"[{label}] log head over {register.head().size:,} entries: {head:.0f} ms")
    register.engine.dispose()


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite3", "sqlite")
    if url := os.environ.get("MODTRACE_BENCH_POSTGRES_URL"):
        run(url, "postgresql")
    else:
        print("\n(set MODTRACE_BENCH_POSTGRES_URL to an empty database to measure PostgreSQL)")


if __name__ == "__main__":
    main()
