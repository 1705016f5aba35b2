"""``modtrace trace``: a model's family, read from the register.

A read that starts a process every time, so it loads only what it uses: on a SQLite register at
the head of its schema it reads through the standard library's ``sqlite3`` (read-only), and never
imports SQLAlchemy; on PostgreSQL, or a SQLite file that has to be created or migrated first, it
opens the register with SQLAlchemy as the other commands do. Both run the same SQL text
(:mod:`modtrace.lineage.trace`, :mod:`modtrace.registry.known`) and print the same lines.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from modtrace.cli.options import database_option, format_option
from modtrace.cli.output import count, dump, limit_option, more

if TYPE_CHECKING:
    from modtrace.lineage.trace import Walk
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
    from modtrace.cli.output import require_known, require_model_in
    from modtrace.errors import ParameterError
    from modtrace.lineage.sources import check_kinds, split_deleted
    from modtrace.lineage.trace import by_kinds, one_step, paths_between, walk

    try:
        keep = by_kinds(check_kinds(sources))
    except ValueError as exc:
        raise ParameterError([("--source", str(exc))]) from None
    c, place = open_for_reading(database)
    require_model_in(c, model_id, place)
    if path_to:
        require_known(c, "--path-to", [path_to])
        _paths(model_id, path_to, paths_between(c, model_id, path_to), limit, fmt)
        return
    if direction in ("back", "forward"):
        links, left_out = split_deleted(one_step(c, model_id, direction, keep), include_deleted)
        if fmt == "json":
            click.echo(dump([x._asdict() for x in links]))
            return
        word = ("parent", "parents") if direction == "back" else ("child", "children")
        click.echo(f"{model_id}: {count(len(links), *word)}")
        for x in links[:limit]:
            flag = " (external: not described in the register)" if x.external else ""
            click.echo(
                f"  {x.relation:<12} {x.model_id}  developer {x.developer or '?'}"
                f"  [{x.status}, {x.source}]{flag}"
                + (f" (deleted {x.deleted_at})" if x.deleted_at else "")
            )
        if (line := more(len(links), limit)) is not None:
            click.echo(line)
        if left_out:
            click.echo(f"  deleted from the Hub, left out: {left_out} (--include-deleted)")
        return
    result = walk(c, model_id, "back" if direction == "ancestry" else "forward", depth, keep)
    result.reached, left_out = split_deleted(result.reached, include_deleted)
    _walk(model_id, direction, result, left_out, limit, fmt)


def _paths(
    model_id: str, path_to: str, paths: list[list[tuple[str, str]]], limit: int, fmt: str
) -> None:
    if fmt == "json":
        click.echo(dump(paths))
        return
    for p in paths[:limit]:
        click.echo(model_id + "".join(f" -{rel}-> {m}" for m, rel in p))
    if not paths:
        click.echo(f"no path from {model_id} to {path_to}")
    if (line := more(len(paths), limit)) is not None:
        click.echo(line)


def _walk(model_id: str, direction: str, result: Walk, left_out: int, limit: int, fmt: str) -> None:
    if fmt == "json":
        data = {**asdict(result), "reached": [r._asdict() for r in result.reached]}
        click.echo(dump(data))
        return
    word = ("ancestor", "ancestors") if direction == "ancestry" else ("descendant", "descendants")
    click.echo(f"{model_id}: {count(len(result.reached), *word)}")
    for r in result.reached[:limit]:
        near = r.path[-2][0] if len(r.path) > 1 else model_id
        link = (
            f"{r.path[-1][1]} of {near}"
            if direction == "descendants"
            else (f"{r.path[-1][1]} parent of {near}")
        )
        gone = f" (deleted {r.deleted_at})" if r.deleted_at else ""
        click.echo(
            f"  depth {r.depth}  {r.model_id}  developer {r.developer or '?'}  ({link})"
            f"  [{r.source_kind}]{gone}"
        )
    if (line := more(len(result.reached), limit)) is not None:
        click.echo(line)
    for a, b in result.cycles:
        click.echo(f"  cycle in the data: {a} -> {b}")
    if left_out:
        click.echo(f"  deleted from the Hub, left out: {left_out} (--include-deleted)")
