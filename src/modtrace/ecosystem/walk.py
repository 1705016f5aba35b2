"""Walks up a parent map, every model at once (pointer doubling on NumPy arrays).

Each model has one parent (its first declared base), so the map is a functional graph: every
walk either ends at a model with no parent or enters a loop. The exact walks in
:mod:`modtrace.ecosystem.roots` and :mod:`modtrace.ecosystem.safeguards` visit the models one
by one in Python; here each round doubles every unfinished walk's reach (a model's window
takes over its next window's), so a walk of depth *d* ends after about log2 *d* rounds. A
walk still unfinished once the windows outgrow the map has entered a loop: those models are
reported as such, and the callers hand them to the exact walk, whose answers for them depend
on nothing else (a looping model's walk visits looping models only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ParentMap:
    """Models ``ids`` (distinct, in order) and their parents: ``up[i]`` is the parent's
    position in ``ids``, or -1 for a parent that has no parent of its own (or none at all)."""

    ids: pl.Series
    parents: pl.Series
    up: Ints


def parent_map(ids: pl.Series, parents: pl.Series) -> ParentMap:
    """The map for distinct ``ids`` and their ``parents`` (same length)."""
    position = pl.DataFrame({"_id": ids, "_at": pl.int_range(len(ids), eager=True)})
    up = (
        pl.DataFrame({"_id": parents})
        .join(position, on="_id", how="left", maintain_order="left")["_at"]
        .fill_null(-1)
        .to_numpy()
        .astype(np.int64)
    )
    return ParentMap(ids, parents, up)


@dataclass(frozen=True)
class Ends:
    """Where each model's walk ends: ``last[i]``, the last model on it (whose parent is the
    root), ``steps[i]`` the edges walked, ``marks[i]`` the OR of the walked edges' marks;
    ``looping[i]`` for a walk that enters a loop (the other fields are then meaningless)."""

    last: Ints
    steps: Ints
    marks: Ints
    looping: Bools


def walk_ends(up: Ints, marks: Ints) -> Ends:
    """Each walk's end, by doubling: the window of model *i* is the run of models from *i* to
    ``last[i]``; ``nxt[i]`` is the model after it (-1 once the walk has ended)."""
    n = len(up)
    last = np.arange(n, dtype=np.int64)
    steps = np.ones(n, dtype=np.int64)
    marks = marks.astype(np.int64, copy=True)
    nxt = up.copy()
    active = np.flatnonzero(nxt >= 0)
    for _ in range(max(n, 1).bit_length() + 1):
        if active.size == 0:
            break
        y = nxt[active]
        last[active] = last[y]
        steps[active] += steps[y]
        marks[active] |= marks[y]
        nxt[active] = nxt[y]
        active = active[nxt[active] >= 0]
    looping = np.zeros(n, dtype=np.bool_)
    looping[active] = True
    return Ends(last, steps, marks, looping)


def first_marked_above(up: Ints, marked_parent: Bools, looping: Bools) -> Ints:
    """For each model that does not loop, the model nearest above it (itself included) whose
    parent is marked, or -1: with ``marked_parent[i]`` for "the parent of *i* is flagged",
    the nearest flagged ancestor of *i* is the parent of the model returned."""
    n = len(up)
    found = np.where(marked_parent, np.arange(n, dtype=np.int64), -1)
    nxt = np.where(looping, -1, up)
    active = np.flatnonzero((found < 0) & (nxt >= 0))
    for _ in range(max(n, 1).bit_length() + 1):
        if active.size == 0:
            break
        y = nxt[active]
        found[active] = found[y]
        nxt[active] = nxt[y]
        active = active[(found[active] < 0) & (nxt[active] >= 0)]
    return found
