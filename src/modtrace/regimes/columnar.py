"""Compile expression trees to Polars expressions, for batches of many cases.

A Polars null is exactly "unknown": comparisons with null give null and ``&``/``|`` follow
Kleene's rules, so the semantics match :mod:`modtrace.regimes.scalar` node for node.

Numbers here are floats; the scalar evaluator's are exact. A comparison whose two sides lie
within a rounding error of each other is flagged by :func:`near_tie` and the batch settles those
rows with the exact evaluator (:mod:`modtrace.determination.batch`), so no rounding decides a
boundary in either backend.

A parameter's value may be a Polars expression instead of a number (a swept parameter, one
value per row); it is then compiled as that column and never taken for a constant.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from modtrace.regimes.expr import (
    All,
    AnyOf,
    Before,
    Bool,
    BoolFact,
    BoolParam,
    Compare,
    Const,
    Declared,
    FactOr,
    HasAny,
    In,
    Known,
    Mul,
    Node,
    Not,
    Num,
    NumFact,
    NumParam,
    Quantity,
    Recorded,
    Stated,
    StepRef,
    Sum,
    children,
    walk,
)

Triple = tuple[pl.Expr, pl.Expr, pl.Expr]


def step_column(step: str) -> str:
    """The batch column holding a step's answer."""
    return f"step.{step}"


def _lit(value: float) -> Triple:
    lit = pl.lit(value, dtype=pl.Float64)
    return (lit, lit, lit)


Numbers = Mapping[Num, str] | None
"""Numeric subtrees computed earlier (e.g. once for many values of a parameter), each read from
the three columns :func:`number_columns` names after its prefix."""


def number_columns(prefix: str) -> tuple[str, str, str]:
    """The (central, low, high) columns holding a precomputed numeric subtree."""
    return (f"{prefix}.central", f"{prefix}.low", f"{prefix}.high")


def compile_num(node: Num, params: Mapping[str, Any], numbers: Numbers = None) -> Triple:
    """Compile a numeric node to (central, low, high) expressions; a subtree in ``numbers`` is
    read from its columns (computed earlier by this same function)."""
    if numbers and node in numbers:
        central, low, high = number_columns(numbers[node])
        return (pl.col(central), pl.col(low), pl.col(high))
    match node:
        case Const(value):
            return _lit(float(value))
        case NumParam(name):
            value = params[name]
            if isinstance(value, pl.Expr):  # a swept parameter, one value per row
                return (value, value, value)
            return _lit(float(value))
        case NumFact(path):
            col = pl.col(path).cast(pl.Float64)
            return (col, col.fill_null(0.0), col.fill_null(math.inf))
        case Declared(path):
            col = pl.col(path).cast(pl.Float64).fill_null(0.0)
            return (col, col, col)
        case Quantity(name):
            return (pl.col(f"{name}.flop"), pl.col(f"{name}.low"), pl.col(f"{name}.high"))
        case Sum(items):
            parts = [compile_num(i, params, numbers) for i in items]
            return (
                pl.sum_horizontal([p[0] for p in parts], ignore_nulls=False),
                pl.sum_horizontal([p[1] for p in parts]),
                pl.sum_horizontal([p[2] for p in parts]),
            )
        case Mul(left, right):
            (am, al, ah) = compile_num(left, params, numbers)
            (bm, bl, bh) = compile_num(right, params, numbers)
            return (am * bm, (al * bl).fill_nan(0.0), (ah * bh).fill_nan(0.0))
    raise TypeError(f"not a numeric node: {node!r}")  # pragma: no cover


def compile_bool(
    node: Bool,
    params: Mapping[str, Any],
    cached: Mapping[Bool, str] | None = None,
    numbers: Numbers = None,
) -> pl.Expr:
    """Compile a boolean node to a nullable Boolean expression; a subtree in ``cached`` is read
    from the column named there (computed earlier, e.g. once for many draws, by this same
    function), and a numeric one in ``numbers`` from its columns."""
    if cached and node in cached:
        return pl.col(cached[node])
    match node:
        case BoolFact(path):
            return pl.col(path).cast(pl.Boolean)
        case Recorded(path):
            return pl.col(path).cast(pl.Boolean).fill_null(False)
        case BoolParam(name):
            value = params[name]
            if isinstance(value, pl.Expr):
                return value.cast(pl.Boolean)
            return pl.lit(bool(value), dtype=pl.Boolean)
        case StepRef(step):
            return pl.col(step_column(step))
        case All(items):
            return pl.all_horizontal([compile_bool(i, params, cached, numbers) for i in items])
        case AnyOf(items):
            return pl.any_horizontal([compile_bool(i, params, cached, numbers) for i in items])
        case Not(item):
            return compile_bool(item, params, cached, numbers).not_()
        case In(path, values):
            return pl.col(path).is_in(list(values))
        case HasAny(path, values):
            return pl.col(path).list.eval(pl.element().is_in(list(values))).list.any()
        case Compare(left, right, strict):
            (am, al, ah) = compile_num(left, params, numbers)
            (bm, bl, bh) = compile_num(right, params, numbers)
            certain_true = (al > bh) if strict else (al >= bh)
            certain_false = (ah <= bl) if strict else (ah < bl)
            by_central = (am > bm) if strict else (am >= bm)
            return (
                pl.when(certain_true)
                .then(pl.lit(True))
                .when(certain_false)
                .then(pl.lit(False))
                .otherwise(by_central)
            )
        case Known(item):
            return compile_num(item, params, numbers)[0].is_not_null()
        case Stated(path):
            return pl.col(path).is_not_null()
        case FactOr(path, otherwise):
            return pl.coalesce(
                pl.col(path).cast(pl.Boolean), compile_bool(otherwise, params, cached, numbers)
            )
        case Before(path, day):
            return pl.col(path).cast(pl.Date) < pl.lit(day, dtype=pl.Date)
    raise TypeError(f"not a boolean node: {node!r}")  # pragma: no cover


def shared_numbers(trees: Sequence[Bool]) -> list[Num]:
    """The largest sums and products in ``trees`` that read no parameter or step (nor
    anything else that could differ between variants), each once: every variant computes them
    alike, so they can be computed once, before the variants."""
    out: dict[Num, None] = {}

    def visit(node: Node) -> None:
        if isinstance(node, Sum | Mul) and not any(
            isinstance(n, NumParam | StepRef) for n in walk(node)
        ):
            out[node] = None
            return
        for child in children(node):
            visit(child)

    for tree in trees:
        visit(tree)
    return list(out)


RELATIVE_TIE: float = 1e-9
"""Sides closer than this (relative) may have been ordered by rounding: settle them exactly."""


def _close(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    gap = (a - b).abs()
    scale = pl.max_horizontal(a.abs(), b.abs())
    # zero is exact: a sum or product of non-negative values is 0 only when it truly is
    both_zero = (a == 0) & (b == 0)
    close = a.is_finite() & b.is_finite() & (gap <= scale * RELATIVE_TIE) & ~both_zero
    return close.fill_null(False)


def _constant(node: Num, params: Mapping[str, Any]) -> tuple[float, float, float] | None:
    """A side that reads no fact, as the floats :func:`compile_num`'s expressions give for it
    (constants, parameters and their products); ``None`` for anything else, and for a swept
    parameter (a column: one value per row)."""
    match node:
        case Const(value):
            return (float(value),) * 3
        case NumParam(name):
            value = params[name]
            return None if isinstance(value, pl.Expr) else (float(value),) * 3
        case Mul(left, right):
            a, b = _constant(left, params), _constant(right, params)
            if a is None or b is None:
                return None
            low, high = a[1] * b[1], a[2] * b[2]
            return (a[0] * b[0], 0.0 if math.isnan(low) else low, 0.0 if math.isnan(high) else high)
    return None


def _close_floats(a: float, b: float) -> bool:
    """:func:`_close` for two known floats."""
    finite = math.isfinite(a) and math.isfinite(b)
    return finite and abs(a - b) <= max(abs(a), abs(b)) * RELATIVE_TIE and not a == b == 0


_BAND = 2.5 * RELATIVE_TIE
"""Wider than :data:`RELATIVE_TIE`: within ``RELATIVE_TIE`` of ``c`` relative to the larger side
means within ``RELATIVE_TIE / (1 - RELATIVE_TIE)`` of ``c`` relative to ``c`` (plus rounding)."""


def _close_to(side: pl.Expr, value: float) -> pl.Expr | None:
    """Rows where ``side`` may be close to the known ``value``: a band that holds every row
    :func:`_close` flags (and perhaps a few more, which are then settled exactly, to the same
    answer); ``None`` where nothing can be close: a side is never close to 0 (only 0 is, and
    two zeros are exact) nor to an infinite or NaN value."""
    if value == 0 or not math.isfinite(value):
        return None
    band = abs(value) * _BAND
    return side.is_between(value - band, value + band)


def _close_ratio(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Rows where two columns may be close: their ratio within :data:`_BAND` of 1. One
    division, a subtraction and a comparison, where :func:`_close` takes a dozen passes; it
    flags every row :func:`_close` does (there ``b`` is not 0 and ``|a/b − 1|`` is at most
    ``RELATIVE_TIE / (1 − RELATIVE_TIE)`` plus rounding), and never two zeros (0/0 is NaN),
    an infinite side (the ratio is 0, infinite or NaN) or a NaN. It may be null (a side is
    unknown): :func:`near_tie` reads null as no tie."""
    return ((a / b) - 1.0).abs() <= _BAND


def _pair(a: pl.Expr, b: pl.Expr, known_a: float | None, known_b: float | None) -> pl.Expr | None:
    if known_a is not None and known_b is not None:
        return pl.lit(True) if _close_floats(known_a, known_b) else None
    if known_b is not None:
        return _close_to(a, known_b)
    if known_a is not None:
        return _close_to(b, known_a)
    return _close_ratio(a, b)


def near_tie(trees: list[Bool], params: Mapping[str, Any], numbers: Numbers = None) -> pl.Expr:
    """True where some comparison in ``trees`` may be too close for floats to decide it.

    Two columns are checked with :func:`_close_ratio` (a superset of :func:`_close`'s rows in
    three passes). A column against a side that reads no fact (a
    threshold parameter, a constant, their product), the common case, is checked with one band
    around the known value, which flags every row :func:`_close` would (settling a row exactly
    that floats would have decided gives the same answer, only later); a known side of 0 or
    infinity needs no check at all."""
    checks: list[pl.Expr] = []
    for tree in trees:
        for node in walk(tree):
            if isinstance(node, Compare):
                (am, al, ah), (bm, bl, bh) = (
                    compile_num(node.left, params, numbers),
                    compile_num(node.right, params, numbers),
                )
                ka = _constant(node.left, params) or (None, None, None)
                kb = _constant(node.right, params) or (None, None, None)
                for check in (
                    _pair(am, bm, ka[0], kb[0]),
                    _pair(al, bh, ka[1], kb[2]),
                    _pair(ah, bl, ka[2], kb[1]),
                ):
                    if check is not None:
                        checks.append(check)
    if not checks:
        return pl.lit(False)
    return pl.any_horizontal(checks).fill_null(False)
