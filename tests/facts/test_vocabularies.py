"""Controlled vocabularies: what a person would mean is read as such; anything else is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from modtrace.cli.main import cli
from modtrace.errors import FactsError
from modtrace.facts import facts_from_mapping
from modtrace.facts.vocab import normalise_jurisdiction, normalise_modalities


def doc(
    original: dict[str, object] | None = None, modifier: dict[str, object] | None = None
) -> dict[str, Any]:
    return {
        "original": {"id": "org/m", "provider": "Org", **(original or {})},
        "modifier": {"name": "Lab", **(modifier or {})},
    }


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["Text"], ["text"]),
        (["code"], ["text"]),  # guidelines fn 2: code counts as text
        (["TEXT", "code", "Image"], ["text", "image"]),
        (["speech"], ["audio"]),
        (["text-to-video"], ["video"]),
        (["Protein"], ["protein"]),
        ([], []),
    ],
)
def test_modalities_are_normalised(given: list[str], expected: list[str]) -> None:
    assert normalise_modalities(given) == expected
    assert facts_from_mapping(doc({"modalities": given})).original.modalities == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("de", "DE"),
        ("DE", "DE"),
        ("Germany", "DE"),
        ("DEU", "DE"),
        ("EL", "GR"),  # the EU's own code for Greece
        ("el", "GR"),
        ("Greece", "GR"),
        ("UK", "GB"),
        ("united states", "US"),
        ("EU", "EU"),
        ("European Union", "EU"),
    ],
)
def test_jurisdictions_are_iso_codes(given: str, expected: str) -> None:
    assert normalise_jurisdiction(given) == expected
    assert facts_from_mapping(doc(modifier={"jurisdiction": given})).modifier.jurisdiction == (
        expected
    )


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("original", "modalities", ["telepathy"]),
        ("modifier", "jurisdiction", "Atlantis"),
        ("modifier", "jurisdiction", "XX"),
    ],
)
def test_what_matches_nothing_is_refused_naming_the_field(
    section: str, field: str, value: object
) -> None:
    with pytest.raises(FactsError) as raised:
        facts_from_mapping(doc(**{section: {field: value}}))
    assert [f for f, _ in raised.value.issues] == [f"{section}.{field}"]


def test_the_cli_prints_one_error_line_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(
        "original: {id: org/m, provider: Org}\nmodifier: {name: Lab, jurisdiction: Atlantis}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["assess", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith("error: modifier.jurisdiction: ")
    assert "ISO 3166-1" in result.output
