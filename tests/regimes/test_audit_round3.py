"""The third audit round (tests/regimes/adversarial_round3.yaml): edge cases the first two
suites leave open, each citing the provision it tests, run through both evaluators by the same
checks as tests/regimes/adversarial.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from adversarial_suites import base_suite, round_cases

suite = base_suite()

ROUND3 = round_cases("adversarial_round3.yaml")
CASES: list[dict[str, Any]] = ROUND3["cases"]
AUDIT = round_cases("adversarial_audit.yaml")


def test_round3_shares_the_base_and_cites_known_sources() -> None:
    assert ROUND3["base"] == suite.SUITE["base"]
    names = [c["name"] for c in CASES + suite.CASES + AUDIT["cases"]]
    assert len(set(names)) == len(names)
    for case in CASES:
        assert case["cites"]["source"] in suite.CATALOG.sources, case["name"]
        assert case["cites"]["ref"], case["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_round3_case(case: dict[str, Any]) -> None:
    suite.test_adversarial_case(case)


# ---- the duties each determination lists ---------------------------------------------------


def _duties(regime_id: str) -> dict[str, Any]:
    return {o.id: o for o in suite.CATALOG.get(regime_id).obligations}


def test_eu_art53_duties_are_limited_to_the_modification() -> None:
    """Guidelines §3.2.1 para 68 (recital 109): (a)-(b) documentation covers the modification,
    (c)-(d) the data used in it; each duty says so and cites the paragraph."""
    duties = _duties("eu-ai-act-gpai")
    for duty_id in (
        "art53-1a-technical-documentation",
        "art53-1b-downstream-information",
        "art53-1c-copyright-policy",
        "art53-1d-training-content-summary",
    ):
        duty = duties[duty_id]
        assert "modification" in duty.title, duty_id
        assert duty.source.note is not None
        assert "para 68" in duty.source.note, duty_id


def test_eu_art54_representative_is_appointed_before_placing_on_the_market() -> None:
    duty = _duties("eu-ai-act-gpai")["art54-authorised-representative"]
    assert duty.deadline is not None
    assert "before placing" in duty.deadline
    assert duty.source.note is not None
    assert "para 69" in duty.source.note


def test_sb1047_lists_each_duty_of_a_covered_model_developer() -> None:
    """§22603(a)-(h): protocol, cybersecurity and shutdown before training; assessment and
    safeguards before use; no use with unreasonable risk; annual re-evaluation, audit and
    statement; 72-hour incident reports; a statement within 30 days of first use."""
    refs = {o.source.ref for o in _duties("ca-sb1047-2024").values()}
    for ref in ("(a)(1)", "(a)(3)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)"):
        assert any(r.endswith(ref) for r in refs), (ref, refs)
