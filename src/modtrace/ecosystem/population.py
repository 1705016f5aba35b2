"""Build the population of Hub derivatives: one row per derived model, with its root original,
the original's training compute and the modification's compute as intervals, and a flag for
safeguard removal. Every estimate records its method (docs/ecosystem.md)."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from modtrace.ecosystem import assumptions as a
from modtrace.ecosystem.root_info import epoch_inputs, root_family_sizes, root_info
from modtrace.ecosystem.roots import resolve_roots
from modtrace.ecosystem.safeguards import flag_expr, inherited, term_expr
from modtrace.ecosystem.sizes import (
    parse_size,
)
from modtrace.ecosystem.snapshot import kept_listings, last_deleted_weeks, read_listings
from modtrace.ecosystem.walk import ParentMap, parent_map
from modtrace.registry.ingest.relations import infer_relations

__all__ = ["build_population", "namespace", "resolve_roots", "size_from_name"]


def namespace(column: str) -> pl.Expr:
    """The Hub namespace (developer) of an id column."""
    return pl.col(column).str.split("/").list.first()


def size_from_name(column: str) -> pl.Expr:
    """Parameters from a size in the name (``-7B``, ``8x7B``, ``270M``, ``1b7``), else null.

    The grammar lives in :func:`modtrace.ecosystem.sizes.parse_size`.
    """
    return pl.col(column).map_elements(parse_size, return_dtype=pl.Float64)


def _hub_frame(hub_stats: Path | None) -> pl.DataFrame | None:
    if hub_stats is None or not hub_stats.exists():
        return None
    return pl.read_parquet(
        hub_stats,
        columns=["id", "safetensors", "gguf", "pipeline_tag", "tags", "cardData", "baseModels"],
    ).unique("id", keep="first", maintain_order=True)


def hub_edges(hub: pl.DataFrame | None) -> pl.DataFrame:
    """``model_id, parent, relation, edge_source`` from hub-stats' declared base models."""
    schema = {
        "model_id": pl.String,
        "parent": pl.String,
        "relation": pl.String,
        "edge_source": pl.String,
    }
    if hub is None:
        return pl.DataFrame(schema=schema)
    return (
        hub.select(
            pl.col("id").alias("model_id"),
            pl.col("baseModels")
            .struct.field("models")
            .list.first()
            .struct.field("id")
            .alias("parent"),
            pl.col("baseModels").struct.field("relation").fill_null("other").alias("relation"),
            pl.lit("hub-stats").alias("edge_source"),
        )
        .filter(pl.col("parent").is_not_null() & (pl.col("parent") != pl.col("model_id")))
        .cast(schema)  # type: ignore[arg-type]
    )


def _signal_text(hub: pl.DataFrame | None) -> pl.DataFrame:
    """Tags and card front matter (as text) for the models hub-stats describes."""
    if hub is None:
        return pl.DataFrame(schema={"model_id": pl.String, "hub_text": pl.String})
    return hub.select(
        pl.col("id").alias("model_id"),
        pl.concat_str(
            [pl.col("tags").list.join(" ").fill_null(""), pl.col("cardData").fill_null("")],
            separator=" ",
        ).alias("hub_text"),
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


def derivatives(lineage_dir: Path, listings: pl.DataFrame | None = None) -> pl.DataFrame:
    """Models added in the snapshot that declare a base: ``model_id, relation, bases, parent,
    week``; self-loops dropped, an undeclared relation with a base becomes ``other``.

    ``listings`` is the ``added`` listings (:func:`~modtrace.ecosystem.snapshot.read_listings`)
    when already read."""
    listings = read_listings(lineage_dir, "added") if listings is None else listings
    return _derived(listings).drop("last_week")


def _derived(listings: pl.DataFrame) -> pl.DataFrame:
    """:func:`derivatives` with each one's ``last_week`` listed as added (read from the models
    listed once as they are: only the kept listings that name a base are split)."""
    return (
        kept_listings(listings, based_only=True)
        .lazy()  # one filter for both tests (a model without a base has no parent)
        .with_columns(
            pl.col("bases").list.first().alias("parent"),
            pl.when(pl.col("relation") == "")
            .then(pl.lit("other"))
            .otherwise(pl.col("relation"))
            .alias("relation"),
        )
        .filter((pl.col("bases").list.len() > 0) & (pl.col("parent") != pl.col("model_id")))
        .collect()
    )


def lineage_edges(derived: pl.DataFrame, hub: pl.DataFrame | None) -> pl.DataFrame:
    """First-base edges: the snapshot's, then hub-stats' for models the snapshot gives none;
    one row per model when ``derived`` has one (as :func:`derivatives` does).

    The snapshot's few thousand models that hub-stats also describes are found by looking its
    ids up among hub-stats' rather than the other way round (a set of thousands, not of
    hundreds of thousands)."""
    snapshot = derived.select(
        "model_id", "parent", "relation", pl.lit("hf-lineage").alias("edge_source")
    )
    extra = hub_edges(hub)
    listed = snapshot["model_id"].filter(snapshot["model_id"].is_in(extra["model_id"].implode()))
    extra = extra.filter(~pl.col("model_id").is_in(listed.implode()))
    return pl.concat([snapshot, extra])


def _with_roots(derived: pl.DataFrame, roots: pl.DataFrame) -> pl.DataFrame:
    """``derived`` left-joined with its roots; the roots of the edges built from ``derived``
    come in its order, so they are laid beside it when the ids line up."""
    head = roots.head(derived.height)
    ids = derived["model_id"]
    if head.height == derived.height and not ids.null_count() and head["model_id"].equals(ids):
        return pl.concat([derived, head.drop("model_id")], how="horizontal")
    return derived.join(roots, on="model_id", how="left", maintain_order="left")


def build_population(
    lineage_dir: Path, hub_stats: Path | None = None, epoch_dir: Path | None = None
) -> pl.DataFrame:
    """One row per derivative added in the snapshot, with every estimate and its method."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Each input is read, and each part worked out, as soon as what it needs is there:
        # hub-stats, the deletions (Polars) and Epoch's table (Python) beside the listings;
        # the family sizes (from the sizes models state: mostly Python) once the edges are
        # known, beside the walk to the roots; the roots' sizes and compute (name grammar,
        # families, Epoch matching: mostly Python) beside the per-derivative columns (Polars,
        # which releases the GIL), the family sizes asked for last. Those columns go on before
        # the join and are laid after the roots' columns.
        stats = pool.submit(_hub_frame, hub_stats)
        deleted = pool.submit(last_deleted_weeks, lineage_dir)
        epoch = pool.submit(epoch_inputs, epoch_dir)
        derived = _derived(read_listings(lineage_dir, "added"))
        named = pool.submit(_names, derived)  # Polars: beside the walks' NumPy and Python
        hub = stats.result()
        edges = lineage_edges(derived, hub)
        # One row per model: the three walks up the edges (roots, family sizes, inherited
        # signals) share one parent map.
        graph = parent_map(edges["model_id"], edges["parent"])
        family = pool.submit(root_family_sizes, edges, hub, graph)
        pop = _with_roots(derived, resolve_roots(edges, graph))
        root_ids = pop["root"].unique().sort()
        roots = root_ids.to_list()
        # Submitted after what it waits for, so that a worker is never held waiting for a
        # task still queued behind it.
        info = pool.submit(
            lambda: root_info(roots, hub, epoch.result(), edges, family.result).with_columns(
                namespace("root").alias("_root_developer")  # once a root, not once a row
            )
        )
        pop = _listed_columns(pop, deleted.result(), hub)
        before = pop.columns
        developers, inferred = named.result()
        pop = _shown_columns(pop, edges, graph, root_ids, inferred)
        own = [c for c in pop.columns if c not in before]
        pop = pop.join(info.result(), on="root", how="left", maintain_order="left")
    pop = pop.select(pl.exclude(own), *own)

    # A point size gives equal ends; a family range (``family-range``) its two ends.
    n = pl.col("root_parameters_high")
    active = pl.col("root_active_low")
    tokens_low, tokens_high = a.FINETUNE_TOKENS
    rel = pl.col("relation")
    trains_nothing = rel.is_in(["merge", "quantized"])
    full_low, full_high = a.FULL_FLOP_PER_TOKEN_PARAM
    adapter_low, adapter_high = a.ADAPTER_FLOP_PER_TOKEN_PARAM
    # Lower bounds train only the active parameters (a mixture of experts); upper bounds all.
    mod_low = (
        pl.when(trains_nothing)
        .then(0.0)
        .when(rel == "finetune")
        .then(full_low * active * tokens_low)
        .when(rel == "adapter")
        .then(adapter_low * active * tokens_low)
        .otherwise(0.0)
    )
    mod_high = (
        pl.when(trains_nothing)
        .then(0.0)
        .when(rel == "adapter")
        .then(adapter_high * n * tokens_high)
        .otherwise(full_high * n * tokens_high)
    )
    root_low = 6.0 * active * (a.TOKENS_PER_PARAMETER_MIN * active)
    root_high = 8.0 * pl.col("root_active_high") * a.PRETRAINING_TOKENS_MAX
    ranged = pl.col("root_parameters").is_null() & n.is_not_null()
    has_epoch = pl.col("epoch_compute").is_not_null()

    return (
        pop.with_columns(
            pl.col("model_id").alias("derived_model"),
            developers.alias("developer"),  # namespace("model_id"), rows in order
            pl.col("_root_developer").alias("root_developer"),
            *_interval(
                "original.training_compute",
                pl.when(has_epoch).then(pl.col("epoch_compute")),
                pl.when(has_epoch).then(pl.col("epoch_compute")).otherwise(root_low),
                pl.when(has_epoch).then(pl.col("epoch_compute")).otherwise(root_high),
                pl.when(has_epoch)
                .then(pl.lit("epoch"))
                .when(ranged)
                .then(pl.lit("family-range"))
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
                .when(ranged)
                .then(pl.lit("family-range"))
                .when(n.is_not_null())
                .then(pl.lit("assumed-range")),
            ),
        )
        .with_columns(
            (pl.col("developer") == pl.col("root_developer")).alias("same_developer_as_root"),
        )
        .drop("_root_developer")
    )


def _names(derived: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """Each derivative's developer (:func:`namespace`) and the relation its name suggests
    (:func:`~modtrace.registry.ingest.relations.infer_relations`), in ``derived``'s order: the
    ids are split at their slashes once for both."""
    parts = derived["model_id"].str.split("/")
    inferred = infer_relations(derived["model_id"], derived["bases"].list.len(), parts.list.last())
    return parts.list.first(), inferred


def _listed_columns(
    pop: pl.DataFrame, last_deleted: pl.DataFrame | None, hub: pl.DataFrame | None
) -> pl.DataFrame:
    """``pop`` (derivatives with their roots and ``last_week`` listed as added) with each
    one's deletion and signal text. ``last_deleted`` is
    :func:`~modtrace.ecosystem.snapshot.last_deleted_weeks`: a deletion counts unless the
    model was listed as added again after it (the test of
    :func:`~modtrace.ecosystem.snapshot.last_deletions`, whose group-by over every listing
    ``last_week`` spares)."""
    if last_deleted is None:
        deleted_at = pl.lit(None, dtype=pl.Date)
    else:
        weeks = pop.select("model_id", "last_week").join(
            last_deleted, on="model_id", how="left", maintain_order="left"
        )
        deleted_at = pl.when(weeks["last_week"] <= weeks["deleted_at"]).then(weeks["deleted_at"])
    return (
        pop.drop("last_week")
        .with_columns(deleted_at.alias("deleted_at"))
        .join(_signal_text(hub), on="model_id", how="left", maintain_order="left")
        .with_columns(
            pl.concat_str(
                [pl.col("model_id"), pl.col("hub_text").fill_null("")], separator=" "
            ).alias("signal_text")
        )
    )


def _shown_columns(
    pop: pl.DataFrame,
    edges: pl.DataFrame,
    graph: ParentMap | None = None,
    roots: pl.Series | None = None,
    inferred: pl.Series | None = None,
) -> pl.DataFrame:
    """``pop`` with what each derivative shows itself: the relation its name suggests and the
    safeguard-removal signals, direct and inherited. Nothing here reads the roots' sizes or
    compute, so it runs beside :func:`root_info`. ``roots`` is ``pop``'s distinct roots when
    already known, ``inferred`` the relations their names suggest (:func:`_names`) when already
    worked out."""
    shown = (
        infer_relations(pop["model_id"], pop["bases"].list.len()) if inferred is None else inferred
    )
    inferred_rel = pl.col("relation_inferred")
    pop = pop.with_columns(shown.alias("relation_inferred")).with_columns(
        (  # the same test as relations.disagrees, as an expression
            inferred_rel.is_not_null()
            & (pl.col("relation") != inferred_rel)
            & (pl.col("relation") != "other")
            & ~((pl.col("relation") == "quantized") & (inferred_rel == "merge"))
        ).alias("relation_disputed")
    )
    pop = pop.with_columns(flag_expr("signal_text").alias("safeguard_removal"))
    hits = pop["safeguard_removal"].arg_true()  # the term is read where a rule matched only
    hit_text = pop.select(pl.col("signal_text").gather(hits))
    pop = pop.with_columns(
        pl.repeat(None, pop.height, dtype=pl.String, eager=True)
        .alias("safeguard_term")
        .scatter(hits, hit_text.select(term_expr("signal_text")).to_series())
    )
    flagged = set(pop["model_id"].gather(hits).to_list())
    ancestors = pop["root"].unique() if roots is None else roots
    flagged |= set(  # originals outside the snapshot, by name
        ancestors.to_frame("model_id").filter(flag_expr("model_id"))["model_id"].to_list()
    )
    carried = inherited(edges, flagged, graph)
    pop = pop.with_columns(
        pl.col("model_id")
        .replace_strict(carried, default=None, return_dtype=pl.String)
        .alias("safeguard_ancestor")
    ).with_columns(
        (~pl.col("safeguard_removal") & pl.col("safeguard_ancestor").is_not_null()).alias(
            "safeguard_inherited"
        )
    )
    return pop
