"""Build the population of Hub derivatives: one row per derived model, with its root original,
the original's training compute and the modification's compute as intervals, and a flag for
safeguard removal. Every estimate records its method (docs/ecosystem.md)."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl

from modtrace.ecosystem import assumptions as a
from modtrace.ecosystem.safeguards import flag_expr, term_expr
from modtrace.ecosystem.snapshot import read_weeks
from modtrace.registry.ingest.epoch import load_aliases, read_epoch, resolve

MAX_DEPTH = 30
SIZE_IN_NAME = r"(?i)(?:^|[^a-z0-9.])(?:(\d+)x)?(\d+(?:\.\d+)?)([bm])(?:[^a-z]|$)"


def namespace(column: str) -> pl.Expr:
    """The Hub namespace (developer) of an id column."""
    return pl.col(column).str.split("/").list.first()


def size_from_name(column: str) -> pl.Expr:
    """Parameters from a size in the name (``-7B``, ``8x7B``, ``270M``), else null."""
    parts = pl.col(column).str.split("/").list.last().str.extract_groups(SIZE_IN_NAME)
    experts = parts.struct.field("1").cast(pl.Float64).fill_null(1.0)
    number = parts.struct.field("2").cast(pl.Float64)
    unit = pl.when(parts.struct.field("3").str.to_lowercase() == "b").then(1e9).otherwise(1e6)
    return experts * number * unit


def resolve_roots(edges: pl.DataFrame) -> pl.DataFrame:
    """``model_id -> root, depth, cyclic`` following each model's first declared base upwards."""
    parent_of = edges.select("model_id", "parent")
    state = parent_of.rename({"parent": "root"}).with_columns(
        pl.lit(1).alias("depth"), pl.lit(False).alias("cyclic")
    )
    for _ in range(MAX_DEPTH):
        stepped = state.join(
            parent_of.rename({"model_id": "root", "parent": "up"}), on="root", how="left"
        )
        moving = stepped["up"].is_not_null() & (stepped["up"] != stepped["model_id"])
        if not moving.any():
            break
        state = stepped.with_columns(
            pl.when(moving).then(pl.col("up")).otherwise(pl.col("root")).alias("root"),
            pl.when(moving).then(pl.col("depth") + 1).otherwise(pl.col("depth")).alias("depth"),
            (pl.col("cyclic") | (pl.col("up") == pl.col("model_id")).fill_null(False)).alias(
                "cyclic"
            ),
        ).drop("up")
    else:
        state = state.with_columns(pl.lit(True).alias("cyclic"))  # still climbing: a loop
    return state


def _root_info(roots: list[str], hub_stats: Path | None, epoch_dir: Path | None) -> pl.DataFrame:
    info = pl.DataFrame({"root": roots}, schema={"root": pl.String})
    if hub_stats is not None and hub_stats.exists():
        stats = (
            pl.read_parquet(hub_stats, columns=["id", "safetensors", "pipeline_tag"])
            .select(
                pl.col("id").alias("root"),
                pl.col("safetensors")
                .struct.field("total")
                .cast(pl.Float64)
                .alias("hub_parameters"),
                pl.col("pipeline_tag").alias("root_pipeline_tag"),
            )
            .unique("root")
        )
        info = info.join(stats, on="root", how="left")
    else:
        info = info.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("hub_parameters"),
            pl.lit(None, dtype=pl.String).alias("root_pipeline_tag"),
        )
    compute = pl.DataFrame(
        schema={
            "root": pl.String,
            "epoch_compute": pl.Float64,
            "epoch_name": pl.String,
            "epoch_confidence": pl.Float64,
        }
    )
    if epoch_dir is not None and epoch_dir.exists():
        matches = resolve(read_epoch(epoch_dir), roots, load_aliases()).matches
        if matches:
            compute = (
                pl.DataFrame(
                    [
                        {
                            "root": m.hub_id,
                            "epoch_compute": m.compute,
                            "epoch_name": m.epoch_name,
                            "epoch_confidence": m.confidence,
                        }
                        for m in matches
                    ]
                )
                .sort("epoch_confidence", descending=True)
                .unique("root", keep="first")
            )
    return info.join(compute, on="root", how="left").with_columns(
        pl.coalesce("hub_parameters", size_from_name("root")).alias("root_parameters"),
        pl.when(pl.col("hub_parameters").is_not_null())
        .then(pl.lit("hub-stats"))
        .when(size_from_name("root").is_not_null())
        .then(pl.lit("name"))
        .alias("root_parameters_source"),
    )


def _signal_text(hub_stats: Path | None) -> pl.DataFrame:
    """Tags and card front matter (as text) for the models hub-stats describes."""
    if hub_stats is None or not hub_stats.exists():
        return pl.DataFrame(schema={"model_id": pl.String, "hub_text": pl.String})
    return (
        pl.read_parquet(hub_stats, columns=["id", "tags", "cardData"])
        .select(
            pl.col("id").alias("model_id"),
            pl.concat_str(
                [pl.col("tags").list.join(" ").fill_null(""), pl.col("cardData").fill_null("")],
                separator=" ",
            ).alias("hub_text"),
        )
        .unique("model_id")
    )


def _interval(
    prefix: str, mid: pl.Expr, low: pl.Expr, high: pl.Expr, method: pl.Expr
) -> list[pl.Expr]:
    return [
        mid.alias(f"{prefix}.flop"),
        low.fill_null(0.0).alias(f"{prefix}.low"),
        high.fill_null(math.inf).alias(f"{prefix}.high"),
        method.alias(f"{prefix}.method"),
    ]


def build_population(
    lineage_dir: Path, hub_stats: Path | None = None, epoch_dir: Path | None = None
) -> pl.DataFrame:
    """One row per derivative added in the snapshot, with every estimate and its method."""
    added = read_weeks(lineage_dir, "added")
    derived = (
        added.filter(pl.col("bases").list.len() > 0)
        .with_columns(
            pl.col("bases").list.first().alias("parent"),
            pl.when(pl.col("relation") == "")
            .then(pl.lit("other"))
            .otherwise(pl.col("relation"))
            .alias("relation"),
        )
        .filter(pl.col("parent") != pl.col("model_id"))
    )
    roots = resolve_roots(derived)
    pop = (
        derived.join(roots, on="model_id", how="left")
        .join(_signal_text(hub_stats), on="model_id", how="left")
        .with_columns(
            pl.concat_str(
                [pl.col("model_id"), pl.col("hub_text").fill_null("")], separator=" "
            ).alias("signal_text")
        )
    )
    info = _root_info(pop["root"].unique().to_list(), hub_stats, epoch_dir)
    pop = pop.join(info, on="root", how="left")

    n = pl.col("root_parameters")
    tokens_low, tokens_high = a.FINETUNE_TOKENS
    rel = pl.col("relation")
    trains_nothing = rel.is_in(["merge", "quantized"])
    full_low, full_high = a.FULL_FLOP_PER_TOKEN_PARAM
    adapter_low, adapter_high = a.ADAPTER_FLOP_PER_TOKEN_PARAM
    mod_low = (
        pl.when(trains_nothing)
        .then(0.0)
        .when(rel == "finetune")
        .then(full_low * n * tokens_low)
        .when(rel == "adapter")
        .then(adapter_low * n * tokens_low)
        .otherwise(0.0)
    )
    mod_high = (
        pl.when(trains_nothing)
        .then(0.0)
        .when(rel == "adapter")
        .then(adapter_high * n * tokens_high)
        .otherwise(full_high * n * tokens_high)
    )
    root_low = 6.0 * n * (a.TOKENS_PER_PARAMETER_MIN * n)
    root_high = 8.0 * n * a.PRETRAINING_TOKENS_MAX
    has_epoch = pl.col("epoch_compute").is_not_null()

    return pop.with_columns(
        pl.col("model_id").alias("derived_model"),
        namespace("model_id").alias("developer"),
        namespace("root").alias("root_developer"),
        *_interval(
            "original.training_compute",
            pl.when(has_epoch).then(pl.col("epoch_compute")),
            pl.when(has_epoch).then(pl.col("epoch_compute")).otherwise(root_low),
            pl.when(has_epoch).then(pl.col("epoch_compute")).otherwise(root_high),
            pl.when(has_epoch)
            .then(pl.lit("epoch"))
            .when(n.is_not_null())
            .then(pl.lit("parameters-range")),
        ),
        *_interval(
            "modification.compute",
            pl.when(trains_nothing).then(0.0),
            mod_low,
            mod_high,
            pl.when(trains_nothing)
            .then(pl.lit("no-training"))
            .when(n.is_not_null())
            .then(pl.lit("assumed-range")),
        ),
        flag_expr("signal_text").alias("safeguard_removal"),
        term_expr("signal_text").alias("safeguard_term"),
    ).with_columns(
        (pl.col("developer") == pl.col("root_developer")).alias("same_developer_as_root"),
    )
