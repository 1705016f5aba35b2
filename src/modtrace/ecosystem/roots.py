"""Root originals: follow each model's first declared base upwards to a model with no parent.

Each model has one parent here (its first declared base), so the parent map is a functional
graph: every walk either ends at a root or enters a loop. A model is ``cyclic`` only when its
walk enters a loop (it sits on one, or descends from one); its root is then the loop's smallest
id, so that every model of one loop agrees. ``sources`` lists, in order, the edge sources the
walk used (``hf-lineage`` for the snapshot, ``hub-stats`` where the snapshot has no parent).

Every walk that ends at a root is taken at once (:mod:`modtrace.ecosystem.walk`); the models
whose walk enters a loop go through :func:`resolve_roots_exact`, the walk one model at a time.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from modtrace.ecosystem.walk import ParentMap, parent_map, walk_ends

_SCHEMA = {
    "model_id": pl.String,
    "root": pl.String,
    "depth": pl.Int64,
    "cyclic": pl.Boolean,
    "root_via": pl.String,
}
_MAX_SOURCES = 62


def resolve_roots(edges: pl.DataFrame, graph: ParentMap | None = None) -> pl.DataFrame:
    """``model_id -> root, depth, cyclic, root_via`` for every ``model_id`` in ``edges``.

    ``edges`` holds ``model_id, parent`` and optionally ``edge_source``; a model listed twice
    keeps its first row. The same frame as :func:`resolve_roots_exact`, faster. ``graph`` is
    :func:`~modtrace.ecosystem.walk.parent_map` of ``edges`` when its models are distinct,
    built once for the walks that share it.
    """
    first = (
        edges if graph is not None else edges.unique("model_id", keep="first", maintain_order=True)
    )
    if "edge_source" in first.columns:
        source = first["edge_source"].cast(pl.String)
    else:
        source = pl.Series("edge_source", ["hf-lineage"] * first.height, dtype=pl.String)
    names = source.unique().sort()
    if (
        first["model_id"].null_count()
        or first["parent"].null_count()
        or source.null_count()
        or len(names) > _MAX_SOURCES
    ):
        return resolve_roots_exact(edges)
    bit = source.replace_strict(
        names, [1 << i for i in range(len(names))], return_dtype=pl.Int64
    ).to_numpy()
    if graph is None:
        graph = parent_map(first["model_id"].cast(pl.String), first["parent"].cast(pl.String))
    ends = walk_ends(graph.up, bit)
    masks = np.unique(ends.marks)
    labels = [
        "+".join(sorted(n for i, n in enumerate(names.to_list()) if int(m) >> i & 1)) for m in masks
    ]
    out = pl.DataFrame(
        {
            "model_id": graph.ids,
            "root": graph.parents.gather(ends.last),
            "depth": ends.steps,
            "cyclic": np.zeros(first.height, dtype=np.bool_),
            "root_via": pl.Series(ends.marks).replace_strict(masks, labels, return_dtype=pl.String),
        },
        schema=_SCHEMA,
    )
    if not ends.looping.any():
        return out
    looping = pl.Series(ends.looping)
    exact = resolve_roots_exact(first.filter(looping))
    rows = np.flatnonzero(ends.looping)
    return out.with_columns(
        out[c].scatter(rows, exact[c]) for c in ("root", "depth", "cyclic", "root_via")
    )


def resolve_roots_exact(edges: pl.DataFrame) -> pl.DataFrame:
    """:func:`resolve_roots`, one model's walk at a time."""
    first = edges.unique("model_id", keep="first", maintain_order=True)
    parent: dict[str, str] = dict(zip(first["model_id"], first["parent"], strict=True))
    source: dict[str, str] = (
        dict(zip(first["model_id"], first["edge_source"], strict=True))
        if "edge_source" in first.columns
        else {}
    )
    done: dict[str, tuple[str, int, bool, frozenset[str]]] = {}
    for start in parent:
        if start in done:
            continue
        path: list[str] = []
        position: dict[str, int] = {}
        node = start
        while node in parent and node not in done and node not in position:
            position[node] = len(path)
            path.append(node)
            node = parent[node]
        if node in position:  # the walk closed a loop: path[position[node]:] is the loop
            loop = path[position[node] :]
            top = min(loop)
            via = frozenset(source.get(m, "hf-lineage") for m in loop)
            for i, member in enumerate(loop):
                steps = (loop.index(top) - i) % len(loop) or len(loop)
                done[member] = (top, steps, True, via)
            path = path[: position[node]]
        for member in reversed(path):
            up = parent[member]
            edge = source.get(member, "hf-lineage")
            if up in done:
                root, depth, cyclic, via = done[up]
                done[member] = (root, depth + 1, cyclic, via | {edge})
            else:
                done[member] = (up, 1, False, frozenset({edge}))
    ids = list(parent)
    return pl.DataFrame(
        {
            "model_id": ids,
            "root": [done[m][0] for m in ids],
            "depth": [done[m][1] for m in ids],
            "cyclic": [done[m][2] for m in ids],
            "root_via": ["+".join(sorted(done[m][3])) for m in ids],
        },
        schema=_SCHEMA,
    )
