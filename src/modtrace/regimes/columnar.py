"""Compile expression trees to Polars expressions, for batches of many cases.

A Polars null is exactly "unknown": comparisons with null give null and ``&``/``|`` follow
Kleene's rules, so the semantics match :mod:`modtrace.regimes.scalar` node for node.

Numbers here are floats; the scalar evaluator's are exact. A comparison whose two sides lie
within a rounding error of each other is flagged by :func:`near_tie` and the batch settles those
rows with the exact evaluator (:mod:`modtrace.determination.batch`), so no rounding decides a
boundary in either backend.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
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
    Not,
    Num,
    NumFact,
    NumParam,
    Quantity,
    Recorded,
    Stated,
    StepRef,
    Sum,
    walk,
)

Triple = tuple[pl.Expr, pl.Expr, pl.Expr]


def step_column(step: str) -> str:
    """The batch column holding a step's answer."""
    return f"step.{step}"


def _lit(value: float) -> Triple:
    lit = pl.lit(value, dtype=pl.Float64)
    return (lit, lit, lit)


def compile_num(node: Num, params: Mapping[str, Any]) -> Triple:
    """Compile a numeric node to (central, low, high) expressions."""
    match node:
        case Const(value):
            return _lit(float(value))
        case NumParam(name):
            return _lit(float(params[name]))
        case NumFact(path):
            col = pl.col(path).cast(pl.Float64)
            return (col, col.fill_null(0.0), col.fill_null(math.inf))
        case Declared(path):
            col = pl.col(path).cast(pl.Float64).fill_null(0.0)
            return (col, col, col)
        case Quantity(name):
            return (pl.col(f"{name}.flop"), pl.col(f"{name}.low"), pl.col(f"{name}.high"))
        case Sum(items):
            parts = [compile_num(i, params) for i in items]
            return (
                pl.sum_horizontal([p[0] for p in parts], ignore_nulls=False),
                pl.sum_horizontal([p[1] for p in parts]),
                pl.sum_horizontal([p[2] for p in parts]),
            )
        case Mul(left, right):
            (am, al, ah), (bm, bl, bh) = compile_num(left, params), compile_num(right, params)
            return (am * bm, (al * bl).fill_nan(0.0), (ah * bh).fill_nan(0.0))
    raise TypeError(f"not a numeric node: {node!r}")  # pragma: no cover


def compile_bool(node: Bool, params: Mapping[str, Any]) -> pl.Expr:
    """Compile a boolean node to a nullable Boolean expression."""
    match node:
        case BoolFact(path):
            return pl.col(path).cast(pl.Boolean)
        case Recorded(path):
            return pl.col(path).cast(pl.Boolean).fill_null(False)
        case BoolParam(name):
            return pl.lit(bool(params[name]), dtype=pl.Boolean)
        case StepRef(step):
            return pl.col(step_column(step))
        case All(items):
            return pl.all_horizontal([compile_bool(i, params) for i in items])
        case AnyOf(items):
            return pl.any_horizontal([compile_bool(i, params) for i in items])
        case Not(item):
            return compile_bool(item, params).not_()
        case In(path, values):
            return pl.col(path).is_in(list(values))
        case HasAny(path, values):
            return pl.col(path).list.eval(pl.element().is_in(list(values))).list.any()
        case Compare(left, right, strict):
            (am, al, ah), (bm, bl, bh) = compile_num(left, params), compile_num(right, params)
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
            return compile_num(item, params)[0].is_not_null()
        case Stated(path):
            return pl.col(path).is_not_null()
        case FactOr(path, otherwise):
            return pl.coalesce(pl.col(path).cast(pl.Boolean), compile_bool(otherwise, params))
        case Before(path, day):
            return pl.col(path).cast(pl.Date) < pl.lit(day, dtype=pl.Date)
    raise TypeError(f"not a boolean node: {node!r}")  # pragma: no cover


RELATIVE_TIE: float = 1e-9
"""Sides closer than this (relative) may have been ordered by rounding: settle them exactly."""


def _close(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    gap = (a - b).abs()
    scale = pl.max_horizontal(a.abs(), b.abs())
    # zero is exact: a sum or product of non-negative values is 0 only when it truly is
    both_zero = (a == 0) & (b == 0)
    close = a.is_finite() & b.is_finite() & (gap <= scale * RELATIVE_TIE) & ~both_zero
    return close.fill_null(False)


def near_tie(trees: list[Bool], params: Mapping[str, Any]) -> pl.Expr:
    """True where some comparison in ``trees`` is too close for floats to decide it."""
    checks: list[pl.Expr] = []
    for tree in trees:
        for node in walk(tree):
            if isinstance(node, Compare):
                (am, al, ah), (bm, bl, bh) = (
                    compile_num(node.left, params),
                    compile_num(node.right, params),
                )
                checks.extend([_close(am, bm), _close(al, bh), _close(ah, bl)])
    if not checks:
        return pl.lit(False)
    return pl.any_horizontal(checks).fill_null(False)
