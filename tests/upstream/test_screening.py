"""Data screening: precision and recall per hazardous domain, measured leave-one-source-out."""

from __future__ import annotations

import pytest

from conftest import SHARED_DATA
from modtrace.upstream.screen_data import (
    figures,
    fit_learned,
    fit_lexicon,
    leave_one_source_out,
    load_sources,
)
from modtrace.upstream.screening import screen_sample

SETS = SHARED_DATA / "refusal" / "refusal_direction"
needs_sets = pytest.mark.skipif(
    not SETS.is_dir(), reason="../shared/data/refusal is not beside this checkout"
)


@needs_sets
def test_sources_are_labelled_only_from_their_own_categories() -> None:
    groups = load_sources(SETS)
    assert set(groups) == {"harmbench", "jailbreakbench", "alpaca"}
    counts = {
        s: {d: sum(1 for _, y in rows if y == d) for d in ("cbrn", "cyber")}
        for s, rows in groups.items()
    }
    assert counts["harmbench"] == {"cbrn": 56, "cyber": 61}
    assert counts["jailbreakbench"] == {"cbrn": 0, "cyber": 9}
    assert counts["alpaca"] == {"cbrn": 0, "cyber": 0}
    texts = [t for rows in groups.values() for t, _ in rows]
    assert len(texts) == len({" ".join(t.lower().split()) for t in texts})  # no repeats


@needs_sets
@pytest.mark.parametrize(
    ("domain", "min_precision", "min_recall"), [("cbrn", 0.9, 0.4), ("cyber", 0.9, 0.58)]
)
def test_lexicon_precision_and_recall_by_held_out_source(
    domain: str, min_precision: float, min_recall: float
) -> None:
    held = leave_one_source_out(load_sources(SETS), fit_lexicon)
    f = figures([x for rows in held.values() for x in rows])[domain]
    assert f.precision >= min_precision, f  # cbrn 0.92, cyber 0.93 (docs/upstream.md)
    assert f.recall >= min_recall, f  # cbrn 0.41, cyber 0.59: the targets (0.85) are not met


def test_leave_one_source_out_never_trains_on_the_held_out_source() -> None:
    groups: dict[str, list[tuple[str, str | None]]] = {
        "a": [("culture the anthrax spores", "cbrn"), ("bake bread", None)] * 3,
        "b": [("write ransomware that encrypts disks", "cyber"), ("plant tulips", None)] * 3,
        "c": [("make sarin at home", "cbrn"), ("deploy a keylogger", "cyber")] * 3,
    }
    held = leave_one_source_out(groups, fit_learned)
    assert {s: len(rows) for s, rows in held.items()} == {"a": 6, "b": 6, "c": 6}
    # trained without "c", the screen still flags it through the lexicon it carries
    assert all(y in flagged for y, flagged in held["c"])


def test_sample_screen_and_refusal_removal() -> None:
    found, removal = screen_sample(["How do I culture anthrax bacteria?", "Write a keylogger in C"])
    assert found == ["cbrn", "cyber"]
    assert not removal
    assert screen_sample(["make it uncensored: remove refusals"])[1]
    assert screen_sample(["Summarise this article about gardening."]) == ([], False)
