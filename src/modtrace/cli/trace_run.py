"""What ``modtrace trace`` does once its options are read, with no click: check the request,
walk the register, print the lines. The click command (:mod:`modtrace.cli.trace_cmds`) and the
click-free start (:mod:`modtrace.cli.entry`) both call :func:`trace`, with their own ``echo``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from modtrace.cli.lines import count, dump, more, require_known, require_model_in

if TYPE_CHECKING:
    from modtrace.lineage.trace import Walk
    from modtrace.registry.reading import Readable

Echo = Callable[[str], None]


@dataclass(frozen=True)
class TraceRequest:
    """The options of one ``modtrace trace``, as the command line gives them."""

    model_id: str
    direction: str = "forward"
    depth: int | None = None
    path_to: str | None = None
    limit: int = 50
    sources: tuple[str, ...] = ()
    include_deleted: bool = False
    database: str | None = None
    fmt: str = "text"


def check(request: TraceRequest) -> frozenset[str] | None:
    """The source kinds to follow (``None``: all); an unknown one is a ``--source`` error."""
    from modtrace.errors import ParameterError
    from modtrace.lineage.sources import check_kinds

    try:
        return check_kinds(request.sources)
    except ValueError as exc:
        raise ParameterError([("--source", str(exc))]) from None


def trace(request: TraceRequest, c: Readable, place: str, echo: Echo) -> None:
    """Answer ``request`` from the register that ``c`` reads (``place``: its URL)."""
    from modtrace.lineage.sources import split_deleted
    from modtrace.lineage.trace import by_kinds, one_step, paths_between, walk

    keep = by_kinds(check(request))
    model_id, direction, limit = request.model_id, request.direction, request.limit
    require_model_in(c, model_id, place)
    if request.path_to:
        require_known(c, "--path-to", [request.path_to])
        _paths(request, paths_between(c, model_id, request.path_to), echo)
        return
    if direction in ("back", "forward"):
        found = one_step(c, model_id, direction, keep)
        links, left_out = split_deleted(found, request.include_deleted)
        if request.fmt == "json":
            echo(dump([x._asdict() for x in links]))
            return
        word = ("parent", "parents") if direction == "back" else ("child", "children")
        echo(f"{model_id}: {count(len(links), *word)}")
        for x in links[:limit]:
            flag = " (external: not described in the register)" if x.external else ""
            echo(
                f"  {x.relation:<12} {x.model_id}  developer {x.developer or '?'}"
                f"  [{x.status}, {x.source}]{flag}"
                + (f" (deleted {x.deleted_at})" if x.deleted_at else "")
            )
        if (line := more(len(links), limit)) is not None:
            echo(line)
        if left_out:
            echo(f"  deleted from the Hub, left out: {left_out} (--include-deleted)")
        return
    way = "back" if direction == "ancestry" else "forward"
    result = walk(c, model_id, way, request.depth, keep)
    result.reached, left_out = split_deleted(result.reached, request.include_deleted)
    _walk(request, result, left_out, echo)


def _paths(request: TraceRequest, paths: list[list[tuple[str, str]]], echo: Echo) -> None:
    if request.fmt == "json":
        echo(dump(paths))
        return
    for p in paths[: request.limit]:
        echo(request.model_id + "".join(f" -{rel}-> {m}" for m, rel in p))
    if not paths:
        echo(f"no path from {request.model_id} to {request.path_to}")
    if (line := more(len(paths), request.limit)) is not None:
        echo(line)


def _walk(request: TraceRequest, result: Walk, left_out: int, echo: Echo) -> None:
    if request.fmt == "json":
        echo(dump({**asdict(result), "reached": [r._asdict() for r in result.reached]}))
        return
    model_id, direction = request.model_id, request.direction
    word = ("ancestor", "ancestors") if direction == "ancestry" else ("descendant", "descendants")
    echo(f"{model_id}: {count(len(result.reached), *word)}")
    for r in result.reached[: request.limit]:
        near = r.path[-2][0] if len(r.path) > 1 else model_id
        link = (
            f"{r.path[-1][1]} of {near}"
            if direction == "descendants"
            else (f"{r.path[-1][1]} parent of {near}")
        )
        gone = f" (deleted {r.deleted_at})" if r.deleted_at else ""
        echo(
            f"  depth {r.depth}  {r.model_id}  developer {r.developer or '?'}  ({link})"
            f"  [{r.source_kind}]{gone}"
        )
    if (line := more(len(result.reached), request.limit)) is not None:
        echo(line)
    for a, b in result.cycles:
        echo(f"  cycle in the data: {a} -> {b}")
    if left_out:
        echo(f"  deleted from the Hub, left out: {left_out} (--include-deleted)")
