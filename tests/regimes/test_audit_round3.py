"""The third audit round (tests/regimes/adversarial_round3.yaml): edge cases the first two
suites leave open, each citing the provision it tests, run through both evaluators by the same
checks as tests/regimes/adversarial.yaml."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

_SPEC = importlib.util.spec_from_file_location(
    "adversarial_suite_round3", Path(__file__).parent / "test_adversarial.py"
)
assert _SPEC is not None
assert _SPEC.loader is not None
suite = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(suite)

ROUND3 = yaml.safe_load(
    (Path(__file__).parent / "adversarial_round3.yaml").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = ROUND3["cases"]
AUDIT = yaml.safe_load(
    (Path(__file__).parent / "adversarial_audit.yaml").read_text(encoding="utf-8")
)


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
