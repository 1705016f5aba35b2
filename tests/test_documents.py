"""Reading input files: every failure names the file or field, in the caller's error class."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from modtrace.documents import (
    MAX_DOCUMENT_BYTES,
    NOT_FINITE,
    document_issues,
    load_model,
    parse_json,
    parse_yaml,
    read_text,
    read_yaml,
)
from modtrace.errors import FactsError, InputError
from modtrace.evidence.runs import EvidenceError
from modtrace.facts.loader import load_facts
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


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("a: {b: 1, b: 2}\n", "a.b", "duplicate key"),
        ("a: [{b: 1}, {c: 1, c: 1}]\n", "a.1.c", "duplicate key"),
        ("a: {d: 2025-02-30}\n", "a.d", "'2025-02-30' is not a valid date"),
        ("a: [1, .inf]\n", "a.1", "must be a finite number"),
        ("a: {b: -.inf}\n", "a.b", "must be a finite number"),
        ("a: {b: .nan}\n", "a.b", "must be a finite number"),
        ('a: {b: "x\\0y"}\n', "a.b", "contains a NUL character"),
        ('a: ["ok", "\\x00"]\n', "a.1", "contains a NUL character"),
        ('a: {"k\\0": 1}\n', "a.k\\x00", "contains a NUL character"),
    ],
)
def test_yaml_documents_refuse_duplicates_bad_dates_and_non_finite_numbers(
    text: str, field: str, problem: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml(text, source="doc.yaml")
    ((got_field, got_problem),) = caught.value.issues
    assert got_field == field
    assert got_problem.startswith(problem)


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ('{"a": {"b": 1, "b": 2}}', "a.b", "duplicate key"),
        ('{"a": [Infinity]}', "a.0", "must be a finite number"),
        ('{"a": 1e400}', "a", "must be a finite number"),
        ('{"a": NaN}', "a", "must be a finite number"),
        ('{"a": ', "doc.json", "malformed JSON at line 1, column 7"),
    ],
)
def test_json_documents_follow_the_same_rules(text: str, field: str, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_json(text, source="doc.json")
    ((got_field, got_problem),) = caught.value.issues
    assert (got_field, got_problem[: len(problem)]) == (field, problem)


def test_merge_keys_are_not_duplicates() -> None:
    assert parse_yaml("base: &b {x: 1}\nother: {<<: *b, x: 2}\n", source="d") == {
        "base": {"x": 1},
        "other": {"x": 2},
    }


@pytest.mark.parametrize("value", ['"Infinity"', '"1e400"', "1e400", ".nan", '"-inf"'])
def test_models_refuse_numbers_pydantic_would_read_as_infinite(tmp_path: Path, value: str) -> None:
    class _Number(BaseModel):
        x: float | None = Field(default=None, ge=0)

    path = tmp_path / "doc.yaml"
    path.write_text(f"x: {value}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_model(path, _Number)
    assert caught.value.issues == [(f"{path}: x", NOT_FINITE)]


def test_files_over_the_limit_are_refused_by_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: no time spent writing it
    with pytest.raises(InputError) as caught:
        read_text(path)
    ((field, problem),) = caught.value.issues
    assert field == str(path)
    assert "limited to 5 MiB" in problem
    assert read_text(path, limit=MAX_DOCUMENT_BYTES + 1) == "\0" * (MAX_DOCUMENT_BYTES + 1)


_clean_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=5)
"""Text a document may hold: no NUL, no lone surrogate (each is reported on its own)."""
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), _clean_text)
_documents = st.recursive(
    st.dictionaries(st.text("abc", min_size=1, max_size=3), _scalars, max_size=3),
    lambda inner: (
        st.dictionaries(st.text("abc", min_size=1, max_size=3), inner, max_size=3)
        | st.lists(inner, max_size=3)
    ),
    max_leaves=12,
)


@given(_documents, st.sampled_from([math.inf, -math.inf, math.nan]), st.randoms())
def test_a_non_finite_number_anywhere_is_reported_at_its_path(
    document: Any, bad: float, random: Any
) -> None:
    """Put one non-finite number somewhere in a clean document: exactly that path is named."""
    path: list[Any] = []
    node = document
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        containers = [k for k in keys if isinstance(node[k], dict | list)]
        if not containers or random.random() < 0.3:
            key = random.choice(keys) if keys and random.random() < 0.5 else "zz"
            if isinstance(node, list):
                key = len(node)
                node.append(bad)
            else:
                node[key] = bad
            path.append(key)
            break
        key = random.choice(containers)
        path.append(key)
        node = node[key]
    assert document_issues(document) == [(".".join(map(str, path)), NOT_FINITE)]
    assert document_issues(json.loads(json.dumps(document))) == [
        (".".join(map(str, path)), NOT_FINITE)
    ]


def test_yaml_yes_and_no_stay_text_so_norway_is_a_country(tmp_path: Path) -> None:
    """YAML 1.1 reads NO as false; the facts reader keeps it as Norway's code, and true/false
    fields still accept yes and no."""
    path = tmp_path / "norway.yaml"
    path.write_text(
        "original: {id: a/b, provider: P}\n"
        "modifier: {name: m, jurisdiction: NO, acts_on_behalf_of_provider: no}\n"
        "modification: {placed_on_union_market: yes, upstream_warned: False}\n",
        encoding="utf-8",
    )
    facts = load_facts(path)
    assert facts.modifier.jurisdiction == "NO"
    assert facts.modifier.acts_on_behalf_of_provider is False
    assert facts.modification.placed_on_union_market is True
    assert facts.modification.upstream_warned is False
