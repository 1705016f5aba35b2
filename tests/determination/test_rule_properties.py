"""Invariants of the rules, checked on generated cases for every regime."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from modtrace.determination import assess_row
from modtrace.determination.batch import assess_frame, facts_frame
from modtrace.regimes.columnar import step_column
from modtrace.regimes.expr import closed_world_facts
from modtrace.regimes.loader import default_catalog
from modtrace.regimes.model import Regime
from strategies import rows

CATALOG = default_catalog()
REGIMES = [CATALOG.get(i) for i in CATALOG.ids()]
RANK = {"out-of-scope": 0, "indeterminate": 1, "in-scope": 2}


def recorded_facts(regime: Regime) -> set[str]:
    """Facts a regime reads closed-world (absent = not recorded).

    Forgetting such a fact is not making it unknown."""
    trees = [s.when for s in regime.steps] + [e.when for s in regime.steps for e in s.exceptions]
    return {path for t in trees for path in closed_world_facts(t)}


EU_FALLBACK_INPUTS = {
    "original.training_compute_flop",
    "original.parameters",
    "original.parameters_active",
    "original.training_tokens",
}

PRESUMPTIONS = {
    "original.general_purpose": "a stated finding overrides the indicative criterion (§2.1)",
    "original.systemic_risk": "a stated status overrides the compute presumption (Art. 51(2))",
}
"""Facts that override a rebuttable presumption: forgetting one hands the answer back to the
presumption, which may differ. Checked separately in test_presumptions_decide_when_unstated."""

COMPUTE_FACTS = [
    "modification.compute_flop",
    "modification.synthetic_data_compute_flop",
    "modification.prior_compute_flop",
    "modification.planned_compute_flop",
]


@settings(max_examples=200, deadline=None)
@given(
    r=rows(),
    factor=st.sampled_from([1.5, 10.0, 1e3]),
    path=st.sampled_from(COMPUTE_FACTS),
)
def test_more_modification_compute_never_takes_a_case_out_of_scope(
    r: dict[str, Any], factor: float, path: str
) -> None:
    assume(r[path] is not None)
    more = dict(r, **{path: r[path] * factor})
    for regime in REGIMES:
        before, after = assess_row(r, regime).outcome, assess_row(more, regime).outcome
        assert RANK[after] >= RANK[before] or before == "indeterminate", (regime.id, before, after)
        if before == "in-scope":
            assert after == "in-scope", regime.id


@settings(max_examples=200, deadline=None)
@given(r=rows(single_compute_source=True), data=st.data())
def test_forgetting_a_fact_never_flips_a_decided_outcome(
    r: dict[str, Any], data: st.DataObject
) -> None:
    known = [
        k
        for k, v in r.items()
        if v is not None and k not in ("original.id", "original.provider", "modifier.name")
    ]
    assume(known)
    path = data.draw(st.sampled_from(known))
    forgotten = dict(r, **{path: None})
    for regime in REGIMES:
        if regime.id == "eu-ai-act-gpai" and path in EU_FALLBACK_INPUTS:
            continue  # the guidelines' fallback thresholds: see test_eu_fallback_is_not_monotone
        if path in recorded_facts(regime) or path in PRESUMPTIONS:
            continue
        before, after = assess_row(r, regime).outcome, assess_row(forgotten, regime).outcome
        if before != "indeterminate":
            assert after in (before, "indeterminate"), (regime.id, path, before, after)


def test_eu_fallback_is_not_monotone() -> None:
    """Documented exception: with the original's compute unknown, the guidelines switch to a
    fixed fallback threshold, which can be stricter than one third of the real figure."""
    regime = CATALOG.get("eu-ai-act-gpai")
    base: dict[str, Any] = {
        "original.training_compute_flop": 2e24,
        "original.systemic_risk": "designated",
        "original.modalities": ["text"],
        "modification.placed_on_union_market": True,
        "modifier.acts_on_behalf_of_provider": False,
        "modification.techniques": ["fine-tuning"],
        "modification.compute_flop": 1e24,
    }
    assert assess_row(base, regime).outcome == "in-scope"
    assert (
        assess_row(dict(base, **{"original.training_compute_flop": None}), regime).outcome
        == "out-of-scope"
    )


@settings(max_examples=100, deadline=None)
@given(r=rows(), path=st.sampled_from(sorted(PRESUMPTIONS)))
def test_presumptions_decide_when_unstated(r: dict[str, Any], path: str) -> None:
    """Forgetting a stated status gives the same answer as if the presumption had been stated."""
    forgotten = dict(r, **{path: None})
    for regime in REGIMES:
        after = assess_row(forgotten, regime)
        candidates: list[Any] = (
            [None, True, False] if path == "original.general_purpose" else [None]
        )
        if path == "original.systemic_risk":
            candidates += ["designated", "presumed", "rebutted", "none"]
        outcomes = {assess_row(dict(r, **{path: v}), regime).outcome for v in candidates}
        assert after.outcome in outcomes, (regime.id, path)


@settings(max_examples=200, deadline=None)
@given(r=rows())
def test_an_exemption_never_adds_obligations(r: dict[str, Any]) -> None:
    exempt = dict(r, **{"original.exempt_without_safeguards": True})
    plain = dict(r, **{"original.exempt_without_safeguards": False})
    for regime in REGIMES:
        with_exemption, without = assess_row(exempt, regime), assess_row(plain, regime)
        assert {o.id for o in with_exemption.obligations} <= {o.id for o in without.obligations}
        assert RANK[with_exemption.outcome] <= RANK[without.outcome]


@settings(max_examples=100, deadline=None)
@given(r=rows())
def test_every_trace_step_names_a_source(r: dict[str, Any]) -> None:
    for regime in REGIMES:
        d = assess_row(r, regime)
        assert len(d.trace) == len(regime.steps) + 1
        for step in d.trace:
            assert step.source.source
            assert step.source.ref
        if d.outcome == "indeterminate":
            assert d.missing, regime.id


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(rows(), min_size=1, max_size=25))
def test_single_case_and_batch_evaluators_agree(batch: list[dict[str, Any]]) -> None:
    frame = facts_frame(batch)
    for regime in REGIMES:
        out = assess_frame(frame, regime)
        for i, r in enumerate(batch):
            d = assess_row(r, regime)
            got = out.row(i, named=True)
            assert got["outcome"] == d.outcome, (regime.id, i)
            assert got["role"] == d.role, (regime.id, i)
            for step in d.trace[:-1]:
                value = got[step_column(step.id)]
                word = "unknown" if value is None else ("true" if value else "false")
                assert word == step.answer, (regime.id, step.id)
