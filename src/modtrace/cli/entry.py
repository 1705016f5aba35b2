"""The ``modtrace`` script's entry point: ``trace`` on a SQLite register without click.

Starting click costs more than the whole of a small trace, so ``modtrace trace`` reads its own
arguments here when they are in the plain forms (``MODEL_ID`` and ``--option value``, each
single-valued option once, every value one click would accept) and the register is a SQLite file
that :func:`~modtrace.registry.reading.open_sqlite` can read. Anything else (``--help``,
``--option=value``, a value click would refuse, shell completion, PostgreSQL, a register to
create or migrate) goes to click (:func:`modtrace.cli.main.main`), which answers or explains as
usual. The work and the lines printed are :func:`modtrace.cli.trace_run.trace`'s either way,
and errors are worded by :func:`modtrace.cli.lines.error_lines`, as click's path words them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from modtrace.cli.trace_run import TraceRequest

OPTIONS = {
    "--direction": "direction",
    "--depth": "depth",
    "--path-to": "path_to",
    "--limit": "limit",
    "--source": "sources",
    "--database": "database",
    "--format": "fmt",
}
"""``modtrace trace``'s options that take a value, and the request field each fills."""
FLAGS = {"--include-deleted": "include_deleted"}
CHOICES = {
    "direction": ("back", "forward", "ancestry", "descendants"),
    "fmt": ("text", "json"),
}
COUNTS = ("depth", "limit")
"""Whole numbers of at least 1."""
REPEATABLE = ("sources",)
COMPLETION_ENV = "_MODTRACE_COMPLETE"

_ANSI = re.compile(r"\033\[[0-?]*[ -/]*[@-~]")
"""click's pattern for the terminal codes it strips from output that is not a terminal."""


def read_trace_args(args: Sequence[str]) -> TraceRequest | None:
    """The request ``modtrace trace ARGS`` makes, when ARGS are in the plain forms; ``None``
    (leave it to click) otherwise."""
    from modtrace.cli.trace_run import TraceRequest

    values: dict[str, str] = {}
    repeated: dict[str, list[str]] = {name: [] for name in REPEATABLE}
    flags: dict[str, bool] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in FLAGS:
            if FLAGS[arg] in flags:
                return None
            flags[FLAGS[arg]] = True
            i += 1
        elif arg in OPTIONS:
            name = OPTIONS[arg]
            if i + 1 >= len(args) or args[i + 1].startswith("-"):
                return None
            if name in repeated:
                repeated[name].append(args[i + 1])
            elif name in values:
                return None
            else:
                values[name] = args[i + 1]
            i += 2
        elif arg.startswith("-"):
            return None
        else:
            positional.append(arg)
            i += 1
    if len(positional) != 1:
        return None
    for name, allowed in CHOICES.items():
        if name in values and values[name] not in allowed:
            return None
    counts: dict[str, int] = {}
    for name in COUNTS:
        if name in values:
            text = values.pop(name)
            if not (text.isascii() and text.isdigit() and len(text) <= 18) or int(text) < 1:
                return None
            counts[name] = int(text)
    fields: dict[str, Any] = {**values, **counts, **flags}
    fields |= {name: tuple(items) for name, items in repeated.items()}
    return TraceRequest(positional[0], **fields)


def echo(line: str, stream: TextIO | None = None) -> None:
    """``line`` and a new line, as ``click.echo`` writes it (terminal codes stripped when the
    output is not a terminal)."""
    stream = stream or sys.stdout
    out = line + "\n"
    if not stream.isatty():
        out = _ANSI.sub("", out)
    stream.write(out)
    stream.flush()


def trace_plainly(args: Sequence[str]) -> int | None:
    """Run ``modtrace trace ARGS`` without click and return its exit status; ``None`` when click
    has to (other argument forms, or a register sqlite3 cannot read as it stands)."""
    import os

    if os.environ.get(COMPLETION_ENV):
        return None
    request = read_trace_args(args)
    if request is None:
        return None
    from modtrace.cli.lines import error_lines
    from modtrace.cli.trace_run import check, trace
    from modtrace.registry.address import default_url
    from modtrace.registry.reading import open_sqlite

    try:
        check(request)
        url = request.database or default_url()
        connection = open_sqlite(url)
        if connection is None:
            return None
        try:
            trace(request, connection, url, echo)
        finally:
            connection.close()
    except BrokenPipeError:  # the reader went away (`| head`): exit 1 quietly, as click does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:  # as click words an interrupted command
        echo("", sys.stderr)
        echo("error: aborted", sys.stderr)
        return 1
    except Exception as exc:
        lines, code = error_lines(exc)
        for line in lines:
            echo(line, sys.stderr)
        return code
    return 0


def main() -> None:
    """Entry point of the ``modtrace`` script."""
    if sys.argv[1:2] == ["trace"]:
        code = trace_plainly(sys.argv[2:])
        if code is not None:
            sys.exit(code)
    from modtrace.cli.main import main as run

    run()
