"""Assess many cases at once: regimes compiled to Polars expressions over a columnar frame.

The frame has one column per fact path (see :data:`modtrace.facts.FACT_COLUMNS`); absent
columns are treated as unknown. The result adds the compute estimates, one ``step.<id>``
column per step (true/false/null), ``outcome`` and ``role``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from modtrace.compute.frame import with_compute_estimates
from modtrace.facts.flatten import FACT_COLUMNS, Kind
from modtrace.regimes.columnar import compile_bool, step_column
from modtrace.regimes.model import Regime

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


def conform(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Cast known fact columns to their types and add absent ones as unknown (null)."""
    lazy = frame.lazy()
    present = set(lazy.collect_schema().names())
    return lazy.with_columns(
        [
            pl.col(path).cast(dtype) if path in present else pl.lit(None, dtype=dtype).alias(path)
            for path, dtype in FRAME_SCHEMA.items()
        ]
    )


def assess_lazy(frame: pl.DataFrame | pl.LazyFrame, regime: Regime) -> pl.LazyFrame:
    """The lazy plan that assesses every row of ``frame`` under ``regime``."""
    params = regime.param_values()
    lazy = with_compute_estimates(conform(frame))
    for step in regime.steps:
        expr = compile_bool(step.when, params)
        if step.exceptions:
            lifts = [compile_bool(e.when, params).not_() for e in step.exceptions]
            expr = pl.all_horizontal(expr, *lifts)
        lazy = lazy.with_columns(expr.alias(step_column(step.id)))
    scope = compile_bool(regime.scope, params)
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
        value = compile_bool(candidate.when, params)
        role = (
            pl.when(value.eq(True))
            .then(pl.lit(candidate.id))
            .when(value.is_null())
            .then(pl.lit(None, dtype=pl.String))
            .otherwise(role)
        )
    role = pl.when(scope.eq(True)).then(role).otherwise(pl.lit(None, dtype=pl.String))
    return lazy.with_columns(outcome.alias("outcome"), role.alias("role"))


def assess_frame(frame: pl.DataFrame | pl.LazyFrame, regime: Regime) -> pl.DataFrame:
    """Assess every row of ``frame`` under ``regime``."""
    return assess_lazy(frame, regime).collect()
