"""Walks over the in-memory lineage graph, kept as arrays until a caller reads them.

A walk is breadth first from one model, each model once, reading each model's links in order
(other model, status, relation), exactly as :func:`modtrace.lineage.trace._breadth_first`
does. A model's parent in the walk is the first reached model to link to it; its depth is one
more than its parent's; an edge back to the start or to a model on the path to its origin is a
cycle, recorded in the order the walk meets it, and not followed.

- Unfiltered walks ask igraph for the reached models in breadth-first order
  (``subcomponent``, or ``neighborhood`` with a depth limit): igraph reads a vertex's
  neighbours in vertex order, which is sorted id order, so its order is the walk's. Parents,
  depths and cycles are then derived with array operations over the reached models' edges.
- Walks that follow only some edges (source kinds, or any ``keep`` function) go level by level
  over the same edge arrays, with the filter applied to each level's edges at once.

Either way the result holds four arrays (models in order, the edge that reached each, the
position of its parent, its depth); :class:`GraphWalk` turns them into ``Reached`` rows, with
their paths, only when asked.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from modtrace.lineage.sources import SOURCE_KINDS
from modtrace.lineage.trace import Reached, Walk

if TYPE_CHECKING:
    from modtrace.lineage.graph import LineageGraph

Array = npt.NDArray[Any]
Mask = Callable[[Array], npt.NDArray[np.bool_]] | None
NO_DATE = np.iinfo(np.int32).min  # a model the Hub has not deleted
EPOCH = dt.date(1970, 1, 1).toordinal()
SPAN = np.int64(1) << 32  # position * SPAN + edge id orders edges by origin, then link order


class Tree(NamedTuple):
    """How a walk reached each model: the edge, the parent's position and the depth, by
    position (position 0 is the start), and the cycles as (origin, model) positions."""

    via: Array
    parent: Array
    depth: Array
    cycles: list[tuple[int, int]]


def _gather(graph: LineageGraph, vertices: Array, direction: str) -> tuple[Array, Array]:
    """Every edge out of ``vertices`` in the walk's direction, in order, and where each
    vertex's edges begin in that list."""
    if direction == "back":
        starts, ends = graph.back_at[vertices], graph.back_at[vertices + 1]
    else:
        starts, ends = graph.forward_at[vertices], graph.forward_at[vertices + 1]
    counts = ends - starts
    begins = np.cumsum(counts) - counts
    slots = np.repeat(starts - begins, counts) + np.arange(int(counts.sum()))
    edges = graph.back_edges[slots] if direction == "back" else slots
    return edges, begins


def _owners(begins: Array, total: int) -> Array:
    """For each gathered edge, the index of the vertex it was gathered for."""
    return np.repeat(np.arange(len(begins)), np.diff(np.append(begins, total)))


def _far(graph: LineageGraph, edges: Array, direction: str) -> Array:
    return graph.parent[edges] if direction == "back" else graph.child[edges]


def _reverse(direction: str) -> str:
    return "forward" if direction == "back" else "back"


def _rank(graph: LineageGraph, edge: int, origin: int, direction: str) -> int:
    """Where ``edge`` comes in its origin's links (for ordering the rare cycle edges)."""
    if direction != "back":
        return edge
    links = graph.back_edges[graph.back_at[origin] : graph.back_at[origin + 1]]
    return int(np.flatnonzero(links == edge)[0])


def _on_path(position: int, target: int, parent: Array, depth: Array) -> bool:
    """Whether the model at ``target`` is on the walk's path to the one at ``position``
    (the start is on every path; a model is on its own)."""
    while depth[position] > depth[target]:
        position = int(parent[position])
    return position == target


@contextmanager
def _positions(graph: LineageGraph) -> Iterator[tuple[Array, list[Array]]]:
    """The graph's vertex-to-position array (-1: not reached), one walk at a time; the walk
    lists the vertices it sets and they are put back to -1 after, so that no walk pays for
    the size of the whole graph."""
    with graph.scratch_lock:
        touched: list[Array] = []
        try:
            yield graph.scratch, touched
        finally:
            for vertices in touched:
                graph.scratch[vertices] = -1


def _tree(graph: LineageGraph, order: Array, direction: str, max_depth: int | None) -> Tree:
    """Parents, depths and cycles of a breadth-first order, from the edges into each model."""
    size = len(order)
    via = np.full(size, -1, dtype=np.int64)
    parent = np.full(size, -1, dtype=np.int64)
    depth = np.zeros(size, dtype=np.int64)
    with _positions(graph) as (position, touched):
        position[order] = np.arange(size)
        touched.append(order)
        into, begins = _gather(graph, order, _reverse(direction))
        origin = position[_far(graph, into, _reverse(direction))].astype(np.int64)
    reached = origin >= 0
    if size > 1:  # a model's parent: the first reached model whose links lead to it
        key = np.where(reached, origin * SPAN + into, np.iinfo(np.int64).max)
        best = np.minimum.reduceat(key, begins[1:])
        parent[1:], via[1:] = best // SPAN, best % SPAN
    high, level = 1, 0  # the models at depth ``level`` end at position ``high``
    while high < size:  # parents' positions never decrease along a breadth-first order
        after = int(np.searchsorted(parent, high, side="left"))
        if after <= high:
            raise RuntimeError("igraph's order is not the walk's breadth-first order")
        depth[high:after] = level + 1
        high, level = after, level + 1
    # a cycle: an edge from an expanded model back to itself, the start or an ancestor, all of
    # which come no later in the order than the edge's origin
    ahead = np.flatnonzero(reached & (origin >= _owners(begins, len(into))))
    found = []
    for at in ahead.tolist():
        source, target = int(origin[at]), int(np.searchsorted(begins, at, side="right") - 1)
        if max_depth is not None and depth[source] >= max_depth:
            continue
        if _on_path(source, target, parent, depth):
            rank = _rank(graph, int(into[at]), int(order[source]), direction)
            found.append((source, rank, target))
    return Tree(via, parent, depth, [(s, t) for s, _, t in sorted(found)])


def _filtered(
    graph: LineageGraph, start: int, direction: str, max_depth: int | None, allowed: Any
) -> tuple[Array, Tree]:
    """Level by level, following only the edges ``allowed`` accepts."""
    orders, vias, parents, depths = [np.array([start])], [np.array([-1])], [np.array([-1])], [0]
    cycles: list[tuple[int, int]] = []
    with _positions(graph) as (position, touched):
        position[start] = 0
        touched.append(orders[0])
        frontier, first, size, depth = orders[0], 0, 1, 0
        while len(frontier) and (max_depth is None or depth < max_depth):
            depth += 1
            edges, begins = _gather(graph, frontier, direction)
            origin = _owners(begins, len(edges)) + first  # positions in the walk
            if len(edges):
                keep = allowed(edges)
                edges, origin = edges[keep], origin[keep]
            targets = _far(graph, edges, direction)
            seen = position[targets].astype(np.int64)
            old = np.flatnonzero(seen >= 0)
            if len(old):
                parent_at = np.concatenate(parents)
                depth_at = np.repeat(np.arange(len(depths)), [len(o) for o in orders])
                cycles += [
                    (int(origin[at]), int(seen[at]))
                    for at in old.tolist()
                    if _on_path(int(origin[at]), int(seen[at]), parent_at, depth_at)
                ]
            fresh = np.flatnonzero(seen < 0)
            _, firsts = np.unique(targets[fresh], return_index=True)
            chosen = fresh[np.sort(firsts)]
            frontier = targets[chosen]
            position[frontier] = np.arange(size, size + len(frontier))
            touched.append(frontier)
            first, size = size, size + len(frontier)
            orders.append(frontier)
            vias.append(edges[chosen])
            parents.append(origin[chosen])
            depths.append(depth)
    counts = [len(o) for o in orders]
    tree = Tree(
        np.concatenate(vias),
        np.concatenate(parents),
        np.repeat(np.array(depths), counts),
        cycles,
    )
    return np.concatenate(orders), tree


def traverse(
    graph: LineageGraph, model_id: str, direction: str, max_depth: int | None, allowed: Mask
) -> GraphWalk:
    """The walk from ``model_id`` (nothing reached if the graph does not know it)."""
    start = graph.index(model_id)
    if start is None:
        empty = np.zeros(0, dtype=np.int64)
        return GraphWalk(graph, model_id, direction, empty, Tree(empty, empty, empty, []))
    if allowed is not None:
        return GraphWalk(graph, model_id, direction, *_filtered(
            graph, start, direction, max_depth, allowed
        ))  # fmt: skip
    mode = "in" if direction == "back" else "out"
    if max_depth is None:
        found = graph.igraph.subcomponent(start, mode=mode)
    elif max_depth <= 0:
        found = [start]
    else:
        found = graph.igraph.neighborhood(start, order=max_depth, mode=mode)
    return GraphWalk(graph, model_id, direction, found, lambda order: _tree(
        graph, order, direction, max_depth
    ))  # fmt: skip


class GraphWalk:
    """The result of a walk: what :class:`~modtrace.lineage.trace.Walk` holds, computed on
    demand from arrays (position 0 is the start; ``reached`` leaves it out)."""

    def __init__(
        self,
        graph: LineageGraph,
        start: str,
        direction: str,
        order: Array | list[int],
        tree: Tree | Callable[[Array], Tree],
    ) -> None:
        self.graph = graph
        self.start = start
        self.direction = direction
        self._order = order
        self._tree = tree
        self._lock = threading.Lock()

    @property
    def tree(self) -> Tree:
        """Edges, parents, depths and cycles (worked out on first use)."""
        with self._lock:
            if not isinstance(self._tree, Tree):
                self._tree = self._tree(self.order)
            return self._tree

    @cached_property
    def order(self) -> Array:
        """The models reached, as vertices, the start first."""
        return np.asarray(self._order, dtype=np.int64)

    def __len__(self) -> int:
        """How many models the walk reached."""
        return max(len(self._order) - 1, 0)

    def deleted(self) -> npt.NDArray[np.bool_]:
        """For each reached model, whether the Hub deleted it."""
        return np.asarray(self.graph.deleted[self.order[1:]] != NO_DATE)

    def shown(self, include_deleted: bool) -> Array:
        """Positions (1-based, as in ``order``) of the reached models to show."""
        positions = np.arange(1, len(self.order))
        return positions if include_deleted else positions[~self.deleted()]

    def rows(self, positions: Array) -> list[Reached]:
        """``Reached`` rows, with their paths, for some positions only."""
        graph, (via, parent, depth, _) = self.graph, self.tree
        wanted = np.asarray(positions, dtype=np.int64)
        needed = np.zeros(len(self.order), dtype=bool)  # the rows and every model on their paths
        needed[wanted] = True
        climbing = wanted
        while len(climbing):
            climbing = np.unique(parent[climbing])
            climbing = climbing[(climbing > 0) & ~needed[np.maximum(climbing, 0)]]
            needed[climbing] = True
        every = np.flatnonzero(needed)
        every = every[every > 0]
        names = dict(zip(every.tolist(), graph.ids.names(self.order[every]), strict=True))
        steps = [graph.relations[r] for r in graph.relation[via[every]].tolist()]
        paths: dict[int, tuple[tuple[str, str], ...]] = {0: ()}
        for p, up, relation in zip(every.tolist(), parent[every].tolist(), steps, strict=True):
            paths[p] = (*paths[up], (names[p], relation))  # parents come before children
        edges, vertices = via[wanted], self.order[wanted]
        codes = graph.provider[vertices].tolist()
        days = graph.deleted[vertices].tolist()
        return [
            Reached(
                names[p],
                d,
                paths[p],
                graph.providers[code] if code >= 0 else None,
                external,
                graph.sources[source],
                SOURCE_KINDS[kind],
                None if day == NO_DATE else dt.date.fromordinal(EPOCH + day),
            )
            for p, d, code, external, source, kind, day in zip(
                wanted.tolist(),
                depth[wanted].tolist(),
                codes,
                graph.external[vertices].tolist(),
                graph.source[edges].tolist(),
                graph.kind[edges].tolist(),
                days,
                strict=True,
            )
        ]

    @cached_property
    def reached(self) -> list[Reached]:
        """Every model reached, breadth first, with its path from the start."""
        return self.rows(np.arange(1, len(self.order)))

    @cached_property
    def cycles(self) -> list[tuple[str, str]]:
        """(origin, model on its path) for each edge that closed a cycle."""
        name = self.graph.ids.name
        return [(name(int(self.order[o])), name(int(self.order[t]))) for o, t in self.tree.cycles]

    @cached_property
    def dangling(self) -> list[str]:
        """Reached models with no known developer, in the order reached."""
        reached = self.order[1:]
        return self.graph.ids.names(reached[self.graph.provider[reached] < 0])

    def to_walk(self) -> Walk:
        """The same walk as a plain :class:`~modtrace.lineage.trace.Walk`."""
        return Walk(self.start, self.direction, self.reached, self.cycles, self.dangling)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GraphWalk):
            other = other.to_walk()
        return isinstance(other, Walk) and self.to_walk() == other

    __hash__ = None  # type: ignore[assignment]
