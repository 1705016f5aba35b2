"""How modtrace grows with the Hub: synthetic forests at 10^5, 10^6 (and 10^7) edges.

Each size is a Hub-like forest: roots with a power-law (preferential-attachment) fan-out, the
relation mix of the real snapshot (finetune, quantized, adapter, merge), written as the same
weekly CSV files as ../shared/data/hf-lineage. For each size and stage the figures are time and
peak memory (each stage runs in its own process, so peaks do not mix), next to a plain peer
measured in the same run on the same files:

- import:  `modtrace import hf-lineage` into SQLite  vs  a plain sqlite3 script (executemany);
- walk:    all descendants of the largest family: modtrace's in-memory graph (built from the
           forest's edges, then walked)  vs  igraph's and rustworkx's own calls on the same graph
           (``subcomponent``, ``descendants``) and networkx's ``descendants``, each in its own
           process (build time, the memory the graph added, the process's peak, best walk);
           with a register from the import stage, also its load and the SQL walk  vs  a
           recursive SQL query for the ids alone;
- report:  the ecosystem population plus one regime simulated  vs  polars reading the CSVs and
           counting derivatives per first base (the least any report must do).

Prints figures; asserts nothing. Run:
    .venv/bin/python bench/scale.py                 # 10^5 and 10^6 edges
    .venv/bin/python bench/scale.py --sizes 1e5,1e6,1e7
    .venv/bin/python bench/scale.py --sizes 1e7 --stages walk   # no import: hours at 10^7
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from fresh_process import run_case

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


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _edges(folder: Path) -> Any:
    """The forest's edges as a polars frame (parent, child, relation, status, source), read the
    same way by every contender, and the root of the largest family."""
    import polars as pl

    frame = (
        pl.read_csv(
            sorted((folder / "hf-lineage" / "added").glob("*.csv")),
            schema={"Model ID": pl.String, "Type": pl.String, "Base Model": pl.String},
            include_file_paths="file",
        )
        .filter(pl.col("Base Model").is_not_null())
        .select(
            parent=pl.col("Base Model"),
            child=pl.col("Model ID"),
            relation=pl.col("Type"),
            status=pl.lit("declared"),
            source=pl.lit("hf-lineage:") + pl.col("file").str.split("/").list.last(),
        )
    )
    largest = frame.group_by("parent").len().sort(["len", "parent"], descending=[True, False])
    return frame, str(largest["parent"][0])


def _best_ms(call: Any, rounds: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best * 1000, result


def stage_walk(folder: Path) -> dict[str, object]:
    """modtrace's in-memory graph: build, walk (arrays only), then what the API returns."""
    import polars as pl

    from modtrace.lineage.graph import MODEL_SCHEMA, LineageGraph

    edges, largest = _edges(folder)
    described = pl.DataFrame({"id": pl.concat([edges["child"], edges["parent"]]).unique()}).select(
        "id",
        provider=pl.col("id").str.split("/").list.first(),
        external=pl.lit(False),
        deleted=pl.lit(None, dtype=pl.Date),
    )
    described = described.cast(MODEL_SCHEMA)  # type: ignore[arg-type]
    before, start = _rss_mb(), time.perf_counter()
    graph = LineageGraph(edges, described)
    load = time.perf_counter() - start
    built = _rss_mb() - before

    def page() -> object:  # what the API returns: counts, cycles and the first 1,000 rows
        result = graph.walk(largest, "forward")
        shown = result.shown(include_deleted=False)
        return result.rows(shown[:1000]), result.cycles, result.dangling[:1000]

    walk_ms, result = _best_ms(lambda: graph.walk(largest, "forward"))
    tree_ms, _ = _best_ms(lambda: graph.walk(largest, "forward").tree)
    page_ms, _ = _best_ms(page)
    rows_ms, _ = _best_ms(lambda: graph.walk(largest, "forward").reached, rounds=1)
    figures: dict[str, object] = {
        "load_s": load,
        "graph_mb": built,
        "columns_mb": graph.nbytes() / 2**20,
        "walk_ms": walk_ms,
        "tree_ms": tree_ms,
        "page_ms": page_ms,
        "all_rows_ms": rows_ms,
        "reached": len(result),
        "root": largest,
    }
    register = folder / "register.sqlite3"
    if register.exists():  # the import stage ran: the register's load and the SQL walk too
        from modtrace.lineage.graph import GraphCache
        from modtrace.lineage.trace import walk
        from modtrace.registry.register import Register

        del graph
        engine = Register.open(f"sqlite:///{register}").engine
        start = time.perf_counter()
        GraphCache(engine).current()
        figures["load_register_s"] = time.perf_counter() - start
        with engine.connect() as c:
            figures["sql_walk_ms"], _ = _best_ms(lambda: walk(c, largest, "forward"), rounds=1)
    return figures


def _interned(edges: Any) -> tuple[Any, Any, int, Any]:
    """What a user of a graph library writes first: ids to integers (with polars)."""
    import polars as pl

    names = pl.concat([edges["parent"], edges["child"]]).unique().sort()
    parent = names.search_sorted(edges["parent"]).to_numpy()
    child = names.search_sorted(edges["child"]).to_numpy()
    return parent, child, len(names), names


def stage_walk_igraph(folder: Path) -> dict[str, object]:
    """igraph's own call on the same graph: the vertices reachable from the root."""
    import igraph

    edges, largest = _edges(folder)
    parent, child, count, names = _interned(edges)
    root = int(names.search_sorted(largest))
    before, start = _rss_mb(), time.perf_counter()
    pairs = (  # a million at a time, as modtrace does, so no list of every pair is made
        pair
        for at in range(0, len(parent), 1_000_000)
        for pair in zip(
            parent[at : at + 1_000_000].tolist(), child[at : at + 1_000_000].tolist(), strict=True
        )
    )
    graph = igraph.Graph(n=count, edges=pairs, directed=True)
    load = time.perf_counter() - start
    built = _rss_mb() - before
    walk_ms, found = _best_ms(lambda: graph.subcomponent(root, mode="out"))
    return {"load_s": load, "graph_mb": built, "walk_ms": walk_ms, "reached": len(found) - 1}


def stage_walk_rustworkx(folder: Path) -> dict[str, object]:
    """rustworkx's own call on the same graph (the other library the issue names)."""
    import rustworkx as rx

    edges, largest = _edges(folder)
    parent, child, count, names = _interned(edges)
    root = int(names.search_sorted(largest))
    before, start = _rss_mb(), time.perf_counter()
    graph = rx.PyDiGraph(multigraph=True, node_count_hint=count, edge_count_hint=len(parent))
    graph.add_nodes_from([None] * count)
    for at in range(0, len(parent), 1_000_000):
        chunk = slice(at, at + 1_000_000)
        pairs = zip(parent[chunk].tolist(), child[chunk].tolist(), strict=True)
        graph.add_edges_from_no_data(list(pairs))
    load = time.perf_counter() - start
    built = _rss_mb() - before
    walk_ms, found = _best_ms(lambda: rx.descendants(graph, root))
    return {"load_s": load, "graph_mb": built, "walk_ms": walk_ms, "reached": len(found)}


def stage_walk_networkx(folder: Path) -> dict[str, object]:
    """networkx, as an afternoon's script would use it: string ids, ``descendants``."""
    import networkx as nx

    edges, largest = _edges(folder)
    pairs = edges.select("parent", "child").rows()
    before, start = _rss_mb(), time.perf_counter()
    graph: Any = nx.DiGraph()
    graph.add_edges_from(pairs)
    load = time.perf_counter() - start
    built = _rss_mb() - before
    walk_ms, found = _best_ms(lambda: nx.descendants(graph, largest), rounds=2)
    return {"load_s": load, "graph_mb": built, "walk_ms": walk_ms, "reached": len(found)}


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
    "walk-igraph": stage_walk_igraph,
    "walk-rustworkx": stage_walk_rustworkx,
    "walk-networkx": stage_walk_networkx,
    "walk-peer": stage_walk_peer,
    "report": stage_report,
    "report-peer": stage_report_peer,
}


def child(stage: str, folder: Path) -> dict[str, object]:
    """Run one stage in a fresh process; its figures plus its own peak memory."""
    return run_case(__file__, "--stage", stage, str(folder))


WALKERS = ("walk", "walk-igraph", "walk-rustworkx", "walk-networkx")


def walk_table(folder: Path, size: int, networkx_up_to: int) -> None:
    """The walk stage: modtrace's graph next to the libraries' own calls, one process each."""
    figures = {
        name: child(name, folder)
        for name in WALKERS
        if name != "walk-networkx" or size <= networkx_up_to
    }
    if (folder / "register.sqlite3").exists():
        figures["walk-peer"] = child("walk-peer", folder)
    ours = figures["walk"]
    print(f"  walk    descendants of {ours.get('root')} ({ours.get('reached')} models)")
    print(f"  {'':<7} {'':<16}{'build s':>9}{'graph MB':>10}{'peak MB':>9}{'walk ms':>10}  ratio")
    library = float(figures["walk-igraph"].get("walk_ms", 0.0))  # type: ignore[arg-type]
    for name, row in figures.items():
        if "error" in row:
            print(f"  {'':<7} {name:<16}error: {row['error']}")
            continue
        walk_ms = float(row["walk_ms"])  # type: ignore[arg-type]
        ratio = f"{walk_ms / library:.2f}x igraph" if library > 0 else ""
        print(
            f"  {'':<7} {name:<16}{float(row.get('load_s', 0.0)):>9.2f}"  # type: ignore[arg-type]
            f"{float(row.get('graph_mb', 0.0)):>10.0f}{float(row['peak_mb']):>9.0f}"  # type: ignore[arg-type]
            f"{walk_ms:>10.2f}  {ratio}"
        )
    keys = ("columns_mb", "tree_ms", "page_ms", "all_rows_ms", "load_register_s", "sql_walk_ms")
    extra = {k: round(float(ours[k]), 2) for k in keys if k in ours}  # type: ignore[arg-type]
    print(f"  {'':<7} modtrace also  {json.dumps(extra)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e5,1e6", help="edge counts, comma-separated")
    parser.add_argument(
        "--stages", default="import,walk,report", help="stages to run, comma-separated"
    )
    parser.add_argument(
        "--networkx-up-to",
        default="1e6",
        help="largest size networkx walks (it needs ~700 bytes an edge: 7 GB at 10^7)",
    )
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
            for stage in args.stages.split(","):
                if stage == "walk":
                    walk_table(folder, size, int(float(args.networkx_up_to)))
                    continue
                ours, peer = child(stage, folder), child(f"{stage}-peer", folder)
                print(f"  {stage:<7} modtrace {json.dumps(ours)}")
                print(f"  {'':<7} peer     {json.dumps(peer)}")
                key = "seconds"
                if key in ours and key in peer and float(peer[key]) > 0:  # type: ignore[arg-type]
                    ratio = float(ours[key]) / float(peer[key])  # type: ignore[arg-type]
                    print(f"  {'':<7} ratio    {ratio:.2f}x the peer ({key})")


if __name__ == "__main__":
    main()
