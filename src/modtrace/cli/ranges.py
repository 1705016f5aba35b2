"""``--range NAME=START:STOP:N[:log]`` for ``modtrace ecosystem sweep``, checked before any data
is loaded: the parameter must exist, every value must be a value the parameter may take, and
with ``:log`` START and STOP are powers of ten (``23:26`` is 1e23 to 1e26).
"""

from __future__ import annotations

from modtrace.errors import ParameterError
from modtrace.regimes.loader import parse_override
from modtrace.regimes.model import Regime

MAX_POINTS = 1000
"""Values one range may have."""
MAX_EXPONENT = 300
"""The largest power of ten a ``:log`` range may reach (a float overflows past 308)."""
SYNTAX = "expected NAME=START:STOP:N[:log], e.g. upstream_threshold_flop=23:26:50:log"


def _number(text: str, spec: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ParameterError([("--range", f"{SYNTAX}; got {spec!r}")]) from None


def parse_range(spec: str, regime: Regime) -> tuple[str, list[float]]:
    """One ``--range`` option: the parameter's name and its values."""
    name, _, values = spec.partition("=")
    name = name.strip()
    parts = values.split(":")
    if not name or len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] != "log"):
        raise ParameterError([("--range", f"{SYNTAX}; got {spec!r}")])
    start, stop = _number(parts[0], spec), _number(parts[1], spec)
    try:
        n = int(parts[2])
    except ValueError:
        raise ParameterError([("--range", f"N must be a whole number; got {parts[2]!r}")]) from None
    if not 2 <= n <= MAX_POINTS:
        raise ParameterError([("--range", f"N must be from 2 to {MAX_POINTS}; got {n}")])
    if len(parts) == 4:
        if not all(abs(x) <= MAX_EXPONENT for x in (start, stop)):
            raise ParameterError(
                [
                    (
                        "--range",
                        f"with :log, START and STOP are powers of ten from -{MAX_EXPONENT} to "
                        f"{MAX_EXPONENT} (23:26 means 1e23 to 1e26); got {parts[0]}:{parts[1]}",
                    )
                ]
            )
        step = (stop - start) / (n - 1)
        grid = [10 ** (start + i * step) for i in range(n)]
    else:
        grid = [start + i * (stop - start) / (n - 1) for i in range(n)]
    try:
        for value in (grid[0], grid[-1]):  # the ends bound every value between them
            parse_override(regime, name, value)
    except ParameterError as exc:
        raise ParameterError([("--range", f"{name}: {p}") for _, p in exc.issues]) from None
    return name, grid


def parse_ranges(specs: tuple[str, ...], regime: Regime) -> dict[str, list[float]]:
    """Every ``--range`` option; one or two parameters, each at most once."""
    grid: dict[str, list[float]] = {}
    for spec in specs:
        name, values = parse_range(spec, regime)
        if name in grid:
            raise ParameterError([("--range", f"{name} is given twice")])
        grid[name] = values
    if len(grid) > 2:
        raise ParameterError([("--range", "give one or two parameters")])
    return grid
