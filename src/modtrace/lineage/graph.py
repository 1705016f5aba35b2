"""An in-memory lineage graph for long-running services (the web API).

Loading every edge once costs about a second on the full Hub snapshot; after that a family walk
is pure Python and an order of magnitude faster than the recursive query (``bench/register.py``
measures both). Edges are append-only in the register, so the graph is reloaded when the
highest edge id changes; a model's provider or ``external`` flag changed without a new edge
shows at the next reload (``docs/register.md``). ``walk`` gives exactly what
:func:`modtrace.lineage.trace.walk` gives (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, func, select

from modtrace.lineage.sources import as_date, source_kind
from modtrace.lineage.trace import EdgeFilter, Link, Walk, _breadth_first
from modtrace.registry.tables import lineage_edges, models


@dataclass
class LineageGraph:
    """Adjacency lists both ways, each list in the order the SQL walks read it."""

    forward: dict[str, list[Link]] = field(default_factory=dict)
    back: dict[str, list[Link]] = field(default_factory=dict)
    version: int = 0

    @classmethod
    def load(cls, connection: Connection) -> LineageGraph:
        """Read every edge and the described models."""
        known = {
            row[0]: (row[1], bool(row[2]), as_date(row[3]))
            for row in connection.execute(
                select(models.c.id, models.c.provider, models.c.external, models.c.deleted_at)
            )
        }
        graph = cls()
        for parent, child, relation, status, source in connection.execute(
            select(
                lineage_edges.c.parent_id,
                lineage_edges.c.child_id,
                lineage_edges.c.relation,
                lineage_edges.c.status,
                lineage_edges.c.source,
            )
        ):
            c_info, p_info = known.get(child), known.get(parent)
            graph.forward.setdefault(parent, []).append(
                Link(
                    child,
                    relation,
                    status,
                    source,
                    c_info[0] if c_info else None,
                    c_info[1] if c_info else True,
                    c_info[2] if c_info else None,
                    source_kind(source),
                )
            )
            graph.back.setdefault(child, []).append(
                Link(
                    parent,
                    relation,
                    status,
                    source,
                    p_info[0] if p_info else None,
                    p_info[1] if p_info else True,
                    p_info[2] if p_info else None,
                    source_kind(source),
                )
            )
        for adjacency in (graph.forward, graph.back):
            for links in adjacency.values():
                links.sort(key=lambda link: (link.model_id, link.status, link.relation))
        graph.version = _version(connection)
        return graph

    def one_step(self, model_id: str, direction: str, keep: EdgeFilter | None = None) -> list[Link]:
        """Parents (``back``) or children (``forward``)."""
        links = (self.back if direction == "back" else self.forward).get(model_id, [])
        return [x for x in links if keep is None or keep(x)]

    def walk(
        self,
        model_id: str,
        direction: str,
        max_depth: int | None = None,
        keep: EdgeFilter | None = None,
    ) -> Walk:
        """Ancestors (``back``) or descendants (``forward``), breadth first."""
        adjacency = self.back if direction == "back" else self.forward
        return _breadth_first(
            model_id,
            direction,
            max_depth,
            lambda frontier: {o: adjacency[o] for o in frontier if o in adjacency},
            keep,
        )


def _version(connection: Connection) -> int:
    return int(
        connection.execute(select(func.coalesce(func.max(lineage_edges.c.id), 0))).scalar_one()
    )


class GraphCache:
    """Holds a graph for one database and reloads it when edges were added."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._graph: LineageGraph | None = None

    def current(self) -> LineageGraph:
        """The graph, reloaded if the register has new edges."""
        with self.engine.connect() as c:
            if self._graph is None or self._graph.version != _version(c):
                self._graph = LineageGraph.load(c)
        return self._graph
