"""A draft against a bundled regime over a real extract: transitions add up, estimates bracket."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from conftest import SHARED_DATA
from modtrace.ecosystem.compare import compare, comparison_text
from modtrace.ecosystem.estimate import Fitted
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY, run
from modtrace.regimes.drafts import load_drafts

DRAFT = Path(__file__).resolve().parents[2] / "examples" / "drafts" / "compute-draft.yaml"


def test_transitions_add_up_and_match_two_independent_runs(population: pl.DataFrame) -> None:
    catalog = load_drafts([DRAFT])
    draft, against = catalog.get("compute-draft"), catalog.get("govai-2025")
    c = compare(population, draft, against, OBSERVABLE_ONLY, top=5)
    assert int(c.transitions["models"].sum()) == population.height
    a = run(population, draft, OBSERVABLE_ONLY).select("derived_model", "outcome")
    b = run(population, against, OBSERVABLE_ONLY).select("derived_model", "outcome")
    joined = a.join(b, on="derived_model", suffix="_against")
    changed = joined.filter(pl.col("outcome") != pl.col("outcome_against")).height
    assert c.changed_models == changed
    assert c.draft_counts.in_scope == a.filter(pl.col("outcome") == "in-scope").height
    assert c.families.height <= 5
    if changed:
        assert c.families["changed"].to_list()[0] >= 1
    assert c.estimate is None
    assert f"{changed:,} derivatives" in comparison_text(c)


def test_the_central_estimate_brackets_its_expected_count(population: pl.DataFrame) -> None:
    catalog = load_drafts([DRAFT])
    c = compare(
        population,
        catalog.get("compute-draft"),
        catalog.get("govai-2025"),
        top=3,
        fitted=Fitted.from_epoch(SHARED_DATA / "epoch"),
    )
    assert c.estimate is not None
    assert set(c.estimate) == {"compute-draft", "govai-2025"}
    for figures in c.estimate.values():
        assert figures["low_90"] <= figures["expected"] <= figures["high_90"]
    assert "central estimate (observable-only" in comparison_text(c)
