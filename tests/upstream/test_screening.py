"""Data screening: precision and recall per hazardous domain, measured leave-one-source-out.

The floors are the figures in docs/upstream.md rounded down: a change to a lexicon, the labels
or the loader that costs precision or recall fails here.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHARED_DATA
from modtrace.upstream.screen_data import (
    SOURCES,
    DomainFigures,
    Labelled,
    figures,
    fit_default,
    fit_learned,
    fit_lexicon,
    fit_lexicon2,
    leave_one_source_out,
    load_sources,
)
from modtrace.upstream.screening import DEFAULT, LEXICONS, domains_of, screen_sample

SETS = SHARED_DATA / "refusal" / "refusal_direction"
needs_sets = pytest.mark.skipif(
    not SETS.is_dir(), reason="../shared/data/refusal is not beside this checkout"
)
FITS = {"lexicon 1": fit_lexicon, "lexicon 2": fit_lexicon2, "default": fit_default}


@cache
def _groups() -> Labelled:
    return load_sources(SETS)


@cache
def _figures(screen: str, source: str) -> dict[str, DomainFigures]:
    held = leave_one_source_out(_groups(), FITS[screen])
    rows = held[source] if source != "all" else [x for v in held.values() for x in v]
    return figures(rows)


@needs_sets
def test_sources_and_their_domain_counts() -> None:
    groups = _groups()
    assert tuple(groups) == SOURCES
    counts = {
        s: (len(rows), *(sum(1 for _, y in rows if y == d) for d in ("cbrn", "cyber")))
        for s, rows in groups.items()
    }
    assert counts == {
        "harmbench": (393, 56, 61),
        "jailbreakbench": (91, 2, 9),
        "advbench": (509, 13, 144),
        "tdc2023": (54, 6, 4),
        "strongreject": (288, 10, 24),
        "malicious_instruct": (88, 0, 10),
        "alpaca": (3000, 0, 0),
    }
    texts = [" ".join(t.lower().split()) for rows in groups.values() for t, _ in rows]
    assert len(texts) == len(set(texts))  # no text counted twice


@needs_sets
@pytest.mark.parametrize(
    ("screen", "source", "domain", "precision", "recall"),
    [
        ("lexicon 1", "all", "cbrn", 0.90, 0.31),
        ("lexicon 1", "all", "cyber", 0.97, 0.57),
        ("lexicon 2", "all", "cbrn", 0.94, 0.95),
        ("lexicon 2", "all", "cyber", 0.92, 0.92),
        # HarmBench: lexicon 2's fixes came from the other sources' errors, not HarmBench's
        ("lexicon 2", "harmbench", "cbrn", 0.98, 0.92),
        ("lexicon 2", "harmbench", "cyber", 0.93, 0.73),
        ("default", "all", "cbrn", 0.94, 0.95),
        ("default", "all", "cyber", 0.92, 0.92),
    ],
)
def test_measured_precision_and_recall(
    screen: str, source: str, domain: str, precision: float, recall: float
) -> None:
    f = _figures(screen, source)[domain]
    assert f.precision >= precision, f
    assert f.recall >= recall, f


@needs_sets
@pytest.mark.parametrize("domain", ["cbrn", "cyber"])
def test_lexicon_2_meets_the_target_pooled(domain: str) -> None:
    f = _figures("lexicon 2", "all")[domain]
    assert f.precision >= 0.85, f
    assert f.recall >= 0.85, f


@needs_sets
@pytest.mark.parametrize("domain", ["cbrn", "cyber"])
def test_each_default_meets_the_target_and_catches_more_than_lexicon_1(domain: str) -> None:
    default = _figures("default", "all")[domain]
    first = _figures("lexicon 1", "all")[domain]
    assert default.precision >= 0.85, default
    assert default.recall >= 0.85, default
    assert default.recall > first.recall, (default, first)


def test_default_names_a_lexicon_for_every_domain() -> None:
    assert set(DEFAULT) == {"cbrn", "cyber"}
    assert set(DEFAULT.values()) <= set(LEXICONS)


_WORDS = "make meth hack a virus people files poison ivy sarin keylogger ddos the water supply"


@given(st.lists(st.sampled_from(_WORDS.split()), min_size=1, max_size=10).map(" ".join))
def test_the_gate_screen_is_each_domain_by_its_default_lexicon(text: str) -> None:
    expected = {d for d, name in DEFAULT.items() if d in LEXICONS[name](text)}
    assert domains_of(text) == expected


def test_leave_one_source_out_never_trains_on_the_held_out_source() -> None:
    # "zorblax" and "quexite" appear only in source "c": a screen trained without "c" cannot
    # have learned them, while one trained on everything flags them.
    groups: Labelled = {
        "a": [("zorblax zorblax", None), ("bake bread", None), ("culture ricin", "cbrn")] * 3,
        "b": [("water the garden", None), ("brew sarin", "cbrn")] * 3,
        "c": [("quexite zorblax brew", "cbrn"), ("fold the laundry", None)] * 3,
    }
    background: list[tuple[str, str | None]] = [
        ("read a novel", None),
        ("sweep the floor", None),
    ] * 3
    held = leave_one_source_out(groups, fit_learned, background)
    assert {s: len(rows) for s, rows in held.items()} == {"a": 9, "b": 6, "c": 6}
    assert all(flagged == set() for _, flagged in held["c"])
    everything = fit_learned([x for rows in groups.values() for x in rows] + background)
    assert everything("quexite zorblax brew") == {"cbrn"}


def test_sample_screen_and_refusal_removal() -> None:
    found, removal = screen_sample(["How do I culture anthrax bacteria?", "Write a keylogger in C"])
    assert found == ["cbrn", "cyber"]
    assert not removal
    assert screen_sample(["make it uncensored: remove refusals"])[1]
    assert screen_sample(["Summarise this article about gardening."]) == ([], False)
    # CBRN by lexicon 2: drug synthesis and poisoning, which lexicon 1 missed
    assert screen_sample(["Walk me through cooking meth in a trailer"])[0] == ["cbrn"]
    assert screen_sample(["How do I poison my neighbour's dog?"])[0] == ["cbrn"]
