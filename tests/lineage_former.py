"""The hand-written in-memory graph modtrace used before issue #15, kept as a reference.

Dictionaries of ``Link`` lists both ways and a breadth-first walk that builds every path; the
igraph-backed :class:`modtrace.lineage.graph.LineageGraph` must give the same answers
(``lineage/test_graph_parity.py``). Frozen here so that changes to ``lineage/trace.py`` cannot
move the reference along with the code under test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from modtrace.lineage.sources import as_date, source_kind
from modtrace.lineage.trace import EdgeFilter, Link, Reached, Walk
from modtrace.registry.tables import lineage_edges, models

Described = tuple[str, str | None, bool, dt.date | None]


@dataclass
class FormerGraph:
    """Adjacency lists both ways, each list in the order the SQL walks read it."""

    forward: dict[str, list[Link]] = field(default_factory=dict)
    back: dict[str, list[Link]] = field(default_factory=dict)

    @classmethod
    def from_rows(
        cls, edges: Iterable[tuple[str, str, str, str, str]], described: Iterable[Described]
    ) -> FormerGraph:
        known = {m: (provider, external, deleted) for m, provider, external, deleted in described}
        graph = cls()
        for parent, child, relation, status, source in edges:
            for here, there, adjacency in (
                (parent, child, graph.forward),
                (child, parent, graph.back),
            ):
                info = known.get(there)
                adjacency.setdefault(here, []).append(
                    Link(
                        there,
                        relation,
                        status,
                        source,
                        info[0] if info else None,
                        info[1] if info else True,
                        info[2] if info else None,
                        source_kind(source),
                    )
                )
        for adjacency in (graph.forward, graph.back):
            for links in adjacency.values():
                links.sort(key=lambda link: (link.model_id, link.status, link.relation))
        return graph

    @classmethod
    def load(cls, connection: Connection) -> FormerGraph:
        described = [
            (row[0], row[1], bool(row[2]), as_date(row[3]))
            for row in connection.execute(
                select(models.c.id, models.c.provider, models.c.external, models.c.deleted_at)
            )
        ]
        edges = connection.execute(
            select(
                lineage_edges.c.parent_id,
                lineage_edges.c.child_id,
                lineage_edges.c.relation,
                lineage_edges.c.status,
                lineage_edges.c.source,
            ).order_by(lineage_edges.c.id)
        )
        return cls.from_rows([tuple(e) for e in edges], described)

    def one_step(self, model_id: str, direction: str, keep: EdgeFilter | None = None) -> list[Link]:
        links = (self.back if direction == "back" else self.forward).get(model_id, [])
        return [x for x in links if keep is None or keep(x)]

    def walk(
        self,
        model_id: str,
        direction: str,
        max_depth: int | None = None,
        keep: EdgeFilter | None = None,
    ) -> Walk:
        adjacency = self.back if direction == "back" else self.forward
        result = Walk(model_id, direction)
        paths: dict[str, tuple[tuple[str, str], ...]] = {model_id: ()}
        frontier, depth = [model_id], 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            nxt: list[str] = []
            for origin in frontier:
                for link in adjacency.get(origin, []):
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
