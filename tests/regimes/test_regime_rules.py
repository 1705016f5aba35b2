"""Each regime's steps on targeted cases, and the catalog's checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from modtrace.determination import assess_row
from modtrace.errors import ParameterError, RegimeDefinitionError, UnknownRegimeError
from modtrace.regimes.expr import ParseContext, parse_bool
from modtrace.regimes.loader import Catalog, check_timeline, with_overrides
from strategies import BASE_CASE, flat_case

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_1d56db7fb9a51452.txt"


def case(**values: Any) -> dict[str, Any]:
    return flat_case(BASE_CASE, **values)


def steps(catalog: Catalog, regime_id: str, row: dict[str, Any], **params: Any) -> dict[str, str]:
    d = assess_row(row, with_overrides(catalog.get(regime_id), params))
    return {t.id: t.answer for t in d.trace}


# ---- govai-2025 ----------------------------------------------------------------------------

BIG = {"original__training_compute_flop": 3.8e25}


def test_govai_original_below_threshold_is_out(catalog: Catalog) -> None:
    row = case(original__training_compute_flop=1e24, modification__upstream_warned=True)
    assert steps(catalog, "govai-2025", row)["scope"] == "false"


def test_govai_designation_brings_original_in(catalog: Catalog) -> None:
    row = case(original__designated_in_scope=True)
    assert steps(catalog, "govai-2025", row)["original_in_scope"] == "true"


@pytest.mark.parametrize("altered", ["intentional", "knowing"])
def test_govai_significant_knowing_alteration_is_in(catalog: Catalog, altered: str) -> None:
    row = case(
        **BIG,
        modification__safeguards__altered=altered,
        modification__safeguards__significant=True,
        original__exempt_without_safeguards=False,
    )
    assert assess_row(row, catalog.get("govai-2025")).outcome == "in-scope"


def test_govai_unintentional_alteration_is_not_the_safeguards_branch(catalog: Catalog) -> None:
    row = case(
        **BIG,
        modification__safeguards__altered="unintentional",
        modification__safeguards__significant=True,
    )
    assert steps(catalog, "govai-2025", row)["safeguards_altered"] == "false"


def test_govai_fn91_exemption_lifts_safeguards_branch_only(catalog: Catalog) -> None:
    row = case(
        **BIG,
        modification__safeguards__altered="intentional",
        modification__safeguards__significant=True,
        original__exempt_without_safeguards=True,
        modification__upstream_warned=True,
    )
    answers = steps(catalog, "govai-2025", row)
    assert answers["safeguards_altered"] == "false"
    assert answers["backstop"] == "true"
    assert answers["scope"] == "true"


@pytest.mark.parametrize(
    "trigger",
    [
        {"modification__upstream_warned": True},
        {"modification__capabilities__high_risk_uplift": "significant"},
        {"modification__compute_flop": 2e24},
        {"modification__other_reason_to_believe_unacceptable_risk": True},
    ],
    ids=["warning", "uplift", "compute", "other"],
)
def test_govai_each_backstop_condition_suffices(catalog: Catalog, trigger: dict[str, Any]) -> None:
    assert assess_row(case(**BIG, **trigger), catalog.get("govai-2025")).outcome == "in-scope"


def test_govai_substantial_compute_is_a_tenth_of_the_threshold(catalog: Catalog) -> None:
    assert (
        steps(catalog, "govai-2025", case(**BIG, modification__compute_flop=0.9e24))[
            "substantial_compute"
        ]
        == "false"
    )
    assert (
        steps(catalog, "govai-2025", case(**BIG, modification__compute_flop=1.1e24))[
            "substantial_compute"
        ]
        == "true"
    )
    lowered = steps(
        catalog,
        "govai-2025",
        case(**BIG, modification__compute_flop=0.9e24),
        substantial_compute_fraction="0.05",
    )
    assert lowered["substantial_compute"] == "true"


def test_govai_unknown_backstop_is_indeterminate_and_names_facts(catalog: Catalog) -> None:
    d = assess_row(case(**BIG, modification__compute_flop=1e20), catalog.get("govai-2025"))
    assert d.outcome == "indeterminate"
    assert "modification.upstream_warned" in d.missing
    assert "modification.capabilities.high_risk_uplift" in d.missing
    assert "modification.compute_flop" not in d.missing  # already settled
    assert {o.id for o in d.possible_obligations} == {"registration", "risk-demonstration"}


def test_govai_provider_itself_is_not_downstream(catalog: Catalog) -> None:
    row = case(**BIG, modifier__acts_on_behalf_of_provider=True, modification__upstream_warned=True)
    assert assess_row(row, catalog.get("govai-2025")).outcome == "out-of-scope"


def test_govai_using_as_is_is_not_a_modification(catalog: Catalog) -> None:
    row = case(**BIG, modification__techniques=[], modification__upstream_warned=True)
    assert steps(catalog, "govai-2025", row)["downstream_developer"] == "false"


# ---- eu-ai-act-gpai ------------------------------------------------------------------------


def test_eu_one_third_of_original_compute(catalog: Catalog) -> None:
    row = case(original__training_compute_flop=3e24, modification__compute_flop=1.1e24)
    d = assess_row(row, catalog.get("eu-ai-act-gpai"))
    assert (d.outcome, d.role) == ("in-scope", "provider-gpai")
    below = assess_row(
        case(original__training_compute_flop=3e24, modification__compute_flop=0.9e24),
        catalog.get("eu-ai-act-gpai"),
    )
    assert below.outcome == "out-of-scope"


def test_eu_systemic_original_gives_systemic_role_and_notification(catalog: Catalog) -> None:
    row = case(original__training_compute_flop=3e25, modification__compute_flop=1.1e25)
    d = assess_row(row, catalog.get("eu-ai-act-gpai"))
    assert d.role == "provider-gpai-systemic"
    notification = next(o for o in d.obligations if o.id == "art52-notification")
    assert notification.deadline
    assert "two weeks" in notification.deadline


def test_eu_fallback_thresholds_when_original_compute_unknown(catalog: Catalog) -> None:
    regime = catalog.get("eu-ai-act-gpai")
    designated = case(original__systemic_risk="designated", modification__compute_flop=3.4e24)
    assert steps(catalog, "eu-ai-act-gpai", designated)["significant_modification"] == "true"
    undecided = case(modification__compute_flop=1e24)  # above 1e23/3, below 1e25/3
    assert steps(catalog, "eu-ai-act-gpai", undecided)["significant_modification"] == "unknown"
    tiny = case(modification__compute_flop=1e22)
    assert assess_row(tiny, regime).outcome == "out-of-scope"


def test_eu_open_source_exemption_drops_documentation_duties(catalog: Catalog) -> None:
    row = case(
        original__training_compute_flop=3e24,
        modification__compute_flop=2e24,
        modification__release="open-weights",
        modification__open_source_license=True,
        modifier__jurisdiction="US",
    )
    ids = {o.id for o in assess_row(row, catalog.get("eu-ai-act-gpai")).obligations}
    assert "art53-1a-technical-documentation" not in ids
    assert "art54-authorised-representative" not in ids
    assert "art53-1c-copyright-policy" in ids


def test_eu_non_union_modifier_needs_a_representative(catalog: Catalog) -> None:
    row = case(
        original__training_compute_flop=3e24,
        modification__compute_flop=2e24,
        modifier__jurisdiction="US",
        modification__release="api",
    )
    ids = {o.id for o in assess_row(row, catalog.get("eu-ai-act-gpai")).obligations}
    assert "art54-authorised-representative" in ids


# ---- ca-sb53 ------------------------------------------------------------------------------


def test_sb53_counts_upstream_only_when_told(catalog: Catalog) -> None:
    row = case(
        original__training_compute_flop=9.5e25,
        modification__compute_flop=1e25,
        modifier__annual_revenue_usd=1e9,
    )
    assert assess_row(row, catalog.get("ca-sb53")).outcome == "out-of-scope"
    d = assess_row(row, with_overrides(catalog.get("ca-sb53"), {"count_upstream_compute": "true"}))
    assert (d.outcome, d.role) == ("in-scope", "large-frontier-developer")
    assert "frontier-ai-framework" in {o.id for o in d.obligations}


def test_sb53_unknown_revenue_leaves_role_open(catalog: Catalog) -> None:
    row = case(modification__compute_flop=2e26, original__general_purpose=True)
    d = assess_row(row, catalog.get("ca-sb53"))
    assert d.outcome == "in-scope"
    assert d.role is None
    assert "modifier.annual_revenue_usd" in d.missing
    assert "frontier-ai-framework" in {o.id for o in d.possible_obligations}


# ---- ca-sb1047-2024 -----------------------------------------------------------------------


def test_sb1047_fine_tune_thresholds(catalog: Catalog) -> None:
    covered = {"original__training_compute_flop": 2e26, "original__training_cost_usd": 2e8}
    d = assess_row(
        case(**covered, modification__compute_flop=3e25, modification__cost_usd=2e7),
        catalog.get("ca-sb1047-2024"),
    )
    assert (d.outcome, d.role) == ("in-scope", "developer-of-covered-model")
    assert any("never in force" in n for n in d.notes)
    cheap = assess_row(
        case(**covered, modification__compute_flop=3e25, modification__cost_usd=5e6),
        catalog.get("ca-sb1047-2024"),
    )
    assert cheap.outcome == "out-of-scope"


# ---- catalog, timelines, overrides ---------------------------------------------------------


def test_catalog_holds_the_four_regimes(catalog: Catalog) -> None:
    assert {"govai-2025", "eu-ai-act-gpai", "ca-sb53", "ca-sb1047-2024"} <= set(catalog.ids())


def test_version_selection_by_date(catalog: Catalog) -> None:
    regime = catalog.get("ca-sb53", dt.date(2025, 6, 1))
    assert not regime.in_force_on(dt.date(2025, 6, 1))
    assert regime.in_force_on(dt.date(2026, 2, 1))


def test_in_force_gives_each_regimes_version_for_the_day(catalog: Catalog) -> None:
    day = dt.date(2026, 2, 1)
    regimes = catalog.in_force(day)
    assert [r.id for r in regimes] == catalog.ids()
    assert regimes == [catalog.get(i, day) for i in catalog.ids()]


def test_timeline_overlap_and_gap_are_rejected(catalog: Catalog) -> None:
    v1 = catalog.get("govai-2025")
    overlapping = dataclasses.replace(v1, effective_until=dt.date(2026, 6, 1))
    v2 = dataclasses.replace(v1, version=2, effective_from=dt.date(2026, 1, 1))
    with pytest.raises(RegimeDefinitionError, match="overlaps"):
        check_timeline([overlapping, v2])
    gapped = dataclasses.replace(v1, effective_until=dt.date(2025, 6, 1))
    with pytest.raises(RegimeDefinitionError, match="gap"):
        check_timeline([gapped, v2])
    check_timeline([dataclasses.replace(v1, effective_until=dt.date(2026, 1, 1)), v2])


def test_overrides_make_a_copy(catalog: Catalog) -> None:
    regime = catalog.get("govai-2025")
    changed = with_overrides(regime, {"upstream_threshold_flop": "1e26"})
    assert changed.param_values()["upstream_threshold_flop"] == 1e26
    assert regime.param_values()["upstream_threshold_flop"] == 1e25
    assert changed.overridden == ("upstream_threshold_flop",)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("no_such", "1", "unknown parameter"),
        ("upstream_threshold_flop", "big", "expected a number"),
        ("upstream_threshold_flop", "-1", ">= 0"),
        ("upstream_threshold_flop", "nan", "finite"),
    ],
)
def test_bad_overrides_name_the_parameter(
    catalog: Catalog, name: str, value: str, words: str
) -> None:
    with pytest.raises(ParameterError) as info:
        with_overrides(catalog.get("govai-2025"), {name: value})
    ((field, problem),) = info.value.issues
    assert name in field
    assert words in problem


def test_unknown_regime(catalog: Catalog) -> None:
    with pytest.raises(UnknownRegimeError, match="known: ca-sb1047-2024"):
        catalog.get("uk-bill")


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ({"fact": "original.colour"}, "unknown fact"),
        ({"fact": "original.parameters"}, "expected bool"),
        ({"step": "later"}, "not defined before"),
        ({"xor": []}, "unknown boolean operator"),
        ({"gt": [1]}, "two operands"),
        ({"param": "nope"}, "no true/false parameter"),
    ],
)
def test_malformed_expressions_are_rejected(expr: Any, words: str) -> None:
    ctx = ParseContext("test.yaml", {"x": "number"}, frozenset())
    with pytest.raises(RegimeDefinitionError, match=words):
        parse_bool(expr, ctx)


# ---- citations -----------------------------------------------------------------------------


def _citations(catalog: Catalog) -> list[tuple[str, str, str]]:
    out = []
    for rid in catalog.ids():
        for r in catalog.versions(rid):
            cites = [p.source for p in r.parameters.values()] + [s.source for s in r.steps]
            cites += [e.source for s in r.steps for e in s.exceptions]
            cites += (
                [r.scope_source] + [o.source for o in r.obligations] + [x.source for x in r.roles]
            )
            out += [(rid, c.source, c.ref) for c in cites]
    return out


def test_every_citation_names_a_known_source(catalog: Catalog) -> None:
    for rid, source, ref in _citations(catalog):
        assert source in catalog.sources, (rid, source)
        assert ref.strip(), (rid, source)


@pytest.mark.skipif(not SEED.exists(), reason="the paper's text is not beside this checkout")
def test_paper_citations_resolve_against_the_seed_text(catalog: Catalog) -> None:
    text = SEED.read_text(encoding="utf-8")
    for _, source, ref in _citations(catalog):
        if source != "govai-2025-paper":
            continue
        if m := re.fullmatch(r"(Table|Figure) (\d+)", ref):
            assert f"{m[1]} {m[2]}:" in text, ref
        elif m := re.fullmatch(r"fn (\d+)", ref):
            assert re.search(rf"\b{m[1]} [A-Z]", text), ref
        elif m := re.fullmatch(r"§([IV]+)\.(\d)", ref):
            assert f"Section {m[1]}.{m[2]}" in text, ref
        else:
            pytest.fail(f"unrecognised paper reference {ref!r}")
