"""The central estimate's sampled populations, drawn cheaply.

Each draw changes only the two compute intervals (:meth:`Sampler.draw`); the other facts are
built once, for the columns the regimes read, and the originals known by a family range are
found once. So are the parts of the regimes' trees that read neither the intervals nor a
parameter (:func:`fixed_subtrees`: which techniques a modification used, who acted for whom):
computed once on the facts, and read from those columns by every draw's plan. The random
stream is read in the same order as before (two shuffles, then one size per ranged original,
by root), so the same seed gives the same draws.
"""

from __future__ import annotations

import functools
import math
import random
import statistics
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl

from modtrace.determination.batch import conform
from modtrace.ecosystem import assumptions as a
from modtrace.ecosystem.folded import QUANTITY_COLUMNS, read_columns, trees
from modtrace.regimes.columnar import compile_bool
from modtrace.regimes.expr import (
    Bool,
    BoolFact,
    BoolParam,
    Node,
    Num,
    NumParam,
    Quantity,
    Recorded,
    Stated,
    StepRef,
    children,
    referenced_facts,
    walk,
)

if TYPE_CHECKING:
    from modtrace.ecosystem.estimate import Fitted
    from modtrace.regimes.model import Regime


# Wichura's AS241 (Applied Statistics 37(3), 1988), as ``statistics.NormalDist.inv_cdf``
# computes it: the central region's rational function, coefficients highest power first.
_CENTRAL_NUM = (
    2.50908_09287_30122_6727e3,
    3.34305_75583_58812_8105e4,
    6.72657_70927_00870_0853e4,
    4.59219_53931_54987_1457e4,
    1.37316_93765_50946_1125e4,
    1.97159_09503_06551_4427e3,
    1.33141_66789_17843_7745e2,
    3.38713_28727_96366_6080e0,
)
_CENTRAL_DEN = (
    5.22649_52788_52854_5610e3,
    2.87290_85735_72194_2674e4,
    3.93078_95800_09271_0610e4,
    2.12137_94301_58659_5867e4,
    5.39419_60214_24751_1077e3,
    6.87187_00749_20579_0830e2,
    4.23133_30701_60091_1252e1,
    1.0,
)


def _horner(r: npt.NDArray[np.float64], coefficients: tuple[float, ...]) -> npt.NDArray[np.float64]:
    """``((c0·r + c1)·r + c2)·r + …``: the same float operations, in the same order, as the
    scalar code writes them."""
    out = coefficients[0] * r + coefficients[1]
    for c in coefficients[2:]:
        out = out * r + c
    return out


@functools.lru_cache(maxsize=4)
def normal_scores(n: int) -> pl.Series:
    """``n`` standard normal quantiles at ``(i + 0.5) / n``: shuffled, a stratified sample.

    ``statistics.NormalDist().inv_cdf`` at each point, bit for bit: the central region
    (``|p − 0.5| ≤ 0.425``, most points) by the same rational function with the same float
    operations (``+``, ``×`` and ``/`` are exactly rounded, in NumPy as in C), the tails by
    ``inv_cdf`` itself (they take a logarithm, which libraries may round differently)."""
    p = (np.arange(n, dtype=np.float64) + 0.5) / n
    q = p - 0.5
    central = np.abs(q) <= 0.425
    qc = q[central]
    r = 0.180625 - qc * qc
    z = np.empty(n, dtype=np.float64)
    z[central] = 0.0 + (_horner(r, _CENTRAL_NUM) * qc / _horner(r, _CENTRAL_DEN)) * 1.0
    inv = statistics.NormalDist().inv_cdf
    tails = np.flatnonzero(~central)
    z[tails] = [inv(float(v)) for v in p[tails]]
    return pl.Series("z", z, dtype=pl.Float64)


def sample_in_range(low: float, high: float, u: float, prior: str) -> float:
    """The size at quantile ``u`` (0 to 1) of ``prior`` over ``[low, high]``."""
    if prior == "uniform":
        return low + u * (high - low)
    return math.exp(math.log(low) + u * (math.log(high) - math.log(low)))


@dataclass(frozen=True)
class Ranges:
    """The originals known only by a family range (by root, sorted), and each derivative's
    index among them (null for the others)."""

    bounds: list[tuple[float, float]]
    index: pl.Series

    @classmethod
    def of(cls, population: pl.DataFrame) -> Ranges:
        """The ranged originals of ``population``."""
        if "root_active_low" not in population.columns:  # a population built before ranges
            return cls([], pl.Series("index", [None] * population.height, dtype=pl.UInt32))
        ranged = (
            population.filter(
                pl.col("root_active_parameters").is_null() & pl.col("root_active_low").is_not_null()
            )
            .group_by("root")
            .agg(pl.first("root_active_low"), pl.first("root_active_high"))
            .sort("root")
        )
        position = {root: i for i, root in enumerate(ranged["root"])}
        index = population["root"].replace_strict(position, default=None, return_dtype=pl.UInt32)
        bounds = list(zip(ranged["root_active_low"], ranged["root_active_high"], strict=True))
        return cls(bounds, index)

    def draw(self, prior: str, rng: random.Random) -> pl.Series:
        """One drawn size per ranged original (``rng`` read once per original, by root),
        shared by all its derivatives; null elsewhere."""
        drawn = pl.Series(
            [sample_in_range(low, high, rng.random(), prior) for low, high in self.bounds],
            dtype=pl.Float64,
        )
        if drawn.is_empty():
            return pl.Series("drawn", [None] * self.index.len(), dtype=pl.Float64)
        return drawn.gather(self.index).alias("drawn")


_READ_AS_IS = (BoolFact, Recorded, BoolParam, StepRef, Stated)
"""Nodes that compile to a column read (or a constant): nothing to compute once."""


def _fixed(node: Node, drawn: set[str]) -> bool:
    """Whether ``node`` reads no parameter, step or compute quantity, nor a ``drawn`` column."""
    moving = (NumParam, BoolParam, StepRef, Quantity)
    return not any(isinstance(n, moving) for n in walk(node)) and not (
        set(referenced_facts(node)) & drawn
    )


def fixed_subtrees(regimes: Sequence[Regime], drawn: set[str]) -> list[Bool]:
    """The largest subtrees of ``regimes``' trees that come out the same on every draw (they read
    no parameter, step or compute quantity and none of the ``drawn`` columns), each once."""
    out: dict[Bool, None] = {}

    def visit(node: Node) -> None:
        if isinstance(node, Num):
            return
        if not isinstance(node, _READ_AS_IS) and _fixed(node, drawn):
            out[node] = None
            return
        for child in children(node):
            visit(child)

    for regime in regimes:
        for tree in trees(regime):
            visit(tree)
    return list(out)


def with_fixed(
    facts: pl.DataFrame, regimes: Sequence[Regime], drawn: set[str]
) -> tuple[pl.DataFrame, dict[Bool, str]]:
    """``facts`` with a column per :func:`fixed_subtrees` subtree (computed as the batch plan
    would compute it), and the subtrees' columns, for the plans to read instead."""
    subtrees = fixed_subtrees(regimes, drawn)
    cached = {node: f"_modtrace_fixed.{i}" for i, node in enumerate(subtrees)}
    if not subtrees:
        return facts, cached
    computed = conform(facts).select(compile_bool(n, {}).alias(c) for n, c in cached.items())
    return facts.hstack(computed.collect().get_columns()), cached


_POINTS = (("original.training_compute", "original"), ("modification.compute", "modification"))
"""Each drawn quantity's column prefix, and the name of its point in :meth:`Sampler.draw`."""


class Sampler:
    """Draws of a population's compute intervals, with the facts that do not change."""

    def __init__(
        self,
        population: pl.DataFrame,
        fitted: Fitted,
        regimes: Sequence[Regime],
        assume: Mapping[str, Any] | None = None,
    ) -> None:
        from modtrace.ecosystem.simulate import as_facts  # noqa: PLC0415 (simulate imports us)

        facts = as_facts(population, assume)
        self.drawn = [c for c in QUANTITY_COLUMNS if c not in (assume or {})]
        columns = read_columns(regimes, facts.collect_schema().names())
        self.facts = facts.select(c for c in columns if c not in self.drawn).collect()
        self.facts, self.cached = with_fixed(self.facts, regimes, set(self.drawn))
        """The subtrees computed once, and the columns of each draw that hold them."""
        self.fitted = fitted
        scores = normal_scores(population.height)
        # Each draw shuffles the same scores, so the powers of ten are taken once here and each
        # draw shuffles them instead: a shuffle with one seed is one permutation whatever the
        # values, so the columns are those of shuffling the scores and then raising ten.
        ft = fitted.finetune_tokens
        tp = fitted.tokens_per_parameter
        self.tokens = (10.0 ** (ft.mean + ft.sd * scores)).alias("tokens")
        self.ratio = (10.0 ** (tp.mean + tp.sd * scores)).alias("ratio")
        self.ranges = Ranges.of(population)
        # What no draw changes: which relations train nothing or an adapter, where a size is
        # known (a drawn size is never null where a range is), each interval's method.
        rel = pl.col("relation")
        trains_nothing = rel.is_in(["merge", "quantized"])
        known = pl.col("root_active_parameters").is_not_null() | pl.lit(
            self.ranges.index.is_not_null()
        )
        self.source = population.select(
            "epoch_compute",
            "root_active_parameters",
            trains_nothing.alias("trains_nothing"),
            (rel == "adapter").alias("adapter"),
            (known | pl.col("epoch_compute").is_not_null()).alias("ok.original"),
            (known | trains_nothing).alias("ok.modification"),
        )
        self.methods = {
            f"{prefix}.method": self.source.select(
                pl.when(pl.col(f"ok.{point}")).then(pl.lit("monte-carlo")).alias(f"{prefix}.method")
            ).to_series()
            for prefix, point in _POINTS
        }

    @property
    def height(self) -> int:
        """Rows per draw."""
        return self.facts.height

    def draw(self, rng: random.Random) -> pl.DataFrame:
        """One draw's facts: point values for both compute quantities where a size is known."""
        tokens = self.tokens.shuffle(seed=rng.randrange(2**32))
        ratio = self.ratio.shuffle(seed=rng.randrange(2**32))
        drawn = self.ranges.draw(self.fitted.size_prior, rng)
        active = pl.coalesce(pl.col("root_active_parameters"), pl.lit(drawn))
        original = (
            pl.when(pl.col("epoch_compute").is_not_null())
            .then(pl.col("epoch_compute"))
            .otherwise(6.0 * active * active * pl.lit(ratio))
        )
        low_fpt, _ = a.ADAPTER_FLOP_PER_TOKEN_PARAM
        full_fpt, _ = a.FULL_FLOP_PER_TOKEN_PARAM
        modification = (
            pl.when(pl.col("trains_nothing"))
            .then(0.0)
            .when(pl.col("adapter"))
            .then(low_fpt * active * pl.lit(tokens))
            .otherwise(full_fpt * active * pl.lit(tokens))
        )
        points = self.source.select(  # each point once; the columns below only copy it
            pl.when(pl.col("ok.original")).then(original).alias("original"),
            pl.when(pl.col("ok.modification")).then(modification).alias("modification"),
        )
        numbers = points.select(
            column
            for prefix, point in _POINTS
            for column in (
                pl.col(point).alias(f"{prefix}.flop"),
                pl.col(point).fill_null(0.0).alias(f"{prefix}.low"),
                pl.col(point).fill_null(math.inf).alias(f"{prefix}.high"),
            )
        )
        quantities = {**{c.name: c for c in numbers.get_columns()}, **self.methods}
        return self.facts.hstack([quantities[c] for c in self.drawn])


class DrawStream:
    """The draws of one seeded stream, made once for several readers: the central estimate and
    its band draw the same populations from the same seed, so the band reads the estimate's
    first draws instead of making its own.

    Draws are made in order (the random stream is read as :meth:`Sampler.draw` reads it). The
    first ``shared`` are kept until each of ``readers`` has read them once; a later one is made
    for the reader that asks and not kept, so only one reader may go past ``shared``, in order.
    Safe to read from several threads."""

    def __init__(self, sampler: Sampler, seed: int, shared: int = 0, readers: int = 1) -> None:
        self.sampler = sampler
        self._rng = random.Random(seed)
        self._shared = shared
        self._readers = readers
        self._made = 0
        self._kept: dict[int, tuple[pl.DataFrame, int]] = {}
        self._lock = threading.Lock()

    def draw(self, index: int) -> pl.DataFrame:
        """Draw ``index`` (counted from 0) of the stream."""
        with self._lock:
            made: pl.DataFrame | None = None
            while self._made <= index:
                made = self.sampler.draw(self._rng)
                if self._made < self._shared:
                    self._kept[self._made] = (made, self._readers)
                self._made += 1
            if index >= self._shared:
                if made is None:
                    raise ValueError(f"draw {index} was made for another reader and not kept")
                return made
            facts, left = self._kept[index]
            if left <= 1:
                del self._kept[index]
            else:
                self._kept[index] = (facts, left - 1)
            return facts
