"""Traceability queries over lineage edges (Appendix A.3's "one step back, one step forward").

Breadth-first walks that fetch one level per query (in chunks), so depth, the relation path to
each model, merges with several parents, cycles and dangling references are all handled without
looping. ``bench/register.py`` compares this with a recursive SQL query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from modtrace.registry.tables import lineage_edges, models

CHUNK = 500


@dataclass(frozen=True)
class Link:
    """One edge as seen from a model: the other model, the relation and how it is known."""

    model_id: str
    relation: str
    status: str
    source: str
    developer: str | None
    external: bool


@dataclass(frozen=True)
class Reached:
    """A model reached by a walk: how far, and the path of (model, relation) from the start."""

    model_id: str
    depth: int
    path: tuple[tuple[str, str], ...]
    developer: str | None
    external: bool


@dataclass
class Walk:
    """The result of a walk: models reached in breadth-first order, cycles and dangling ids."""

    start: str
    direction: str
    reached: list[Reached] = field(default_factory=list)
    cycles: list[tuple[str, str]] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _models(connection: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for row in connection.execute(
            select(models.c.id, models.c.provider, models.c.external).where(models.c.id.in_(chunk))
        ).mappings():
            out[row["id"]] = dict(row)
    return out


def _links(connection: Connection, ids: list[str], direction: str) -> dict[str, list[Link]]:
    """Edges from each id one step back (parents) or forward (children)."""
    here, there = (
        (lineage_edges.c.child_id, lineage_edges.c.parent_id)
        if direction == "back"
        else (lineage_edges.c.parent_id, lineage_edges.c.child_id)
    )
    rows: list[tuple[str, str, str, str, str]] = []
    for chunk in _chunks(ids):
        rows.extend(
            connection.execute(
                select(
                    here,
                    there,
                    lineage_edges.c.relation,
                    lineage_edges.c.status,
                    lineage_edges.c.source,
                )
                .where(here.in_(chunk))
                .order_by(here, there)
            )
        )
    known = _models(connection, sorted({r[1] for r in rows}))
    out: dict[str, list[Link]] = {}
    for origin, other, relation, status, source in rows:
        info = known.get(other)
        out.setdefault(origin, []).append(
            Link(
                other,
                relation,
                status,
                source,
                info["provider"] if info else None,
                bool(info["external"]) if info else True,
            )
        )
    return out


def one_step(connection: Connection, model_id: str, direction: str) -> list[Link]:
    """Parents (``back``) or children (``forward``) of one model, with their developers."""
    return _links(connection, [model_id], direction).get(model_id, [])


def walk(
    connection: Connection, model_id: str, direction: str, max_depth: int | None = None
) -> Walk:
    """Every ancestor (``back``) or descendant (``forward``), breadth first, each once."""
    result = Walk(model_id, direction)
    paths: dict[str, tuple[tuple[str, str], ...]] = {model_id: ()}
    frontier, depth = [model_id], 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        links = _links(connection, frontier, direction)
        nxt: list[str] = []
        for origin in frontier:
            for link in links.get(origin, []):
                if link.model_id in paths:
                    on_path = link.model_id == model_id or any(
                        m == link.model_id for m, _ in paths[origin]
                    )
                    if on_path:
                        result.cycles.append((origin, link.model_id))
                    continue
                path = (*paths[origin], (link.model_id, link.relation))
                paths[link.model_id] = path
                result.reached.append(
                    Reached(link.model_id, depth, path, link.developer, link.external)
                )
                if link.developer is None:
                    result.dangling.append(link.model_id)
                nxt.append(link.model_id)
        frontier = nxt
    return result


def roots(connection: Connection, model_id: str) -> list[Reached]:
    """The original models at the top of a model's ancestry (models with no parents)."""
    ancestry = walk(connection, model_id, "back")
    if not ancestry.reached:
        return []
    ids = [r.model_id for r in ancestry.reached]
    with_parents: set[str] = set()
    for chunk in _chunks(ids):
        with_parents |= set(
            connection.execute(
                select(lineage_edges.c.child_id).where(lineage_edges.c.child_id.in_(chunk))
            ).scalars()
        )
    return [r for r in ancestry.reached if r.model_id not in with_parents]


def paths_between(
    connection: Connection, ancestor: str, descendant: str, limit: int = 20
) -> list[list[tuple[str, str]]]:
    """Relation paths from ``ancestor`` down to ``descendant`` (at most ``limit``)."""
    back = walk(connection, descendant, "back")
    allowed = {r.model_id for r in back.reached} | {descendant}
    if ancestor not in allowed:
        return []
    found: list[list[tuple[str, str]]] = []

    def dfs(node: str, trail: list[tuple[str, str]], visiting: set[str]) -> None:
        if len(found) >= limit:
            return
        if node == descendant:
            found.append(list(trail))
            return
        for link in _links(connection, [node], "forward").get(node, []):
            if link.model_id in allowed and link.model_id not in visiting:
                visiting.add(link.model_id)
                dfs(link.model_id, [*trail, (link.model_id, link.relation)], visiting)
                visiting.discard(link.model_id)

    dfs(ancestor, [], {ancestor})
    return found
