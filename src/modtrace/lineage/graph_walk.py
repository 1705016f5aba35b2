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

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from modtrace.lineage.sources import SOURCE_KINDS
from modtrace.lineage.trace import Reached, Walk

if TYPE_CHECKING:
    from modtrace.lineage.graph import LineageGraph

Array = npt.NDArray[Any]
Mask = Callable[[Array], npt.NDArray[np.bool_]] | None
NO_DATE = np.iinfo(np.int32).min  # a model the Hub has not deleted
SPAN = np.int64(1) << 32  # position * SPAN + edge id orders edges by origin, then link order


def _gather(graph: LineageGraph, vertices: Array, direction: str) -> tuple[Array, Array]:
    """Every edge out of ``vertices`` in the walk's direction, in order, and the index (into
    ``vertices``) of the vertex each comes from."""
    if direction == "back":
        starts, ends = graph.back_at[vertices], graph.back_at[vertices + 1]
    else:
        starts, ends = graph.forward_at[vertices], graph.forward_at[vertices + 1]
    counts = ends - starts
    total = int(counts.sum())
    origin = np.repeat(np.arange(len(vertices)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    slots = np.repeat(starts, counts) + offsets
    edges = graph.back_edges[slots] if direction == "back" else slots
    return edges, origin


def _far(graph: LineageGraph, edges: Array, direction: str) -> Array:
    return graph.parent[edges] if direction == "back" else graph.child[edges]


def _on_path(position: int, target: int, parent: Array, depth: Array) -> bool:
    """Whether the model at ``target`` is on the walk's path to the one at ``position``
    (the start is on every path; a model is on its own)."""
    while depth[position] > depth[target]:
        position = int(parent[position])
    return position == target


class _Levels:
    """Arrays that grow one level at a time."""

    def __init__(self, start: int) -> None:
        self.order: list[Array] = [np.array([start], dtype=np.int64)]
        self.via: list[Array] = [np.array([-1], dtype=np.int64)]
        self.parent: list[Array] = [np.array([-1], dtype=np.int64)]
        self.depth: list[Array] = [np.array([0], dtype=np.int64)]
        self.size = 1

    def add(self, order: Array, via: Array, parent: Array, depth: int) -> None:
        self.order.append(order)
        self.via.append(via)
        self.parent.append(parent)
        self.depth.append(np.full(len(order), depth, dtype=np.int64))
        self.size += len(order)

    def joined(self) -> tuple[Array, Array, Array, Array]:
        return (
            np.concatenate(self.order),
            np.concatenate(self.via),
            np.concatenate(self.parent),
            np.concatenate(self.depth),
        )


def _filtered(
    graph: LineageGraph, start: int, direction: str, max_depth: int | None, allowed: Any
) -> tuple[Array, Array, Array, Array, list[tuple[int, int]]]:
    """Level by level, following only the edges ``allowed`` accepts."""
    position = np.full(len(graph.ids), -1, dtype=np.int64)
    position[start] = 0
    levels = _Levels(start)
    cycles: list[tuple[int, int]] = []
    frontier, first, depth = levels.order[0], 0, 0
    while len(frontier) and (max_depth is None or depth < max_depth):
        depth += 1
        edges, origin = _gather(graph, frontier, direction)
        if len(edges):
            keep = allowed(edges)
            edges, origin = edges[keep], origin[keep]
        origin = origin + first  # positions in the walk
        targets = _far(graph, edges, direction)
        seen = position[targets]
        old = seen >= 0
        if old.any():
            _, _, parents, depths = levels.joined()
            for at in np.flatnonzero(old).tolist():
                if _on_path(int(origin[at]), int(seen[at]), parents, depths):
                    cycles.append((int(origin[at]), int(seen[at])))
        fresh = np.flatnonzero(~old)
        _, firsts = np.unique(targets[fresh], return_index=True)
        chosen = fresh[np.sort(firsts)]
        frontier = targets[chosen]
        position[frontier] = np.arange(levels.size, levels.size + len(frontier))
        first = levels.size
        levels.add(frontier, edges[chosen], origin[chosen], depth)
    order, via, parent, depths = levels.joined()
    return order, via, parent, depths, cycles


def _unfiltered(
    graph: LineageGraph, start: int, direction: str, max_depth: int | None
) -> tuple[Array, Array, Array, Array, list[tuple[int, int]]]:
    """igraph's breadth-first order, then parents, depths and cycles from the edge arrays."""
    mode = "in" if direction == "back" else "out"
    if max_depth is None:
        found = graph.igraph.subcomponent(start, mode=mode)
    elif max_depth <= 0:
        found = [start]
    else:
        found = graph.igraph.neighborhood(start, order=max_depth, mode=mode)
    order = np.asarray(found, dtype=np.int64)
    size = len(order)
    position = np.full(len(graph.ids), -1, dtype=np.int64)
    position[order] = np.arange(size)
    # each model's parent: of the edges into it from reached models, the first the walk meets
    into, owner = _gather(graph, order[1:], "forward" if direction == "back" else "back")
    origin = position[_far(graph, into, "forward" if direction == "back" else "back")]
    key = np.where(origin >= 0, origin * SPAN + into, np.iinfo(np.int64).max)
    via = np.full(size, -1, dtype=np.int64)
    parent = np.full(size, -1, dtype=np.int64)
    if size > 1:
        bounds = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        best = np.minimum.reduceat(key, bounds)
        parent[1:] = best // SPAN
        via[1:] = best % SPAN
    depth = np.zeros(size, dtype=np.int64)
    high, level = 1, 0  # the models at depth ``level`` end at position ``high``
    while high < size:  # parents' positions never decrease along a breadth-first order
        after = int(np.searchsorted(parent, high, side="left"))
        if after <= high:
            raise RuntimeError("igraph's order is not the walk's breadth-first order")
        depth[high:after] = level + 1
        high, level = after, level + 1
    # cycles: edges met from expanded models to a model already on the path
    expanded = order if max_depth is None else order[depth < max_depth]
    edges, origin_at = _gather(graph, expanded, direction)
    targets = position[_far(graph, edges, direction)]
    origins = np.flatnonzero(depth < max_depth)[origin_at] if max_depth else origin_at
    maybe = np.flatnonzero((targets >= 0) & (depth[np.maximum(targets, 0)] <= depth[origins]))
    cycles = [
        (int(origins[at]), int(targets[at]))
        for at in maybe.tolist()
        if _on_path(int(origins[at]), int(targets[at]), parent, depth)
    ]
    return order, via, parent, depth, cycles


def traverse(
    graph: LineageGraph, model_id: str, direction: str, max_depth: int | None, allowed: Mask
) -> GraphWalk:
    """The walk from ``model_id`` (nothing reached if the graph does not know it)."""
    start = graph.index(model_id)
    if start is None:
        empty = np.zeros(0, dtype=np.int64)
        return GraphWalk(graph, model_id, direction, empty, empty, empty, empty, [])
    if allowed is None:
        parts = _unfiltered(graph, start, direction, max_depth)
    else:
        parts = _filtered(graph, start, direction, max_depth, allowed)
    return GraphWalk(graph, model_id, direction, *parts)


class GraphWalk:
    """The result of a walk: what :class:`~modtrace.lineage.trace.Walk` holds, computed on
    demand from arrays (position 0 is the start; ``reached`` leaves it out)."""

    def __init__(
        self,
        graph: LineageGraph,
        start: str,
        direction: str,
        order: Array,
        via: Array,
        parent: Array,
        depth: Array,
        cycle_positions: list[tuple[int, int]],
    ) -> None:
        self.graph = graph
        self.start = start
        self.direction = direction
        self.order, self.via, self.parent, self.depth = order, via, parent, depth
        self.cycle_positions = cycle_positions

    def __len__(self) -> int:
        """How many models the walk reached."""
        return max(len(self.order) - 1, 0)

    def deleted(self) -> npt.NDArray[np.bool_]:
        """For each reached model, whether the Hub deleted it."""
        return np.asarray(self.graph.deleted[self.order[1:]] != NO_DATE)

    def shown(self, include_deleted: bool) -> Array:
        """Positions (1-based, as in ``order``) of the reached models to show."""
        positions = np.arange(1, len(self.order))
        return positions if include_deleted else positions[~self.deleted()]

    def rows(self, positions: Array) -> list[Reached]:
        """``Reached`` rows, with their paths, for some positions only."""
        graph = self.graph
        wanted = [int(p) for p in positions]
        chain: set[int] = set()
        for position in wanted:
            p = position
            while p > 0 and p not in chain:
                chain.add(p)
                p = int(self.parent[p])
        every = sorted(chain)
        names = dict(zip(every, graph.ids.names(self.order[every]), strict=True))
        paths: dict[int, tuple[tuple[str, str], ...]] = {0: ()}
        for p in every:  # parents come before their children
            edge = int(self.via[p])
            step = (names[p], graph.relations[graph.relation[edge]])
            paths[p] = (*paths[int(self.parent[p])], step)
        out = []
        for p in wanted:
            edge, vertex = int(self.via[p]), int(self.order[p])
            developer, external, deleted_at = graph.model_facts(vertex)
            out.append(
                Reached(
                    names[p],
                    int(self.depth[p]),
                    paths[p],
                    developer,
                    external,
                    graph.sources[graph.source[edge]],
                    SOURCE_KINDS[graph.kind[edge]],
                    deleted_at,
                )
            )
        return out

    @cached_property
    def reached(self) -> list[Reached]:
        """Every model reached, breadth first, with its path from the start."""
        return self.rows(np.arange(1, len(self.order)))

    @cached_property
    def cycles(self) -> list[tuple[str, str]]:
        """(origin, model on its path) for each edge that closed a cycle."""
        name = self.graph.ids.name
        return [
            (name(int(self.order[o])), name(int(self.order[t]))) for o, t in self.cycle_positions
        ]

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
