"""Import at Hub scale: modtrace's importer next to plain scripts doing the same inserts.

Data sets, smallest first: synthetic Hub-like forests of 10^5 and 10^6 edges (``scale.forest``:
power-law fan-out, the snapshot's relation mix, weekly CSV files) and the real lineage snapshot
(../shared/data/hf-lineage) copied ``--hub`` times under renamed ids, deletion lists included
(×5: 2.18 M rows, 639 k edges, "Hub size" in issue #15).

For each data set every case runs in its own process on a register created (migrated, empty)
before the clock starts, and prints time and that process's peak memory:

- ``modtrace``: ``import_hf_lineage`` into SQLite;
- ``sqlite3 peer``: a plain ``sqlite3`` script doing the same inserts into the same schema (the
  models with provider and source, the edges with their ids, one log entry per edge as canonical
  JSON chained by SHA-256, the progress rows, the deletion marks), one transaction per file, the
  register's ``synchronous=NORMAL``. It checks nothing, infers no relations and reports no problems;
- ``bare sqlite3``: the bare minimum (ids and edges only, ``bench/scale.py``'s peer), for scale;
- with ``MODTRACE_BENCH_POSTGRES_URL`` (a server URL; a database is created per case and dropped):
  ``modtrace`` into PostgreSQL (COPY) and a plain psycopg script doing the same with COPY.

Each line gives the ratio to its peer, and the growth exponent k in time ∝ rows^k between
successive data sets (1 is linear). Asserts nothing. Run:

    .venv/bin/python bench/importing.py                       # 1e5, 1e6 edges, snapshot x5
    .venv/bin/python bench/importing.py --sizes 1e5 --hub 1   # quick
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import math
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # bench/scale.py: the synthetic forests
from fresh_process import run_case

SNAPSHOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "hf-lineage"
RELATION = {k: k for k in ("finetune", "adapter", "quantized", "merge")}


def replicate(snapshot: Path, copies: int, folder: Path) -> Path:
    """The snapshot ``copies`` times, copy k > 0 with every id renamed ``org/name~k``: the same
    lineage shape, ``copies`` times the rows, in the same weekly files."""
    out = folder / "hf-lineage"
    for kind in ("added", "deleted"):
        (out / kind).mkdir(parents=True)
        for path in sorted((snapshot / kind).glob(f"{kind}_model_*.csv")):
            with path.open(newline="", encoding="utf-8") as fh:
                reader = csv.reader(fh)
                header = next(reader)
                rows = list(reader)
            with (out / kind / path.name).open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                for k in range(copies):
                    suffix = f"~{k}" if k else ""
                    for row in rows:
                        bases = ", ".join(
                            b.strip() + suffix for b in row[2].split(",") if b.strip()
                        )
                        writer.writerow([row[0] + suffix, row[1], bases])
    return out


def _files(folder: Path, kind: str = "added") -> list[Path]:
    return sorted((folder / "hf-lineage" / kind).glob(f"{kind}_model_*.csv"))


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))[1:]


# ---- the cases, each run in a child process (python bench/importing.py --case NAME DIR URL) ---


def case_modtrace(folder: Path, url: str) -> dict[str, Any]:
    from modtrace.registry.ingest.hf_lineage import import_hf_lineage
    from modtrace.registry.register import Register

    register = Register.open(url)
    start = time.perf_counter()
    report = import_hf_lineage(register, folder / "hf-lineage", progress=False)
    seconds = time.perf_counter() - start
    register.engine.dispose()
    return {"seconds": seconds, "rows": report.rows_read, "edges": report.edges_added}


Plain = tuple[str, str, str, str, str]


def _plain_rows(path: Path) -> tuple[str, list[tuple[str, str]], list[Plain]]:
    """What a plain script makes of one file: its source, (id, provider) and declared edges."""
    source = f"hf-lineage:{path.name}"
    described: list[tuple[str, str]] = []
    edges: list[Plain] = []
    for row in _read(path):
        model_id = row[0].strip()
        described.append((model_id, model_id.partition("/")[0]))
        relation = RELATION.get(row[1].strip(), "other")
        for base in row[2].split(","):
            if (base := base.strip()) and base != model_id:
                edges.append((base, model_id, relation, "declared", source))
    return source, described, edges


def _entries(
    edges: list[Plain], first_id: int, seq: int, prev: str, at: str
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int, str]:
    """Edge rows with ids and their log entries, the plain way (json.dumps, then SHA-256)."""
    rows, log = [], []
    for i, (parent, child, relation, status, source) in enumerate(edges, start=first_id):
        seq += 1
        ref = f"{parent}|{child}|{relation}"
        record = {
            "id": i,
            "parent_id": parent,
            "child_id": child,
            "relation": relation,
            "status": status,
            "source": source,
        }
        entry = {"v": 2, "seq": seq, "prev": prev, "at": at, "kind": "lineage-edge"}
        entry |= {"ref": ref, "op": "insert", "record": record}
        payload = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        prev = hashlib.sha256(b"\x00" + payload.encode("utf-8")).hexdigest()
        rows.append((i, parent, child, relation, status, source))
        log.append((seq, "lineage-edge", ref, payload, prev))
    return rows, log, seq, prev


def _deleted(folder: Path) -> dict[str, str]:
    """Each id's last week in the deletion lists (files are named by week, in order)."""
    last: dict[str, str] = {}
    for path in _files(folder, "deleted"):
        week = f"2025-{path.stem[-4:-2]}-{path.stem[-2:]}"
        for row in _read(path):
            last[row[0].strip()] = week
    return last


def case_sqlite_peer(folder: Path, url: str) -> dict[str, Any]:
    import sqlite3

    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    con.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    seen_edges: set[tuple[str, str, str]] = set()
    edge_id, seq, prev, rows_read = 0, 0, "", 0
    for path in _files(folder):
        source, described, declared = _plain_rows(path)
        rows_read += len(described)
        edges = []
        for e in declared:
            if (e[0], e[1], e[2]) not in seen_edges:
                seen_edges.add((e[0], e[1], e[2]))
                edges.append(e)
        now = dt.datetime.now(dt.UTC)
        rows, log, seq, prev = _entries(edges, edge_id + 1, seq, prev, now.isoformat())
        edge_id += len(rows)
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
        con.executemany(
            "INSERT OR IGNORE INTO models (id, provider, external, source) VALUES (?, ?, 0, ?)",
            ((m, p, source) for m, p in described),
        )
        con.executemany(
            "INSERT OR IGNORE INTO models (id, provider, external, source) VALUES (?, ?, 1, ?)",
            ((e[0], e[0].partition("/")[0], source) for e in edges),
        )
        con.executemany("INSERT INTO lineage_edges VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.executemany(
            "INSERT INTO log_entries VALUES (?, ?, ?, ?, ?, ?)", ((*r, stamp) for r in log)
        )
        con.execute(
            "INSERT OR REPLACE INTO import_progress VALUES (?, ?, 1)", (source, len(described))
        )
        con.commit()
    gone = _deleted(folder)
    con.executemany(
        "UPDATE models SET deleted_at = ?, deleted_source = 'hf-lineage:deleted' WHERE id = ?",
        ((week, m) for m, week in gone.items()),
    )
    con.commit()
    return {"seconds": time.perf_counter() - start, "rows": rows_read, "edges": edge_id}


def case_bare_sqlite(folder: Path, _url: str) -> dict[str, Any]:
    figures = scale.stage_import_peer(folder)
    return {"seconds": figures["seconds"], "edges": figures["edges"]}


def case_postgres_peer(folder: Path, url: str) -> dict[str, Any]:
    import psycopg

    con = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    start = time.perf_counter()
    seen_models: set[str] = set()
    seen_edges: set[tuple[str, str, str]] = set()
    edge_id, seq, prev, rows_read = 0, 0, "", 0
    for path in _files(folder):
        source, described, declared = _plain_rows(path)
        rows_read += len(described)
        models = []
        for m, p in described:
            if m not in seen_models:
                seen_models.add(m)
                models.append((m, p, False, source))
        edges = []
        for e in declared:
            if (e[0], e[1], e[2]) not in seen_edges:
                seen_edges.add((e[0], e[1], e[2]))
                edges.append(e)
                if e[0] not in seen_models:
                    seen_models.add(e[0])
                    models.append((e[0], e[0].partition("/")[0], True, source))
        now = dt.datetime.now(dt.UTC)
        rows, log, seq, prev = _entries(edges, edge_id + 1, seq, prev, now.isoformat())
        edge_id += len(rows)
        with con.cursor() as cur:
            for table, columns, data in (
                ("models", "id, provider, external, source", models),
                ("lineage_edges", "id, parent_id, child_id, relation, status, source", rows),
                ("log_entries", "seq, kind, ref, payload, leaf_hash, logged_at", log),
            ):
                with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row((*row, now) if table == "log_entries" else row)
            cur.execute(
                "INSERT INTO import_progress VALUES (%s, %s, true) ON CONFLICT (source) "
                "DO UPDATE SET position = excluded.position",
                (source, len(described)),
            )
        con.commit()
    gone = _deleted(folder)
    with con.cursor() as cur:
        cur.executemany(
            "UPDATE models SET deleted_at = %s, deleted_source = 'hf-lineage:deleted' "
            "WHERE id = %s",
            [(week, m) for m, week in gone.items() if m in seen_models],
        )
    con.commit()
    con.close()
    return {"seconds": time.perf_counter() - start, "rows": rows_read, "edges": edge_id}


CASES = {
    "modtrace": case_modtrace,
    "sqlite3-peer": case_sqlite_peer,
    "bare-sqlite3": case_bare_sqlite,
    "postgres-peer": case_postgres_peer,
}


def child(case: str, folder: Path, url: str) -> dict[str, Any]:
    """Run one case in a fresh process: its figures plus its own peak memory."""
    return run_case(__file__, "--case", case, str(folder), url)


def fresh_sqlite(folder: Path, name: str) -> str:
    """An empty register file with the register's schema (migrated before any clock starts)."""
    from modtrace.registry.register import Register

    path = folder / f"{name}-register.sqlite3"
    path.unlink(missing_ok=True)
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    Register.open(f"sqlite:///{path}").engine.dispose()
    return f"sqlite:///{path}"


class Postgres:
    """Fresh databases on the server at ``MODTRACE_BENCH_POSTGRES_URL``, dropped afterwards."""

    def __init__(self, server: str) -> None:
        from sqlalchemy.engine import make_url

        from modtrace.registry.db import make_engine

        self.server = server
        self.admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
        self.make_url = make_url

    def make(self, _folder: Path, _name: str) -> str:
        """An empty register database (``fresh_sqlite``'s twin)."""
        return self.create()

    def create(self) -> str:
        from sqlalchemy import text

        from modtrace.registry.register import Register

        name = f"modtrace_bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = self.make_url(self.server).set(database=name).render_as_string(hide_password=False)
        Register.open(url).engine.dispose()
        return url

    def drop(self, url: str) -> None:
        from sqlalchemy import text

        name = self.make_url(url).database
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _line(label: str, figures: dict[str, Any], peer: dict[str, Any] | None) -> str:
    if "error" in figures:
        return f"  {label:<22} error: {figures['error']}"
    text = (
        f"  {label:<22} {figures['seconds']:7.2f} s (cpu {figures['cpu_s']:6.2f} s)"
        f"  peak {figures['peak_mb']:5.0f} MB"
    )
    if peer and "seconds" in peer and peer["seconds"] > 0:
        text += (
            f"  = {figures['seconds'] / peer['seconds']:.2f}x the peer"
            f" (cpu {figures['cpu_s'] / peer['cpu_s']:.2f}x)"
        )
    return text


def exponent(rows: list[int], seconds: list[float]) -> str:
    """k in time ~ rows^k between each pair of successive data sets."""
    pairs = [
        f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}"
        for (n1, t1), (n2, t2) in zip(
            zip(rows, seconds, strict=True), zip(rows[1:], seconds[1:], strict=True), strict=False
        )
        if t1 > 0 and t2 > 0 and n2 != n1
    ]
    return ", ".join(pairs) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="1e5,1e6", help="synthetic edge counts, comma-separated")
    parser.add_argument("--hub", type=int, default=5, help="copies of the snapshot (0: none)")
    parser.add_argument("--bare", action="store_true", help="also run the bare sqlite3 script")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        figures = CASES[args.case](Path(args.args[0]), args.args[1])
        usage = resource.getrusage(resource.RUSAGE_SELF)
        figures["peak_mb"] = usage.ru_maxrss / 1024
        figures["cpu_s"] = usage.ru_utime + usage.ru_stime
        print(json.dumps(figures))
        return
    server = os.environ.get("MODTRACE_BENCH_POSTGRES_URL")
    postgres = Postgres(server) if server else None
    series: dict[str, list[tuple[int, float]]] = {}
    sets: list[tuple[str, Any]] = [
        (f"{int(float(s)):,} synthetic edges", int(float(s))) for s in args.sizes.split(",") if s
    ]
    if args.hub:
        sets.append((f"the snapshot x{args.hub}", args.hub))
    for label, size in sets:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            start = time.perf_counter()
            if "synthetic" in label:
                scale.write_snapshot(scale.forest(size), folder)
            else:
                replicate(SNAPSHOT, size, folder)
            rows = sum(len(_read(p)) for p in _files(folder))
            print(f"\n== {label}: {rows:,} rows (written in {time.perf_counter() - start:.1f} s)")
            runs: list[tuple[str, str, Callable[[Path, str], str], str]] = [
                ("modtrace", "sqlite3-peer", fresh_sqlite, "sqlite")
            ]
            if postgres:
                runs.append(("modtrace", "postgres-peer", postgres.make, "pg"))
            for ours, theirs, make, backend in runs:
                ours_url, peer_url = make(folder, "ours"), make(folder, "peer")
                peer = child(theirs, folder, peer_url)
                figures = child(ours, folder, ours_url)
                if postgres and backend == "pg":
                    postgres.drop(ours_url)
                    postgres.drop(peer_url)
                name = "PostgreSQL" if backend == "pg" else "SQLite"
                print(_line(f"{theirs}", peer, None))
                print(_line(f"modtrace ({name})", figures, peer))
                for key, got in ((f"modtrace {name}", figures), (theirs, peer)):
                    if "seconds" in got:
                        series.setdefault(key, []).append((rows, got["seconds"]))
            if args.bare:
                print(_line("bare-sqlite3", child("bare-sqlite3", folder, ""), None))
    print("\ngrowth exponent k (time ~ rows^k) between successive data sets:")
    for key, points in series.items():
        print(f"  {key:<22} {exponent([n for n, _ in points], [t for _, t in points])}")


if __name__ == "__main__":
    main()
