"""The adversarial regime suites' shared pieces: the base suite's runner
(tests/regimes/test_adversarial.py, loaded as a module so its checks run every later round's
cases the same way) and each round's YAML."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

REGIME_TESTS = Path(__file__).parent / "regimes"


def base_suite() -> ModuleType:
    """tests/regimes/test_adversarial.py as a module: its ``SUITE``, ``CASES``, ``CATALOG`` and
    ``test_adversarial_case``."""
    spec = importlib.util.spec_from_file_location(
        "adversarial_suite", REGIME_TESTS / "test_adversarial.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def round_cases(file_name: str) -> dict[str, Any]:
    """One round's YAML (``base`` and ``cases``) from tests/regimes."""
    loaded: dict[str, Any] = yaml.safe_load((REGIME_TESTS / file_name).read_text(encoding="utf-8"))
    return loaded
