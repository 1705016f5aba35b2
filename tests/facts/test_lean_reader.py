"""The lean facts reader agrees with the pydantic models on every document it accepts.

:func:`modtrace.facts.lean.lean_row` may decline any document (the full path then decides),
but a row it returns must be exactly the row of the validated facts: same keys, same order,
same values of the same types. It must decline every document the models refuse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pycountry
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modtrace.errors import FactsError
from modtrace.facts import lean
from modtrace.facts.flatten import FACT_COLUMNS, facts_to_row
from modtrace.facts.lean import FactsSpec, compile_spec, country_table, lean_row
from modtrace.facts.loader import facts_from_mapping
from modtrace.facts.model import Facts
from modtrace.facts.vocab import normalise_jurisdiction
from strategies import documents

SPEC = compile_spec()
BASE: dict[str, Any] = {"original": {"id": "org/m", "provider": "Org"}, "modifier": {"name": "L"}}


def full_row(document: Any) -> list[tuple[str, type, Any]] | None:
    """The row the pydantic models give, with each value's type; None when they refuse."""
    try:
        row = facts_to_row(facts_from_mapping(document))
    except FactsError:
        return None
    return [(k, type(v), v) for k, v in row.items()]


def typed(row: dict[str, Any] | None) -> list[tuple[str, type, Any]] | None:
    return None if row is None else [(k, type(v), v) for k, v in row.items()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_a_row_the_lean_reader_gives_is_the_models_row(document: dict[str, Any]) -> None:
    lean = typed(lean_row(document, SPEC))
    if lean is not None:
        assert lean == full_row(document)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(junk=False))
def test_the_lean_reader_vouches_for_every_well_formed_document(document: dict[str, Any]) -> None:
    """Numbers as text or integers, dates as text, names of countries, ``unknown`` enums:
    none of them sends a valid document to the full path."""
    full = full_row(document)
    lean = typed(lean_row(document, SPEC))
    assert lean == full


def with_(section: str, **values: Any) -> dict[str, Any]:
    document = {k: dict(v) for k, v in BASE.items()}
    document.setdefault(section, {}).update(values)
    return document


@pytest.mark.parametrize(
    ("document", "why"),
    [
        (with_("original", parmeters=7e9), "unknown field"),
        (with_("original", parameters=-1), "below its minimum"),
        (with_("modification", hardware={"utilization": 0}), "at an exclusive minimum"),
        (with_("modifier", acts_on_behalf_of_provider="yes"), "a boolean as text"),
        (with_("modifier", employees=3.0), "an integer as a float"),
        (with_("modifier", employees="3"), "an integer as text"),
        (with_("original", parameters="1_000"), "a number pydantic reads, the reader does not"),
        (with_("original", parameters=2**64), "an integer past a machine word"),
        (with_("modifier", jurisdiction="Narnia"), "an unknown country"),
        (with_("original", modalities=["banana"]), "an unknown modality"),
        (with_("modification", date="2024-02-30"), "a date that does not exist"),
        (with_("modification", date=dt.datetime(2024, 1, 1)), "a date with a time"),
        (with_("modification", techniques=["fine tuning"]), "not an enum member"),
        (with_("modification", training=None), "a section as null"),
        ({**BASE, "evidence": [{"method": "m", "summary": "s"}]}, "evidence"),
        ({"original": {"id": "org/m", "provider": "Org"}}, "a required section missing"),
        (with_("original", parameters=1e300, training_tokens=1e300), "an estimate overflows"),
        ([BASE], "not a mapping"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_what_the_lean_reader_leaves_to_the_full_path(document: Any, why: str) -> None:
    assert lean_row(document, SPEC) is None, why


def test_a_document_in_text_numbers_and_names_is_read_lean() -> None:
    document = with_("original", parameters="70e9", training_tokens=2, modalities=["Code"])
    document["modifier"]["jurisdiction"] = "switzerland"
    document["modification"] = {
        "date": "2024-06-30",
        "capabilities": {"high_risk_uplift": "unknown"},
    }
    row = lean_row(document, SPEC)
    assert row is not None
    assert list(row) == list(FACT_COLUMNS)
    assert row["original.parameters"] == 7e10
    assert type(row["original.training_tokens"]) is float
    assert row["original.modalities"] == ["text"]
    assert row["modifier.jurisdiction"] == "CH"
    assert row["modification.date"] == dt.date(2024, 6, 30)
    assert row["modification.capabilities.high_risk_uplift"] is None


def test_the_country_table_is_pycountrys_own_answer() -> None:
    table, stamp = country_table()
    assert stamp is not None
    assert len(table) > len(pycountry.countries) * 3
    for text, code in table.items():
        assert normalise_jurisdiction(text) == code, text


def test_a_country_table_from_another_installation_is_not_used() -> None:
    lying = {**SPEC.countries, "germany": "FR"}
    stale = replace(SPEC, countries=lying, countries_stamp=("/nonexistent/iso3166-1.json", 1, 1))
    row = lean_row(with_("modifier", jurisdiction="Germany"), stale)
    assert row is not None
    assert row["modifier.jurisdiction"] == "DE"
    current = replace(SPEC, countries=lying)
    row = lean_row(with_("modifier", jurisdiction="Germany"), current)
    assert row is not None
    assert row["modifier.jurisdiction"] == "FR"  # the table answers when it is current


def test_a_field_with_a_validator_the_reader_does_not_know_is_left_alone() -> None:
    custom = {"Modifier.jurisdiction": True, "Original.modalities": True, "Modifier.name": True}
    schema = Facts.model_json_schema()
    node = lean._node(schema, "Facts", schema["$defs"], custom)
    spec: FactsSpec = replace(SPEC, root=node)
    assert lean_row(BASE, spec) is None
    assert lean_row(BASE, SPEC) is not None


def test_the_custom_validators_are_those_the_reader_repeats() -> None:
    assert set(lean._custom_validators(Facts)) == set(lean.VALIDATED)


@given(st.sampled_from(["", "a"]))
def test_text_below_its_minimum_length_is_left_alone(name: str) -> None:
    row = lean_row(with_("modifier", name=name), SPEC)
    assert (row is None) == (name == "")
