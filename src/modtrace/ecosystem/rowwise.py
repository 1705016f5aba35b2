"""One population row decided by the single-case evaluator's own step logic.

The batch evaluator (``simulate.run``) decides the whole population at once; this decides one
row at a time over the same compute intervals, so the two can be checked against each other
(tests, ``bench/ecosystem.py``) and a single derivative's outcome can be re-derived by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from modtrace.compute.estimate import Estimate, make
from modtrace.compute.exact import exact, exact_bound
from modtrace.determination.decide import step_answer
from modtrace.regimes.model import Regime
from modtrace.regimes.scalar import Env, Tri, eval_bool

QUANTITIES = ("original.training_compute", "modification.compute")


def interval_estimate(row: Mapping[str, Any], quantity: str) -> Estimate:
    """The row's interval for ``quantity`` (``<q>.flop/.low/.high/.method`` columns), exact as
    the single-case evaluator reads it: a missing low is 0, a missing high unbounded."""
    flop, low, high = row[f"{quantity}.flop"], row[f"{quantity}.low"], row[f"{quantity}.high"]
    return make(
        quantity,
        None if flop is None else exact(flop),
        exact(0 if low is None else low),
        math.inf if high is None else exact_bound(high),
        row[f"{quantity}.method"],
        "",
        {},
    )


def decide_row(row: Mapping[str, Any], regime: Regime) -> Tri:
    """Whether the row is in scope (``None``: indeterminate), step by step."""
    env = Env(row, regime.param_values(), {q: interval_estimate(row, q) for q in QUANTITIES})
    for step in regime.steps:
        env.steps[step.id] = step_answer(step, env)[0]
    return eval_bool(regime.scope, env)
