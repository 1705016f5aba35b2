"""docs/regimes/writing.md runs as written: every `$ modtrace` command in it, in order."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHARED_DATA
from modtrace.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "regimes" / "writing.md"


def console_blocks() -> list[tuple[str, list[str]]]:
    """Each `$ modtrace` command of the guide with the output lines shown under it."""
    text = GUIDE.read_text(encoding="utf-8")
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif out and line.strip():
                out[-1][1].append(line)
    return out


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder laid out as the guide assumes: the draft saved, examples/ and ../shared/data."""
    if not (SHARED_DATA / "hf-lineage").is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r"<!-- file: (\S+) -->\n```yaml\n(.*?)```", text, re.S)
    assert match
    work = tmp_path / "work"
    work.mkdir()
    (work / match[1]).write_text(match[2], encoding="utf-8")
    (work / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "shared").symlink_to(SHARED_DATA.parent)
    monkeypatch.chdir(work)
    return work


def test_the_guide_has_the_commands_it_promises() -> None:
    commands = [c for c, _ in console_blocks()]
    for sub in ("regimes check", "assess", "regimes diff", "ecosystem simulate", "--against"):
        assert any(sub in c for c in commands), sub


def test_every_guide_command_runs_as_written(workdir: Path) -> None:
    runner = CliRunner()
    for command, shown in console_blocks():
        args = shlex.split(command)
        assert args[0] == "modtrace"
        result = runner.invoke(cli, args[1:])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command,
            result.output,
        )
        assert result.exit_code in (0, 3), (command, result.output)
        for line in shown:
            assert line in result.output, (command, line, result.output)


def test_draft_outcome_under_assess_matches_a_direct_reading(workdir: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "assess",
            "examples/meditron-70b.yaml",
            "--regime-file",
            "compute-draft.yaml",
            "--all-regimes",
            "--format",
            "json",
        ],
    )
    rows = {d["regime"]["id"]: d for d in json.loads(result.output)}
    assert {"govai-2025", "compute-draft"} <= set(rows)
    draft = rows["compute-draft"]
    steps = {t["id"]: t["answer"] for t in draft["trace"]}
    assert steps["large_original"] == "false"  # Llama-2-70B: 8.1e23 FLOP < 1e24
    assert draft["outcome"] == "out-of-scope"
    lowered = CliRunner().invoke(
        cli,
        [
            "assess",
            "examples/meditron-70b.yaml",
            "--regime-file",
            "compute-draft.yaml",
            "--regime",
            "compute-draft",
            "--param",
            "original_threshold_flop=1e23",
            "--param",
            "modification_threshold_flop=1e22",
            "--format",
            "json",
        ],
    )
    assert json.loads(lowered.output)["outcome"] == "in-scope"


def test_a_bad_draft_exits_2_with_one_line_per_problem(workdir: Path) -> None:
    bad = ROOT / "tests" / "regimes" / "drafts" / "bad-draft.yaml"
    result = CliRunner().invoke(cli, ["regimes", "check", str(bad)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) >= 6
    assert all(re.match(r"error: .*bad-draft\.yaml:\d+:\d+: ", ln) for ln in lines), lines
    assessed = CliRunner().invoke(
        cli, ["assess", "examples/meditron-70b.yaml", "--regime-file", str(bad)]
    )
    assert assessed.exit_code == 2
    assert "Traceback" not in assessed.output


def test_an_unknown_regime_beside_drafts_names_the_draft(workdir: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "assess",
            "examples/meditron-70b.yaml",
            "--regime-file",
            "compute-draft.yaml",
            "--regime",
            "compute-drfat",
        ],
    )
    assert result.exit_code == 2
    assert "compute-draft" in result.output  # listed among the known regimes
