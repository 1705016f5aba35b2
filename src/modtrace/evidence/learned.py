"""A small learned refusal classifier: multinomial naive Bayes over the words of a completion's
opening, with the rules' verdict as features. Pure Python; weights ship as JSON.

Offered as ``--labels learned``; the rules stay the default because, cross-validated, they agree
better with the human labels (docs/evidence.md).

Trained on XSTest's human labels (CC BY 4.0, see NOTICE). Agreement is measured by
leave-one-model-out cross-validation (train on four models' completions, test on the fifth) in
the tests and in docs/evidence.md, never on the data it was trained on.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from modtrace.evidence.refusal import COMPLIANCE, LABELS, PARTIAL, classify

WEIGHTS = Path(__file__).with_name("refusal_model.json")
OPENING = 300
MIN_COUNT = 3
_WORD = re.compile(r"[a-z']+")


def features(text: str) -> list[str]:
    """Words of the opening, plus the rules' verdict as two signals."""
    tokens = _WORD.findall((text or "")[:OPENING].lower())
    verdict = classify(text).label
    if verdict != COMPLIANCE:
        tokens.append("RULE:refusal")
    if verdict == PARTIAL:
        tokens.append("RULE:partial")
    return tokens


@dataclass(frozen=True)
class Model:
    """Class log-priors and per-class token log-likelihoods (unseen tokens get ``unknown``)."""

    priors: dict[str, float]
    likelihood: dict[str, dict[str, float]]
    unknown: dict[str, float]

    def predict(self, text: str) -> str:
        """The most likely label."""
        scores = dict(self.priors)
        for token in features(text):
            for label in LABELS:
                scores[label] += self.likelihood[label].get(token, self.unknown[label])
        return max(LABELS, key=lambda label: scores[label])

    def to_json(self) -> str:
        """Serialised weights (sorted, so retraining on the same data gives the same file)."""
        return json.dumps(
            {"priors": self.priors, "likelihood": self.likelihood, "unknown": self.unknown},
            sort_keys=True,
            separators=(",", ":"),
        )


def train(examples: Iterable[tuple[str, str]]) -> Model:
    """Fit on ``(completion, label)`` pairs with Laplace smoothing."""
    counts = {label: Counter[str]() for label in LABELS}
    docs = Counter[str]()
    for text, label in examples:
        docs[label] += 1
        counts[label].update(features(text))
    total = Counter[str]()
    for c in counts.values():
        total.update(c)
    vocabulary = {t for t, n in total.items() if n >= MIN_COUNT}
    n_docs = sum(docs.values())
    priors = {label: math.log((docs[label] + 1) / (n_docs + len(LABELS))) for label in LABELS}
    likelihood, unknown = {}, {}
    for label in LABELS:
        size = sum(counts[label][t] for t in vocabulary) + len(vocabulary) + 1
        likelihood[label] = {
            t: round(math.log((counts[label][t] + 1) / size), 6)
            for t in vocabulary
            if counts[label][t]
        }
        unknown[label] = round(math.log(1 / size), 6)
    return Model(priors, likelihood, unknown)


@cache
def shipped() -> Model:
    """The weights shipped with modtrace."""
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    return Model(data["priors"], data["likelihood"], data["unknown"])


def cross_validate(groups: Mapping[str, Sequence[tuple[str, str]]]) -> list[tuple[str, str]]:
    """Leave-one-group-out predictions: ``(human, predicted)`` for every example."""
    out: list[tuple[str, str]] = []
    for held_out, test in groups.items():
        model = train(x for g, rows in groups.items() if g != held_out for x in rows)
        out.extend((label, model.predict(text)) for text, label in test)
    return out


def retrain(groups: Mapping[str, Sequence[tuple[str, str]]], path: Path = WEIGHTS) -> Model:
    """Train on every group and write the weights shipped with modtrace."""
    model = train(x for rows in groups.values() for x in rows)
    path.write_text(model.to_json() + "\n", encoding="utf-8")
    return model
