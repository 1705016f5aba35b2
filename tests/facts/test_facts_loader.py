"""Loading facts: valid files, YAML 1.1 numbers, and errors that name the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from modtrace.errors import FactsError
from modtrace.facts import FACT_COLUMNS, facts_from_mapping, facts_to_row, load_facts
from modtrace.facts.loader import parse_document

MINIMAL: dict[str, Any] = {
    "original": {"id": "org/m", "provider": "Org"},
    "modifier": {"name": "Lab"},
}


def _with(path: str, value: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {k: dict(v) for k, v in MINIMAL.items()}
    doc.setdefault("modification", {})
    node = doc
    *parents, leaf = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    return doc


def test_yaml11_exponent_numbers_are_numbers(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("original: {id: a/b, provider: P, parameters: 405e9}\nmodifier: {name: L}\n")
    assert load_facts(path).original.parameters == 405e9


def test_every_schema_field_flattens_to_a_column() -> None:
    row = facts_to_row(facts_from_mapping(MINIMAL))
    assert set(row) == set(FACT_COLUMNS)
    assert row["modification.compute_flop"] is None


def test_unknown_uplift_word_is_read_as_unknown() -> None:
    facts = facts_from_mapping(_with("modification.capabilities", {"high_risk_uplift": "unknown"}))
    assert facts_to_row(facts)["modification.capabilities.high_risk_uplift"] is None


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        ("modification.compute_flop", -1, "modification.compute_flop", ["greater than or equal"]),
        ("modification.compute_flop", "lots", "modification.compute_flop", ["number"]),
        ("modification.techniques", ["telepathy"], "modification.techniques.0", ["fine-tuning"]),
        ("modification.upstream_warned", "perhaps", "modification.upstream_warned", ["boolean"]),
        ("modification.hardware", {"utilization": 1.5}, "modification.hardware.utilization", ["1"]),
        ("modification.colour", "blue", "modification.colour", ["unknown field"]),
        ("modification.date", "yesterday", "modification.date", ["date"]),
        ("modification.compute_flop", True, "modification.compute_flop", ["not true or false"]),
        ("original.parameters", False, "original.parameters", ["not true or false"]),
        ("modification.training", {"epochs": True}, "modification.training.epochs", ["number"]),
        (
            "modification.hardware",
            {"utilization": True},
            "modification.hardware.utilization",
            ["not true or false"],
        ),
        ("modifier.name", "   ", "modifier.name", ["must not be blank"]),
        ("original.provider", "\t", "original.provider", ["must not be blank"]),
    ],
    ids=[
        "negative-compute",
        "text-compute",
        "unknown-technique",
        "bad-bool",
        "utilization>1",
        "typo-field",
        "bad-date",
        "boolean-compute",
        "boolean-parameters",
        "boolean-epochs",
        "boolean-utilization",
        "blank-modifier",
        "blank-provider",
    ],
)
def test_bad_values_name_field_and_problem(
    path: str, value: Any, field: str, words: list[str]
) -> None:
    with pytest.raises(FactsError) as info:
        facts_from_mapping(_with(path, value))
    fields = [f for f, _ in info.value.issues]
    assert field in fields
    problem = dict(info.value.issues)[field].lower()
    assert all(w.lower() in problem for w in words), problem


def test_missing_required_fields_are_named() -> None:
    with pytest.raises(FactsError) as info:
        facts_from_mapping({"original": {"id": "a/b"}, "modifier": {}})
    assert {"original.provider", "modifier.name"} <= {f for f, _ in info.value.issues}


def test_malformed_yaml_names_the_position(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("original: {id: a\nmodifier: [\n")
    with pytest.raises(FactsError) as info:
        load_facts(path)
    ((field, problem),) = info.value.issues
    assert field == str(path)
    assert "malformed YAML at line" in problem


def test_malformed_json_names_the_position(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"original": ')
    with pytest.raises(FactsError, match="malformed JSON at line 1"):
        load_facts(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(FactsError, match="no such file"):
        load_facts(tmp_path / "absent.yaml")


@pytest.mark.parametrize("doc", [None, [], "text", 3], ids=["empty", "list", "string", "number"])
def test_non_mapping_documents_are_rejected(doc: Any) -> None:
    with pytest.raises(FactsError, match="expected a mapping"):
        facts_from_mapping(doc)


_json = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(
    [
        "original",
        "modifier",
        "modification",
        "id",
        "provider",
        "name",
        "techniques",
        "compute_flop",
        "training",
        "safeguards",
        "altered",
    ]
)
_shaped = st.recursive(
    _json, lambda inner: st.dictionaries(_keys, inner, max_size=5), max_leaves=20
)


@settings(max_examples=300, deadline=None)
@given(doc=_shaped)
def test_fuzzed_documents_validate_or_fail_cleanly(doc: Any) -> None:
    try:
        facts_from_mapping(doc)
    except FactsError as exc:
        assert exc.issues
        assert all(field and problem for field, problem in exc.issues)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_fuzzed_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        doc = parse_document(text)
    except FactsError as exc:
        assert "malformed YAML" in exc.issues[0][1]
        return
    try:
        facts_from_mapping(doc)
    except FactsError as exc:
        assert exc.issues


def test_schema_round_trip_through_yaml(tmp_path: Path) -> None:
    doc = _with("modification.training", {"method": "lora", "tokens": 1e9, "epochs": 2})
    path = tmp_path / "f.yaml"
    path.write_text(yaml.safe_dump(doc))
    facts = load_facts(path)
    assert facts_from_mapping(facts.model_dump(mode="json")) == facts
