"""Traceability: one step back and forward, full walks, merges, cycles, paths, recall lists."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from conftest import EXAMPLES
from modtrace import assess, default_catalog, load_facts
from modtrace.cli.main import cli
from modtrace.lineage.graph import GraphCache
from modtrace.lineage.recall import propagate
from modtrace.lineage.trace import one_step, paths_between, roots, walk, walk_levels
from modtrace.registry.ingest.hf_lineage import import_hf_lineage
from modtrace.registry.register import Edge, Register

FAMILY = [
    Edge("meta/base", "lab/ft", "finetune"),
    Edge("lab/ft", "q/ft-gguf", "quantized"),
    Edge("lab/ft", "m/merged", "merge"),
    Edge("other/model", "m/merged", "merge"),
    Edge("m/merged", "x/merged-lora", "adapter"),
]


def build(register: Register) -> None:
    for model_id in ["meta/base", "lab/ft", "q/ft-gguf", "m/merged", "other/model"]:
        register.upsert_model(model_id)
    register.add_edges(FAMILY)


def test_one_step_back_and_forward(register: Register) -> None:
    build(register)
    with register.engine.connect() as c:
        back = one_step(c, "m/merged", "back")
        forward = one_step(c, "lab/ft", "forward")
    assert {(x.model_id, x.relation, x.developer) for x in back} == {
        ("lab/ft", "merge", "lab"),
        ("other/model", "merge", "other"),
    }
    assert {x.model_id for x in forward} == {"q/ft-gguf", "m/merged"}


def test_full_descendants_with_depth_and_dangling(register: Register) -> None:
    build(register)
    with register.engine.connect() as c:
        result = walk(c, "meta/base", "forward")
        limited = walk(c, "meta/base", "forward", max_depth=1)
    depths = {r.model_id: r.depth for r in result.reached}
    assert depths == {"lab/ft": 1, "q/ft-gguf": 2, "m/merged": 2, "x/merged-lora": 3}
    assert result.dangling == ["x/merged-lora"]  # referenced, never described
    assert [r.model_id for r in limited.reached] == ["lab/ft"]


def test_roots_and_paths_through_a_merge(register: Register) -> None:
    build(register)
    with register.engine.connect() as c:
        assert {r.model_id for r in roots(c, "x/merged-lora")} == {"meta/base", "other/model"}
        paths = paths_between(c, "meta/base", "x/merged-lora")
    assert paths == [[("lab/ft", "finetune"), ("m/merged", "merge"), ("x/merged-lora", "adapter")]]


def test_cycles_are_reported_not_looped_on(register: Register) -> None:
    register.add_edges(
        [
            Edge("a/x", "b/y", "finetune"),
            Edge("b/y", "c/z", "finetune"),
            Edge("c/z", "a/x", "merge"),
        ]
    )
    with register.engine.connect() as c:
        result = walk(c, "a/x", "forward")
        back = walk(c, "a/x", "back")
    assert [r.model_id for r in result.reached] == ["b/y", "c/z"]
    assert result.cycles == [("c/z", "a/x")]
    assert back.cycles


def test_recall_list_reaches_every_derivative_with_its_assessment(register: Register) -> None:
    build(register)
    facts = load_facts(EXAMPLES / "abliterated-llama-3.1-405b.yaml")
    catalog = default_catalog()
    register.record_modification(
        facts, model_id="m/merged", determined=[assess(facts, catalog.get("govai-2025"))]
    )
    incident_id = register.report_incident(title="Harmful output", model_ids=["lab/ft"])
    with register.engine.connect() as c:
        recall = propagate(c, incident_id)
        wider = propagate(c, incident_id, from_root=True)
    assert [o["model_id"] for o in recall.originals] == ["meta/base"]
    assert recall.originals[0]["provider"] == "meta"
    rows = {r.model_id: r for r in recall.downstream}
    assert set(rows) == {"q/ft-gguf", "m/merged", "x/merged-lora"}
    assert rows["m/merged"].assessed == {"govai-2025": "in-scope"}
    assert rows["x/merged-lora"].path == "lab/ft -merge-> m/merged -adapter-> x/merged-lora"
    assert "lab/ft" in {r.model_id for r in wider.downstream}


def test_register_commands_end_to_end(database_url: str) -> None:
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(
            cli,
            [*args[:2], "--database", database_url, *args[2:]]
            if args[0] in ("filing", "incident", "log")
            else [args[0], *args[1:], "--database", database_url],
        )
        assert result.exit_code == 0, result.output
        return result.output

    out = run(
        "filing",
        "submit",
        str(EXAMPLES / "meditron-70b.yaml"),
        "--model-id",
        "epfl-llm/meditron-70b",
    )
    assert "filing 1 submitted" in out
    run("filing", "review", "1", "--status", "under-review", "--reviewer", "AI Office")
    run("filing", "review", "1", "--status", "accepted", "--reviewer", "AI Office")
    assert json.loads(run("filing", "show", "1"))["status"] == "accepted"
    register = Register.open(database_url)
    register.add_edges([Edge("epfl-llm/meditron-70b", "someone/meditron-gguf", "quantized")])
    register.engine.dispose()
    run("incident", "report", "--title", "Unsafe advice", "--model", "epfl-llm/meditron-70b")
    rows = list(csv.DictReader(io.StringIO(run("incident", "propagate", "1", "--format", "csv"))))
    assert [r["model_id"] for r in rows if r["role"] == "implicated"] == ["epfl-llm/meditron-70b"]
    table = [r for r in rows if r["role"] == "derived"]
    assert [r["model_id"] for r in table] == ["someone/meditron-gguf"]
    assert "not assessed" in table[0]["assessed"]
    head = run("log", "head", "--format", "json")
    expected = json.loads(head)
    assert "verified" in run("log", "verify", "--expect", f"{expected['size']}:{expected['root']}")
    assert json.loads(run("log", "prove", "filing", "1"))["verified"] is True
    trace = json.loads(run("trace", "epfl-llm/meditron-70b", "--format", "json"))
    assert trace[0]["model_id"] == "someone/meditron-gguf"


def test_recursive_walk_equals_the_level_by_level_walk(
    register: Register, lineage_extract: Path
) -> None:
    import_hf_lineage(register, lineage_extract, progress=False)
    build(register)
    register.add_edges([Edge("a/x", "b/y", "finetune"), Edge("b/y", "a/x", "merge")])
    starts = ["meta-llama/Llama-3.2-1B-Instruct", "meta/base", "a/x", "x/merged-lora"]
    with register.engine.connect() as c:
        for start in starts:
            for direction in ("forward", "back"):
                for depth in (None, 3):
                    assert walk(c, start, direction, depth) == walk_levels(
                        c, start, direction, depth
                    )
        assert len(walk(c, starts[0], "forward").reached) > 10


def test_in_memory_graph_equals_the_sql_walks_and_reloads(
    register: Register, lineage_extract: Path
) -> None:
    import_hf_lineage(register, lineage_extract, progress=False)
    build(register)
    cache = GraphCache(register.engine)
    graph = cache.current()
    with register.engine.connect() as c:
        for start in ("meta-llama/Llama-3.2-1B-Instruct", "meta/base", "x/merged-lora"):
            for direction in ("forward", "back"):
                assert graph.walk(start, direction) == walk(c, start, direction)
                assert graph.one_step(start, direction) == one_step(c, start, direction)
    assert cache.current() is graph  # nothing changed: no reload
    register.add_edges([Edge("x/merged-lora", "y/new-child", "quantized")])
    assert [r.model_id for r in cache.current().walk("x/merged-lora", "forward").reached] == [
        "y/new-child"
    ]
