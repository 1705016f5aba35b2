"""Measuring a classifier honestly: leave-one-group-out predictions and agreement figures.

A *group* is whatever the classifier will meet unseen in use: the model that wrote a completion,
the source a dataset came from. Each group is predicted by a classifier trained on the others
only, so no figure is measured on training data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

X = TypeVar("X")
P = TypeVar("P")


def leave_one_group_out(
    groups: Mapping[str, Sequence[tuple[X, str]]],
    fit: Callable[[list[tuple[X, str]]], Callable[[X], P]],
) -> dict[str, list[tuple[str, P]]]:
    """For each group: ``(true class, prediction)`` from a classifier fitted on the other groups.

    ``fit`` takes training pairs and returns a predictor.
    """
    out: dict[str, list[tuple[str, P]]] = {}
    for held_out, test in groups.items():
        predictor = fit([x for g, rows in groups.items() if g != held_out for x in rows])
        out[held_out] = [(y, predictor(x)) for x, y in test]
    return out


@dataclass(frozen=True)
class Agreement:
    """How predicted classes agree with true ones."""

    n: int
    accuracy: float
    kappa: float
    precision: dict[str, float]
    recall: dict[str, float]
    confusion: dict[tuple[str, str], int]  # (true, predicted) -> count


def agreement(truth: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> Agreement:
    """Accuracy, Cohen's kappa (Cohen 1960) and per-class precision and recall."""
    if len(truth) != len(predicted) or not truth:
        raise ValueError("need two label lists of the same, non-zero length")
    n = len(truth)
    confusion = {(h, p): 0 for h in classes for p in classes}
    for h, p in zip(truth, predicted, strict=True):
        confusion[(h, p)] += 1
    observed = sum(confusion[(c, c)] for c in classes) / n
    expected = sum(
        sum(confusion[(c, p)] for p in classes) * sum(confusion[(h, c)] for h in classes)
        for c in classes
    ) / (n * n)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 1.0
    precision = {
        c: confusion[(c, c)] / max(1, sum(confusion[(h, c)] for h in classes)) for c in classes
    }
    recall = {
        c: confusion[(c, c)] / max(1, sum(confusion[(c, p)] for p in classes)) for c in classes
    }
    return Agreement(n, observed, kappa, precision, recall, confusion)
