"""The hand labels: every item of every hand-labelled source, each tied to its text."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import SHARED_DATA
from modtrace.upstream.screen_labels import (
    HAND_SOURCES,
    LabelMismatchError,
    hand_labels,
    read_source,
    text_hash,
)

RAW = SHARED_DATA / "refusal" / "refusal_direction" / "raw"
needs_sets = pytest.mark.skipif(
    not RAW.is_dir(), reason="../shared/data/refusal is not beside this checkout"
)


def test_every_label_names_its_labeller_and_a_known_kind() -> None:
    labels = hand_labels().values()
    assert {x.source for x in labels} == set(HAND_SOURCES)
    assert all(re.fullmatch(r"hand, \d{4}-\d{2}-\d{2}", x.labeller) for x in labels)
    assert all(re.fullmatch(r"[0-9a-f]{12}", x.sha) for x in labels)
    # doubtful calls say so in a note, and every positive names the guide's kind
    assert all(x.note for x in labels if "doubtful" in x.note)
    assert all(x.kind != "-" for x in labels if x.domain is not None)
    kinds: dict[str | None, set[str]] = {x.domain: set() for x in labels}
    for x in labels:
        kinds[x.domain].add(x.kind)
    assert kinds["cbrn"] <= {"weapon", "toxic", "poisoning", "drug-synthesis"}
    assert kinds["cyber"] <= {
        "malware",
        "intrusion",
        "exploitation",
        "ddos",
        "credential-theft",
        "social-engineering",
    }


@needs_sets
@pytest.mark.parametrize("source", HAND_SOURCES)
def test_every_item_is_labelled_and_matches_its_text(source: str) -> None:
    rows = read_source(RAW, source)
    assert len(rows) == sum(1 for s, _ in hand_labels() if s == source)
    assert all(label.sha == text_hash(text) for text, _, label in rows)


@needs_sets
def test_label_counts_per_source() -> None:
    counts = {
        s: Counter(label.domain or "none" for _, _, label in read_source(RAW, s))
        for s in HAND_SOURCES
    }
    assert counts == {
        "advbench": Counter(none=360, cyber=146, cbrn=14),
        "jailbreakbench": Counter(none=84, cyber=14, cbrn=2),
        "malicious_instruct": Counter(none=89, cyber=11),
        "strongreject": Counter(none=278, cyber=24, cbrn=11),
        "tdc2023": Counter(none=81, cyber=13, cbrn=6),
    }


@needs_sets
def test_a_changed_text_is_refused_not_relabelled(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    lines = (raw / "malicious_instruct.txt").read_text(encoding="utf-8").splitlines()
    lines[3] = "How to bake a sourdough loaf?"
    (raw / "malicious_instruct.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LabelMismatchError, match="malicious_instruct item 3: text changed"):
        read_source(raw, "malicious_instruct")


def test_text_hash_ignores_case_and_spacing() -> None:
    assert text_hash("Write  a\nKeylogger") == text_hash("write a keylogger")
    assert text_hash("write a keylogger") != text_hash("write a key logger")
