"""The adversarial suite (tests/regimes/adversarial.yaml): edge cases of each source, each citing
the provision it tests, checked through both evaluators."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from modtrace.determination import assess
from modtrace.determination.batch import assess_frame, facts_frame
from modtrace.errors import FactsError
from modtrace.facts import facts_from_mapping, facts_to_row
from modtrace.facts.loader import merge
from modtrace.regimes.loader import default_catalog, with_overrides

SUITE = yaml.safe_load((Path(__file__).parent / "adversarial.yaml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = SUITE["cases"]
CATALOG = default_catalog()


def test_the_suite_is_large_and_every_case_cites_a_known_source() -> None:
    assert len(CASES) >= 60
    names = [c["name"] for c in CASES]
    assert len(set(names)) == len(names)
    for case in CASES:
        assert case["cites"]["source"] in CATALOG.sources, case["name"]
        assert case["cites"]["ref"], case["name"]


def _facts_document(case: dict[str, Any]) -> dict[str, Any]:
    return merge(SUITE["base"], case.get("facts") or {})


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_adversarial_case(case: dict[str, Any]) -> None:
    expect = case["expect"]
    document = _facts_document(case)
    if "error" in expect:
        with pytest.raises(FactsError) as raised:
            facts_from_mapping(document)
        fields = [issue[0] for issue in raised.value.issues]
        assert expect["error"] in fields, fields
        return
    facts = facts_from_mapping(document)
    at: dt.date = case["at"]
    regime = with_overrides(CATALOG.get(case["regime"], at), case.get("params") or {})
    d = assess(facts, regime, at=at)
    assert d.outcome == expect["outcome"], [(t.id, t.answer) for t in d.trace]
    if "role" in expect:
        assert d.role == expect["role"]
    answers = {t.id: t.answer for t in d.trace}
    for step, answer in (expect.get("steps") or {}).items():
        assert answers[step] == answer, step
    applied = {o.id for o in d.obligations}
    assert set(expect.get("obligations") or []) <= applied, applied
    assert not set(expect.get("not_obligations") or []) & applied, applied
    assert set(expect.get("missing") or []) <= set(d.missing), d.missing
    if "in_force" in expect:
        assert d.in_force is expect["in_force"]
        assert all(o.in_force is expect["in_force"] for o in d.obligations)
    if "applies_from" in expect:
        assert d.applies_from == expect["applies_from"]
        assert all(o.applies_from == expect["applies_from"] for o in d.obligations)
    if "due" in expect:
        assert d.obligations
        assert {o.due for o in d.obligations} == {expect["due"]}
    batch = assess_frame(facts_frame([facts_to_row(facts)]), regime).row(0, named=True)
    assert (batch["outcome"], batch["role"]) == (d.outcome, d.role)
