"""A small learned second opinion on a gate purpose: naive Bayes over word and
character n-grams, in pure Python, trained at first use on the shipped labelled purposes.

Features (:func:`features`): the normalised words and word pairs, with words inside a negation's
scope marked (``not:remove``), and the character 4-grams of each word (so "uncens0red" and
"refusels" share most of their features with the real words). Nothing is downloaded; training on
the ~350 shipped purposes takes well under a second and is deterministic.

The featuriser is reusable for other short-text screens: :func:`features` takes any text, and
:func:`train` any list of ``(text, label)`` pairs.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Final

from modtrace.upstream.purpose_lexicon import NEGATION
from modtrace.upstream.purpose_rules import clauses

DATA: Final = Path(__file__).parent / "data" / "purposes.csv"
"""The labelled purposes: ``purpose``, ``label`` (``removal`` or ``benign``), ``category``."""


@dataclass(frozen=True)
class Example:
    """One labelled purpose."""

    text: str
    removal: bool
    category: str


def load_examples(path: Path = DATA) -> list[Example]:
    """Read a labelled purposes CSV; a bad label names its line."""
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            if row["label"] not in ("removal", "benign"):
                raise ValueError(f"{path}:{line}: label must be removal or benign")
            out.append(Example(row["purpose"], row["label"] == "removal", row["category"]))
    return out


@lru_cache(maxsize=4096)
def features(text: str) -> frozenset[str]:
    """Word, word-pair and character 4-gram features of the normalised text."""
    out: set[str] = set()
    for clause in clauses(text):
        words = re.findall(r"[a-z']+", clause)
        negated = False
        marked = []
        for word in words:
            if NEGATION.fullmatch(word):
                negated = True
                out.add("neg")
                continue
            marked.append(f"not:{word}" if negated else word)
        out.update(marked)
        out.update(f"{a} {b}" for a, b in pairwise(marked))
        for word in words:
            padded = f"<{word}>"
            out.update(f"#{padded[i : i + 4]}" for i in range(len(padded) - 3))
    return frozenset(out)


@dataclass(frozen=True)
class Model:
    """Per-feature log-odds over :func:`features`."""

    weights: dict[str, float]
    bias: float

    def probability(self, text: str) -> float:
        """The model's probability that ``text`` asks to remove safeguards."""
        found = features(text)
        z = self.bias + sum(self.weights.get(f, 0.0) for f in found) / math.sqrt(len(found) or 1)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def train(examples: Sequence[tuple[str, bool]], smoothing: float = 0.5) -> Model:
    """Fit Bernoulli naive Bayes log-odds per feature (one pass; deterministic).

    A feature's weight is the log ratio of its smoothed frequency among removal purposes to its
    frequency among benign ones; the bias is the log prior odds. Naive Bayes over-counts
    correlated features, so the sum is scaled by ``1 / sqrt(features in the text)``.
    """
    pos: dict[str, int] = {}
    neg: dict[str, int] = {}
    n_pos = sum(1 for _, label in examples if label)
    n_neg = len(examples) - n_pos
    for text, label in examples:
        counts = pos if label else neg
        for f in features(text):
            counts[f] = counts.get(f, 0) + 1
    weights = {
        f: math.log((pos.get(f, 0) + smoothing) / (n_pos + 2 * smoothing))
        - math.log((neg.get(f, 0) + smoothing) / (n_neg + 2 * smoothing))
        for f in set(pos) | set(neg)
    }
    return Model(weights, math.log((n_pos + 1) / (n_neg + 1)))


def train_on(examples: Iterable[Example]) -> Model:
    """A model trained on labelled purposes."""
    return train([(e.text, e.removal) for e in examples])


@cache
def shipped_model() -> Model:
    """The model trained on the shipped purposes (once per process)."""
    return train_on(load_examples())
