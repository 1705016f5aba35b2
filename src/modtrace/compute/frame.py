"""The same compute conventions as :mod:`modtrace.compute.estimate`, as Polars expressions.

Used for batches; ``tests/compute/test_frame.py`` proves both forms agree case by case.
Each quantity yields three columns: ``<quantity>.flop``, ``.low``, ``.high`` and ``.method``.
"""

from __future__ import annotations

import math
from collections.abc import Collection

import polars as pl

from modtrace.compute.conventions import (
    ADAPTER_FACTORS,
    FULL_FACTORS,
    MAX_FLOP_PER_USD,
    MIN_ACTIVE_SHARE,
    SECONDS_PER_HOUR,
    TRAINING_FACTS,
    TRAINS_NOTHING,
    UNKNOWN_METHOD_FACTORS,
)
from modtrace.compute.estimate import DISTILLATION, MODIFICATION, ORIGINAL

_ADAPTER_METHODS = ["lora", "qlora"]


def _by_method(method: pl.Expr, index: int) -> pl.Expr:
    full, adapter, unknown = (
        FULL_FACTORS[index],
        ADAPTER_FACTORS[index],
        UNKNOWN_METHOD_FACTORS[index],
    )
    return (
        pl.when(method == "full")
        .then(pl.lit(full, dtype=pl.Float64))
        .when(method.is_in(_ADAPTER_METHODS))
        .then(pl.lit(adapter, dtype=pl.Float64))
        .otherwise(pl.lit(unknown, dtype=pl.Float64))
    )


def _parameters(prefix: str) -> tuple[pl.Expr, pl.Expr]:
    """N for 6·N·D (active if known, else total) and the share applied to the low end."""
    active, total = pl.col(f"{prefix}parameters_active"), pl.col(f"{prefix}parameters")
    share = (
        pl.when(active.is_not_null())
        .then(pl.lit(1.0))
        .when(total.is_not_null())
        .then(pl.lit(MIN_ACTIVE_SHARE))
    )
    return pl.coalesce(active, total), share


def modification_compute_exprs() -> list[pl.Expr]:
    """Columns for the modification compute estimate."""
    measured = pl.col("modification.compute_flop")
    techniques = pl.col("modification.techniques")
    no_training = (
        techniques.list.eval(pl.element().is_in(sorted(TRAINS_NOTHING))).list.all().fill_null(False)
    ) & pl.all_horizontal([pl.col(p).is_null() for p in TRAINING_FACTS])
    distilled = techniques.list.contains(DISTILLATION).fill_null(False)
    own_n, own_share = _parameters("modification.training.")
    orig_n, orig_share = _parameters("original.")
    n = pl.coalesce(own_n, pl.when(~distilled).then(orig_n))
    share = pl.coalesce(own_share, pl.when(~distilled).then(orig_share))
    method = pl.col("modification.training.method")
    tokens = pl.coalesce(pl.col("modification.training.tokens"), pl.col("modification.data.tokens"))
    base = n * tokens * pl.col("modification.training.epochs")
    arch_mid = _by_method(method, 1) * base
    arch_low = _by_method(method, 0) * base * share
    arch_high = _by_method(method, 2) * base
    ceiling = (
        pl.col("modification.hardware.accelerator_hours")
        * SECONDS_PER_HOUR
        * pl.col("modification.hardware.peak_flop_per_s")
    )
    hw_mid = ceiling * pl.col("modification.hardware.utilization")
    hw_low = pl.coalesce(hw_mid, pl.when(ceiling.is_not_null()).then(0.0))
    hw_high = pl.coalesce(hw_mid, ceiling)
    cost_high = pl.col("modification.cost_usd") * MAX_FLOP_PER_USD

    has_measured = measured.is_not_null()
    has_arch = arch_mid.is_not_null()
    has_hw = hw_mid.is_not_null()

    def pick(m: pl.Expr, nt: pl.Expr, a: pl.Expr, h: pl.Expr, rest: pl.Expr) -> pl.Expr:
        return (
            pl.when(has_measured)
            .then(m)
            .when(no_training)
            .then(nt)
            .when(has_arch)
            .then(a)
            .when(has_hw)
            .then(h)
            .otherwise(rest)
        )

    zero = pl.lit(0.0)
    q = MODIFICATION
    return [
        pick(measured, zero, arch_mid, hw_mid, pl.lit(None, dtype=pl.Float64)).alias(f"{q}.flop"),
        pick(
            measured,
            zero,
            arch_low,
            hw_mid,
            pl.max_horizontal(
                arch_low, hw_low, pl.when(cost_high.is_not_null()).then(0.0)
            ).fill_null(0.0),
        ).alias(f"{q}.low"),
        pick(
            measured,
            zero,
            arch_high,
            hw_mid,
            pl.min_horizontal(arch_high, hw_high, cost_high).fill_null(math.inf),
        ).alias(f"{q}.high"),
        pick(
            pl.lit("measured"),
            pl.lit("no-training"),
            pl.lit("architecture"),
            pl.lit("hardware"),
            pl.when(base.is_not_null() | ceiling.is_not_null() | cost_high.is_not_null()).then(
                pl.lit("bounds")
            ),
        ).alias(f"{q}.method"),
    ]


def original_compute_exprs() -> list[pl.Expr]:
    """Columns for the original model's training compute estimate."""
    measured = pl.col("original.training_compute_flop")
    n, share = _parameters("original.")
    base = n * pl.col("original.training_tokens")
    k_low, k_mid, k_high = FULL_FACTORS
    q = ORIGINAL
    return [
        pl.coalesce(measured, k_mid * base).alias(f"{q}.flop"),
        pl.coalesce(measured, k_low * base * share, pl.lit(0.0)).alias(f"{q}.low"),
        pl.coalesce(measured, k_high * base, pl.lit(math.inf)).alias(f"{q}.high"),
        pl.when(measured.is_not_null())
        .then(pl.lit("measured"))
        .when(base.is_not_null())
        .then(pl.lit("architecture"))
        .alias(f"{q}.method"),
    ]


def with_compute_estimates(
    frame: pl.LazyFrame, names: Collection[str] | None = None
) -> pl.LazyFrame:
    """Add both quantities' columns to a frame of flat facts (whose column ``names`` the
    caller may pass when it knows them, saving a schema resolution).

    A quantity whose four columns the frame already holds is kept as given: a caller with other
    evidence (e.g. the ecosystem's population estimates) supplies its own intervals.
    """
    present = set(frame.collect_schema().names() if names is None else names)
    exprs = []
    for quantity, make in (
        (MODIFICATION, modification_compute_exprs),
        (ORIGINAL, original_compute_exprs),
    ):
        if not {f"{quantity}.{part}" for part in ("flop", "low", "high", "method")} <= present:
            exprs.extend(make())
    return frame.with_columns(*exprs) if exprs else frame
