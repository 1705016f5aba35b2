"""An in-memory lineage graph for long-running services (the web API).

The topology lives in an `igraph <https://python.igraph.org>`_ graph (C, maintained): vertex ``i``
is the ``i``-th model id in sorted order (:class:`~modtrace.lineage.interned.ModelIds`) and edge
``e`` is row ``e`` of integer-coded columns (relation, status, source, source kind), with the
edges sorted by (parent, child, status, relation): the order the SQL walks read links in. Models'
providers, ``external`` flags and deletion dates are columns indexed by vertex. Nothing is kept
as a Python object per edge or per model, so 10^7 edges fit in about 1.2 GB (``bench/scale.py``,
``docs/scale.md``).

Edges are append-only in the register, so the graph is reloaded when the highest edge id changes;
a model's provider or ``external`` flag changed without a new edge shows at the next reload
(``docs/register.md``). ``walk`` gives exactly what :func:`modtrace.lineage.trace.walk` gives
and ``one_step`` what :func:`modtrace.lineage.trace.one_step` gives (tested, with the former
hand-written graph as a second reference); walks are computed by :mod:`.graph_walk`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import igraph
import numpy as np
import numpy.typing as npt
import polars as pl
from sqlalchemy import Connection, Engine, func, select

from modtrace.lineage.graph_walk import EPOCH, NO_DATE, GraphWalk, Mask, traverse
from modtrace.lineage.interned import ModelIds, codes, column_codes
from modtrace.lineage.sources import SOURCE_KINDS, source_kind
from modtrace.lineage.trace import EdgeFilter, Link
from modtrace.registry.tables import lineage_edges, models

BATCH = 100_000

EDGE_SCHEMA = {
    "parent": pl.String,
    "child": pl.String,
    "relation": pl.String,
    "status": pl.String,
    "source": pl.String,
}
MODEL_SCHEMA = {"id": pl.String, "provider": pl.String, "external": pl.Boolean, "deleted": pl.Date}

Array = npt.NDArray[Any]


def _pointers(heads: Array, count: int) -> npt.NDArray[np.int64]:
    """CSR row pointers for edges sorted by ``heads``."""
    pointers = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(heads, minlength=count), out=pointers[1:])
    return pointers


class LineageGraph:
    """Every lineage edge and the models it names, as an igraph graph plus columns."""

    def __init__(self, edges: pl.DataFrame, described: pl.DataFrame, version: int = 0) -> None:
        """From an edge frame (parent, child, relation, status, source) and a model frame (id,
        provider, external, deleted), as :data:`EDGE_SCHEMA` and :data:`MODEL_SCHEMA` say."""
        self.version = version
        names = pl.concat([edges["parent"], edges["child"], described["id"]]).unique().sort()
        self.ids = ModelIds.from_sorted(names)
        count = len(names)
        parent = column_codes(edges["parent"], names)
        child = column_codes(edges["child"], names)
        relation, self.relations = codes(edges["relation"])
        status, self.statuses = codes(edges["status"])
        source, self.sources = codes(edges["source"])
        described_at = column_codes(described["id"], names).astype(np.int64)
        del names
        order = np.lexsort((relation, status, child, parent))  # stable: ties keep read order
        self.parent, self.child = parent[order], child[order]
        self.relation, self.status = relation[order], status[order]
        self.source = source[order]
        del parent, child, relation, status, source, order
        kind_of = np.array([SOURCE_KINDS.index(source_kind(s)) for s in self.sources], np.int8)
        self.kind = kind_of[self.source] if len(self.sources) else np.zeros(0, np.int8)
        self.forward_at = _pointers(self.parent, count)
        self.back_edges = np.lexsort((self.relation, self.status, self.parent, self.child)).astype(
            np.int32
        )
        self.back_at = _pointers(self.child[self.back_edges], count)
        self._models(described, described_at, count)
        self.igraph = igraph.Graph(n=count, edges=self._pairs(), directed=True)
        self.scratch = np.full(count, -1, dtype=np.int32)  # positions during one walk
        self.scratch_lock = threading.Lock()

    def _models(self, described: pl.DataFrame, index: Array, count: int) -> None:
        self.described = np.zeros(count, dtype=bool)
        self.described[index] = True
        provider, self.providers = codes(described["provider"].fill_null(""))
        provider[described["provider"].is_null().to_numpy()] = -1  # no developer
        self.provider = np.full(count, -1, dtype=np.int32)
        self.provider[index] = provider
        self.external = np.ones(count, dtype=bool)  # named by an edge, never described
        self.external[index] = described["external"].fill_null(False).to_numpy()
        days = described["deleted"].cast(pl.Int32).fill_null(NO_DATE).to_numpy()
        self.deleted = np.full(count, NO_DATE, dtype=np.int32)
        self.deleted[index] = days

    def _pairs(self) -> Iterator[tuple[int, int]]:
        for start in range(0, len(self.parent), BATCH):
            yield from zip(
                self.parent[start : start + BATCH].tolist(),
                self.child[start : start + BATCH].tolist(),
                strict=True,
            )

    # ---- building ------------------------------------------------------------------------

    @classmethod
    def from_rows(
        cls,
        edges: Iterable[tuple[str, str, str, str, str]],
        described: Iterable[tuple[str, str | None, bool, dt.date | None]] = (),
        version: int = 0,
    ) -> LineageGraph:
        """From (parent, child, relation, status, source) edges and (id, provider, external,
        deleted_at) models."""
        return cls(
            pl.DataFrame(list(edges), schema=EDGE_SCHEMA, orient="row"),
            pl.DataFrame(list(described), schema=MODEL_SCHEMA, orient="row"),
            version,
        )

    @classmethod
    def load(cls, connection: Connection) -> LineageGraph:
        """Read every edge and the described models, a batch of rows at a time."""
        edge_rows = select(
            lineage_edges.c.parent_id,
            lineage_edges.c.child_id,
            lineage_edges.c.relation,
            lineage_edges.c.status,
            lineage_edges.c.source,
        ).order_by(lineage_edges.c.id)
        model_rows = select(models.c.id, models.c.provider, models.c.external, models.c.deleted_at)
        version = _version(connection)
        return cls(
            _frame(connection, edge_rows, EDGE_SCHEMA),
            _frame(connection, model_rows, MODEL_SCHEMA),
            version,
        )

    # ---- reading ---------------------------------------------------------------------------

    def nbytes(self) -> int:
        """Memory held by the columns (the igraph graph adds about 48 bytes an edge)."""
        arrays: list[Array] = [
            self.parent, self.child, self.relation, self.status, self.source, self.kind,
            self.forward_at, self.back_edges, self.back_at, self.described, self.provider,
            self.external, self.deleted, self.scratch,
        ]  # fmt: skip
        return self.ids.nbytes() + sum(a.nbytes for a in arrays)

    def index(self, model_id: str) -> int | None:
        """The vertex of a model, or ``None`` if no edge or model row names it."""
        return self.ids.index(model_id)

    def edges_from(self, vertex: int, direction: str) -> Array:
        """Edge ids out of (``forward``) or into (``back``) a vertex, in link order."""
        if direction == "back":
            return self.back_edges[self.back_at[vertex] : self.back_at[vertex + 1]]
        return np.arange(self.forward_at[vertex], self.forward_at[vertex + 1])

    def link(self, edge: int, direction: str) -> Link:
        """One edge as seen from its parent (``forward``) or its child (``back``)."""
        other = int(self.child[edge] if direction != "back" else self.parent[edge])
        return Link(
            self.ids.name(other),
            self.relations[self.relation[edge]],
            self.statuses[self.status[edge]],
            self.sources[self.source[edge]],
            *self.model_facts(other),
            SOURCE_KINDS[self.kind[edge]],
        )

    def model_facts(self, vertex: int) -> tuple[str | None, bool, dt.date | None]:
        """A model's developer (``None`` when unknown), ``external`` flag and deletion date."""
        code = int(self.provider[vertex])
        days = int(self.deleted[vertex])
        return (
            self.providers[code] if code >= 0 else None,
            bool(self.external[vertex]),
            None if days == NO_DATE else dt.date.fromordinal(EPOCH + days),
        )

    def mask(self, keep: EdgeFilter | None, kinds: frozenset[str] | None, direction: str) -> Mask:
        """Which edges a walk may follow, as a function of an array of edge ids."""
        if kinds is None and keep is None:
            return None
        wanted = np.array([k in (kinds or SOURCE_KINDS) for k in SOURCE_KINDS])

        def allowed(edges: Array) -> npt.NDArray[np.bool_]:
            ok = wanted[self.kind[edges]]
            if keep is not None:
                ok &= np.fromiter(
                    (keep(self.link(int(e), direction)) for e in edges), bool, len(edges)
                )
            return np.asarray(ok, dtype=bool)

        return allowed

    def one_step(
        self,
        model_id: str,
        direction: str,
        keep: EdgeFilter | None = None,
        kinds: frozenset[str] | None = None,
    ) -> list[Link]:
        """Parents (``back``) or children (``forward``); ``kinds`` keeps edges of those source
        kinds, ``keep`` those it accepts."""
        vertex = self.index(model_id)
        if vertex is None:
            return []
        edges = self.edges_from(vertex, direction)
        allowed = self.mask(keep, kinds, direction)
        if allowed is not None:
            edges = edges[allowed(edges)]
        return [self.link(int(e), direction) for e in edges]

    def walk(
        self,
        model_id: str,
        direction: str,
        max_depth: int | None = None,
        keep: EdgeFilter | None = None,
        kinds: frozenset[str] | None = None,
    ) -> GraphWalk:
        """Ancestors (``back``) or descendants (``forward``), breadth first; models, depths and
        paths are read from the result only when asked for."""
        return traverse(self, model_id, direction, max_depth, self.mask(keep, kinds, direction))


def _frame(connection: Connection, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    result = connection.execution_options(yield_per=BATCH).execute(query)
    parts = [
        pl.DataFrame([tuple(row) for row in rows], schema=schema, orient="row")
        for rows in result.partitions()
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


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
