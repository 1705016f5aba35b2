"""Where the register lives: SQLite by default (one file, WAL), PostgreSQL when configured.

Opening the register checks its schema with one query (the revision in ``alembic_version``
against the head of the migration files, read from the files' text); Alembic is imported, and
the migrations run, only when the register is new or behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from modtrace.errors import InputError
from modtrace.registry.address import (
    ENV_URL,
    MIGRATIONS,
    STORED_REVISIONS,
    default_url,
    head_revisions,
)

__all__ = [
    "CONNECT_TIMEOUT_S",
    "ENV_URL",
    "MIGRATIONS",
    "DatabaseUrlError",
    "default_url",
    "head_revisions",
    "make_engine",
    "migrate",
    "schema_is_current",
    "stored_revisions",
    "upgrade",
]

CONNECT_TIMEOUT_S = 5
"""How long to wait for a database server before saying it cannot be reached."""


class DatabaseUrlError(InputError):
    """The register's database URL is malformed, or names a database that cannot be opened."""


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    text = " ".join(str(original).split())
    return text[:200] or type(original).__name__


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: :func:`default_url`), creating a SQLite file's folder.

    Raises :class:`DatabaseUrlError` for a URL that is not one, or names no known database.
    """
    field = "database"
    url = url or default_url()
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                folder = Path(parsed.database).parent
                if folder.exists() and not folder.is_dir():
                    raise DatabaseUrlError([(field, f"{folder} is a file, not a folder")])
                folder.mkdir(parents=True, exist_ok=True)
                if Path(parsed.database).is_dir():
                    raise DatabaseUrlError([(field, f"{parsed.database} is a folder, not a file")])
            engine = create_engine(parsed)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        connect_args = (
            {"connect_timeout": CONNECT_TIMEOUT_S}
            if parsed.get_backend_name() == "postgresql"
            else {}
        )
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except NoSuchModuleError:
        raise DatabaseUrlError(
            [(field, f"unknown database kind {url.partition(':')[0]!r}; use sqlite or postgresql")]
        ) from None
    except ArgumentError:
        raise DatabaseUrlError(
            [(field, "not a database URL (e.g. sqlite:///register.sqlite3 or postgresql://...)")]
        ) from None
    except ImportError:
        kind = url.partition(":")[0].partition("+")[0]
        raise DatabaseUrlError(
            [(field, f"no driver for {kind!r} databases is installed; use sqlite or postgresql")]
        ) from None
    except (OSError, ValueError) as exc:
        raise DatabaseUrlError([(field, f"cannot be opened: {_reason(exc)}")]) from None


def stored_revisions(engine: Engine) -> frozenset[str] | None:
    """The revisions the database says it is at; None when it has no ``alembic_version`` table
    (a new register) or cannot be read (the migration then reports why)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(STORED_REVISIONS))
            return frozenset(row[0] for row in rows)
    except DBAPIError:
        return None


def schema_is_current(engine: Engine) -> bool:
    """Whether the register's schema is at the head of the migrations: one query."""
    heads = head_revisions()
    return bool(heads) and stored_revisions(engine) == heads


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (each migration runs in a transaction).

    A register already at the head is checked with one query and left alone; otherwise Alembic
    upgrades it. Raises :class:`DatabaseUrlError` when the database cannot be reached or is not
    a database.
    """
    if schema_is_current(engine):
        return
    upgrade(engine)


def upgrade(engine: Engine) -> None:
    """Run Alembic's upgrade to ``head`` (a no-op, at Alembic's cost, on a current register)."""
    # Alembic (with Mako) is imported only when a migration has to run.
    from alembic import command  # noqa: PLC0415
    from alembic.config import Config  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except DBAPIError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUrlError(
            [("database", f"{where} cannot be opened: {_reason(exc)}")]
        ) from None
