"""Hand labels of hazard domain for the instruction sets that carry no such category.

The labels (``data/domain_labels.csv``) were written by reading each item against the guide in
``docs/screen_labels.md``; each row names its item by source and place in the raw file and by a
hash of its text, so a label can never silently attach to another text: ``read_source`` refuses
a raw file whose text no longer matches the hash.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

HAND_SOURCES = ("advbench", "jailbreakbench", "malicious_instruct", "strongreject", "tdc2023")
"""Sources labelled by hand, in the order the labels file lists them."""


class LabelMismatchError(ValueError):
    """A raw instruction no longer matches the text its hand label was written for."""


@dataclass(frozen=True)
class HandLabel:
    """One item's hand label."""

    source: str
    item: str
    sha: str
    domain: str | None  # "cbrn", "cyber" or None
    kind: str
    labeller: str
    note: str


def text_hash(text: str) -> str:
    """First 12 hex digits of the SHA-256 of the text, lower-cased, white space collapsed."""
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).hexdigest()[:12]


def hand_labels() -> dict[tuple[str, str], HandLabel]:
    """The shipped hand labels, by ``(source, item)``."""
    text = files("modtrace.upstream").joinpath("data/domain_labels.csv").read_text("utf-8")
    out: dict[tuple[str, str], HandLabel] = {}
    for row in csv.DictReader(text.splitlines()):
        domain = row["domain"]
        if domain not in ("cbrn", "cyber", "none"):
            raise ValueError(f"domain_labels.csv: {row['source']} {row['item']}: domain {domain!r}")
        out[(row["source"], row["item"])] = HandLabel(
            row["source"],
            row["item"],
            row["sha"],
            None if domain == "none" else domain,
            row["kind"],
            row["labeller"],
            row["note"],
        )
    return out


def _raw_items(raw: Path, source: str) -> Iterator[tuple[str, str, str]]:
    """``(item, text, source's own category)`` of one raw file."""
    if source == "advbench":
        with (raw / "advbench.csv").open(encoding="utf-8", newline="") as handle:
            for i, row in enumerate(csv.DictReader(handle)):
                yield str(i), row["goal"], ""
    elif source == "jailbreakbench":
        with (raw / "jailbreakbench.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield row[""], row["Goal"], row["Category"]
    elif source == "malicious_instruct":
        lines = (raw / "malicious_instruct.txt").read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(x for x in lines if x.strip()):
            yield str(i), line.strip(), ""
    elif source == "strongreject":
        with (raw / "strongreject.csv").open(encoding="utf-8", newline="") as handle:
            for i, row in enumerate(csv.DictReader(handle)):
                yield str(i), row["forbidden_prompt"], row["category"]
    elif source == "tdc2023":
        for split in ("dev", "test"):
            path = raw / f"tdc2023_{split}_behaviors.json"
            for i, text in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                yield f"{split}-{i}", text, ""
    else:
        raise ValueError(f"no hand labels for source {source!r}")


def read_source(raw: Path, source: str) -> list[tuple[str, str, HandLabel]]:
    """``(text, source's own category, hand label)`` of every item of a hand-labelled source."""
    labels = hand_labels()
    out = []
    for item, text, category in _raw_items(raw, source):
        label = labels.get((source, item))
        if label is None:
            raise LabelMismatchError(f"{source} item {item}: no hand label")
        if label.sha != text_hash(text):
            raise LabelMismatchError(
                f"{source} item {item}: text changed since it was labelled "
                f"(hash {text_hash(text)}, label written for {label.sha})"
            )
        out.append((text, category, label))
    return out
