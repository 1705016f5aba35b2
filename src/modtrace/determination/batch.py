"""Assess many cases at once: regimes compiled to Polars expressions over a columnar frame.

The frame has one column per fact path (see :data:`modtrace.facts.FACT_COLUMNS`); absent
columns are treated as unknown. The result adds the compute estimates, one ``step.<id>``
column per step (true/false/null), ``outcome`` and ``role``. :func:`assess_points` assesses the
rows under many values of one parameter in one plan (a sweep), the parameter as a column.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from modtrace.compute.estimate import MODIFICATION, ORIGINAL, Estimate, estimate_all, make
from modtrace.compute.exact import exact
from modtrace.compute.frame import with_compute_estimates
from modtrace.determination.decide import decide
from modtrace.facts.flatten import FACT_COLUMNS, Kind
from modtrace.regimes.columnar import (
    Numbers,
    compile_bool,
    compile_num,
    near_tie,
    number_columns,
    shared_numbers,
    step_column,
)
from modtrace.regimes.expr import Bool, referenced_facts, step_refs
from modtrace.regimes.model import Regime, Step
from modtrace.regimes.scalar import Env

_DTYPES: dict[Kind, pl.DataType] = {
    Kind.NUMBER: pl.Float64(),
    Kind.BOOL: pl.Boolean(),
    Kind.TEXT: pl.String(),
    Kind.DATE: pl.Date(),
    Kind.LIST: pl.List(pl.String()),
}

FRAME_SCHEMA: dict[str, pl.DataType] = {path: _DTYPES[kind] for path, kind in FACT_COLUMNS.items()}
"""The Polars schema of a facts frame."""


def facts_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Build a facts frame from flat rows (e.g. :func:`modtrace.facts.facts_to_row`)."""
    return pl.DataFrame(list(rows), schema=FRAME_SCHEMA)


@functools.cache
def _typed(path: str, present: bool) -> pl.Expr:
    """A fact column cast to its type, or unknown (null) where the frame lacks it (built once:
    expressions are immutable, and a report builds hundreds of plans)."""
    dtype = FRAME_SCHEMA[path]
    return pl.col(path).cast(dtype) if present else pl.lit(None, dtype=dtype).alias(path)


def _conformed(frame: pl.DataFrame | pl.LazyFrame) -> tuple[pl.LazyFrame, set[str]]:
    """:func:`conform`, and the column names it leaves."""
    lazy = frame.lazy()
    present = set(lazy.collect_schema().names())
    typed = lazy.with_columns([_typed(path, path in present) for path in FRAME_SCHEMA])
    return typed, present | FRAME_SCHEMA.keys()


def conform(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Cast known fact columns to their types and add absent ones as unknown (null)."""
    return _conformed(frame)[0]


_TIE = "_modtrace_tie"
Cached = Mapping[Bool, str] | None
"""Subtrees already computed, and the columns that hold them."""
_PARTS = ("flop", "low", "high", "method")


def _supplied(names: set[str]) -> bool:
    return all(f"{q}.{p}" in names for q in (MODIFICATION, ORIGINAL) for p in _PARTS)


def _from_columns(quantity: str, row: Mapping[str, Any]) -> Estimate:
    mid, low, high = (row.get(f"{quantity}.{p}") for p in ("flop", "low", "high"))
    return make(
        quantity,
        None if mid is None else exact(mid),
        exact(low or 0.0),
        math.inf if high is None or math.isinf(high) else exact(high),
        row.get(f"{quantity}.method"),
        "supplied with the batch",
        {},
    )


def _settle_exactly(batch: pl.DataFrame, regime: Regime, supplied: bool) -> pl.DataFrame:
    """Recompute rows whose comparisons were near ties with the exact scalar evaluator."""
    if batch.height == 0:
        return batch
    params = regime.param_values()
    updates: dict[str, list[Any]] = {step_column(s.id): [] for s in regime.steps}
    updates["outcome"], updates["role"] = [], []
    for row in batch.iter_rows(named=True):
        quantities = (
            {q: _from_columns(q, row) for q in (MODIFICATION, ORIGINAL)}
            if supplied
            else estimate_all(row)
        )
        decision = decide(regime, Env(row, params, quantities))
        for step_id, answer in decision.steps.items():
            updates[step_column(step_id)].append(answer)
        word = {True: "in-scope", False: "out-of-scope", None: "indeterminate"}[decision.scope]
        updates["outcome"].append(word)
        updates["role"].append(decision.role)
    return batch.with_columns(
        [pl.Series(name, values, dtype=batch.schema[name]) for name, values in updates.items()]
    )


def _settle_in_place(
    frame: pl.DataFrame, regimes: Sequence[Regime], supplied: bool, point: str | None
) -> pl.DataFrame:
    """``frame`` with its near-tie rows' answers replaced by the exact evaluator's: under
    ``regimes[0]``, or with a ``point`` column, under ``regimes[<the row's point>]``."""
    ties = frame[_TIE]
    if not ties.any():
        return frame
    names = [step_column(s.id) for s in regimes[0].steps] + ["outcome", "role"]
    columns = {n: frame[n].clone() for n in names}
    tied = frame.with_row_index(_ROW).filter(ties)
    groups = [(0, tied)] if point is None else tied.partition_by(point, as_dict=True).items()
    for which, rows in groups:
        index = which[0] if isinstance(which, tuple) else which
        settled = _settle_exactly(rows, regimes[int(index)], supplied)
        for n in names:
            columns[n] = columns[n].scatter(rows[_ROW], settled[n])
    return frame.with_columns(columns.values())


_ROW = "_modtrace_row"
_NUMBER = "_modtrace_number"


def _step_expr(
    step: Step, params: Mapping[str, Any], cached: Cached = None, numbers: Numbers = None
) -> pl.Expr:
    """A step's answer column: its condition, lifted by any exception that holds."""
    expr = compile_bool(step.when, params, cached, numbers)
    if step.exceptions:
        lifts = [compile_bool(e.when, params, cached, numbers).not_() for e in step.exceptions]
        expr = pl.all_horizontal(expr, *lifts)
    return expr.alias(step_column(step.id))


def _outcome_and_role(
    regime: Regime, params: Mapping[str, Any], cached: Cached = None, numbers: Numbers = None
) -> tuple[pl.Expr, pl.Expr]:
    """The ``outcome`` and ``role`` columns, from the step columns."""
    scope = compile_bool(regime.scope, params, cached, numbers)
    outcome = (
        pl.when(scope.eq(True))
        .then(pl.lit("in-scope"))
        .when(scope.eq(False))
        .then(pl.lit("out-of-scope"))
        .otherwise(pl.lit("indeterminate"))
    )
    role: Any = pl.lit(None, dtype=pl.String)
    for candidate in reversed(regime.roles):
        if candidate.when is None:
            role = pl.lit(candidate.id)
            continue
        value = compile_bool(candidate.when, params, cached, numbers)
        role = (
            pl.when(value.eq(True))
            .then(pl.lit(candidate.id))
            .when(value.is_null())
            .then(pl.lit(None, dtype=pl.String))
            .otherwise(role)
        )
    role = pl.when(scope.eq(True)).then(role).otherwise(pl.lit(None, dtype=pl.String))
    return outcome.alias("outcome"), role.alias("role")


def _trees(regime: Regime) -> list[Bool]:
    """Every tree whose comparisons the near-tie screen checks."""
    trees = [s.when for s in regime.steps]
    trees += [e.when for s in regime.steps for e in s.exceptions]
    return [*trees, regime.scope, *(r.when for r in regime.roles if r.when is not None)]


def _settled_columns(
    regime: Regime, names: set[str], supplied: bool, keep: Sequence[str], point: str | None
) -> list[str]:
    """The columns of the frame (``names``) that come out of a ``keep`` plan: those kept, and
    those settling reads."""
    read = (
        {p for t in _trees(regime) for p in referenced_facts(t)} if supplied else set(FRAME_SCHEMA)
    )
    quantities = {f"{q}.{p}" for q in (MODIFICATION, ORIGINAL) for p in _PARTS}
    wanted = set(keep) | read | quantities | ({point} if point else set())
    answers = {step_column(s.id) for s in regime.steps} | {"outcome", "role", _TIE}
    return sorted(n for n in names if n in wanted and n not in answers)


class _Plan:
    """An assessment plan's expressions, built once for frames with the same columns (a report
    runs the same regime over many draws: the trees are compiled, and the result's schema
    resolved, on the first)."""

    def __init__(
        self,
        present: set[str],
        regimes: Sequence[Regime],
        params: Mapping[str, Any],
        point: str | None,
        keep: Sequence[str] | None,
        cached: Cached = None,
    ) -> None:
        regime = regimes[0]
        self.regimes, self.point = regimes, point
        self.typed = [_typed(path, path in present) for path in FRAME_SCHEMA]
        self.names = present | FRAME_SCHEMA.keys()
        self.supplied = _supplied(self.names)
        # The sums and products that read no parameter, computed first, each once (the same
        # expressions: the same floats), and read as columns by every later context; then the
        # near-tie screen and the steps before the first that refers to a step, in one
        # context; each later step in its own (the columns come out in the same order).
        numbers = {n: f"{_NUMBER}.{i}" for i, n in enumerate(shared_numbers(_trees(regime)))}
        self.numbers = [
            expr.alias(name)
            for node, prefix in numbers.items()
            for expr, name in zip(compile_num(node, params), number_columns(prefix), strict=True)
        ]
        self.layers: list[list[pl.Expr]] = [[near_tie(_trees(regime), params, numbers).alias(_TIE)]]
        for step in regime.steps:
            refers = any(step_refs(t) for t in (step.when, *(e.when for e in step.exceptions)))
            if refers or len(self.layers) > 1:
                self.layers.append([])
            self.layers[-1].append(_step_expr(step, params, cached, numbers))
        self.answers = list(_outcome_and_role(regime, params, cached, numbers))
        self.columns: list[str] | None = None
        if keep is not None:
            self.columns = _settled_columns(regime, self.names, self.supplied, keep, point)
            self.columns += [step_column(s.id) for s in regime.steps] + ["outcome", "role", _TIE]
        self.schema: pl.Schema | None = None

    def __call__(self, frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
        lazy = with_compute_estimates(frame.lazy().with_columns(self.typed), self.names)
        if self.numbers:
            lazy = lazy.with_columns(self.numbers)
        for layer in self.layers:
            lazy = lazy.with_columns(layer)
        floats = lazy.with_columns(self.answers)
        if self.columns is not None:
            floats = floats.select(self.columns)
        elif self.numbers:
            floats = floats.drop(e.meta.output_name() for e in self.numbers)
        if self.schema is None:
            self.schema = floats.collect_schema()
        # One pass over the whole frame: the (rare) near-tie rows are settled and written back
        # in place; a frame without any is returned as it is, with no split, sort or copy.
        return floats.map_batches(
            lambda whole: _settle_in_place(whole, self.regimes, self.supplied, self.point),
            schema=self.schema,
            predicate_pushdown=False,
            projection_pushdown=False,  # settling reads every fact column
            slice_pushdown=False,
            streamable=False,
        ).drop(_TIE)


def _plan(
    frame: pl.DataFrame | pl.LazyFrame,
    regimes: Sequence[Regime],
    params: Mapping[str, Any],
    point: str | None,
    keep: Sequence[str] | None = None,
) -> pl.LazyFrame:
    """The assessment plan under ``params`` (a value, or an expression for a swept one); near
    ties are settled under ``regimes`` (see :func:`_settle_in_place`). With ``keep``, only
    those columns and the answers come out, and only the columns settling reads go through
    it (the frame need not carry every fact column, most of them unknown, through the pass)."""
    present = set(frame.lazy().collect_schema().names())
    return _Plan(present, regimes, params, point, keep)(frame)


def assessor(
    regime: Regime, keep: Sequence[str] | None = None, cached: Cached = None
) -> Callable[[pl.DataFrame], pl.LazyFrame]:
    """:func:`assess_lazy` for many frames (a Monte Carlo's draws): the plan's expressions are
    built once per schema and reused, so each frame costs its evaluation alone. ``cached``
    names the frames' columns that hold subtrees computed earlier (see
    :func:`~modtrace.regimes.columnar.compile_bool`)."""
    plans: dict[tuple[tuple[str, pl.DataType], ...], _Plan] = {}

    def plan(frame: pl.DataFrame) -> pl.LazyFrame:
        key = tuple(frame.schema.items())
        if key not in plans:
            present = set(frame.columns)
            plans[key] = _Plan(present, [regime], regime.param_values(), None, keep, cached)
        return plans[key](frame)

    return plan


def assess_lazy(
    frame: pl.DataFrame | pl.LazyFrame, regime: Regime, keep: Sequence[str] | None = None
) -> pl.LazyFrame:
    """The lazy plan that assesses every row of ``frame`` under ``regime``: the frame's columns
    (or only those in ``keep``), the compute estimates, the step answers, outcome and role.

    Rows where a comparison's two sides are within rounding of each other are settled with the
    exact evaluator, so the batch and the single-case answers agree at every boundary."""
    return _plan(frame, [regime], regime.param_values(), None, keep)


POINT = "_modtrace_point"
"""The column :func:`assess_points` adds: which of the values a row was assessed at."""


def assess_points(
    frame: pl.DataFrame | pl.LazyFrame,
    variants: Sequence[Regime],
    parameter: str,
    keep: Sequence[str] | None = None,
) -> pl.LazyFrame:
    """Every row of ``frame`` assessed under each of ``variants`` (copies of one regime that
    differ in ``parameter`` alone) in one plan: the frame repeated per variant, :data:`POINT` the
    variant's index, the parameter a column. The same answers as :func:`assess_lazy` under each
    variant: near ties are settled exactly under the row's own variant. ``keep`` as for
    :func:`assess_lazy` (:data:`POINT` is always kept)."""
    values = _variant_values(variants, parameter)
    base = {k: x for k, x in values[0].items() if k != parameter}
    flag = isinstance(values[0][parameter], bool)
    swept = [bool(v[parameter]) if flag else float(v[parameter]) for v in values]
    column = f"_modtrace_param.{parameter}"
    points = pl.DataFrame(
        {
            POINT: pl.Series(range(len(variants)), dtype=pl.UInt32),
            column: pl.Series(swept, dtype=pl.Boolean if flag else pl.Float64),
        }
    )
    repeated = points.lazy().join(frame.lazy(), how="cross")
    params = {**base, parameter: pl.col(column)}
    plan = _plan(repeated, variants, params, POINT, keep)
    return plan if keep is not None else plan.drop(column)


def _variant_values(variants: Sequence[Regime], parameter: str) -> list[dict[str, Any]]:
    """Each variant's parameter values, once checked that they differ in ``parameter`` alone."""
    if not variants:
        raise ValueError("no variant to assess")
    values = [v.param_values() for v in variants]
    base = {k: x for k, x in values[0].items() if k != parameter}
    if any({k: x for k, x in v.items() if k != parameter} != base for v in values):
        raise ValueError(f"the variants differ in more than {parameter!r}")
    return values


def assess_frame(frame: pl.DataFrame | pl.LazyFrame, regime: Regime) -> pl.DataFrame:
    """Assess every row of ``frame`` under ``regime``."""
    return assess_lazy(frame, regime).collect()
