"""Published warnings feed the regimes' upstream_warned fact, with the warning cited."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from modtrace.cli.main import cli
from modtrace.facts import facts_from_mapping
from modtrace.upstream.terms import load_terms
from modtrace.upstream.warnings import warning_patch

ROOT = Path(__file__).resolve().parents[2]
TERMS = load_terms(ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml")


def facts(
    techniques: list[str], domains: list[str] | None = None, model: str = TERMS.model
) -> object:
    return facts_from_mapping(
        {
            "original": {"id": model, "provider": "Meta", "training_compute_flop": 1.224e24},
            "modifier": {"name": "Lab", "acts_on_behalf_of_provider": False},
            "modification": {"techniques": techniques, "data": {"domains": domains}},
        }
    )


def test_a_matching_warning_sets_the_fact() -> None:
    patch = warning_patch(facts(["fine-tuning"], ["bio"]), TERMS)  # type: ignore[arg-type]
    assert patch is not None
    assert patch["modification"]["upstream_warned"] is True
    assert "CBRN" in patch["evidence"][0]["summary"]


def test_no_matching_warning_sets_false_and_other_models_are_untouched() -> None:
    patch = warning_patch(facts(["fine-tuning"], ["medicine"]), TERMS)  # type: ignore[arg-type]
    assert patch is not None
    assert patch["modification"]["upstream_warned"] is False
    assert warning_patch(facts(["fine-tuning"], model="other/model"), TERMS) is None  # type: ignore[arg-type]


def test_assess_with_terms_cites_the_warning(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(
        json.dumps(
            {
                "original": {
                    "id": TERMS.model,
                    "provider": "Meta",
                    "training_compute_flop": 1.224e24,
                },
                "modifier": {"name": "Lab", "acts_on_behalf_of_provider": False},
                "modification": {"techniques": ["abliteration"]},
            }
        )
    )
    out = CliRunner().invoke(
        cli,
        [
            "assess",
            str(path),
            "--terms",
            str(ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml"),
            "--param",
            "upstream_threshold_flop=1e24",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["outcome"] == "in-scope"
    step = next(s for s in data["trace"] if s["id"] == "upstream_warning")
    assert step["answer"] == "true"
    assert "abliteration" in step["evidence"][0]["summary"]
