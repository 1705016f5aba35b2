"""Completeness: every regime documented, every command in the README, the public API guarded."""

from __future__ import annotations

from pathlib import Path

import pytest

import modtrace
from modtrace.cli.main import cli
from modtrace.regimes.loader import default_catalog

ROOT = Path(__file__).resolve().parent.parent


def test_every_regime_has_a_doc_page_citing_its_rules() -> None:
    for regime_id in default_catalog().ids():
        page = ROOT / "docs" / "regimes" / f"{regime_id}.md"
        assert page.exists(), regime_id
        assert regime_id in page.read_text()


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    names: list[str] = []
    for name, command in cli.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"modtrace {name} {s}" for s in sub] if sub else [f"modtrace {name}"]
    for line in names:
        assert line in readme, line


def test_every_command_docstring_ends_with_an_example() -> None:
    def leaves(group: object) -> list[object]:
        subs = getattr(group, "commands", None)
        return [c for s in subs.values() for c in leaves(s)] if subs else [group]

    for command in leaves(cli):
        assert "Example: modtrace" in (getattr(command, "help", "") or ""), command


def test_public_api_is_what_all_says() -> None:
    assert sorted(modtrace.__all__) == sorted(
        [
            "Catalog",
            "Determination",
            "Facts",
            "FactsError",
            "InputError",
            "ModtraceError",
            "ParameterError",
            "RegimeDefinitionError",
            "UnknownRegimeError",
            "__version__",
            "assess",
            "assess_row",
            "default_catalog",
            "facts_to_row",
            "load_facts",
            "with_overrides",
        ]
    )
    for name in modtrace.__all__:
        assert hasattr(modtrace, name)


def test_every_public_name_resolves_and_unknown_names_fail() -> None:
    for name in modtrace.__all__:
        assert getattr(modtrace, name) is not None, name
    with pytest.raises(AttributeError, match="no_such_name"):
        getattr(modtrace, "no_such_name")  # noqa: B009
