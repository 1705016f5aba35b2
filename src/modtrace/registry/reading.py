"""Reading the register: the same SQL text over the standard library's ``sqlite3`` or SQLAlchemy.

Read-only commands (``modtrace trace``) open a SQLite register with :func:`open_sqlite`: a
read-only ``sqlite3`` connection (``file:...?mode=ro``), SQLAlchemy never imported, for a file
whose schema is at the head of the migrations (one query against ``alembic_version``, as
:func:`modtrace.registry.db.schema_is_current` asks). Anything else (PostgreSQL, a URL this
module does not read plainly, a file that does not exist yet, a register behind its schema, one
that cannot be opened) gets ``None``, and the caller opens the register with SQLAlchemy as every
other command does: it creates, migrates, or says what is wrong, with the same errors.

The queries are written once, as SQL text with ``:name`` parameters, and :func:`rows` runs them
on either kind of connection (SQLAlchemy through ``text()``), so the two paths cannot drift.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from modtrace.registry.address import STORED_REVISIONS, head_revisions

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

Readable: TypeAlias = "sqlite3.Connection | Connection"
"""A connection the register's read queries run on: ``sqlite3``'s or SQLAlchemy's."""

BUSY_TIMEOUT_S = 10.0
"""How long a read waits for a writer's lock (the SQLAlchemy path's ``busy_timeout``)."""

_PLAIN_SQLITE = re.compile(r"^sqlite(?:\+pysqlite)?:///(?P<path>[^?#%]+)$")
"""A SQLite URL naming a file, with no query, fragment or %-escapes: read as written."""


def rows(connection: Readable, sql: str, params: Mapping[str, Any]) -> Iterable[Sequence[Any]]:
    """The rows of ``sql`` (``:name`` parameters from ``params``) on either kind of connection."""
    if isinstance(connection, sqlite3.Connection):
        return connection.execute(sql, params)
    from sqlalchemy import text  # noqa: PLC0415 (only on the SQLAlchemy path)

    return connection.execute(text(sql), params)


def marks(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``:name_0, :name_1, ...`` for an ``IN (...)`` list, and the parameters that fill it."""
    params = {f"{name}_{i}": value for i, value in enumerate(values)}
    return ", ".join(f":{key}" for key in params), params


@contextmanager
def reading(source: Engine | Readable) -> Iterator[Readable]:
    """A connection to read with: ``source`` itself, or one from an engine (closed after)."""
    if isinstance(source, sqlite3.Connection):
        yield source
        return
    from sqlalchemy import Engine  # noqa: PLC0415 (only on the SQLAlchemy path)

    if isinstance(source, Engine):
        with source.connect() as connection:
            yield connection
    else:
        yield source


def sqlite_file(url: str) -> Path | None:
    """The file a plain ``sqlite:///PATH`` URL names, when it exists; ``None`` otherwise."""
    match = _PLAIN_SQLITE.match(url)
    if match is None or match["path"] == ":memory:":
        return None
    path = Path(match["path"])
    return path if path.is_file() else None


def open_sqlite(url: str) -> sqlite3.Connection | None:
    """A read-only ``sqlite3`` connection to the register at ``url``, when it is a SQLite file
    at the head of its schema; ``None`` when it must be opened with SQLAlchemy instead."""
    path = sqlite_file(url)
    heads = head_revisions()
    if path is None or not heads:
        return None
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S
        )
    except sqlite3.Error:
        return None
    try:
        stored = frozenset(row[0] for row in connection.execute(STORED_REVISIONS))
    except sqlite3.Error:  # no alembic_version (a new register), or not a database at all
        stored = frozenset()
    if stored != heads:
        connection.close()
        return None
    return connection
