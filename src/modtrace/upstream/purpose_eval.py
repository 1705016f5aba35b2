"""Measuring the purpose screen: precision and recall, by cross-validation on the shipped
labelled purposes and on a held-out set the screen never trains on.

The learned model is always scored on purposes it was not trained on (k-fold: fold ``i`` holds
every ``k``-th example). The rules were written while reading the shipped set, so only the
held-out figures are free of that bias; docs/upstream.md gives both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from modtrace.upstream.purpose import Outcome, screen_purpose
from modtrace.upstream.purpose_model import Example, train_on
from modtrace.upstream.purpose_rules import verdict


@dataclass(frozen=True)
class Score:
    """Precision and recall of one reading of the screen's outcomes."""

    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float:
        """Share of flagged purposes that were removal requests (1.0 when none flagged)."""
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        """Share of removal requests flagged (1.0 when there were none)."""
        actual = self.true_pos + self.false_neg
        return self.true_pos / actual if actual else 1.0


def score(examples: Sequence[Example], flagged: Sequence[bool]) -> Score:
    """Compare flags with labels."""
    pairs = list(zip(examples, flagged, strict=True))
    return Score(
        sum(1 for e, f in pairs if f and e.removal),
        sum(1 for e, f in pairs if f and not e.removal),
        sum(1 for e, f in pairs if not f and e.removal),
    )


@dataclass(frozen=True)
class Report:
    """Every figure for one set of examples."""

    size: int
    rules: Score
    model: Score
    deny: Score
    not_allowed: Score
    escalated: int
    outcomes: tuple[Outcome, ...]


def _report(
    examples: Sequence[Example], outcomes: list[Outcome], probabilities: list[float]
) -> Report:
    return Report(
        len(examples),
        score(examples, [verdict(e.text)[0] == "removal" for e in examples]),
        score(examples, [p >= 0.5 for p in probabilities]),
        score(examples, [o == "removal" for o in outcomes]),
        score(examples, [o != "clear" for o in outcomes]),
        sum(1 for o in outcomes if o == "uncertain"),
        tuple(outcomes),
    )


def cross_validate(examples: Sequence[Example], folds: int = 10) -> Report:
    """Each example screened by a model trained on the other folds."""
    outcomes: list[Outcome] = []
    probabilities: list[float] = []
    models = [
        train_on(e for i, e in enumerate(examples) if i % folds != fold) for fold in range(folds)
    ]
    for i, example in enumerate(examples):
        result = screen_purpose(example.text, models[i % folds])
        outcomes.append(result.outcome)
        probabilities.append(result.probability)
    return _report(examples, outcomes, probabilities)


def held_out(train: Sequence[Example], test: Sequence[Example]) -> Report:
    """``test`` screened by a model trained on all of ``train``."""
    model = train_on(train)
    results = [screen_purpose(e.text, model) for e in test]
    return _report(test, [r.outcome for r in results], [r.probability for r in results])
