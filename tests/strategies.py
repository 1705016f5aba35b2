"""Hypothesis strategies that generate flat facts rows covering every regime branch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from modtrace.facts.model import Release, SafeguardAlteration, Technique, TrainingMethod

TECHNIQUES = [t.value for t in Technique]


def _magnitude(low: int, high: int) -> st.SearchStrategy[float | None]:
    return st.one_of(
        st.none(),
        st.integers(low * 4, high * 4).map(lambda e: float(10 ** (e / 4))),
    )


def _maybe(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.sampled_from(values))


BOOL = _maybe([True, False])


@st.composite
def rows(draw: st.DrawFn, *, single_compute_source: bool = False) -> dict[str, Any]:
    """A flat facts row. With ``single_compute_source`` each quantity has at most one input,
    so that forgetting a fact can only widen what is known, never swap one estimate for another."""
    row: dict[str, Any] = {
        "original.id": "org/model",
        "original.provider": "Org",
        "original.training_compute_flop": draw(_magnitude(21, 27)),
        "original.parameters": None if single_compute_source else draw(_magnitude(8, 12)),
        "original.parameters_active": None if single_compute_source else draw(_magnitude(8, 11)),
        "original.general_purpose": draw(BOOL),
        "original.systemic_risk": draw(_maybe(["designated", "presumed", "rebutted", "none"])),
        "original.training_tokens": None if single_compute_source else draw(_magnitude(11, 14)),
        "original.training_cost_usd": draw(_magnitude(5, 9)),
        "original.access": draw(_maybe(["open-weights", "api", "closed"])),
        "original.designated_in_scope": draw(BOOL),
        "original.exempt_without_safeguards": draw(BOOL),
        "original.modalities": draw(_maybe([["text"], ["image"], [], ["protein"], ["audio"]])),
        "modifier.name": "Lab",
        "modifier.acts_on_behalf_of_provider": draw(BOOL),
        "modifier.employees": None,
        "modifier.annual_revenue_usd": draw(_magnitude(4, 11)),
        "modifier.jurisdiction": draw(_maybe(["EU", "DE", "GR", "US", "CN"])),
        "modification.techniques": draw(
            st.one_of(st.none(), st.lists(st.sampled_from(TECHNIQUES), max_size=3, unique=True))
        ),
        "modification.compute_flop": draw(_magnitude(17, 27)),
        "modification.synthetic_data_compute_flop": draw(_magnitude(17, 26)),
        "modification.prior_compute_flop": draw(_magnitude(17, 26)),
        "modification.planned_compute_flop": draw(_magnitude(20, 27)),
        "modification.placed_on_union_market": draw(BOOL),
        "modification.narrowed": draw(BOOL),
        "modification.training.parameters": None
        if single_compute_source
        else draw(_magnitude(7, 11)),
        "modification.training.parameters_active": None,
        "modification.training.method": draw(_maybe([m.value for m in TrainingMethod])),
        "modification.training.tokens": draw(_magnitude(6, 13)),
        "modification.training.epochs": draw(_maybe([0.5, 1.0, 3.0])),
        "modification.hardware.accelerator_hours": draw(_magnitude(1, 8)),
        "modification.hardware.peak_flop_per_s": draw(_maybe([3.12e14, 9.89e14])),
        "modification.hardware.utilization": draw(_maybe([0.3, 0.5])),
        "modification.cost_usd": draw(_magnitude(1, 9)),
        "modification.data.examples": None,
        "modification.data.tokens": draw(_magnitude(6, 13)),
        "modification.data.domains": None,
        "modification.safeguards.altered": draw(_maybe([s.value for s in SafeguardAlteration])),
        "modification.safeguards.significant": draw(BOOL),
        "modification.capabilities.high_risk_uplift": draw(
            _maybe(["significant", "insignificant"])
        ),
        "modification.upstream_warned": draw(BOOL),
        "modification.other_reason_to_believe_unacceptable_risk": draw(BOOL),
        "modification.release": draw(_maybe([r.value for r in Release])),
        "modification.open_source_license": draw(BOOL),
        "modification.intended_use": None,
        "modification.date": draw(
            st.one_of(st.none(), st.sampled_from([dt.date(2024, 5, 1), dt.date(2025, 8, 2)]))
        ),
    }
    if single_compute_source:
        for path in (
            "modification.training.method",
            "modification.training.tokens",
            "modification.training.epochs",
            "modification.hardware.accelerator_hours",
            "modification.hardware.peak_flop_per_s",
            "modification.hardware.utilization",
            "modification.cost_usd",
            "modification.data.tokens",
        ):
            row[path] = None
        if row["modification.techniques"] == []:
            # An empty technique list is itself a compute source (it states that nothing was
            # trained: 0 FLOP), so forgetting a measured figure would swap one estimate for
            # another rather than widen what is known.
            row["modification.techniques"] = None
    return row


BASE_CASE: dict[str, Any] = {
    "original.id": "org/m",
    "original.provider": "Org",
    "modifier.name": "Lab",
    "modifier.acts_on_behalf_of_provider": False,
    "modification.techniques": ["fine-tuning"],
    "modification.placed_on_union_market": True,
    "original.modalities": ["text"],
}
"""A plain downstream fine-tune: the facts every targeted regime test starts from."""


def flat_case(base: dict[str, Any] | None = None, **values: Any) -> dict[str, Any]:
    """A flat facts row: every fact unknown, then ``base``, then ``values`` (``a__b`` is
    ``a.b``)."""
    from modtrace.facts import FACT_COLUMNS  # noqa: PLC0415 - keeps this module light

    row: dict[str, Any] = dict.fromkeys(FACT_COLUMNS)
    row.update(base or {})
    row.update({k.replace("__", "."): v for k, v in values.items()})
    return row


# ---- whole facts documents, as a person writes them (tests of the lean facts reader) --------

JURISDICTIONS = ["EU", "eu", "European Union", "DE", "de", " Germany ", "deu", "switzerland"]
JURISDICTIONS += ["EL", "UK", "Narnia", "", "Korea, Republic of", "276"]
MODALITIES = [["text"], ["Code", "TEXT"], ["image", "text-to-image"], [], ["banana"], ["audio"]]


def _number_text(value: float) -> st.SearchStrategy[Any]:
    """A number as YAML or JSON might carry it: a float, an integer, or text (``70e9``)."""
    forms: list[Any] = [value, f"{value:e}", f"{value:.3g}", repr(value)]
    if value.is_integer() and abs(value) < 2**63:
        forms.append(int(value))
    return st.sampled_from(forms)


def _encoded(path: str, value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, dt.date):
        return st.sampled_from([value, value.isoformat()])
    return st.just(value)


JUNK: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(["yes", "no", "unknown", "1e400", "-1", "1_000", " 5", "2024-02-30", "NaN"]),
    st.sampled_from([-1, -0.5, 0, 1.5, 2**60, True, False, None, [], {}, ["x"], {"a": 1}]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.text(max_size=6),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes(),
)
"""Values a field may be given by mistake (or in a form the lean reader leaves alone)."""


@st.composite
def documents(draw: st.DrawFn, *, junk: bool = True) -> dict[str, Any]:
    """A nested facts document built from :func:`rows`: unknown facts left out or written as
    ``null``, numbers as floats, integers or text, dates as dates or text, hand-typed
    vocabularies in several spellings; with ``junk``, sometimes a field given a bad value, an
    unknown key or evidence."""
    row = draw(rows())
    row["modifier.jurisdiction"] = draw(st.one_of(st.none(), st.sampled_from(JURISDICTIONS)))
    row["original.modalities"] = draw(st.one_of(st.none(), st.sampled_from(MODALITIES)))
    row["modifier.employees"] = draw(st.one_of(st.none(), st.integers(0, 10**6)))
    row["modification.data.hazard_domains"] = draw(
        st.one_of(st.none(), st.lists(st.sampled_from(["cbrn", "cyber"]), max_size=2))
    )
    row["modification.capabilities.high_risk_uplift"] = draw(
        st.one_of(st.none(), st.sampled_from(["significant", "insignificant", "unknown"]))
    )
    document: dict[str, Any] = {}
    for path, value in row.items():
        if value is None and draw(st.booleans()):
            continue
        *parents, leaf = path.split(".")
        place = document
        for part in parents:
            place = place.setdefault(part, {})
        place[leaf] = draw(_encoded(path, value))
    if draw(st.booleans()):
        document["schema_version"] = draw(st.sampled_from(["1.1", "1.0", 1.1]))
    if draw(st.booleans()):
        document["evidence"] = []
    if junk and draw(st.integers(0, 2)) == 0:
        paths = [p for p in row if p.count(".")]
        *parents, leaf = draw(st.sampled_from(paths)).split(".")
        place = document
        for part in parents:
            place = place.setdefault(part, {})
        what = draw(st.sampled_from(["value", "key", "evidence", "section"]))
        if what == "value":
            place[leaf] = draw(JUNK)
        elif what == "key":
            place[leaf + "_typo"] = draw(JUNK)
        elif what == "evidence":
            document["evidence"] = [{"method": "m", "summary": "s", "fact": path}]
        else:
            document[parents[0]] = draw(JUNK)
    return document
