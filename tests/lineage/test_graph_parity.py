"""The igraph-backed in-memory graph answers exactly as the hand-written one did (issue #15).

Two references: the former graph (``tests/lineage_former.py``) on random forests with cycles,
merges, self-loops, repeated edges and unknown models (hypothesis), and both the former graph and
the SQL walks on the lineage fixture worlds loaded from a register.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage_former import Described, FormerGraph
from lineage_world import source_family
from modtrace.lineage.graph import GraphCache, LineageGraph
from modtrace.lineage.sources import SOURCE_KINDS, split_deleted
from modtrace.lineage.trace import by_kinds, one_step, walk
from modtrace.registry.ingest.hf_lineage import import_hf_lineage
from modtrace.registry.register import Edge, Register

# ids whose sorted order differs by case, accents and prefixes, as Hub ids do
NAMES = ["a/x", "B/y", "b/y", "é/z", "a/x-2", "org/base", "Z/q", "ß/w", "a", "a/", "m/合并"]
SOURCES = ["hf-lineage:added_model_0319.csv", "hub-stats:h.parquet", "model-card:x/README.md",
           "filing:3", "manual", "Card:odd"]  # fmt: skip
Row = tuple[str, str, str, str, str]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Row], list[Described]]:
    """A random forest (each model's first parent is an earlier model), then extra edges that
    make merges, cycles, self-loops and repeats; some models described, some deleted."""
    names = draw(st.permutations(NAMES))[: draw(st.integers(1, len(NAMES)))]
    label = st.tuples(
        st.sampled_from(["finetune", "merge", "adapter", "quantized"]),
        st.sampled_from(["declared", "inferred", "verified"]),
        st.sampled_from(SOURCES),
    )
    edges: list[Row] = []
    for i, child in enumerate(names[1:], start=1):
        if draw(st.booleans()):
            edges.append((names[draw(st.integers(0, i - 1))], child, *draw(label)))
    extra = st.tuples(st.sampled_from(names), st.sampled_from(names), label)
    edges += [(p, c, *rest) for p, c, rest in draw(st.lists(extra, max_size=12))]
    edges = draw(st.permutations(edges))  # the order rows are read in
    described = [
        (
            m,
            draw(st.sampled_from([None, "dev-a", "dev-b"])),
            draw(st.booleans()),
            draw(st.sampled_from([None, dt.date(2025, 4, 2)])),
        )
        for m in names
        if draw(st.booleans())
    ]
    return edges, described


kinds_sets = st.none() | st.frozensets(st.sampled_from(SOURCE_KINDS), min_size=1)


@settings(max_examples=300, deadline=None)
@given(
    worlds(),
    st.sampled_from([*NAMES, "never/seen"]),
    st.sampled_from(["forward", "back"]),
    st.sampled_from([None, None, -1, 0, 1, 2, 3]),
    kinds_sets,
)
def test_walks_and_steps_match_the_former_graph(
    world: tuple[list[Row], list[Described]],
    start: str,
    direction: str,
    depth: int | None,
    kinds: frozenset[str] | None,
) -> None:
    edges, described = world
    former = FormerGraph.from_rows(edges, described)
    graph = LineageGraph.from_rows(edges, described)
    expected = former.walk(start, direction, depth, by_kinds(kinds))
    got = graph.walk(start, direction, depth, kinds=kinds)
    assert got.to_walk() == expected
    assert graph.walk(start, direction, depth, keep=by_kinds(kinds)).to_walk() == expected
    assert len(got) == len(expected.reached)
    for include in (True, False):
        shown = got.rows(got.shown(include))
        assert (shown, len(expected.reached) - len(shown)) == split_deleted(
            expected.reached, include
        )
    assert graph.one_step(start, direction, kinds=kinds) == former.one_step(
        start, direction, by_kinds(kinds)
    )


def test_rows_of_a_few_positions_carry_the_whole_path() -> None:
    edges = [("r", f"m{i}", "finetune", "declared", "manual") for i in range(3)]
    edges += [("m2", "deep", "quantized", "declared", "hf-lineage:w.csv")]
    result = LineageGraph.from_rows(edges).walk("r", "forward")
    last = result.rows(np.array([len(result)]))
    assert last == result.reached[-1:]
    assert last[0].path == (("m2", "finetune"), ("deep", "quantized"))


def test_the_walk_is_its_own_type_but_equals_the_plain_walk() -> None:
    graph = LineageGraph.from_rows([("p", "c", "merge", "declared", "manual")])
    result = graph.walk("p", "forward")
    assert result == result.to_walk()
    assert result.to_walk() == result
    assert result != graph.walk("c", "forward")
    assert graph.walk("nowhere", "forward").reached == []


@pytest.mark.parametrize("world", ["sources", "extract"])
def test_a_loaded_register_matches_the_former_graph_and_the_sql_walks(
    register: Register, lineage_extract: Path, world: str
) -> None:
    if world == "sources":
        source_family(register)
        register.add_edges([Edge("c/lora", "org/base", "merge", source="filing:9")])  # a cycle
    else:
        import_hf_lineage(register, lineage_extract, progress=False)
        register.add_edges([Edge("a/x", "b/y", "finetune"), Edge("b/y", "a/x", "merge")])
    graph = GraphCache(register.engine).current()
    with register.engine.connect() as c:
        former = FormerGraph.load(c)
        starts = sorted(set(former.forward) | set(former.back))[:150]
        for start in starts:
            for direction in ("forward", "back"):
                for kinds in (None, frozenset({"hf-lineage"}), frozenset({"card", "filing"})):
                    keep = by_kinds(kinds)
                    for depth in (None, 1, 3):
                        expected = former.walk(start, direction, depth, keep)
                        assert graph.walk(start, direction, depth, kinds=kinds) == expected
                    assert graph.one_step(start, direction, kinds=kinds) == former.one_step(
                        start, direction, keep
                    )
        for start in starts[:20]:
            assert graph.walk(start, "forward") == walk(c, start, "forward")
            assert graph.one_step(start, "back") == one_step(c, start, "back")
    assert graph.nbytes() > 0


def test_an_empty_graph_and_a_model_without_edges_walk_to_nothing() -> None:
    empty = LineageGraph.from_rows([])
    assert empty.walk("x", "forward").to_walk().reached == []
    assert empty.one_step("x", "back") == []
    lone = LineageGraph.from_rows([], [("solo", "me", False, None)])
    for kinds in (None, frozenset({"card"})):
        result = lone.walk("solo", "forward", kinds=kinds)
        assert (len(result), result.cycles, result.dangling) == (0, [], [])
