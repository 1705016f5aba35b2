"""Each regime's page maps the source's provisions to the steps and says what is not modelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from modtrace.regimes.loader import default_catalog

DOCS = Path(__file__).resolve().parents[2] / "docs" / "regimes"
CATALOG = default_catalog()


@pytest.mark.parametrize("regime_id", CATALOG.ids())
def test_every_step_and_obligation_is_on_the_regimes_page(regime_id: str) -> None:
    page = (DOCS / f"{regime_id}.md").read_text(encoding="utf-8")
    assert "## Provision → step" in page
    assert "## Not modelled" in page
    regime = CATALOG.latest()[CATALOG.ids().index(regime_id)]
    for step in regime.steps:
        assert f"`{step.id}`" in page or step.id in page, (regime_id, step.id)
    for duty in regime.obligations:
        assert duty.id in page, (regime_id, duty.id)
