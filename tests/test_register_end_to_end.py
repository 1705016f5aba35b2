"""Issue #3's 'done when', through the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from conftest import EXAMPLES
from modtrace.cli.main import cli
from modtrace.registry.register import Register


def test_import_trace_file_incident_recall_bom_verify_and_tamper(
    database_url: str, lineage_extract: Path, tmp_path: Path
) -> None:
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, [*args, "--database", database_url])
        assert result.exit_code == code, result.output
        return result.output

    assert "edges added" in run("import", "hf-lineage", str(lineage_extract), "--quiet")

    family = json.loads(
        run(
            "trace",
            "meta-llama/Llama-3.1-8B-Instruct",
            "--direction",
            "descendants",
            "--format",
            "json",
        )
    )
    children = [r for r in family["reached"] if r["depth"] == 1]
    assert len(children) >= 5
    derivative = children[0]["model_id"]

    facts = (EXAMPLES / "meditron-70b.yaml").read_text(encoding="utf-8")
    facts = facts.replace("meta-llama/Llama-2-70b-hf", "meta-llama/Llama-3.1-8B-Instruct")
    facts_file = tmp_path / "facts.yaml"
    facts_file.write_text(facts, encoding="utf-8")
    assert "filing 1 submitted" in run(
        "filing", "submit", str(facts_file), "--model-id", derivative
    )
    run("filing", "review", "1", "--status", "under-review", "--reviewer", "AI Office")
    run("filing", "review", "1", "--status", "accepted", "--reviewer", "AI Office")

    run(
        "incident",
        "report",
        "--title",
        "Unsafe medical advice",
        "--model",
        derivative,
        "--severity",
        "high",
    )
    recall = run("incident", "propagate", "1", "--from-root", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(recall)))
    recalled = {r["model_id"] for r in rows}
    assert derivative in recalled
    assert len(recalled) >= len(children)
    assert {r["model_id"] for r in rows if r["role"] == "implicated"} == {derivative}
    assessed = next(r for r in rows if r["model_id"] == derivative and r["role"] == "derived")[
        "assessed"
    ]
    assert "govai-2025=" in assessed
    assert "eu-ai-act-gpai=" in assessed

    bom = json.loads(run("export", "bom", derivative))
    ancestors = bom["metadata"]["component"]["pedigree"]["ancestors"]
    assert ancestors[0]["name"] == "meta-llama/Llama-3.1-8B-Instruct"

    assert "verified" in run("log", "verify")
    register = Register.open(database_url)
    with register.engine.begin() as c:
        c.execute(text("UPDATE filings SET intended_use = 'something else' WHERE id = 1"))
    register.engine.dispose()
    failed = run("log", "verify", code=1)
    assert "filings row 1 differs from log entry" in failed
    assert "intended_use" in failed
