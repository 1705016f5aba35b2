"""Exact numbers for thresholds: no float rounding may decide a boundary.

A number in a facts file or a regime file is read as the decimal a person wrote: the shortest
decimal that gives back the same float (Python's ``repr``). ``1e26`` is exactly 10^26 and ``0.1``
exactly one tenth, so "more than a third" and "more than 10^26" are decided in rational
arithmetic (:class:`fractions.Fraction`), never by how a product happened to round.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

Exact = Fraction
"""A finite exact value."""

Bound = Fraction | float
"""An exact value, or ``math.inf`` for an upper bound that nothing limits."""


def exact(value: float | int | Fraction) -> Fraction:
    """The exact rational a written number stands for (see the module docstring)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Fraction(value)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return _from_float(float(value))


@lru_cache(maxsize=8192)
def _from_float(value: float) -> Fraction:
    return Fraction(repr(value))


def exact_bound(value: float | int | Fraction) -> Bound:
    """Like :func:`exact`, but ``inf`` stays the unbounded upper bound."""
    if isinstance(value, float) and math.isinf(value) and value > 0:
        return math.inf
    return exact(value)


def to_float(value: Bound | None) -> float | None:
    """The nearest float, for display and for the batch backend."""
    return None if value is None else float(value)
