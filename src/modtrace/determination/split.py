"""One regime under many values of one parameter, each row's outcome per value, with what does
not read the parameter evaluated once (the band of the central estimate: every draw at every
threshold).

:func:`outcomes_at` gives exactly :func:`~modtrace.determination.batch.assess_lazy`'s outcomes
under each variant: the same expressions run on the same columns, split in two, and a row that
either half's near-tie screen flags is settled exactly under its variant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from modtrace.compute.frame import with_compute_estimates
from modtrace.determination.batch import (
    _TIE,
    FRAME_SCHEMA,
    Cached,
    _outcome_and_role,
    _settle_in_place,
    _settled_columns,
    _step_expr,
    _supplied,
    _trees,
    _typed,
    _variant_values,
)
from modtrace.regimes.columnar import (
    compile_num,
    near_tie,
    number_columns,
    shared_numbers,
    step_column,
)
from modtrace.regimes.expr import referenced_params, step_refs
from modtrace.regimes.model import Regime

__all__ = ["outcomes_at", "outcomes_over"]

_TIE_FIXED = "_modtrace_tie_fixed"


_NUMBER = "_modtrace_number"


class _Split:
    """:func:`outcomes_at`'s expressions, built once for frames with the same columns."""

    def __init__(
        self, present: set[str], variants: Sequence[Regime], parameter: str, cached: Cached
    ) -> None:
        values = _variant_values(variants, parameter)
        regime = self.regime = variants[0]
        self.variants = variants
        moving: set[str] = set()
        for step in regime.steps:
            trees = [step.when, *(e.when for e in step.exceptions)]
            if any(parameter in referenced_params(t) or moving & set(step_refs(t)) for t in trees):
                moving.add(step.id)
        reads = [parameter in referenced_params(t) for t in _trees(regime)]
        fixed_trees = [t for t, r in zip(_trees(regime), reads, strict=True) if not r]
        moving_trees = [t for t, r in zip(_trees(regime), reads, strict=True) if r]
        self.typed = [_typed(path, path in present) for path in FRAME_SCHEMA]
        self.names = present | FRAME_SCHEMA.keys()
        self.supplied = _supplied(self.names)
        fixed = [s for s in regime.steps if s.id not in moving]
        self.fixed = [_step_expr(step, values[0], cached) for step in fixed]
        settled = _settled_columns(regime, self.names, self.supplied, [], None)
        self.base = [*settled, *(step_column(s.id) for s in fixed)]
        self.base_tie = near_tie(fixed_trees, values[0]).alias(_TIE_FIXED)
        # The sums and products the moving trees share across variants, each computed once
        # with the base (the same expressions: the same floats) and read by every variant.
        moving_steps = [s for s in regime.steps if s.id in moving]
        shared = shared_numbers(
            [
                *moving_trees,
                *(t for s in moving_steps for t in (s.when, *(e.when for e in s.exceptions))),
            ]
        )
        numbers = {node: f"{_NUMBER}.{i}" for i, node in enumerate(shared)}
        self.numbers = [
            expr.alias(name)
            for node, prefix in numbers.items()
            for expr, name in zip(compile_num(node, values[0]), number_columns(prefix), strict=True)
        ]
        answers = [step_column(s.id) for s in regime.steps] + ["outcome", "role", _TIE]
        self.columns = settled + answers
        self.moving: list[tuple[list[pl.Expr], list[pl.Expr]]] = []
        for params in values:
            steps = [_step_expr(s, params, cached, numbers) for s in moving_steps]
            outcome, role = _outcome_and_role(regime, params, cached, numbers)
            tie = pl.col(_TIE_FIXED) | near_tie(moving_trees, params, numbers)
            self.moving.append((steps, [outcome, role, tie.alias(_TIE)]))

    def __call__(self, frame: pl.DataFrame | pl.LazyFrame) -> list[pl.Series]:
        lazy = with_compute_estimates(frame.lazy().with_columns(self.typed), self.names)
        for step in self.fixed:
            lazy = lazy.with_columns(step)
        base = lazy.select(*self.base, self.base_tie, *self.numbers).collect()
        out = []
        for variant, (steps, answers) in zip(self.variants, self.moving, strict=True):
            plan = base.lazy()
            for step in steps:
                plan = plan.with_columns(step)
            result = plan.with_columns(answers).select(self.columns).collect()
            out.append(_settle_in_place(result, [variant], self.supplied, None)["outcome"])
        return out


def outcomes_over(
    variants: Sequence[Regime], parameter: str, cached: Cached = None
) -> Callable[[pl.DataFrame], list[pl.Series]]:
    """:func:`outcomes_at` for many frames (a Monte Carlo's draws): the expressions are built
    once per schema and reused; ``cached`` as for
    :func:`~modtrace.determination.batch.assessor`."""
    _variant_values(variants, parameter)
    splits: dict[tuple[tuple[str, pl.DataType], ...], _Split] = {}

    def run(frame: pl.DataFrame) -> list[pl.Series]:
        key = tuple(frame.schema.items())
        if key not in splits:
            splits[key] = _Split(set(frame.columns), variants, parameter, cached)
        return splits[key](frame)

    return run


def outcomes_at(
    frame: pl.DataFrame | pl.LazyFrame, variants: Sequence[Regime], parameter: str
) -> list[pl.Series]:
    """Each row's ``outcome`` under each of ``variants`` (copies of one regime that differ in
    ``parameter`` alone), as :func:`assess_lazy` gives it under each, near ties included.

    What does not read ``parameter`` is evaluated once: the compute estimates, the steps that
    neither read it nor refer to a step that does, and the near-tie screen of the trees that do
    not read it. Each variant then adds only the steps that move with the parameter, the
    outcome and its own trees' screen; a row flagged by either screen is settled exactly under
    the variant, as in the full plan (the same expressions on the same columns, so the same
    answers)."""
    present = set(frame.lazy().collect_schema().names())
    return _Split(present, variants, parameter, None)(frame)
