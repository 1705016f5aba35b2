"""Options and helpers that every command group shares."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from modtrace.regimes.loader import Catalog
    from modtrace.registry.register import Register

ROW_ID = click.IntRange(1, 2**31 - 1)
"""A record's number in the register (filings, incidents, modifications)."""

database_option = click.option(
    "--database",
    "database",
    default=None,
    metavar="URL",
    help="Register database URL (default: $MODTRACE_DATABASE_URL or the user's SQLite file).",
)

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a readable explanation; json: the machine-readable record.",
)


def open_register(database: str | None) -> Register:
    """Open the register for this command; its connections close when the command ends."""
    from modtrace.registry.db import ENV_URL, DatabaseUrlError
    from modtrace.registry.register import Register

    try:
        register = Register.open(database)
    except DatabaseUrlError as exc:  # name the option or variable the URL came from
        source = "--database" if database else ENV_URL if os.environ.get(ENV_URL) else "database"
        raise DatabaseUrlError([(source, problem) for _, problem in exc.issues]) from None
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(register.engine.dispose)
    return register


def open_engine(database: str | None) -> Engine:
    """The register's database, schema checked, for commands that only read it with queries
    (``trace``): the same checks and errors as :func:`open_register`, without importing the
    register's record-keeping (facts, regimes, the log) that such a command never uses."""
    from modtrace.registry.db import ENV_URL, DatabaseUrlError, make_engine, migrate

    try:
        engine = make_engine(database)
        migrate(engine)
    except DatabaseUrlError as exc:
        source = "--database" if database else ENV_URL if os.environ.get(ENV_URL) else "database"
        raise DatabaseUrlError([(source, problem) for _, problem in exc.issues]) from None
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(engine.dispose)
    return engine


regime_file_option = click.option(
    "--regime-file",
    "regime_files",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A draft regime file (YAML) to use beside the bundled regimes; repeatable. "
    "See docs/regimes/writing.md.",
)


def open_catalog(regime_files: tuple[Path, ...] | list[Path]) -> Catalog:
    """The bundled regimes, plus any draft regime files (checked; problems exit 2 with lines)."""
    from modtrace.regimes.loader import default_catalog

    if not regime_files:
        return default_catalog()
    from modtrace.regimes.drafts import load_drafts

    return load_drafts(regime_files)
