"""Traceability queries over lineage edges (Appendix A.3's "one step back, one step forward").

Breadth-first walks that fetch one level per query (in chunks), so depth, the relation path to
each model, merges with several parents, cycles and dangling references are all handled without
looping. ``bench/register.py`` compares this with a recursive SQL query.

Every query is SQL text, run by :func:`modtrace.registry.reading.rows` on a SQLAlchemy
connection or on the standard library's ``sqlite3`` (the read path ``modtrace trace`` takes on a
SQLite register), so the two ways of reading cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from modtrace.lineage.sources import as_date, source_kind
from modtrace.registry.reading import Readable, marks, rows

CHUNK = 500


class Link(NamedTuple):
    """One edge as seen from a model: the other model, the relation and how it is known."""

    model_id: str
    relation: str
    status: str
    source: str
    developer: str | None
    external: bool
    deleted_at: dt.date | None = None
    source_kind: str = "manual"


class Reached(NamedTuple):
    """A model reached by a walk: how far, the path of (model, relation) from the start, the
    source of the edge that reached it (and its kind), and when it was deleted, if it was."""

    model_id: str
    depth: int
    path: tuple[tuple[str, str], ...]
    developer: str | None
    external: bool
    source: str = ""
    source_kind: str = "manual"
    deleted_at: dt.date | None = None


EdgeFilter = Callable[[Link], bool]


def by_kinds(kinds: frozenset[str] | None) -> EdgeFilter | None:
    """Keep only edges whose source is of one of ``kinds`` (``None``: keep every edge)."""
    if kinds is None:
        return None
    return lambda link: link.source_kind in kinds


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


def _ends(direction: str) -> tuple[str, str]:
    """The edge's column on the side a walk stands on, and the one it steps to."""
    return ("child_id", "parent_id") if direction == "back" else ("parent_id", "child_id")


_LINK_COLUMNS = "e.relation, e.status, e.source, m.provider, m.external, m.deleted_at"


def links_sql(direction: str, ids: str) -> str:
    """One step from each model in ``ids`` (an ``IN`` list of parameters), ordered."""
    near, far = _ends(direction)
    return f"""
        SELECT e.{near}, e.{far}, {_LINK_COLUMNS}
        FROM lineage_edges e
        LEFT JOIN models m ON m.id = e.{far}
        WHERE e.{near} IN ({ids})
        ORDER BY e.{near}, e.{far}, e.status, e.relation
    """


def family_sql(direction: str) -> str:
    """Every edge of ``:start``'s ancestry or descendants (``UNION`` stops at cycles)."""
    near, far = _ends(direction)
    return f"""
        WITH RECURSIVE reach(id) AS (
            SELECT CAST(:start AS VARCHAR(300))
            UNION
            SELECT e.{far} FROM lineage_edges e JOIN reach r ON e.{near} = r.id
        )
        SELECT e.{near}, e.{far}, {_LINK_COLUMNS}
        FROM reach r
        JOIN lineage_edges e ON e.{near} = r.id
        LEFT JOIN models m ON m.id = e.{far}
    """


def with_parents_sql(ids: str) -> str:
    """Which of the models in ``ids`` have a parent."""
    return f"SELECT DISTINCT child_id FROM lineage_edges WHERE child_id IN ({ids})"


def _link(row: Any) -> Link:
    _, other, relation, status, source, provider, external, deleted_at = row
    return Link(
        other,
        relation,
        status,
        source,
        provider,
        True if provider is None and external is None else bool(external),
        as_date(deleted_at),
        source_kind(source),
    )


def _links(connection: Readable, ids: list[str], direction: str) -> dict[str, list[Link]]:
    """Edges from each id one step back (parents) or forward (children), with developers."""
    out: dict[str, list[Link]] = {}
    for chunk in _chunks(ids):
        placeholders, params = marks("id", chunk)
        for row in rows(connection, links_sql(direction, placeholders), params):
            out.setdefault(row[0], []).append(_link(row))
    return out


def one_step(
    connection: Readable, model_id: str, direction: str, keep: EdgeFilter | None = None
) -> list[Link]:
    """Parents (``back``) or children (``forward``) of one model, with their developers."""
    links = _links(connection, [model_id], direction).get(model_id, [])
    return [x for x in links if keep is None or keep(x)]


def _breadth_first(
    model_id: str,
    direction: str,
    max_depth: int | None,
    links_of: Any,
    keep: EdgeFilter | None = None,
) -> Walk:
    """Breadth-first over ``links_of(frontier) -> {origin: [Link]}``, each model once; only
    edges ``keep`` accepts are followed."""
    result = Walk(model_id, direction)
    paths: dict[str, tuple[tuple[str, str], ...]] = {model_id: ()}
    frontier, depth = [model_id], 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        links = links_of(frontier)
        nxt: list[str] = []
        for origin in frontier:
            for link in links.get(origin, []):
                if keep is not None and not keep(link):
                    continue
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
                    Reached(
                        link.model_id,
                        depth,
                        path,
                        link.developer,
                        link.external,
                        link.source,
                        link.source_kind,
                        link.deleted_at,
                    )
                )
                if link.developer is None:
                    result.dangling.append(link.model_id)
                nxt.append(link.model_id)
        frontier = nxt
    return result


def walk_levels(
    connection: Readable,
    model_id: str,
    direction: str,
    max_depth: int | None = None,
    keep: EdgeFilter | None = None,
) -> Walk:
    """Breadth first, one query per level (kept to compare with :func:`walk`)."""
    return _breadth_first(
        model_id,
        direction,
        max_depth,
        lambda frontier: _links(connection, frontier, direction),
        keep,
    )


def walk(
    connection: Readable,
    model_id: str,
    direction: str,
    max_depth: int | None = None,
    keep: EdgeFilter | None = None,
) -> Walk:
    """Every ancestor (``back``) or descendant (``forward``), breadth first, each once.

    One recursive query collects every edge of the family (``UNION`` stops at cycles); depth,
    paths and cycles are then worked out in memory. Faster than a query per level on large
    families (``bench/register.py``); :func:`walk_levels` gives the same answer.
    """
    if max_depth is not None and max_depth <= 2:
        return walk_levels(connection, model_id, direction, max_depth, keep)
    adjacency: dict[str, list[Link]] = {}
    for row in rows(connection, family_sql(direction), {"start": model_id}):
        adjacency.setdefault(row[0], []).append(_link(row))
    for links in adjacency.values():
        links.sort(
            key=lambda link: (link.model_id, link.status, link.relation)
        )  # the order walk_levels reads them in
    return _breadth_first(
        model_id,
        direction,
        max_depth,
        lambda frontier: {o: adjacency[o] for o in frontier if o in adjacency},
        keep,
    )


def roots(connection: Readable, model_id: str) -> list[Reached]:
    """The original models at the top of a model's ancestry (models with no parents)."""
    ancestry = walk(connection, model_id, "back")
    if not ancestry.reached:
        return []
    ids = [r.model_id for r in ancestry.reached]
    with_parents: set[str] = set()
    for chunk in _chunks(ids):
        placeholders, params = marks("id", chunk)
        with_parents |= {row[0] for row in rows(connection, with_parents_sql(placeholders), params)}
    return [r for r in ancestry.reached if r.model_id not in with_parents]


def paths_between(
    connection: Readable, ancestor: str, descendant: str, limit: int = 20
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
