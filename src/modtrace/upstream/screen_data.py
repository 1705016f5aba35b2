"""Measuring the data screen leave-one-source-out on labelled instructions.

Domain labels come only from the sources' own categories: HarmBench's ``SemanticCategory``
(``chemical_biological`` -> cbrn, ``cybercrime_intrusion`` -> cyber; Mazeika et al. 2024) and
JailbreakBench's ``Category`` (``Malware/Hacking`` -> cyber; Chao et al. 2024). Every other
harmful category is a negative, and so are Alpaca's harmless instructions. Sources whose items
carry no category (AdvBench, TDC 2023, MaliciousInstruct) and StrongREJECT (no CBRN or cyber
category, though some items are) are left out: counting their cyber items as negatives would
understate precision. A text found in an earlier source is not repeated (JailbreakBench reuses
HarmBench behaviours).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from modtrace.textclass import Featuriser, View, leave_one_group_out
from modtrace.textclass.train import fit
from modtrace.upstream.screening import LEXICON, domains_of

DOMAINS = ("cbrn", "cyber")
CATEGORY = {
    "chemical_biological": "cbrn",
    "cybercrime_intrusion": "cyber",
    "Malware/Hacking": "cyber",
}
Labelled = dict[str, list[tuple[str, str | None]]]
"""source -> (instruction, domain or None)."""


def load_sources(directory: Path, harmless: int = 3000) -> Labelled:
    """HarmBench (test and validation behaviours), JailbreakBench and ``harmless`` Alpaca
    instructions (the harmless test split, first ones), by source."""
    raw = directory / "raw"
    groups: Labelled = {"harmbench": [], "jailbreakbench": [], "alpaca": []}
    seen: set[str] = set()

    def add(source: str, text: str, category: str) -> None:
        key = " ".join(text.lower().split())
        if key and key not in seen:
            seen.add(key)
            groups[source].append((text.strip(), CATEGORY.get(category)))

    for name in ("harmbench_test.csv", "harmbench_val.csv"):
        with (raw / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                add("harmbench", row["Behavior"], row["SemanticCategory"])
    with (raw / "jailbreakbench.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            add("jailbreakbench", row["Goal"], row["Category"])
    items = json.loads((directory / "splits" / "harmless_test.json").read_text(encoding="utf-8"))
    for item in items[:harmless]:
        add("alpaca", item["instruction"], "")
    return groups


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
    groups: Labelled, fit_screen: Callable[[list[tuple[str, str | None]]], Screen]
) -> dict[str, list[tuple[str | None, set[str]]]]:
    """Each source screened by a screen fitted on the other sources only."""
    return leave_one_group_out(
        {s: [(t, y or "none") for t, y in rows] for s, rows in groups.items()},
        lambda train: fit_screen([(t, None if y == "none" else y) for t, y in train]),
    )  # type: ignore[return-value]


FEATURISER = Featuriser(
    views=(View("all", 0, None, (1, 2)),),
    patterns={f"{d}_{i}": p for d, ps in LEXICON.items() for i, p in enumerate(ps)},
    length=False,
)
"""The learned screen's features: the instruction's words and word pairs, and the lexicon."""


def fit_learned(train: list[tuple[str, str | None]]) -> Screen:
    """A learned screen (textclass logistic model, classes weighed equally) or'd with the
    lexicon."""
    model = fit(
        [(FEATURISER.features(t), y or "none") for t, y in train],
        ("none", *DOMAINS),
        c=4.0,
        balanced=True,
    )

    def screen(text: str) -> set[str]:
        return ({model.predict(FEATURISER.features(text))} - {"none"}) | domains_of(text)

    return screen


def fit_lexicon(train: list[tuple[str, str | None]]) -> Screen:
    """The lexicon alone: it learns nothing, so every source is held out."""
    return domains_of
