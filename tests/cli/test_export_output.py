"""``export card`` and ``export bom`` write where they are told, or say why they cannot (found by
the audit: a folder or a missing folder as ``-o`` was an internal error)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from modtrace.cli.main import cli


@pytest.mark.parametrize("command", ["card", "bom"])
@pytest.mark.parametrize("where", ["folder", "missing/x.out"])
def test_an_output_that_cannot_be_written_is_one_error_line(
    tmp_path: Path, command: str, where: str
) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    (tmp_path / "folder").mkdir()
    runner = CliRunner()
    facts = str(EXAMPLES / "meditron-70b.yaml")
    filed = runner.invoke(
        cli, ["filing", "submit", facts, "--database", url, "--model-id", "epfl-llm/meditron-70b"]
    )
    assert filed.exit_code == 0, filed.output
    args = ["export", command, "epfl-llm/meditron-70b", "-o", str(tmp_path / where)]
    answer = runner.invoke(cli, [*args, "--database", url])
    assert answer.exit_code == 2, answer.output
    assert answer.output.startswith("error: --output: cannot be written:"), answer.output
    assert len(answer.output.strip().splitlines()) == 1
