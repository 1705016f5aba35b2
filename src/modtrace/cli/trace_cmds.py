"""``modtrace trace``: a model's family, read from the register.

A read that starts a process every time, so it loads only what it uses: on a SQLite register at
the head of its schema it reads through the standard library's ``sqlite3`` (read-only), and never
imports SQLAlchemy; on PostgreSQL, or a SQLite file that has to be created or migrated first, it
opens the register with SQLAlchemy as the other commands do. Both run the same SQL text
(:mod:`modtrace.lineage.trace`, :mod:`modtrace.registry.known`) and print the same lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from modtrace.cli.options import database_option, format_option
from modtrace.cli.output import limit_option

if TYPE_CHECKING:
    from modtrace.registry.reading import Readable


def open_for_reading(database: str | None) -> tuple[Readable, str]:
    """A connection to read the register with, closed when the command ends, and the register's
    URL for messages: ``sqlite3`` where :func:`~modtrace.registry.reading.open_sqlite` can,
    SQLAlchemy (with its URL checks, errors and migrations) everywhere else."""
    from modtrace.registry.address import default_url
    from modtrace.registry.reading import open_sqlite

    context = click.get_current_context()
    url = database or default_url()
    plain = open_sqlite(url)
    if plain is not None:
        context.call_on_close(plain.close)
        return plain, url
    from modtrace.cli.options import open_engine
    from modtrace.cli.output import register_place

    engine = open_engine(database)
    connection = engine.connect()
    context.call_on_close(connection.close)  # before open_engine's dispose: callbacks unwind
    return connection, register_place(engine)


@click.command("trace")
@click.argument("model_id")
@click.option(
    "--direction",
    type=click.Choice(["back", "forward", "ancestry", "descendants"]),
    default="forward",
    show_default=True,
    help="back/forward: one step; ancestry/descendants: all the way, with depth.",
)
@click.option(
    "--depth", type=click.IntRange(min=1), default=None, help="Stop after this many steps."
)
@click.option(
    "--path-to", default=None, help="Show the relation paths from MODEL_ID to this model."
)
@limit_option
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Follow only edges from this source: hf-lineage, hub-stats, card, filing, manual "
    "(repeatable; default: all).",
)
@click.option(
    "--include-deleted",
    is_flag=True,
    help="Show models deleted from the Hub (default: leave them out and count them).",
)
@database_option
@format_option
def trace_cmd(
    model_id: str,
    direction: str,
    depth: int | None,
    path_to: str | None,
    limit: int,
    sources: tuple[str, ...],
    include_deleted: bool,
    database: str | None,
    fmt: str,
) -> None:
    """Trace a model one step back or forward, or its whole ancestry or descendants.

    Example: modtrace trace meta-llama/Llama-3.1-8B-Instruct --direction descendants --depth 2
    """
    from modtrace.cli.trace_run import TraceRequest, check, trace

    request = TraceRequest(
        model_id, direction, depth, path_to, limit, sources, include_deleted, database, fmt
    )
    check(request)  # a bad --source is refused before the register is opened
    connection, place = open_for_reading(database)
    trace(request, connection, place, click.echo)
