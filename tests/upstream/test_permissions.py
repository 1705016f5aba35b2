"""Terms answer App. B's 'upstream permits significant modifications' criterion."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from modtrace.cli.main import cli
from modtrace.facts import facts_from_mapping
from modtrace.facts.model import Facts
from modtrace.upstream.permissions import permissions_patch
from modtrace.upstream.terms import Terms, load_terms

ROOT = Path(__file__).resolve().parents[2]
TERMS = load_terms(ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml")


def facts(model: str = TERMS.model) -> Facts:
    return facts_from_mapping(
        {
            "original": {"id": model, "provider": "Meta"},
            "modifier": {"name": "Lab"},
            "modification": {"techniques": ["fine-tuning"]},
        }
    )


def with_terms(terms: list[dict[str, object]]) -> Terms:
    data = TERMS.model_dump(mode="json")
    data["terms"] = terms
    return Terms.model_validate(data)


def term(effect: str, **when: object) -> dict[str, object]:
    return {
        "id": f"t-{effect}",
        "effect": effect,
        "description": "d",
        "when": when,
        "source": "licence §1",
    }


def test_a_cap_or_a_denied_weight_change_means_not_permitted() -> None:
    for restricting in (
        term("escalate", compute_fraction_over=0.1),
        term("deny", techniques_any=["abliteration"]),
        term("escalate", data_tokens_over=1_000_000),
    ):
        patch = permissions_patch(facts(), with_terms([restricting]))
        assert patch is not None
        assert patch["original"]["upstream"]["permits_significant_modifications"] is False
        assert restricting["id"] in patch["evidence"][0]["summary"]


def test_terms_that_restrict_no_weight_change_permit_significant_modifications() -> None:
    for harmless in (
        term("deny", jurisdiction_in=["KP"]),
        term("condition", techniques_any=["fine-tuning"]),
        term("deny", techniques_any=["prompting"]),
    ):
        patch = permissions_patch(facts(), with_terms([harmless]))
        assert patch is not None
        assert patch["original"]["upstream"]["permits_significant_modifications"] is True


def test_terms_of_another_model_say_nothing() -> None:
    assert permissions_patch(facts("other/model"), TERMS) is None


DRAFT = """
id: permission-draft
version: 1
title: Draft - in scope where the upstream permits significant modifications
jurisdiction: draft
status: proposal
effective_from: 2026-01-01
summary: Table 4's upstream criterion on its own.
steps:
  - id: permitted
    question: Does the upstream developer permit significant modifications?
    when: {fact: original.upstream.permits_significant_modifications}
    source: {source: govai-2025-paper, ref: "Table 4", note: "upstream developer"}
scope:
  when: {step: permitted}
  source: {source: govai-2025-paper, ref: "App. B"}
"""


def test_a_draft_reads_the_permission_from_terms_and_cites_them(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text(facts().model_dump_json(), encoding="utf-8")
    draft = tmp_path / "permission-draft.yaml"
    draft.write_text(DRAFT, encoding="utf-8")
    args = [
        "assess",
        str(path),
        "--regime-file",
        str(draft),
        "--regime",
        "permission-draft",
        "--format",
        "json",
    ]
    unknown = json.loads(CliRunner().invoke(cli, args).output)
    assert unknown["outcome"] == "indeterminate"
    assert "original.upstream.permits_significant_modifications" in unknown["missing"]
    terms = str(ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml")
    result = CliRunner().invoke(cli, [*args, "--terms", terms])
    assert result.exit_code in (0, 3), result.output
    decided = json.loads(result.output)
    expected = permissions_patch(facts(), TERMS)
    assert expected is not None
    permits = expected["original"]["upstream"]["permits_significant_modifications"]
    assert decided["outcome"] == ("in-scope" if permits else "out-of-scope")
    step = decided["trace"][0]
    assert step["facts"] == {"original.upstream.permits_significant_modifications": permits}
    assert step["evidence"], "the terms behind the fact are cited"
