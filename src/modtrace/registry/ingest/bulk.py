"""Bulk writes for the importers, through the database driver itself.

SQLAlchemy builds, compiles and binds every statement it runs; at Hub scale (millions of rows)
that costs as much as the database's own work. An import instead writes through the DB-API
connection under the engine: ``executemany`` on SQLite, ``COPY ... FROM STDIN`` on PostgreSQL
(psycopg's ``cursor.copy()``), into the same tables and in the same shapes SQLAlchemy would
write (a test compares the rows and the log with the register's own path).

What the register guarantees stays: each batch is one transaction (:meth:`Writer.transaction`),
so a failure leaves no half-written batch; edges get their ids in insertion order and each one
its log entry (:mod:`modtrace.registry.log_bulk`: one serialisation, one hash) chained after the
log's last entry, under the same lock ``log.append`` takes.

SQLite, for the length of an import, gets a larger page cache (so the indexes being filled stay
in memory instead of thrashing a 2 MB cache) and in-memory temporary storage; both go back to the
engine's settings afterwards. Durability settings (WAL, ``synchronous=NORMAL``) are not touched.
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import Engine

from modtrace.registry import log
from modtrace.registry.log_bulk import edge_entries
from modtrace.registry.tables import log_entries

ModelRow = tuple[str, str, bool, str]
"""A model the import describes or meets: (id, provider, external, source)."""
EdgeRow = tuple[str, str, str, str, str]
"""An edge: (parent, child, relation, status, source)."""
ModelValues = tuple[str, bool, str, float | None, str | None, str | None, dict[str, Any]]
"""What a described model's row holds besides its id: (provider, external, source, parameters,
license, pipeline tag, card)."""
_DESCRIBED = "provider, external, source, parameters, license, pipeline_tag, card"

SQLITE_CACHE_KIB: Final = 64 * 1024
"""Page cache for an import on SQLite (the default is 2 MiB; of 2, 64 and 256 MiB, 64 took the
least CPU time on a 168 k-row extract of the snapshot, docs/scale.md)."""
CHUNK: Final = 900
"""Ids per ``IN (...)`` list on SQLite (under its oldest limit of 999 variables)."""

_PROGRESS_UPSERT = (
    "INSERT INTO import_progress (source, position, done) VALUES ({p}, {p}, {p}) "
    "ON CONFLICT (source) DO UPDATE SET position = excluded.position, done = excluded.done"
)


class Writer(ABC):
    """One import's writes on one raw connection, a transaction per batch."""

    placeholder = "?"

    def __init__(self, raw: Any, engine: Engine) -> None:
        self.raw = raw
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is committed together, or rolled back together."""
        self.begin()
        try:
            yield
        except BaseException:
            self.raw.rollback()
            raise
        self.raw.commit()

    @abstractmethod
    def begin(self) -> None:
        """Start a write transaction."""

    @abstractmethod
    def known_models(self, ids: Sequence[str]) -> dict[str, bool]:
        """Which of ``ids`` the register holds, each with its ``external`` flag."""

    @abstractmethod
    def insert_models(self, rows: Sequence[ModelRow]) -> None:
        """Insert models the register does not hold (the caller has checked)."""

    @abstractmethod
    def edges_of(self, children: Sequence[str]) -> list[tuple[str, str, str]]:
        """(parent, child, relation) of every stored edge into ``children``, oldest first."""

    @abstractmethod
    def _edge_ids(self, n: int) -> list[int]:
        """Ids for ``n`` new edges, in the order the database would have given them."""

    @abstractmethod
    def _insert_edges(self, rows: Sequence[tuple[int, str, str, str, str, str]]) -> None: ...

    @abstractmethod
    def _log_tail(self) -> tuple[int, str]:
        """The log's last (seq, leaf hash), read under the log's lock."""

    @abstractmethod
    def _insert_log(self, rows: Iterator[tuple[int, str, str, str, str]], at: Any) -> None: ...

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []
        finally:
            cursor.close()

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            cursor = self.raw.cursor()
            try:
                cursor.executemany(sql, rows)
            finally:
                cursor.close()

    def insert_described(self, rows: Sequence[tuple[str, ModelValues]]) -> None:
        """Insert models with everything a description gives (the caller has checked)."""
        p = ", ".join([self.placeholder] * 8)
        self._executemany(
            f"INSERT INTO models (id, {_DESCRIBED}) VALUES ({p})",
            [(m, *v[:-1], json.dumps(v[-1])) for m, v in rows],
        )

    def update_models(self, rows: Sequence[tuple[str, ModelValues]]) -> None:
        """Replace what the register holds about models with a newer description."""
        p = self.placeholder
        sets = ", ".join(f"{column} = {p}" for column in _DESCRIBED.split(", "))
        self._executemany(
            f"UPDATE models SET {sets} WHERE id = {p}",
            [(*v[:-1], json.dumps(v[-1]), m) for m, v in rows],
        )

    def mark_described(self, ids: Sequence[str], source: str) -> None:
        """Models met before only as references are now described by ``source``."""
        p = self.placeholder
        self._executemany(
            f"UPDATE models SET external = {p}, source = {p} WHERE id = {p}",
            [(False, source, m) for m in ids],
        )

    def mark_deleted(self, rows: Sequence[tuple[str, dt.date, str]]) -> None:
        """Set (model id, deleted at, source of the deletion) on models the register holds."""
        p = self.placeholder
        self._executemany(
            f"UPDATE models SET deleted_at = {p}, deleted_source = {p} WHERE id = {p}",
            [(self._date(at), source, m) for m, at, source in rows],
        )

    def _date(self, value: dt.date) -> Any:
        return value

    def add_edges(self, edges: Sequence[EdgeRow]) -> int:
        """Insert new edges (the caller has removed stored ones) and log each once."""
        if not edges:
            return 0
        ids = self._edge_ids(len(edges))
        self._insert_edges([(i, *e) for i, e in zip(ids, edges, strict=True)])
        seq, prev = self._log_tail()
        now = log.clock()  # read under the log's lock, as log.append does
        self._insert_log(edge_entries(seq, prev, now, ids, edges), now)
        return len(edges)

    def record(self, source: str, position: int, done: bool) -> None:
        """Save a source's progress inside the batch's transaction."""
        self._execute(_PROGRESS_UPSERT.format(p=self.placeholder), (source, position, done))


def new_edges(edges: Sequence[EdgeRow], stored: set[tuple[str, str, str]]) -> list[EdgeRow]:
    """The edges not stored yet, each once, in order; ``stored`` learns them."""
    out = []
    for edge in edges:
        key = (edge[0], edge[1], edge[2])
        if key not in stored:
            stored.add(key)
            out.append(edge)
    return out


class SQLiteWriter(Writer):
    """``executemany`` on the sqlite3 connection; ``BEGIN IMMEDIATE`` takes the write lock first,
    so nothing read in a batch can change before the batch is written."""

    def __init__(self, raw: Any, engine: Engine) -> None:
        super().__init__(raw, engine)
        dialect = engine.dialect
        processor = log_entries.c.logged_at.type.dialect_impl(dialect).bind_processor(dialect)
        self._logged_at: Callable[[Any], Any] = processor or (lambda value: value)

    def begin(self) -> None:
        self.raw.execute("BEGIN IMMEDIATE")

    def _chunks(self, ids: Sequence[str]) -> Iterator[tuple[str, Sequence[str]]]:
        for i in range(0, len(ids), CHUNK):
            part = ids[i : i + CHUNK]
            yield ",".join("?" * len(part)), part

    def known_models(self, ids: Sequence[str]) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for marks, part in self._chunks(ids):
            for model_id, external in self.raw.execute(
                f"SELECT id, external FROM models WHERE id IN ({marks})", part
            ):
                out[model_id] = bool(external)
        return out

    def insert_models(self, rows: Sequence[ModelRow]) -> None:
        self._executemany(
            "INSERT INTO models (id, provider, external, source) VALUES (?, ?, ?, ?)", rows
        )

    def edges_of(self, children: Sequence[str]) -> list[tuple[str, str, str]]:
        found: list[tuple[int, str, str, str]] = []
        for marks, part in self._chunks(children):
            found += self.raw.execute(
                "SELECT id, parent_id, child_id, relation FROM lineage_edges "
                f"WHERE child_id IN ({marks})",
                part,
            )
        found.sort()
        return [(p, c, r) for _, p, c, r in found]

    def _edge_ids(self, n: int) -> list[int]:
        # SQLite gives a new row max(rowid) + 1 (the table has no AUTOINCREMENT); the write lock
        # is held, so no other writer can take these ids first.
        last = self.raw.execute("SELECT max(id) FROM lineage_edges").fetchone()[0] or 0
        return list(range(last + 1, last + 1 + n))

    def _insert_edges(self, rows: Sequence[tuple[int, str, str, str, str, str]]) -> None:
        self._executemany(
            "INSERT INTO lineage_edges (id, parent_id, child_id, relation, status, source) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _log_tail(self) -> tuple[int, str]:
        row = self.raw.execute(
            "SELECT seq, leaf_hash FROM log_entries ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else (0, "")

    def _insert_log(self, rows: Iterator[tuple[int, str, str, str, str]], at: Any) -> None:
        stamp = self._logged_at(at)
        self.raw.executemany(
            "INSERT INTO log_entries (seq, kind, ref, payload, leaf_hash, logged_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            ((*row, stamp) for row in rows),
        )

    def _date(self, value: dt.date) -> Any:
        return value.isoformat()  # as SQLAlchemy stores a Date on SQLite


class PostgresWriter(Writer):
    """``COPY ... FROM STDIN`` through psycopg; the batch locks the tables it checks against, so
    what it found absent is still absent when the rows arrive."""

    placeholder = "%s"

    def begin(self) -> None:
        self._execute("LOCK TABLE models, lineage_edges IN SHARE ROW EXCLUSIVE MODE")

    def known_models(self, ids: Sequence[str]) -> dict[str, bool]:
        rows = self._execute("SELECT id, external FROM models WHERE id = ANY(%s)", (list(ids),))
        return {str(m): bool(x) for m, x in rows}

    def _copy(self, table: str, columns: str, rows: Any) -> None:
        cursor = self.raw.cursor()
        try:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()

    def insert_models(self, rows: Sequence[ModelRow]) -> None:
        if rows:
            self._copy("models", "id, provider, external, source", rows)

    def insert_described(self, rows: Sequence[tuple[str, ModelValues]]) -> None:
        if rows:
            self._copy(
                "models", f"id, {_DESCRIBED}", ((m, *v[:-1], json.dumps(v[-1])) for m, v in rows)
            )

    def edges_of(self, children: Sequence[str]) -> list[tuple[str, str, str]]:
        rows = self._execute(
            "SELECT parent_id, child_id, relation FROM lineage_edges "
            "WHERE child_id = ANY(%s) ORDER BY id",
            (list(children),),
        )
        return [(str(p), str(c), str(r)) for p, c, r in rows]

    def _edge_ids(self, n: int) -> list[int]:
        rows = self._execute(
            "SELECT nextval(pg_get_serial_sequence('lineage_edges', 'id')) "
            "FROM generate_series(1, %s) ORDER BY 1",
            (n,),
        )
        return [int(r[0]) for r in rows]

    def _insert_edges(self, rows: Sequence[tuple[int, str, str, str, str, str]]) -> None:
        self._copy("lineage_edges", "id, parent_id, child_id, relation, status, source", rows)

    def _log_tail(self) -> tuple[int, str]:
        self._execute("LOCK TABLE log_entries IN EXCLUSIVE MODE")
        rows = self._execute("SELECT seq, leaf_hash FROM log_entries ORDER BY seq DESC LIMIT 1")
        return (int(rows[0][0]), str(rows[0][1])) if rows else (0, "")

    def _insert_log(self, rows: Iterator[tuple[int, str, str, str, str]], at: Any) -> None:
        self._copy(
            "log_entries",
            "seq, kind, ref, payload, leaf_hash, logged_at",
            ((*row, at) for row in rows),
        )


@contextmanager
def writer(engine: Engine) -> Iterator[Writer]:
    """A bulk writer on a connection of ``engine``'s pool, returned to it afterwards."""
    fairy = engine.raw_connection()
    raw: Any = fairy.driver_connection
    try:
        if engine.dialect.name == "sqlite":
            cache = raw.execute("PRAGMA cache_size").fetchone()[0]
            raw.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            raw.execute("PRAGMA temp_store = MEMORY")
            try:
                yield SQLiteWriter(raw, engine)
            finally:
                raw.execute(f"PRAGMA cache_size = {int(cache)}")
                raw.execute("PRAGMA temp_store = DEFAULT")
        elif engine.dialect.name == "postgresql":
            yield PostgresWriter(raw, engine)
        else:
            raise NotImplementedError(f"no bulk writer for {engine.dialect.name}")
    finally:
        fairy.close()
