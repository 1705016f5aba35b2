"""Shared fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from modtrace.regimes.loader import Catalog, default_catalog

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped regimes."""
    return default_catalog()
