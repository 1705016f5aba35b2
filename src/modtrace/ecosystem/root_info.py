"""Each original's (root's) columns in the population: its compute from Epoch and its size
from the first source that has one (Epoch, hub-stats, GGUF, the name, the architecture, the
family), with the ends of a family range where no size is known. Worked out beside the
derivatives' own columns (:func:`~modtrace.ecosystem.population.build_population`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from modtrace.ecosystem import sizes as a_sizes
from modtrace.ecosystem.families import family_ranges
from modtrace.ecosystem.sizes import (
    family_sizes,
    gguf_total,
    moe_flags,
    name_sizes,
    parse_sizes,
)
from modtrace.ecosystem.walk import ParentMap
from modtrace.registry.ingest.epoch import EpochModel, load_aliases, read_epoch, resolve

EpochInputs = tuple[list[EpochModel], dict[str, list[str]]]
"""Epoch's table and the reviewed aliases, read before the roots are known."""


def epoch_inputs(epoch_dir: Path | None) -> EpochInputs | None:
    if epoch_dir is None or not epoch_dir.exists():
        return None
    return read_epoch(epoch_dir), load_aliases()


def epoch_matches(roots: list[str], inputs: EpochInputs | None) -> pl.DataFrame:
    schema = {
        "root": pl.String,
        "epoch_compute": pl.Float64,
        "epoch_name": pl.String,
        "epoch_confidence": pl.Float64,
        "epoch_parameters": pl.Float64,
    }
    if inputs is None:
        return pl.DataFrame(schema=schema)
    epoch, aliases = inputs
    params = {m.name: m.parameters for m in epoch}
    matches = resolve(epoch, roots, aliases).matches
    if not matches:
        return pl.DataFrame(schema=schema)
    return (
        pl.DataFrame(
            [
                {
                    "root": m.hub_id,
                    "epoch_compute": m.compute,
                    "epoch_name": m.epoch_name,
                    "epoch_confidence": m.confidence,
                    "epoch_parameters": params.get(m.epoch_name),
                }
                for m in matches
            ],
            schema=schema,
        )
        .sort("epoch_confidence", descending=True, maintain_order=True)
        .unique("root", keep="first", maintain_order=True)
    )


def own_sizes(edges: pl.DataFrame, hub: pl.DataFrame | None) -> pl.DataFrame:
    """Sizes the models of ``edges`` (distinct) state themselves, as ``at`` (the model's row),
    ``model_id, size``: hub-stats' safetensors or GGUF total, or the size in the name of a
    quantization (``…-7B-GGUF``); a fine-tune's name too often names its data. Each distinct
    name is read once (:func:`~modtrace.ecosystem.sizes.parse_sizes`)."""
    rows = edges.select("model_id", "relation").with_row_index("at")
    quantized = rows.filter(pl.col("relation") == "quantized").select(
        "at", "model_id", pl.col("model_id").str.split("/").list.last().alias("name")
    )
    names = quantized["name"].unique().to_list()
    read = pl.DataFrame(
        {"name": names, "size": parse_sizes(names)}, schema={"name": pl.String, "size": pl.Float64}
    )
    named = quantized.join(read, on="name").select("at", "model_id", "size").drop_nulls()
    if hub is None:
        return named
    stated = hub.select(
        pl.col("id").alias("model_id"),
        pl.coalesce(
            pl.col("safetensors").struct.field("total").cast(pl.Float64),
            pl.col("gguf").map_elements(gguf_total, return_dtype=pl.Float64),
        ).alias("size"),
    ).drop_nulls()
    sized = stated["model_id"].implode()
    listed = rows.filter(pl.col("model_id").is_in(sized)).select("at", "model_id")
    # hub-stats' figure wins over the name's
    return pl.concat(
        [
            named.filter(~pl.col("model_id").is_in(sized)),
            listed.join(stated, on="model_id").select("at", "model_id", "size"),
        ]
    )


def root_family_sizes(
    edges: pl.DataFrame, hub: pl.DataFrame | None, graph: ParentMap | None = None
) -> pl.DataFrame:
    """:func:`~modtrace.ecosystem.sizes.family_sizes` from the sizes models state themselves,
    by ``root`` (``graph``: the parent map of ``edges``, as ``family_sizes`` takes it). Nothing
    here needs the roots, so it is worked out beside the walk to them."""
    return family_sizes(edges, own_sizes(edges, hub), graph).rename({"id": "root"})


def root_info(
    roots: list[str],
    hub: pl.DataFrame | None,
    epoch: EpochInputs | None,
    edges: pl.DataFrame,
    family: Callable[[], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Each root's compute from Epoch, and its size from the first source that has one;
    ``family`` gives :func:`root_family_sizes` where it is worked out elsewhere (asked for once
    the roots' names are read, so that it can be worked out meanwhile)."""
    info = pl.DataFrame({"root": roots}, schema={"root": pl.String})
    if hub is not None:
        stats = hub.select(
            pl.col("id").alias("root"),
            pl.col("safetensors").struct.field("total").cast(pl.Float64).alias("hub_parameters"),
            pl.col("gguf")
            .map_elements(gguf_total, return_dtype=pl.Float64)
            .alias("gguf_parameters"),
            pl.col("pipeline_tag").alias("root_pipeline_tag"),
            pl.col("tags").alias("root_tags"),
        )
        info = info.join(stats, on="root", how="left")
    else:
        info = info.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("hub_parameters"),
            pl.lit(None, dtype=pl.Float64).alias("gguf_parameters"),
            pl.lit(None, dtype=pl.String).alias("root_pipeline_tag"),
            pl.lit(None, dtype=pl.List(pl.String)).alias("root_tags"),
        )
    named = name_sizes(roots).rename({"id": "root"})
    matched = epoch_matches(roots, epoch)
    ranges = family_ranges(roots).rename({"id": "root"})
    info = (
        info.join(named, on="root", how="left")
        .join(matched, on="root", how="left")
        .join(root_family_sizes(edges, hub) if family is None else family(), on="root", how="left")
        .join(ranges, on="root", how="left")
    )
    sources = [
        ("epoch", "epoch_parameters"),
        ("hub-stats", "hub_parameters"),
        ("gguf", "gguf_parameters"),
        ("name", "name_parameters"),
        ("architecture", "architecture_parameters"),
        ("family", "family_parameters"),
    ]
    # A family range is no size: it fills the ends, never ``root_parameters``.
    source: pl.Expr = pl.when(pl.col("family_low").is_not_null()).then(pl.lit("family-range"))
    for label, column in reversed(sources):
        source = pl.when(pl.col(column).is_not_null()).then(pl.lit(label)).otherwise(source)
    moe = [
        named or stated is not None
        for named, stated in zip(
            moe_flags(info["root"].to_list(), info["root_tags"].to_list()),
            info["architecture_active"].to_list(),
            strict=True,
        )
    ]
    total = pl.coalesce(*(pl.col(c) for _, c in sources))
    info = info.with_columns(
        total.alias("root_parameters"),
        source.alias("root_parameters_source"),
        pl.Series("root_moe", moe, dtype=pl.Boolean),
    ).with_columns(
        pl.when(~pl.col("root_moe"))
        .then(pl.col("root_parameters"))
        .otherwise(
            pl.coalesce(
                pl.col("name_active"),
                pl.col("architecture_active"),
                pl.col("root_parameters") * a_sizes.MOE_ACTIVE_FRACTION_MIN,
            )
        )
        .alias("root_active_parameters")
    )
    return info.with_columns(
        pl.coalesce("root_parameters", "family_low").alias("root_parameters_low"),
        pl.coalesce("root_parameters", "family_high").alias("root_parameters_high"),
        pl.coalesce("root_active_parameters", "family_low").alias("root_active_low"),
        pl.coalesce("root_active_parameters", "family_high").alias("root_active_high"),
    )
