"""Reading input files: every failure names the file or field, in the caller's error class."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from modtrace.documents import load_model, read_yaml
from modtrace.errors import FactsError, InputError
from modtrace.evidence.runs import EvidenceError
from modtrace.upstream.gate import load_request
from modtrace.upstream.terms import TermsError, load_terms


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    count: int


def test_a_valid_file_becomes_the_model(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text("name: x\ncount: 3\n", encoding="utf-8")
    assert load_model(path, _Doc) == _Doc(name="x", count=3)


def test_syntax_errors_give_line_and_column_in_the_callers_class(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text("name: [\n", encoding="utf-8")
    with pytest.raises(EvidenceError) as caught:
        read_yaml(path, EvidenceError)
    ((field, problem),) = caught.value.issues
    assert field == str(path)
    assert problem.startswith("malformed YAML at line 2, column 1")


@pytest.mark.parametrize("content", [b"\xff\xfe\x00name: x", None])
def test_unreadable_files_are_input_errors_not_tracebacks(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "doc.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(TermsError) as caught:
        load_terms(path)
    ((field, problem),) = caught.value.issues
    assert field == str(path)
    assert problem.startswith("cannot be read:") if content else problem == "no such file"


def test_validation_errors_name_each_field(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text("name: x\ncount: many\ncolour: red\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_model(path, _Doc)
    fields = dict(caught.value.issues)
    assert set(fields) == {f"{path}: count", f"{path}: colour"}
    assert "unknown field" in fields[f"{path}: colour"]


def test_a_malformed_gate_request_is_not_reported_as_a_facts_error(tmp_path: Path) -> None:
    path = tmp_path / "request.yaml"
    path.write_text("requester: {\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_request(path)
    assert not isinstance(caught.value, FactsError)
    assert "malformed YAML at line" in caught.value.issues[0][1]
