"""Evaluate expression trees for one case, with Kleene's three-valued logic.

This is the single-case backend: no dataframe library is imported, so a CLI call stays fast.
:mod:`modtrace.regimes.columnar` compiles the same trees for batches; a property test proves
that both give the same answer for every generated case.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from modtrace.compute.estimate import QUANTITY_INPUTS, Estimate
from modtrace.compute.exact import Bound, exact
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
)

Tri = bool | None
"""A three-valued answer: True, False, or None for unknown."""

Interval = tuple[Fraction | None, Fraction, Bound]
"""(central value or None, low bound, high bound), exact; bounds are 0 and inf when unknown."""


def kleene_all(values: list[Tri]) -> Tri:
    """False if any is false; else unknown if any is unknown; else true."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def kleene_any(values: list[Tri]) -> Tri:
    """True if any is true; else unknown if any is unknown; else false."""
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


@dataclass
class Env:
    """What an evaluation reads: the flat facts row, parameter values, estimates, step answers."""

    row: Mapping[str, Any]
    params: Mapping[str, Any]
    quantities: Mapping[str, Estimate]
    steps: dict[str, Tri] = field(default_factory=dict)


_ZERO = Fraction(0)


def _point(value: float | None) -> Interval:
    if value is None:
        return (None, _ZERO, math.inf)
    v = exact(value)
    return (v, v, v)


def _product(a: Bound, b: Bound) -> Bound:
    return _ZERO if a == 0 or b == 0 else a * b


def eval_num(node: Num, env: Env) -> Interval:
    """Evaluate a numeric node to an interval."""
    match node:
        case Const(value):
            return _point(value)
        case NumFact(path):
            return _point(env.row.get(path))
        case Declared(path):
            declared = env.row.get(path)
            return _point(0 if declared is None else declared)
        case NumParam(name):
            return _point(env.params[name])
        case Quantity(name):
            est = env.quantities[name]
            return (est.exact_flop, est.exact_low, est.exact_high)
        case Sum(items):
            parts = [eval_num(i, env) for i in items]
            mids = [p[0] for p in parts]
            mid = None if any(m is None for m in mids) else sum((m for m in mids if m), _ZERO)
            high: Bound = _ZERO
            for p in parts:
                high = high + p[2]
            return (mid, sum((p[1] for p in parts), _ZERO), high)
        case Mul(left, right):
            (am, al, ah), (bm, bl, bh) = eval_num(left, env), eval_num(right, env)
            mid = None if am is None or bm is None else am * bm
            low = _product(al, bl)
            return (mid, low if isinstance(low, Fraction) else _ZERO, _product(ah, bh))
    raise TypeError(f"not a numeric node: {node!r}")  # pragma: no cover


def compare(left: Interval, right: Interval, *, strict: bool) -> Tri:
    """Interval comparison: bounds decide when they can, else central values, else unknown."""
    (am, al, ah), (bm, bl, bh) = left, right
    if (al > bh) if strict else (al >= bh):
        return True
    if (ah <= bl) if strict else (ah < bl):
        return False
    if am is None or bm is None:
        return None
    return am > bm if strict else am >= bm


def eval_bool(node: Bool, env: Env) -> Tri:
    """Evaluate a boolean node to True, False or None (unknown)."""
    match node:
        case BoolFact(path):
            value = env.row.get(path)
            return None if value is None else bool(value)
        case Recorded(path):
            return env.row.get(path) is True
        case BoolParam(name):
            return bool(env.params[name])
        case StepRef(step):
            return env.steps[step]
        case All(items):
            return kleene_all([eval_bool(i, env) for i in items])
        case AnyOf(items):
            return kleene_any([eval_bool(i, env) for i in items])
        case Not(item):
            value = eval_bool(item, env)
            return None if value is None else not value
        case In(path, values):
            value = env.row.get(path)
            return None if value is None else value in values
        case HasAny(path, values):
            value = env.row.get(path)
            return None if value is None else any(v in values for v in value)
        case Compare(left, right, strict):
            return compare(eval_num(left, env), eval_num(right, env), strict=strict)
        case Known(item):
            return eval_num(item, env)[0] is not None
        case Stated(path):
            return env.row.get(path) is not None
        case FactOr(path, otherwise):
            value = env.row.get(path)
            return eval_bool(otherwise, env) if value is None else bool(value)
        case Before(path, day):
            value = env.row.get(path)
            return None if value is None else value < day
    raise TypeError(f"not a boolean node: {node!r}")  # pragma: no cover


def _missing_num(node: Num, env: Env, out: dict[str, None]) -> None:
    match node:
        case NumFact(path) if env.row.get(path) is None:
            out[path] = None
        case Quantity(name) if not env.quantities[name].known:
            for path in QUANTITY_INPUTS[name]:
                if env.row.get(path) is None:
                    out[path] = None
        case Sum(items):
            for item in items:
                _missing_num(item, env, out)
        case Mul(left, right):
            _missing_num(left, env, out)
            _missing_num(right, env, out)
        case _:
            pass


def missing_facts(node: Bool, env: Env, step_expr: Callable[[str], Bool]) -> list[str]:
    """Unknown facts that keep ``node`` unknown: settling them could decide it.

    Only sub-expressions that are themselves unknown are followed, so a fact behind a branch
    that is already decided is not asked for. Inside such a branch, a fact read with ``stated``
    that is absent is asked for too: stating it (e.g. the original's systemic-risk status)
    replaces the presumption that left the branch open.
    """
    out: dict[str, None] = {}

    def stated_path(n: Bool) -> str | None:
        match n:
            case Stated(path) | Not(Stated(path)) if env.row.get(path) is None:
                return path
        return None

    def visit(n: Bool) -> None:
        if eval_bool(n, env) is not None:
            return
        match n:
            case BoolFact(path) | In(path, _) | HasAny(path, _) | Before(path, _):
                out[path] = None
            case FactOr(path, otherwise):
                out[path] = None
                visit(otherwise)
            case StepRef(step):
                visit(step_expr(step))
            case All(items) | AnyOf(items):
                for item in items:
                    if (stated := stated_path(item)) is not None:
                        out[stated] = None
                    visit(item)
            case Not(item):
                visit(item)
            case Compare(left, right, _):
                _missing_num(left, env, out)
                _missing_num(right, env, out)
            case _:
                pass

    visit(node)
    return list(out)
