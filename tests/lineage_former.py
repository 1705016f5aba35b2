"""The hand-written in-memory graph modtrace used before issue #15, kept as a reference.

Dictionaries of ``Link`` lists both ways and a breadth-first walk that builds every path; the
igraph-backed :class:`modtrace.lineage.graph.LineageGraph` must give the same answers
(``lineage/test_graph_parity.py``). Its walk is the SQL walks' own breadth-first search
(``lineage/trace._breadth_first``) over the adjacency lists, as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from modtrace.lineage.sources import as_date, source_kind
from modtrace.lineage.trace import EdgeFilter, Link, Walk, _breadth_first
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
        return _breadth_first(
            model_id,
            direction,
            max_depth,
            lambda frontier: {o: adjacency[o] for o in frontier if o in adjacency},
            keep,
        )
