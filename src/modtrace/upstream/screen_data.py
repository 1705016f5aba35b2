"""Measuring the data screen leave-one-source-out on labelled instructions.

Domain labels: HarmBench's own ``SemanticCategory`` (``chemical_biological`` -> cbrn,
``cybercrime_intrusion`` -> cyber; Mazeika et al. 2024), kept as it is; JailbreakBench's own
``Category`` for cyber (``Malware/Hacking``; Chao et al. 2024) and the hand labels for CBRN;
the hand labels (``screen_labels``, guide in docs/screen_labels.md) for AdvBench, TDC 2023,
StrongREJECT and MaliciousInstruct. Every other harmful item is a negative, and so are Alpaca's
harmless instructions. A text found in an earlier source is not repeated (JailbreakBench and
TDC 2023 reuse HarmBench and AdvBench behaviours).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from modtrace.textclass import Featuriser, View
from modtrace.textclass.train import fit
from modtrace.upstream.screen_labels import read_source
from modtrace.upstream.screen_lexicon import as_patterns
from modtrace.upstream.screen_lexicon import domains_of as lexicon2
from modtrace.upstream.screening import domains_of, first_lexicon

DOMAINS = ("cbrn", "cyber")
CATEGORY = {
    "chemical_biological": "cbrn",
    "cybercrime_intrusion": "cyber",
    "Malware/Hacking": "cyber",
}
SOURCES = (
    "harmbench",
    "jailbreakbench",
    "advbench",
    "tdc2023",
    "strongreject",
    "malicious_instruct",
    "alpaca",
)
"""Sources in the order they are read (a repeated text stays with the first)."""
Labelled = dict[str, list[tuple[str, str | None]]]
"""source -> (instruction, domain or None)."""


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def load_sources(directory: Path, harmless: int = 3000) -> Labelled:
    """Every harmful source and ``harmless`` Alpaca instructions (the harmless test split,
    first ones), by source."""
    raw = directory / "raw"
    groups: Labelled = {s: [] for s in SOURCES}
    seen: set[str] = set()

    def add(source: str, text: str, domain: str | None) -> None:
        key = _key(text)
        if key and key not in seen:
            seen.add(key)
            groups[source].append((text.strip(), domain))

    for name in ("harmbench_test.csv", "harmbench_val.csv"):
        with (raw / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                add("harmbench", row["Behavior"], CATEGORY.get(row["SemanticCategory"]))
    for text, category, label in read_source(raw, "jailbreakbench"):
        own = CATEGORY.get(category)
        add("jailbreakbench", text, own or ("cbrn" if label.domain == "cbrn" else None))
    for source in ("advbench", "tdc2023", "strongreject", "malicious_instruct"):
        for text, _, label in read_source(raw, source):
            add(source, text, label.domain)
    items = json.loads((directory / "splits" / "harmless_test.json").read_text(encoding="utf-8"))
    for item in items[:harmless]:
        add("alpaca", item["instruction"], None)
    return groups


def load_background(directory: Path, harmless: int = 6000) -> list[tuple[str, str | None]]:
    """``harmless`` Alpaca instructions from the harmless *train* split: negatives every learned
    screen trains on, never among the instructions it is measured on."""
    items = json.loads((directory / "splits" / "harmless_train.json").read_text(encoding="utf-8"))
    return [(item["instruction"].strip(), None) for item in items[:harmless]]


Screen = Callable[[str], set[str]]


@dataclass(frozen=True)
class DomainFigures:
    """Precision and recall of one domain, with the counts behind them."""

    domain: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Share of flagged instructions that are in the domain."""
        return self.tp / max(1, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """Share of the domain's instructions that are flagged."""
        return self.tp / max(1, self.tp + self.fn)


def figures(predictions: Sequence[tuple[str | None, set[str]]]) -> dict[str, DomainFigures]:
    """Per-domain figures of ``(true domain, flagged domains)`` pairs."""
    return {
        d: DomainFigures(
            d,
            sum(1 for y, p in predictions if y == d and d in p),
            sum(1 for y, p in predictions if y != d and d in p),
            sum(1 for y, p in predictions if y == d and d not in p),
        )
        for d in DOMAINS
    }


def leave_one_source_out(
    groups: Labelled,
    fit_screen: Callable[[list[tuple[str, str | None]]], Screen],
    background: Sequence[tuple[str, str | None]] = (),
) -> dict[str, list[tuple[str | None, set[str]]]]:
    """Each source screened by a screen fitted on the other sources (and the harmless
    ``background``) only."""
    out: dict[str, list[tuple[str | None, set[str]]]] = {}
    for held_out, test in groups.items():
        train = [x for g, rows in groups.items() if g != held_out for x in rows]
        screen = fit_screen([*train, *background])
        out[held_out] = [(y, screen(t)) for t, y in test]
    return out


FEATURISER = Featuriser(
    views=(View("all", 0, None, (1, 2)),),
    patterns=as_patterns(),
    length=False,
)
"""The learned screen's features: the instruction's words and word pairs, and each rule of
lexicon 2 (exceptions included)."""


def fit_learned(train: list[tuple[str, str | None]]) -> Screen:
    """A learned screen: a textclass logistic model over words and lexicon-2 rules, classes
    weighed equally, trained on ``train`` only; its prediction alone."""
    model = fit(
        [(FEATURISER.features(t), y or "none") for t, y in train],
        ("none", *DOMAINS),
        c=1.0,
        balanced=True,
    )

    def screen(text: str) -> set[str]:
        return {model.predict(FEATURISER.features(text))} - {"none"}

    return screen


def fit_lexicon(train: list[tuple[str, str | None]]) -> Screen:
    """Lexicon 1 alone: it learns nothing, so every source is held out."""
    return first_lexicon


def fit_lexicon2(train: list[tuple[str, str | None]]) -> Screen:
    """Lexicon 2 alone (fixed; docs/upstream.md records which sources its author read)."""
    return lexicon2


def fit_default(train: list[tuple[str, str | None]]) -> Screen:
    """The gate's default: each domain by the lexicon ``screening.DEFAULT`` names."""
    return domains_of


SCREENS: dict[str, Callable[[list[tuple[str, str | None]]], Screen]] = {
    "lexicon 1": fit_lexicon,
    "lexicon 2": fit_lexicon2,
    "default (gate)": fit_default,
    "learned (words + lexicon-2 rules)": fit_learned,
}
"""The screens measured, by the name the figures give them."""
