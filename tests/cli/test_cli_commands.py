"""The command line end to end: examples as scenarios, exit codes, overrides, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from modtrace.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HEAD = "original: {id: a/b, provider: P}\nmodifier: {name: L}\n"
SCENARIOS = yaml.safe_load((Path(__file__).parent / "scenarios.yaml").read_text())


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_every_example_has_a_scenario() -> None:
    assert {p.stem for p in EXAMPLES.glob("*.yaml")} == {s["name"] for s in SCENARIOS}
    assert len(SCENARIOS) >= 6


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_example_outcomes_under_every_regime(scenario: dict[str, Any]) -> None:
    path = EXAMPLES / f"{scenario['name']}.yaml"
    result = run(
        "assess", str(path), "--all-regimes", "--at", str(scenario["at"]), "--format", "json"
    )
    got = {d["regime"]["id"]: [d["outcome"], d["role"]] for d in json.loads(result.output)}
    assert got == scenario["expect"]
    indeterminate = any(v[0] == "indeterminate" for v in got.values())
    assert result.exit_code == (3 if indeterminate else 0)


def test_text_explanation_cites_its_sources() -> None:
    result = run(
        "assess", str(EXAMPLES / "abliterated-llama-3.1-405b.yaml"), "--regime", "govai-2025"
    )
    assert result.exit_code == 0
    for words in ["Outcome: IN SCOPE", "Figure 2", "fn 91", "registration", "§IV.3"]:
        assert words in result.output


def test_overriding_a_threshold_changes_the_answer() -> None:
    path = str(EXAMPLES / "abliterated-llama-3.1-405b.yaml")
    result = run("assess", path, "--param", "upstream_threshold_flop=1e26", "--format", "json")
    data = json.loads(result.output)
    assert data["outcome"] == "out-of-scope"
    assert data["regime"]["overridden"] == ["upstream_threshold_flop"]
    assert data["regime"]["parameters"]["upstream_threshold_flop"] == 1e26


def test_indeterminate_names_missing_facts_and_exits_3() -> None:
    result = run("assess", str(EXAMPLES / "gpt-3.5-benign-api-finetune.yaml"), "--format", "json")
    assert result.exit_code == 3
    assert "original.training_compute_flop" in json.loads(result.output)["missing"]


@pytest.mark.parametrize(
    ("content", "args", "words"),
    [
        (
            HEAD + "modification: {compute_flop: -5}\n",
            [],
            "error: modification.compute_flop:",
        ),
        (
            HEAD + "modification: {techniques: [magic]}\n",
            [],
            "error: modification.techniques.0:",
        ),
        ("original: [\n", [], "malformed YAML at line"),
        (
            "original: {id: a/b, provider: P}\nmodifier: {name: L}\n",
            ["--regime", "nope"],
            "error: --regime: unknown regime 'nope'",
        ),
        (
            "original: {id: a/b, provider: P}\nmodifier: {name: L}\n",
            ["--param", "zeta=1"],
            "error: --param zeta: unknown parameter",
        ),
        (
            "original: {id: a/b, provider: P}\nmodifier: {name: L}\n",
            ["--param", "novalue"],
            "error: --param: expected name=value",
        ),
    ],
    ids=["negative", "technique", "yaml", "regime", "param", "param-syntax"],
)
def test_bad_input_exits_2_with_named_field(
    tmp_path: Path, content: str, args: list[str], words: str
) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(content)
    result = CliRunner().invoke(cli, ["assess", str(path), *args])
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output


def test_regimes_list_and_show() -> None:
    listed = run("regimes", "list", "--format", "json")
    assert {r["id"] for r in json.loads(listed.output)} >= {"govai-2025", "eu-ai-act-gpai"}
    shown = run("regimes", "show", "eu-ai-act-gpai")
    assert "modification_divisor" in shown.output
    assert "Art. 53(1)(a)" in shown.output
    data = json.loads(run("regimes", "show", "govai-2025", "--format", "json").output)
    assert data["steps"][1]["when"]["any"][1] == {"recorded": "original.designated_in_scope"}


def test_compute_estimate_from_options() -> None:
    result = run(
        "compute",
        "estimate",
        "--parameters",
        "70e9",
        "--tokens",
        "48.1e9",
        "--epochs",
        "1",
        "--method",
        "full",
        "--format",
        "json",
    )
    est = json.loads(result.output)["modification.compute"]
    assert est["flop"] == pytest.approx(6 * 70e9 * 48.1e9)


def test_schema_is_json_schema_with_the_public_fields() -> None:
    schema = json.loads(run("schema", "facts").output)
    assert {"original", "modifier", "modification"} <= set(schema["properties"])


def test_real_process_entry_point() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "modtrace",
            "assess",
            str(EXAMPLES / "meditron-70b.yaml"),
            "--regime",
            "eu-ai-act-gpai",
            "--at",
            "2026-01-01",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Outcome: OUT OF SCOPE" in proc.stdout
