"""Every command over a corpus of bad input (tests/bad_input/cli.yaml): exit 2, nothing on
stdout, only ``error: <field>: <problem>`` lines on stderr, never a traceback.

The commands are enumerated from the click group, so a new command without corpus entries
fails :func:`test_every_command_has_a_corpus`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from hostile_files import Files, make_files
from modtrace.cli.main import cli
from modtrace.registry.register import Register

CORPUS: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "cli.yaml").read_text(encoding="utf-8")
)
ERROR_LINE = re.compile(r"^error: \S[^\n]*: \S")
MIN_CASES = 5


def leaf_commands(group: click.Group, prefix: str = "") -> list[str]:
    """Every runnable command under ``group``, as its words after ``modtrace``."""
    names = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            names += leaf_commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


def test_every_command_has_a_corpus() -> None:
    commands = leaf_commands(cli)
    missing = [c for c in commands if len(CORPUS.get(c, [])) < MIN_CASES]
    assert not missing, f"fewer than {MIN_CASES} bad inputs for: {', '.join(missing)}"
    assert not set(CORPUS) - set(commands), "corpus entries for commands that do not exist"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    return make_files(tmp_path_factory.mktemp("bad-input"))


CASES = [
    pytest.param(command, case, id=f"{command}-{i}")
    for command, cases in CORPUS.items()
    for i, case in enumerate(cases)
]


@pytest.mark.parametrize(("command", "case"), CASES)
def test_bad_input_gets_one_error_line_and_exit_2(
    files: Files, command: str, case: dict[str, Any]
) -> None:
    args = [*command.split(), *(files.fill(a) for a in case["args"])]
    env = {"MODTRACE_DATABASE_URL": files.register_url, "MODTRACE_DEBUG": None}
    env.update(case.get("env", {}))
    result = CliRunner(env=env).invoke(cli, args, prog_name="modtrace")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert result.stdout == "", "output before the error"
    lines = result.stderr.splitlines()
    assert lines, "no error message"
    assert all(ERROR_LINE.match(line) for line in lines), result.stderr
    assert files.fill(case["says"]) in result.stderr


def test_no_args_on_a_group_names_its_commands() -> None:
    result = CliRunner().invoke(cli, ["gate"], prog_name="modtrace")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: modtrace gate: missing command; one of: breach, check,")


def test_an_unknown_command_is_one_error_line() -> None:
    result = CliRunner().invoke(cli, ["nosuch"], prog_name="modtrace")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: modtrace: no such command 'nosuch'; see modtrace --help\n",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["assess", "{dup}"],
        ["trace", "x", "--database", "{notdb}"],
        ["import", "hub-stats", "{bin}"],
        ["serve", "--port", "99999"],
    ],
)
def test_the_installed_entry_point_gives_no_traceback(files: Files, args: list[str]) -> None:
    """The real script, not CliRunner: the same single line and exit code."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("modtrace")), *(files.fill(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"MODTRACE_DATABASE_URL": files.register_url, "PATH": ""},
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert all(ERROR_LINE.match(line) for line in done.stderr.splitlines()), done.stderr


def test_a_bad_week_among_good_ones_imports_nothing(files: Files, tmp_path: Path) -> None:
    """Every file's header is checked before the first row is imported, and before any bar."""
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    result = CliRunner().invoke(
        cli, ["import", "hf-lineage", files.fill("{lineage_mixed}"), "--database", url]
    )
    assert result.exit_code == 2
    register = Register.open(url)
    assert register.model("a/b") is None
    register.engine.dispose()
