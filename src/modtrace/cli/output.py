"""How commands word and lay out what they print: counts, long lists, empty registers, tables."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

from modtrace.cli.lines import FILL_HINT, count, dump, more, require_known, require_model_in
from modtrace.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from modtrace.registry.register import Register

__all__ = [
    "FILL_HINT",
    "FORMULA_START",
    "count",
    "dump",
    "limit_option",
    "more",
    "port_free",
    "register_place",
    "require_known",
    "require_model",
    "require_model_in",
    "rich_table",
    "rows_csv",
]

limit_option = click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Rows shown in text output (json and csv show all).",
)


def _engine(register: Register | Engine) -> Engine:
    from sqlalchemy import Engine  # commands that only read never import it

    return register if isinstance(register, Engine) else register.engine


def register_place(register: Register | Engine) -> str:
    """Where the register lives, for messages."""
    return _engine(register).url.render_as_string(hide_password=True)


def require_model(register: Register | Engine, model_id: str) -> None:
    """Refuse a model the register does not hold, and say so when the register is empty."""
    from modtrace.registry.reading import reading

    with reading(_engine(register)) as connection:
        require_model_in(connection, model_id, register_place(register))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a cell starts that a spreadsheet would run as a formula (OWASP, "CSV injection")."""


def _inert(value: Any) -> Any:
    """A text cell that starts like a formula, behind a leading ``'`` (shown as text by
    spreadsheets); numbers, negative ones included, as they are."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with a header row. Model ids and names come from model cards and filings that
    anyone writes, and CSV is opened in spreadsheets: no text cell may start a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_inert(h) for h in header])
    writer.writerows([_inert(v) for v in row] for row in rows)
    return out.getvalue()


def rich_table(
    header: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None
) -> str:
    """A table for a terminal (Rich), as text: numbers right-aligned, and no column name or
    cell broken across lines, however narrow the terminal."""
    from rich.console import Console
    from rich.table import Table

    raw = [list(r) for r in rows]
    cells = [[_cell(v) for v in r] for r in raw]
    table = Table(title=title, header_style="bold")
    widths = [max([len(str(name))] + [len(r[i]) for r in cells]) for i, name in enumerate(header)]
    for i, name in enumerate(header):
        numeric = bool(cells) and all(isinstance(r[i], int | float) for r in raw)
        table.add_column(
            str(name), justify="right" if numeric else "left", no_wrap=True, min_width=widths[i]
        )
    for r in cells:
        table.add_row(*r)
    needed = sum(widths) + 3 * len(widths) + 1
    width = max(needed, shutil.get_terminal_size((120, 24)).columns)
    console = Console(width=width, force_terminal=False, color_system=None)
    with console.capture() as captured:
        console.print(table)
    return captured.get().rstrip("\n")


def _cell(value: Any) -> str:
    from modtrace.determination.explain import number

    if isinstance(value, float):
        return number(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def port_free(host: str, port: int) -> None:
    """Refuse, before announcing a server, a port that something else is listening on."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise InputError(
                [
                    (
                        "--port",
                        f"cannot listen on {host}:{port} ({exc.strerror or exc}); another "
                        "server is probably using it: stop it, or pick another port with --port "
                        "or MODTRACE_PORT",
                    )
                ]
            ) from None
