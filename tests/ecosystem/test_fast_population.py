"""The population's fast paths give the exact per-model answers: root walks and inherited
safeguard signals by pointer doubling, the size and family tables through the literal
prefilter, the YAML tables through libyaml. Each is compared with the function it replaces
on generated graphs and names (loops, self-loops, repeats, Unicode, odd separators, names
that match two families)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from modtrace.ecosystem.families import (
    FAMILIES,
    family_range,
    family_ranges,
    load_families,
)
from modtrace.ecosystem.prefilter import candidates, first_matches, required_literals
from modtrace.ecosystem.roots import resolve_roots, resolve_roots_exact
from modtrace.ecosystem.safeguards import inherited, inherited_exact
from modtrace.ecosystem.sizes import (
    ARCHITECTURES,
    active_from_name,
    architecture_size,
    family_sizes,
    family_sizes_exact,
    load_architecture_active,
    load_architectures,
    looks_moe,
    moe_flags,
    name_sizes,
    parse_size,
    parse_sizes,
)
from modtrace.ecosystem.walk import parent_map
from modtrace.registry.ingest.epoch import ALIASES, _namespace
from modtrace.registry.register import provider_of
from modtrace.yaml_read import read_yaml

ARCHITECTURE_TABLE = load_architectures()
ACTIVE_TABLE = load_architecture_active()
FAMILY_TABLE = load_families()
TABLE_LITERALS = sorted(
    {
        text
        for pattern in [p for p, _, _ in ARCHITECTURE_TABLE] + [f.pattern for f in FAMILY_TABLE]
        for text in required_literals(pattern) or ()
    }
)

# --- root walks and inherited signals --------------------------------------------------------

NODES = st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h", "Ä/x", "org/ß", "z/İ"])


@st.composite
def edge_frames(draw: st.DrawFn) -> pl.DataFrame:
    """First-base edges over a few models: loops, self-loops, chains, repeated models, parents
    outside the map, and two or three edge sources."""
    rows = draw(
        st.lists(
            st.tuples(NODES, NODES, st.sampled_from(["hf-lineage", "hub-stats", "cards"])),
            max_size=25,
        )
    )
    return pl.DataFrame(
        rows,
        schema={"model_id": pl.String, "parent": pl.String, "edge_source": pl.String},
        orient="row",
    )


@settings(max_examples=300, deadline=None)
@given(edge_frames())
def test_roots_by_doubling_equal_the_walk(edges: pl.DataFrame) -> None:
    assert resolve_roots(edges).equals(resolve_roots_exact(edges))
    bare = edges.drop("edge_source")
    assert resolve_roots(bare).equals(resolve_roots_exact(bare))


def test_roots_of_a_long_chain_and_a_loop_hanging_off_it() -> None:
    chain = [f"m{i}" for i in range(300)]
    edges = pl.DataFrame(
        {
            "model_id": [*chain, "x", "y", "z", "w"],
            "parent": [*chain[1:], "base", "y", "z", "x", "x"],
            "edge_source": ["hf-lineage"] * 150 + ["hub-stats"] * 154,
        }
    )
    got = resolve_roots(edges)
    assert got.equals(resolve_roots_exact(edges))
    first = got.row(0, named=True)
    assert (first["root"], first["depth"], first["root_via"]) == (
        "base",
        300,
        "hf-lineage+hub-stats",
    )
    assert got.filter(pl.col("cyclic"))["model_id"].to_list() == ["x", "y", "z", "w"]
    carried = inherited(edges, {"base", "m250", "y"})
    assert carried == inherited_exact(edges, {"base", "m250", "y"})
    assert (carried["m0"], carried["m250"], carried["m299"]) == ("m250", "base", "base")


@settings(max_examples=300, deadline=None)
@given(edge_frames(), st.sets(NODES, max_size=5))
def test_inherited_by_doubling_equals_the_walk(edges: pl.DataFrame, flagged: set[str]) -> None:
    assert inherited(edges, flagged) == inherited_exact(edges, flagged)


@settings(max_examples=300, deadline=None)
@given(
    edge_frames(),
    st.sets(NODES, max_size=5),
    st.dictionaries(NODES, st.floats(1.0, 1e12), max_size=8),
)
def test_walks_sharing_one_parent_map_equal_the_walks(
    edges: pl.DataFrame, flagged: set[str], own: dict[str, float]
) -> None:
    """The population builds the parent map of its edges (one row per model) once for the
    three walks: each gives what the one-model-at-a-time walk gives."""
    edges = edges.unique("model_id", keep="first", maintain_order=True).with_columns(
        pl.col("edge_source")
        .replace({"cards": "quantized", "hub-stats": "finetune", "hf-lineage": "adapter"})
        .alias("relation")
    )
    graph = parent_map(edges["model_id"], edges["parent"])
    assert resolve_roots(edges, graph).equals(resolve_roots_exact(edges))
    assert inherited(edges, flagged, graph) == inherited_exact(edges, flagged)
    expected = family_sizes_exact(edges, own)
    assert family_sizes(edges, own, graph).equals(expected)
    # the sizes as a frame, with each model's row in the edges (models outside them have none)
    placed = (
        edges.select("model_id")
        .with_row_index("at")
        .join(
            pl.DataFrame(
                {"model_id": list(own), "size": list(own.values())},
                schema={"model_id": pl.String, "size": pl.Float64},
            ),
            on="model_id",
        )
    )
    inside = {m: v for m, v in own.items() if m in set(edges["model_id"])}
    assert family_sizes(edges, placed, graph).equals(family_sizes_exact(edges, inside))
    assert family_sizes(edges, placed.drop("at")).equals(family_sizes_exact(edges, inside))


# --- the literal prefilter -------------------------------------------------------------------

FRAGMENTS = [
    *TABLE_LITERALS,
    "-",
    "_",
    ".",
    " ",
    "/",
    "--",
    "3",
    "3.1",
    "2.5",
    "7b",
    "8x7b",
    "a22b",
    "v3",
    "tiny-random",
    "dummy",
    "vit-gpt2",
    "paligemma-siglip",
    "Ä",
    "ß",
    "İ",
    "\u212a",  # the Kelvin sign, which folds to k
    "ﬁ",
    "\n",
    "\u00a0",
    "７",  # a full-width digit
    "022c7873-0220-4b23-b4f0-63e468442ecb",
]
names = st.lists(st.sampled_from(FRAGMENTS), max_size=6).map("".join)
model_ids = st.tuples(
    st.sampled_from(["", "org/", "meta-llama/", "Qwen/", "microsoft/", "a/b/"]),
    st.one_of(names, st.text(max_size=12)),
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(names, max_size=20))
def test_first_match_is_the_first_pattern_that_matches(texts: list[str]) -> None:
    for patterns in (
        [p for p, _, _ in ARCHITECTURE_TABLE],
        [f.pattern for f in FAMILY_TABLE],
    ):
        expected = [next((i for i, p in enumerate(patterns) if p.search(t)), None) for t in texts]
        assert first_matches(texts, patterns) == expected


@settings(max_examples=400, deadline=None)
@given(names)
def test_every_match_holds_a_required_literal(text: str) -> None:
    patterns = [p for p, _, _ in ARCHITECTURE_TABLE] + [f.pattern for f in FAMILY_TABLE]
    for pattern in patterns:
        needed = required_literals(pattern)
        if needed is not None and pattern.search(text):
            assert any(n in text for n in needed), (pattern.pattern, text)


@pytest.mark.parametrize(
    ("pattern", "needed"),
    [
        ("whisper-large", {"whisper-large"}),
        (r"(?<![a-z])llama-?3\.1(?![0-9])|(?<![a-z])llama-?31", {"llama"}),
        ("modernbert.*base", {"modernbert"}),
        ("(?:ab|cd)+x", {"ab", "cd"}),
        ("(?:ab|)x", {"x"}),
        ("(?:ab)?", None),  # optional: nothing is required
        ("(?:ab)*", None),
        ("[a-z]+", None),
        ("(?i)bert", None),  # a flag: literals would match other text
        ("(?i:bert)x", {"x"}),
        ("a|[bc]", None),  # one branch without a literal
        (r"(a)\1", {"a"}),
    ],
    ids=str,
)
def test_required_literals(pattern: str, needed: set[str] | None) -> None:
    got = required_literals(re.compile(pattern))
    assert got == (None if needed is None else frozenset(needed))


def test_candidates_see_overlapping_literals() -> None:
    patterns = [re.compile(p) for p in ("abc", "bcd", "c", "zz", "[xy]")]
    assert candidates(["abcd", "zzz", "", "q"], patterns) == [[0, 1, 2, 4], [3, 4], [4], [4]]
    assert first_matches(["abcd", "x", "zzz"], patterns) == [0, 4, 3]


# --- sizes and family ranges from names ------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(model_ids, max_size=20))
def test_name_sizes_equal_the_per_name_readers(ids: list[str]) -> None:
    frame = name_sizes(ids)
    assert frame["id"].to_list() == ids
    assert frame["name_parameters"].to_list() == [parse_size(i) for i in ids]
    assert frame["name_active"].to_list() == [active_from_name(i) for i in ids]
    assert frame["architecture_parameters"].to_list() == [
        architecture_size(i, ARCHITECTURE_TABLE) for i in ids
    ]
    assert frame["architecture_active"].to_list() == [
        architecture_size(i, ACTIVE_TABLE) for i in ids
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(model_ids, max_size=20))
def test_family_ranges_equal_the_per_name_reader(ids: list[str]) -> None:
    expected = [(i, r.family, r.low, r.high) for i in ids if (r := family_range(i, FAMILY_TABLE))]
    assert family_ranges(ids, FAMILY_TABLE).rows() == expected


def test_a_name_of_two_families_gets_no_range_either_way() -> None:
    ids = ["nlpconnect/vit-gpt2-image-captioning", "google/paligemma-siglip", "x/llama-3.1-8b"]
    got = family_ranges(ids, FAMILY_TABLE)
    assert got["id"].to_list() == ["x/llama-3.1-8b"]


def test_the_shipped_tables_read_the_same_with_libyaml() -> None:
    for path in (ARCHITECTURES, FAMILIES, ALIASES):
        assert read_yaml(Path(path)) == yaml.safe_load(Path(path).read_text(encoding="utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.lists(model_ids, max_size=20))
def test_sizes_in_names_equal_parse_size(ids: list[str]) -> None:
    assert parse_sizes(ids) == [parse_size(i) for i in ids]


@settings(max_examples=300, deadline=None)
@given(edge_frames(), st.dictionaries(NODES, st.floats(1.0, 1e12), max_size=8))
def test_family_sizes_equal_the_chain_walk(edges: pl.DataFrame, own: dict[str, float]) -> None:
    relations = ["quantized", "finetune", "adapter", "merge", None]
    edges = edges.with_columns(
        pl.Series("relation", [relations[i % 5] for i in range(edges.height)], dtype=pl.String)
    )
    assert family_sizes(edges, own).equals(family_sizes_exact(edges, own))


@given(model_ids)
def test_epoch_matching_reads_namespaces_as_the_register_does(model_id: str) -> None:
    assert _namespace(model_id) == provider_of(model_id)


def test_building_the_population_loads_no_database_code() -> None:
    code = "import sys, modtrace.ecosystem.population; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            model_ids,
            st.one_of(
                st.none(), st.lists(st.sampled_from(["llama", "Mixtral", "qwen3_moe", "MoE"]))
            ),
        ),
        max_size=20,
    )
)
def test_moe_flags_equal_looks_moe(rows: list[tuple[str, list[str] | None]]) -> None:
    ids, tags = [i for i, _ in rows], [t for _, t in rows]
    assert moe_flags(ids, tags) == [looks_moe(i, t) for i, t in rows]
