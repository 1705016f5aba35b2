"""What the commands print as a person reads it: counts, long lists, empty registers, tables,
the recall list's people to notify, a busy port."""

from __future__ import annotations

import csv
import getpass
import io
import json
import socket
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from modtrace.cli.main import cli
from modtrace.cli.output import count, rich_table
from modtrace.errors import RegisterError
from modtrace.registry.register import Edge, Register

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def family(tmp_path: Path) -> str:
    """A register: base → ft → q, and base with 7 children in all."""
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    register = Register.open(url)
    register.add_edges(
        [
            Edge("org/base", "lab/ft", "finetune"),
            Edge("lab/ft", "lab/ft-q4", "quantized"),
            *(Edge("org/base", f"other/m{i}", "adapter") for i in range(6)),
        ]
    )
    register.engine.dispose()
    return url


@pytest.mark.parametrize(
    ("n", "word"),
    [(0, "0 children"), (1, "1 child"), (2, "2 children"), (1234, "1,234 children")],
)
def test_count_agrees_with_its_number(n: int, word: str) -> None:
    assert count(n, "child", "children") == word


def test_trace_on_an_empty_register_says_so_and_how_to_fill_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = CliRunner().invoke(
        cli, ["trace", "meta-llama/Llama-3.1-8B-Instruct", "--database", url]
    )
    assert result.exit_code == 2
    assert "error: register:" in result.output
    assert "is empty" in result.output
    assert "scripts/demo.sh" in result.output
    assert "0 children" not in result.output


def test_trace_of_a_model_the_register_lacks_is_an_error(family: str) -> None:
    result = CliRunner().invoke(cli, ["trace", "no/such-model", "--database", family])
    assert result.exit_code == 2
    assert "error: model_id: no/such-model is not in the register" in result.output


def test_trace_words_agree_with_counts_and_rows_do_not_repeat_their_id(family: str) -> None:
    back = run("trace", "lab/ft-q4", "--direction", "back", "--database", family)
    assert "lab/ft-q4: 1 parent\n" in back.output
    up = run("trace", "lab/ft-q4", "--direction", "ancestry", "--database", family)
    assert "lab/ft-q4: 2 ancestors" in up.output
    one = run("trace", "lab/ft", "--direction", "ancestry", "--database", family)
    assert "lab/ft: 1 ancestor\n" in one.output
    down = run("trace", "org/base", "--direction", "descendants", "--database", family)
    row = next(line for line in down.output.splitlines() if "  lab/ft-q4  " in line)
    assert row.count("lab/ft-q4") == 1
    assert "(quantized of lab/ft)" in row


def test_trace_limit_cuts_text_and_says_how_many_more(family: str) -> None:
    result = run("trace", "org/base", "--limit", "3", "--database", family)
    assert "org/base: 7 children" in result.output
    rows = [line for line in result.output.splitlines() if line.startswith("  ") and "/" in line]
    assert len(rows) == 3
    assert "4 more rows" in result.output
    full = json.loads(
        run("trace", "org/base", "--limit", "3", "--format", "json", "--database", family).output
    )
    assert len(full) == 7


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_propagate_names_the_implicated_model_and_the_provider_to_notify(
    tmp_path: Path, fmt: str
) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    register = Register.open(url)
    register.add_edges([Edge("meta-llama/Llama-3.1-8B", "lab/leaf", "finetune")])
    incident = register.report_incident(title="Harm", model_ids=["lab/leaf"])
    register.engine.dispose()
    result = run("incident", "propagate", str(incident), "--format", fmt, "--database", url)
    assert result.exit_code == 0
    if fmt == "json":
        data = json.loads(result.output)
        assert data["implicated_models"] == [{"model_id": "lab/leaf", "developer": "lab"}]
        assert data["providers_to_notify"] == ["meta-llama"]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.output)))
        by_role = {r["role"]: r for r in rows}
        assert by_role["implicated"]["model_id"] == "lab/leaf"
        assert by_role["original"]["model_id"] == "meta-llama/Llama-3.1-8B"
        assert by_role["original"]["developer"] == "meta-llama"
    else:
        assert "lab/leaf  developer lab" in result.output
        assert "providers to notify: meta-llama" in result.output
        assert "--from-root" in result.output  # nothing derives from a leaf: say what would


def test_all_regimes_rows_stay_narrow_and_missing_facts_are_listed_below() -> None:
    path = EXAMPLES / "gpt-4-covert-malicious-finetune.yaml"
    result = run("assess", str(path), "--all-regimes", "--at", "2026-01-01")
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 110
    assert "Missing facts" in result.output
    below = lines[lines.index(next(x for x in lines if x.startswith("Missing facts"))) :]
    assert any("modification.compute_flop" in line for line in below)


def test_sweep_rejects_an_unknown_parameter_before_loading_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["ecosystem", "sweep", "--range", "no_such_param=1:2:3", "--data", str(tmp_path / "none")],
    )
    assert result.exit_code == 2
    assert "error: --range: no_such_param: unknown parameter for govai-2025" in result.output
    assert "upstream_threshold_flop" in result.output  # it lists the ones it has


def test_report_refuses_an_unknown_size_prior_before_loading_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["ecosystem", "report", "--family-size-prior", "flat", "--data", str(tmp_path / "none")],
    )
    assert result.exit_code == 2
    assert "error: --family-size-prior: 'flat' is not one of 'log-uniform', 'uniform'" in (
        result.output
    )


@pytest.mark.parametrize("columns", ["40", "200"])
def test_a_table_keeps_each_column_name_on_one_line(
    monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    curve = pl.DataFrame(
        {
            "upstream_threshold_flop": [1e23, 1e24],
            "in_scope": [1200, 34],
            "developers_in_scope": [800, 20],
        }
    )
    text = rich_table(curve.columns, curve.iter_rows(), title="t")
    header = next(line for line in text.splitlines() if "in_scope" in line)
    for name in curve.columns:
        assert name in header
    assert "1,200" in text
    assert "1e23" in text
    assert "shape:" not in text  # not a Polars repr


def test_serve_on_a_busy_port_is_bad_input_and_announces_nothing(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            cli,
            ["serve", "--port", str(port), "--database", f"sqlite:///{tmp_path / 'r.sqlite3'}"],
        )
    assert result.exit_code == 2
    assert f"error: --port: cannot listen on 127.0.0.1:{port}" in result.output
    assert "modtrace on http" not in result.output


def test_an_incident_records_who_reported_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    register = Register.open(url)
    register.add_edges([Edge("lab/base", "lab/leaf", "finetune")])
    register.engine.dispose()
    runner = CliRunner()
    base = ["incident", "report", "--title", "Harm", "--model", "lab/leaf", "--database", url]
    assert runner.invoke(cli, base).exit_code == 0
    named = runner.invoke(cli, [*base, "--reported-by", "  Safety Institute "])
    assert named.exit_code == 0, named.output
    blank = runner.invoke(cli, [*base, "--reported-by", " "])
    assert blank.exit_code == 2
    assert "--reported-by: must be 1 to 200 characters" in blank.output
    register = Register.open(url)
    try:
        assert register.incident(1)["reported_by"] == f"cli:{getpass.getuser()}"
        assert register.incident(2)["reported_by"] == "Safety Institute"
        with pytest.raises(RegisterError):  # the refused report stored nothing
            register.incident(3)
    finally:
        register.engine.dispose()


def test_a_nul_in_a_facts_file_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    """PostgreSQL cannot store a NUL in text; the facts reader refuses it on every backend, on
    the lean assessment path and the full one alike."""
    text = (EXAMPLES / "meditron-70b.yaml").read_text(encoding="utf-8")
    facts = tmp_path / "nul.yaml"
    facts.write_text(
        text.replace("intended_use: medical", 'intended_use: "\\0medical', 1).replace(
            "decision support research", 'decision support research"', 1
        ),
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'r.db'}"
    runner = CliRunner()
    for args in (["assess", str(facts)], ["filing", "submit", str(facts), "--database", url]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "modification.intended_use: contains a NUL character" in result.output
    assert runner.invoke(cli, ["filing", "show", "1", "--database", url]).exit_code == 2
