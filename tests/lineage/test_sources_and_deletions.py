"""Every edge and trace row says its source and whether its model was deleted (issue #13)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from lineage_world import source_family
from modtrace.cli.main import cli
from modtrace.lineage.graph import LineageGraph
from modtrace.lineage.sources import SOURCE_KINDS, check_kinds, source_kind, split_deleted
from modtrace.lineage.trace import by_kinds, one_step, walk, walk_levels
from modtrace.registry.ingest.deletions import import_deletions
from modtrace.registry.ingest.hf_lineage import import_hf_lineage
from modtrace.registry.register import Register
from modtrace.registry.tables import models


@pytest.mark.parametrize(
    ("stored", "kind"),
    [
        ("hf-lineage:added_model_0319.csv", "hf-lineage"),
        ("hub-stats:hub_stats_frozen.parquet", "hub-stats"),
        ("model-card:leliuga/x/README.md", "card"),
        ("filing:12", "filing"),
        ("manual", "manual"),
        ("", "manual"),
    ],
)
def test_source_kinds(stored: str, kind: str) -> None:
    assert source_kind(stored) == kind


@given(st.text(max_size=40))
def test_every_source_text_has_one_of_the_five_kinds(text: str) -> None:
    assert source_kind(text) in SOURCE_KINDS


def test_unknown_kinds_are_refused() -> None:
    assert check_kinds([]) is None
    assert check_kinds(["card", "hub-stats"]) == frozenset({"card", "hub-stats"})
    with pytest.raises(ValueError, match="unknown source web"):
        check_kinds(["web"])


def _lists(folder: Path) -> None:
    for kind, mmdd, rows in [
        ("added", "0319", [["a/ft", "finetune", "org/base"], ["e/back", "", ""]]),
        ("added", "0326", [["d/gone", "finetune", "org/base"]]),
        ("deleted", "0402", [["d/gone", "finetune", "org/base"], ["e/back", "", ""]]),
        ("added", "0409", [["e/back", "", ""]]),
        ("deleted", "0409", [["never/here", "", ""]]),
    ]:
        (folder / kind).mkdir(parents=True, exist_ok=True)
        path = folder / kind / f"{kind}_model_{mmdd}.csv"
        with path.open("a", newline="") as handle:
            writer = csv.writer(handle)
            if handle.tell() == 0:
                writer.writerow(["Model ID", "Type", "Base Model"])
            writer.writerows(rows)


def test_rows_carry_their_source_and_deletion(register: Register, tmp_path: Path) -> None:
    source_family(register)
    _lists(tmp_path)
    report = import_deletions(register, tmp_path)
    assert report.models_deleted == 1  # d/gone; e/back came back, never/here is unknown
    assert report.external_models == 1
    with register.engine.connect() as c:
        gone = c.execute(select(models.c.deleted_at).where(models.c.id == "d/gone")).scalar()
        result = walk(c, "org/base", "forward")
        levels = walk_levels(c, "org/base", "forward")
        graph = LineageGraph.load(c).walk("org/base", "forward")
        cards_only = walk(c, "org/base", "forward", keep=by_kinds(frozenset({"hf-lineage"})))
        step = one_step(c, "org/base", "forward", by_kinds(frozenset({"hub-stats"})))
    assert gone == dt.date(2025, 4, 2)
    rows = {r.model_id: r for r in result.reached}
    assert rows["b/q"].source_kind == "hub-stats"
    assert rows["c/lora"].source_kind == "card"
    assert rows["d/gone"].deleted_at == dt.date(2025, 4, 2)
    assert result.reached == levels.reached == graph.reached
    assert {r.model_id for r in cards_only.reached} == {"a/ft", "d/gone"}
    assert [x.model_id for x in step] == ["b/q"]
    shown, left_out = split_deleted(result.reached, include_deleted=False)
    assert (len(shown), left_out) == (3, 1)
    assert split_deleted(result.reached, include_deleted=True) == (result.reached, 0)


def test_trace_command_filters_sources_and_counts_deleted(
    database_url: str, tmp_path: Path
) -> None:
    register = Register.open(database_url)
    source_family(register)
    _lists(tmp_path)
    import_deletions(register, tmp_path)
    register.engine.dispose()
    runner = CliRunner()
    base = ["trace", "org/base", "--database", database_url]
    text = runner.invoke(cli, [*base, "--direction", "descendants"])
    assert text.exit_code == 0, text.output
    assert "d/gone" not in text.output
    assert "deleted from the Hub, left out: 1" in text.output
    shown = runner.invoke(cli, [*base, "--direction", "descendants", "--include-deleted"])
    assert "d/gone" in shown.output
    assert "(deleted 2025-04-02)" in shown.output
    one = runner.invoke(cli, [*base, "--source", "hub-stats", "--format", "json"])
    rows = json.loads(one.output)
    assert isinstance(rows, list)
    assert [(r["model_id"], r["source_kind"]) for r in rows] == [("b/q", "hub-stats")]
    two = runner.invoke(
        cli, [*base, "--source", "hub-stats", "--source", "card", "--direction", "descendants"]
    )
    assert "b/q" in two.output
    assert "c/lora" not in two.output  # its card edge hangs below a hf-lineage edge
    bad = runner.invoke(cli, [*base, "--source", "web"])
    assert bad.exit_code == 2
    assert bad.output.startswith("error: --source: unknown source web")


def test_hf_lineage_import_marks_deletions(register: Register, tmp_path: Path) -> None:
    _lists(tmp_path)
    report = import_hf_lineage(register, tmp_path, progress=False)
    assert report.models_deleted == 1
    with register.engine.connect() as c:
        dated = dict(c.execute(select(models.c.id, models.c.deleted_at)).all())
    assert dated["d/gone"] == dt.date(2025, 4, 2)
    assert dated["e/back"] is None


def test_an_inferred_edge_sits_beside_a_contradicted_declaration(
    register: Register, tmp_path: Path
) -> None:
    (tmp_path / "added").mkdir()
    (tmp_path / "added" / "added_model_0319.csv").write_text(
        "Model ID,Type,Base Model\n"
        "q/x-Q4_K_M-GGUF,adapter,org/base\n"
        "a/plain-tune,finetune,org/base\n"
        'm/two,finetune,"org/base, org/other"\n',
        encoding="utf-8",
    )
    report = import_hf_lineage(register, tmp_path, progress=False)
    assert report.edges_added == 4
    assert report.edges_inferred == 3  # the GGUF, and the two-base "fine-tune" twice
    with register.engine.connect() as c:
        links = one_step(c, "org/base", "forward")
    got = {(x.model_id, x.relation, x.status) for x in links}
    assert ("q/x-Q4_K_M-GGUF", "adapter", "declared") in got
    assert ("q/x-Q4_K_M-GGUF", "quantized", "inferred") in got
    assert ("m/two", "merge", "inferred") in got
    assert not any(x.model_id == "a/plain-tune" and x.status == "inferred" for x in links)
