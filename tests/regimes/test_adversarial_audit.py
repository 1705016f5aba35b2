"""The audit suite (tests/regimes/adversarial_audit.yaml): further edge cases, each citing the
provision it tests, checked by the same rules as tests/regimes/adversarial.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from adversarial_suites import base_suite, round_cases

suite = base_suite()

AUDIT = round_cases("adversarial_audit.yaml")
CASES: list[dict[str, Any]] = AUDIT["cases"]


def test_the_audit_suite_shares_the_base_and_cites_known_sources() -> None:
    assert AUDIT["base"] == suite.SUITE["base"]
    names = [c["name"] for c in CASES] + [c["name"] for c in suite.CASES]
    assert len(set(names)) == len(names)
    for regime in ("govai-2025", "eu-ai-act-gpai", "ca-sb53", "ca-sb1047-2024"):
        assert sum(c["regime"] == regime for c in CASES) >= 10, regime
    for case in CASES:
        assert case["cites"]["source"] in suite.CATALOG.sources, case["name"]
        assert case["cites"]["ref"], case["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_audit_case(case: dict[str, Any]) -> None:
    suite.test_adversarial_case(case)
