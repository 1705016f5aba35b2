"""Parameter counts for originals, each with the source it came from (docs/ecosystem.md).

Sources, in order of trust: Epoch AI's table, hub-stats' safetensors total, the GGUF header
total, the size written in the name (read by a small grammar that refuses what only looks like
a size: UUIDs, ``0M3N``), a reviewed table of well-known architectures
(``architecture_sizes.yaml``: ``bert-base``, ``FLUX.1``, ``whisper-small``), and last the
family: sizes that descendants state themselves, carried up quantization and full fine-tune
edges (which keep the parameter count).

Mixture-of-experts models train only their active parameters on each token, so compute bounds
use the active count: from the name (``A22B``), else a documented minimum active fraction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from modtrace.ecosystem.prefilter import first_matches
from modtrace.ecosystem.walk import ParentMap, parent_map, walk_ends
from modtrace.yaml_read import read_yaml

UNITS: Final = {"m": 1e6, "b": 1e9}

_UUID: Final = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24,}", re.IGNORECASE
)
# A size is a whole token: nothing alphanumeric (nor ``3.``) directly before it, and
# nothing alphanumeric after it. ``8x7B`` counts experts; ``1b7`` is the BLOOM style for 1.7B.
_SIZE: Final = re.compile(
    r"(?<![A-Za-z0-9])(?<!\d\.)"
    r"(?:(?P<experts>\d+)x)?"
    r"(?P<number>\d+(?:\.\d+)?)"
    r"(?P<unit>[bBmM])"
    r"(?P<tenths>\d)?"
    r"(?![A-Za-z0-9])"
)
# A size glued to a family word that has no version numbers of its own (``mistral7b``,
# ``pythia410m``, ``deepseek1.3b``), or one whose versions are listed so that a version is never
# read as a size (``qwen7b`` is 7B; ``qwen2.5b``, ``gemma2b``, ``llama3.8B`` stay unread).
_GLUED: Final = re.compile(
    r"(?<![A-Za-z0-9])(?P<family>mistral|pythia|deepseek|qwen|gemma)"
    r"(?P<number>\d+(?:\.\d+)?)(?P<unit>[bBmM])(?![A-Za-z0-9])",
    re.IGNORECASE,
)
FAMILY_VERSIONS: Final = {"qwen": {"1", "1.5", "2", "2.5", "3"}, "gemma": {"1", "2", "3"}}
"""Version numbers of the families in ``_GLUED`` that number their versions."""
_ACTIVE: Final = re.compile(
    r"(?<![A-Za-z0-9])(?<!\d\.)[aA](?P<number>\d+(?:\.\d+)?)[bB](?![A-Za-z0-9])"
)
_EXPERTS_SUFFIX: Final = re.compile(r"(?<![A-Za-z0-9.])\d+E(?![A-Za-z0-9])")

MOE_ARCHITECTURES: Final = (
    "mixtral",
    "qwen2_moe",
    "qwen3_moe",
    "deepseek_v2",
    "deepseek_v3",
    "kimi_k2",
    "kimi_k25",
    "llama4",
    "gpt_oss",
    "dbrx",
    "glm4_moe",
    "minimax",
    "granitemoe",
    "olmoe",
    "moe",
)
"""Architecture tags (hub-stats ``tags``) that mark a mixture-of-experts model."""

MOE_ACTIVE_FRACTION_MIN: Final = 0.03
"""Fewest active parameters per total parameter assumed for a mixture of experts whose active
count is not stated (Kimi K2: 32B of 1T = 3.2 %; DeepSeek-V3: 37B of 671B = 5.5 %)."""


def uuid_like(name: str) -> bool:
    """Does the name hold a UUID or a long hex string (``022c7873-0220-4b23-…``)?"""
    return _UUID.search(name) is not None


def parse_size(model_id: str) -> float | None:
    """Parameters written in a model id's name, or ``None`` when there is none or it is unsafe.

    ``Llama-3.1-8B`` -> 8e9, ``Mixtral-8x7B`` -> 5.6e10, ``bloom-1b7`` -> 1.7e9,
    ``gemma-3-270m`` -> 2.7e8, ``mistral7b`` -> 7e9 (a family word glued to a size; never a
    version: ``gemma2b`` gives ``None``); a UUID-like name (``022c7873-0220-4b23-…``) and
    tokens glued to other letters (``0M3N``) give ``None``; so does a zero size.
    """
    name = model_id.rsplit("/", 1)[-1]
    if _UUID.search(name):
        return None
    for match in _SIZE.finditer(name):
        number = match["number"]
        if match["tenths"] is not None:
            if "." in number:
                continue  # ``1.5b7`` is no size
            number = f"{number}.{match['tenths']}"
        value = float(number) * UNITS[match["unit"].lower()]
        value *= float(match["experts"]) if match["experts"] else 1.0
        if value > 0:
            return value
    return _glued_size(name)


_UNIT_AFTER_DIGIT: Final = re.compile(r"\d[bm]", re.IGNORECASE)
"""What every size the grammar reads has (``_SIZE``, ``_GLUED``, ``_ACTIVE``): a digit
directly before its unit. A name without one has no size."""


def parse_sizes(ids: Iterable[str]) -> list[float | None]:
    """:func:`parse_size` of each id, each distinct name read once (and only if it has a digit
    directly before a unit)."""
    names = [i.rsplit("/", 1)[-1] for i in ids]
    read = {n: parse_size(n) if _UNIT_AFTER_DIGIT.search(n) else None for n in dict.fromkeys(names)}
    return [read[n] for n in names]


def _glued_size(name: str) -> float | None:
    """A size glued to a family word (``mistral7b``), unless the number is a version."""
    for match in _GLUED.finditer(name):
        if match["number"] in FAMILY_VERSIONS.get(match["family"].lower(), set()):
            continue
        value = float(match["number"]) * UNITS[match["unit"].lower()]
        if value > 0:
            return value
    return None


def active_from_name(model_id: str) -> float | None:
    """Active parameters of a mixture of experts named ``…-A22B``, else ``None``."""
    name = model_id.rsplit("/", 1)[-1]
    if _UUID.search(name):
        return None
    match = _ACTIVE.search(name)
    return float(match["number"]) * 1e9 if match and float(match["number"]) > 0 else None


def looks_moe(model_id: str, tags: list[str] | None) -> bool:
    """Does the name or the architecture tag mark a mixture of experts?"""
    name = model_id.rsplit("/", 1)[-1]
    if active_from_name(model_id) is not None or _EXPERTS_SUFFIX.search(name):
        return True
    if re.search(r"(?<![A-Za-z0-9.])\d+x\d+(?:\.\d+)?[bB](?![A-Za-z0-9])", name):
        return True
    return any(t.lower() in MOE_ARCHITECTURES for t in tags or [])


def moe_flags(ids: list[str], tags: list[list[str] | None]) -> list[bool]:
    """:func:`looks_moe` of each id with its tags, each distinct name read once."""
    by_name: dict[str, bool] = {}
    out = []
    for model_id, tagged in zip(ids, tags, strict=True):
        name = model_id.rsplit("/", 1)[-1]
        named = by_name.get(name)
        if named is None:
            named = by_name[name] = looks_moe(name, None)
        out.append(named or any(t.lower() in MOE_ARCHITECTURES for t in tagged or []))
    return out


def gguf_total(text: str | None) -> float | None:
    """The parameter total in hub-stats' ``gguf`` JSON text, if any."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    total = data.get("total") if isinstance(data, dict) else None
    return float(total) if isinstance(total, int | float) and total > 0 else None


def name_sizes(ids: list[str]) -> pl.DataFrame:
    """``id, name_parameters, name_active, architecture_parameters, architecture_active`` for
    each id: the size grammar above, and the reviewed architecture table
    (``architecture_sizes.yaml``; ``active`` only for a mixture of experts that states it).

    Each distinct name is read once, and the table's patterns are tried only where the name
    holds their literal text (:mod:`modtrace.ecosystem.prefilter`): the answers of
    :func:`parse_size`, :func:`active_from_name` and :func:`architecture_size` per id."""
    table, active = load_architecture_tables()
    names = [i.rsplit("/", 1)[-1] for i in ids]
    distinct = list(dict.fromkeys(names))
    sized = [_UNIT_AFTER_DIGIT.search(n) is not None for n in distinct]
    key_of = {n: architecture_key(n) for n in distinct}
    keys = list(dict.fromkeys(key_of.values()))
    arch = _first_values(keys, table)
    arch_active = _first_values(keys, active)
    read = {  # each name's four answers, looked up once per id
        n: (
            parse_size(n) if has else None,
            active_from_name(n) if has else None,
            arch[key_of[n]],
            arch_active[key_of[n]],
        )
        for n, has in zip(distinct, sized, strict=True)
    }
    columns = list(zip(*(read[n] for n in names), strict=True)) or [(), (), (), ()]
    return pl.DataFrame(
        {
            "id": ids,
            "name_parameters": columns[0],
            "name_active": columns[1],
            "architecture_parameters": columns[2],
            "architecture_active": columns[3],
        },
        schema={
            "id": pl.String,
            "name_parameters": pl.Float64,
            "name_active": pl.Float64,
            "architecture_parameters": pl.Float64,
            "architecture_active": pl.Float64,
        },
    )


def _first_values(
    keys: list[str], table: list[tuple[re.Pattern[str], float, str]]
) -> dict[str, float | None]:
    """Each key's value from the first entry whose pattern it matches."""
    found = first_matches(keys, [pattern for pattern, _, _ in table])
    return {k: None if j is None else table[j][1] for k, j in zip(keys, found, strict=True)}


SIZE_PRESERVING: Final = frozenset({"quantized", "finetune"})
"""Relations whose child has its parent's parameter count (an adapter's own files do not)."""


def family_sizes(
    edges: pl.DataFrame, own: dict[str, float] | pl.DataFrame, graph: ParentMap | None = None
) -> pl.DataFrame:
    """``id, family_parameters, family_count``: a model's size read from its descendants.

    Every model with a known size of its own passes it up each size-preserving edge
    (quantization, full fine-tune) as long as the chain lasts; a model's family size is the
    median of what reaches it. ``edges`` holds ``model_id, parent, relation`` (first bases).

    Every chain climbs one level a round, all at once; a chain that runs into a loop climbs
    one model at a time, as in :func:`family_sizes_exact`, which gives the same frame.
    ``graph`` is :func:`~modtrace.ecosystem.walk.parent_map` of ``edges`` when its models are
    distinct, built once for the walks that share it. ``own`` maps models to their sizes, as a
    dict or as a frame ``model_id, size`` of one row per model; with ``graph``, the frame may
    hold ``at`` as well, each model's row in ``edges``, and then only the models of ``edges``.
    """
    if isinstance(own, dict):
        own = pl.DataFrame(
            {"model_id": list(own), "size": list(own.values())},
            schema={"model_id": pl.String, "size": pl.Float64},
        )
    placed = graph is not None and "at" in own.columns  # each model's row is its place
    last = (
        edges.select("model_id", "parent", "relation")
        if graph is not None
        else edges.group_by("model_id", maintain_order=True).agg(
            pl.col("parent").last(), pl.col("relation").last()
        )
    )
    if last["model_id"].null_count() or last["parent"].null_count() or own["size"].is_nan().any():
        return family_sizes_exact(edges, dict(zip(own["model_id"], own["size"], strict=True)))
    if graph is None:
        graph = parent_map(last["model_id"].cast(pl.String), last["parent"].cast(pl.String))
    keeps = last["relation"].is_in(sorted(SIZE_PRESERVING)).fill_null(False).to_numpy()
    looping = walk_ends(np.where(keeps, graph.up, -1), np.zeros(len(keeps), np.int64)).looping
    if placed:
        starts = own.select(pl.col("at").alias("_at"), pl.col("size").cast(pl.Float64))
    else:
        starts = own.select(
            pl.col("model_id").cast(pl.String), pl.col("size").cast(pl.Float64)
        ).join(
            pl.DataFrame({"model_id": graph.ids, "_at": pl.int_range(len(keeps), eager=True)}),
            on="model_id",
        )
    at = starts["_at"].to_numpy().astype(np.int64)
    size = starts["size"].to_numpy()
    slow = looping[at]
    reached: dict[str, list[float]] = {}
    if slow.any():
        parent = dict(zip(last["model_id"], last["parent"], strict=True))
        relation = dict(zip(last["model_id"], last["relation"], strict=True))
        for start, value in zip(graph.ids.gather(at[slow]), size[slow], strict=True):
            _climb(start, float(value), parent, relation, reached)
    at, size = at[~slow], size[~slow]
    hits: list[npt.NDArray[np.int64]] = [np.zeros(0, np.int64)]
    hit_sizes: list[npt.NDArray[np.float64]] = [np.zeros(0)]
    while at.size:
        climbs = keeps[at]
        at, size = at[climbs], size[climbs]
        hits.append(at)  # the parent of each model climbed from is reached
        hit_sizes.append(size)
        up = graph.up[at]
        at, size = up[up >= 0], size[up >= 0]
    fast = pl.DataFrame(
        {"id": graph.parents.gather(np.concatenate(hits)), "size": np.concatenate(hit_sizes)},
        schema={"id": pl.String, "size": pl.Float64},
    )
    slow_rows = pl.DataFrame(
        [(node, v) for node, values in reached.items() for v in values],
        schema={"id": pl.String, "size": pl.Float64},
        orient="row",
    )
    return (
        pl.concat([fast, slow_rows])
        .sort("id", "size")
        .group_by("id", maintain_order=True)
        .agg(
            pl.col("size").gather(pl.len() // 2).first().alias("family_parameters"),
            pl.len().cast(pl.Int64).alias("family_count"),
        )
    )


def family_sizes_exact(edges: pl.DataFrame, own: dict[str, float]) -> pl.DataFrame:
    """:func:`family_sizes`, one model's chain at a time."""
    parent = dict(zip(edges["model_id"], edges["parent"], strict=True))
    relation = dict(zip(edges["model_id"], edges["relation"], strict=True))
    reached: dict[str, list[float]] = {}
    for start, size in own.items():
        _climb(start, size, parent, relation, reached)
    ids = sorted(reached)
    medians = [sorted(reached[i])[len(reached[i]) // 2] for i in ids]
    return pl.DataFrame(
        {"id": ids, "family_parameters": medians, "family_count": [len(reached[i]) for i in ids]},
        schema={"id": pl.String, "family_parameters": pl.Float64, "family_count": pl.Int64},
    )


def _climb(
    start: str,
    size: float,
    parent: dict[str, str],
    relation: dict[str, str],
    reached: dict[str, list[float]],
) -> None:
    """Pass ``size`` up from ``start`` along size-preserving edges, stopping before a loop."""
    node, seen = start, {start}
    while relation.get(node) in SIZE_PRESERVING and parent[node] not in seen:
        node = parent[node]
        seen.add(node)
        reached.setdefault(node, []).append(size)


ARCHITECTURES: Final = Path(__file__).with_name("architecture_sizes.yaml")


def load_architectures(path: Path = ARCHITECTURES) -> list[tuple[re.Pattern[str], float, str]]:
    """The reviewed architecture sizes: ``(pattern, parameters, reference)`` in order."""
    return load_architecture_tables(path)[0]


def load_architecture_active(
    path: Path = ARCHITECTURES,
) -> list[tuple[re.Pattern[str], float, str]]:
    """The mixtures of experts in the reviewed table: ``(pattern, active parameters,
    reference)``, so that :func:`architecture_size` reads their active count."""
    return load_architecture_tables(path)[1]


def load_architecture_tables(
    path: Path = ARCHITECTURES,
) -> tuple[list[tuple[re.Pattern[str], float, str]], list[tuple[re.Pattern[str], float, str]]]:
    """:func:`load_architectures` and :func:`load_architecture_active`, from one read."""
    entries = read_yaml(path) or []
    sizes = [
        (re.compile(str(e["pattern"])), float(e["parameters"]), str(e["reference"]))
        for e in entries
    ]
    active = [
        (re.compile(str(e["pattern"])), float(e["active"]), str(e["reference"]))
        for e in entries
        if "active" in e
    ]
    return sizes, active


def architecture_key(model_id: str) -> str:
    """The name the architecture and family tables read: after the last slash, lower case,
    ``_`` read as ``-``."""
    return model_id.rsplit("/", 1)[-1].lower().replace("_", "-")


def architecture_size(
    model_id: str, table: list[tuple[re.Pattern[str], float, str]]
) -> float | None:
    """The reviewed size of the first architecture whose pattern the name matches (lower
    case, ``_`` read as ``-``: ``bert_base_…`` is ``bert-base``)."""
    name = architecture_key(model_id)
    for pattern, parameters, _ in table:
        if pattern.search(name):
            return parameters
    return None
