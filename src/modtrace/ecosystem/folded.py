"""A population folded to its distinct fact rows, so that each run assesses every distinct case
once and maps the answers back to the derivatives.

The snapshot's 118,727 derivatives differ in the facts the regimes read in fewer than 2,000
ways (same original, relation and signals give the same case), so a run decides those few rows
(near-tie settling included) and each derivative takes its row's answer through a key computed
once. Counts still come from the derivatives themselves: models by the rows each case stands
for, developers as the distinct developers among them.

Every column any step can read is kept in the folded rows (the fact paths of every tree of the
regimes, and the compute intervals), so the batch evaluator, and the exact evaluator it settles
near ties with, see what they would see on any of the derivatives the row stands for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from modtrace.determination.batch import FRAME_SCHEMA, POINT, assess_lazy, assess_points
from modtrace.regimes.columnar import step_column
from modtrace.regimes.expr import Bool, referenced_facts
from modtrace.regimes.model import Regime

KEY = "_modtrace_key"
"""The folded row a derivative stands for (its index in :attr:`Folded.table`)."""

QUANTITIES = ("original.training_compute", "modification.compute")
QUANTITY_COLUMNS = [f"{q}.{p}" for q in QUANTITIES for p in ("flop", "low", "high", "method")]


def trees(regime: Regime) -> Iterator[Bool]:
    """Every expression tree the batch evaluator compiles for ``regime``."""
    for step in regime.steps:
        yield step.when
        yield from (e.when for e in step.exceptions)
    yield regime.scope
    yield from (r.when for r in regime.roles if r.when is not None)


def read_columns(regimes: Iterable[Regime], names: Sequence[str]) -> list[str]:
    """The columns of a facts frame (``names``) that assessing it under ``regimes`` can read:
    the facts their trees name and the compute intervals. Without all four columns of both
    intervals the evaluator derives them from the facts, so then every fact column counts."""
    present = set(names)
    if not set(QUANTITY_COLUMNS) <= present:
        return [n for n in names if n in FRAME_SCHEMA or n in QUANTITY_COLUMNS]
    read = {p: None for r in regimes for t in trees(r) for p in referenced_facts(t)}
    return [n for n in names if n in read or n in QUANTITY_COLUMNS]


def developer_codes(developers: pl.Series) -> pl.Series:
    """An integer code per developer (``developer``, UInt32): equal names share a code and
    different names never do, nulls stay null. Only distinct counts are taken of it, so the
    codes' order is immaterial; the categorical's physical codes give them without the sort a
    dense rank would need."""
    return developers.cast(pl.String).cast(pl.Categorical).to_physical().alias("developer")


@dataclass(frozen=True)
class Counts:
    """Outcome counts for models and distinct developers; bounds never fold unknowns away."""

    in_scope: int
    out_of_scope: int
    indeterminate: int
    developers_in_scope: int
    developers_upper: int

    @property
    def upper(self) -> int:
        """Models caught if every indeterminate case turned out in scope."""
        return self.in_scope + self.indeterminate

    def as_dict(self) -> dict[str, int]:
        """The counts with their bounds, for tables and JSON."""
        return {
            "in_scope": self.in_scope,
            "indeterminate": self.indeterminate,
            "out_of_scope": self.out_of_scope,
            "upper_bound": self.upper,
            "developers_in_scope": self.developers_in_scope,
            "developers_upper": self.developers_upper,
        }


def _distinct(frame: pl.DataFrame, columns: Sequence[str]) -> tuple[pl.DataFrame, pl.Series]:
    """The distinct rows of ``frame`` over ``columns``, first seen first, each with its index in
    ``KEY``; and per row of ``frame``, the index of its distinct row."""
    groups = (
        frame.select(columns)
        .with_row_index("_row")
        .group_by(list(columns), maintain_order=True)
        .agg(pl.col("_row"))
        .with_row_index(KEY)
    )
    key = groups.select(KEY, "_row").explode("_row").sort("_row")[KEY]
    return groups.drop("_row"), key


def _folded(table: pl.DataFrame, key: pl.Series, developers: pl.Series) -> Folded:
    """The fold of rows that stand for ``table``'s rows through ``key``, by ``developers``:
    each distinct row weighs the rows that stand for it (none weighs nothing)."""
    rows = np.bincount(key.cast(pl.Int64).to_numpy(), minlength=table.height)
    weights = pl.DataFrame(
        {KEY: table[KEY], "rows": pl.Series(rows[: table.height], dtype=pl.UInt32)}
    )
    pairs = pl.DataFrame([key, developers]).unique()
    return Folded(table, key, weights, pairs, developers)


@dataclass(frozen=True)
class Folded:
    """The distinct rows of a facts frame over some columns, and each row's key into them."""

    table: pl.DataFrame
    """One row per distinct combination, first seen first, with its index in ``KEY``."""
    key: pl.Series
    """Per row of the frame, its distinct row (UInt32)."""
    weights: pl.DataFrame
    """``KEY`` and ``rows``: how many rows each distinct row stands for."""
    pairs: pl.DataFrame
    """``KEY`` and ``developer`` (an integer code): each distinct (row, developer) pair."""
    developers: pl.Series
    """Per row of the frame, its developer's code (:func:`developer_codes`)."""

    @classmethod
    def of(cls, facts: pl.DataFrame, columns: Sequence[str]) -> Folded:
        """Fold ``facts`` (with a ``developer`` column) over ``columns``."""
        table, key = _distinct(facts, columns)
        return _folded(table, key, developer_codes(facts["developer"]))

    def subset(self, keep: pl.Series) -> Folded:
        """The fold of the frame's rows where ``keep`` (a Boolean per row) holds, over the same
        distinct rows: one no kept row stands for weighs nothing and has no developer, so the
        counts are those of folding the kept rows themselves, without grouping them again."""
        return _folded(self.table, self.key.filter(keep), self.developers.filter(keep))

    def refold(self, table: pl.DataFrame, columns: Sequence[str]) -> Folded:
        """The fold of the same frame with each distinct row replaced by the row of ``table`` at
        its position (a function of the row alone: a scenario's assumptions filled in), over
        ``columns``: only the distinct rows are grouped again, not the frame. Rows that become
        equal merge, first seen first, as folding the changed frame itself would order them."""
        regrouped, new_key = _distinct(table, columns)
        return _folded(regrouped, new_key.gather(self.key), self.developers)

    def assess(self, regime: Regime) -> pl.DataFrame:
        """Step answers, ``outcome`` and ``role`` for each distinct row, in key order."""
        names = [step_column(s.id) for s in regime.steps] + ["outcome", "role"]
        return assess_lazy(self.table.lazy(), regime, keep=[]).select(names).collect()

    def spread(self, answers: pl.DataFrame) -> pl.DataFrame:
        """Per-distinct-row ``answers`` (in key order) as one row per row of the frame."""
        return answers.select(pl.all().gather(self.key))

    def counts(self, outcome: pl.Series) -> Counts:
        """Counts over the frame's rows, from each distinct row's ``outcome`` (in key order)."""
        frame = pl.DataFrame({KEY: self.table[KEY], "outcome": outcome})
        return self._point_counts(frame.with_columns(pl.lit(0, dtype=pl.UInt32).alias(POINT)))[0]

    def sweep(self, variants: Sequence[Regime], parameter: str) -> list[Counts]:
        """Counts under each variant (copies of one regime differing in ``parameter``), in one
        plan over the distinct rows."""
        result = assess_points(self.table.lazy(), variants, parameter, keep=[KEY])
        return self._point_counts(result.select(POINT, KEY, "outcome").collect(), len(variants))

    def _point_counts(self, result: pl.DataFrame, points: int = 1) -> list[Counts]:
        """Counts per ``POINT`` of a frame of (``POINT``, ``KEY``, ``outcome``): models as
        weighted tallies, developers as the distinct developers of each point's (row,
        developer) pairs, marked through a (point × row) table rather than joined."""
        point = result[POINT].cast(pl.Int64).to_numpy()
        key = result[KEY].cast(pl.Int64).to_numpy()
        outcome = result["outcome"]
        rows = np.zeros(self.table.height, dtype=np.int64)
        rows[self.weights[KEY].to_numpy()] = self.weights["rows"].to_numpy()

        def tally(label: str) -> np.ndarray:
            hit = (outcome == label).fill_null(False).to_numpy()
            return np.bincount(point[hit], weights=rows[key[hit]], minlength=points)[:points]

        def marked(hit: np.ndarray) -> np.ndarray:
            table = np.zeros((points, self.table.height), dtype=bool)
            keep = point[hit] < points
            table[point[hit][keep], key[hit][keep]] = True
            return table

        pair_key = self.pairs[KEY].cast(pl.Int64).to_numpy()
        developer = self.pairs["developer"]
        codes = developer.cast(pl.Int64).fill_null(-1).to_numpy()  # null counts as one value
        dense = np.unique(codes, return_inverse=True)[1].reshape(-1)
        seen = np.zeros(int(dense.max()) + 1 if dense.size else 0, dtype=bool)

        def developers(table: np.ndarray) -> list[int]:
            out = []
            for at in table:
                seen[:] = False
                seen[dense[at[pair_key]]] = True
                out.append(int(seen.sum()))
            return out

        caught = marked((outcome == "in-scope").fill_null(False).to_numpy())
        possible = marked((outcome != "out-of-scope").fill_null(False).to_numpy())
        return [
            Counts(int(i), int(o), int(u), d_in, d_up)
            for i, o, u, d_in, d_up in zip(
                tally("in-scope"),
                tally("out-of-scope"),
                tally("indeterminate"),
                developers(caught),
                developers(possible),
                strict=True,
            )
        ]
