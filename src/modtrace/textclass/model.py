"""A linear model over named features, scored in pure Python (no dependency at run time).

Scores are per class: the bias plus the weights of the features present; probabilities are the
softmax of the scores divided by a *temperature* fitted on held-out predictions (calibration,
Guo et al. 2017, "On Calibration of Modern Neural Networks", §4.2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LinearModel:
    """Per-class bias and feature weights, and the calibration temperature."""

    classes: tuple[str, ...]
    bias: Mapping[str, float]
    weights: Mapping[str, Mapping[str, float]]  # feature -> class -> weight (absent: 0)
    temperature: float = 1.0

    def scores(self, features: Mapping[str, float]) -> dict[str, float]:
        """Raw class scores."""
        out = dict(self.bias)
        for name, value in features.items():
            for label, w in self.weights.get(name, {}).items():
                out[label] += w * value
        return out

    def proba(self, features: Mapping[str, float]) -> dict[str, float]:
        """Calibrated class probabilities."""
        return softmax(self.scores(features), self.temperature)

    def predict(self, features: Mapping[str, float]) -> str:
        """The most likely class (ties go to the first class listed)."""
        scores = self.scores(features)
        return max(self.classes, key=lambda c: scores[c])

    def with_temperature(self, temperature: float) -> LinearModel:
        """The same weights with another calibration temperature."""
        return LinearModel(self.classes, self.bias, self.weights, temperature)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form, sorted so the same model always writes the same file."""
        return {
            "classes": list(self.classes),
            "bias": {c: self.bias[c] for c in self.classes},
            "temperature": self.temperature,
            "weights": {f: dict(sorted(w.items())) for f, w in sorted(self.weights.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearModel:
        """Read back what ``to_dict`` wrote."""
        return cls(
            tuple(data["classes"]),
            dict(data["bias"]),
            {f: dict(w) for f, w in data["weights"].items()},
            float(data["temperature"]),
        )


def softmax(scores: Mapping[str, float], temperature: float = 1.0) -> dict[str, float]:
    """Class probabilities from scores."""
    top = max(scores.values())
    exp = {c: math.exp((s - top) / temperature) for c, s in scores.items()}
    total = sum(exp.values())
    return {c: e / total for c, e in exp.items()}


def fit_temperature(
    held_out: Iterable[tuple[Mapping[str, float], str]], grid: Iterable[float] | None = None
) -> float:
    """The temperature that minimises the log loss of held-out ``(scores, true class)`` pairs."""
    items = list(held_out)
    if not items:
        return 1.0
    candidates = list(grid or (0.25 + 0.05 * i for i in range(76)))  # 0.25 .. 4.0

    def loss(t: float) -> float:
        return -sum(math.log(max(1e-12, softmax(s, t)[y])) for s, y in items)

    best: float = min(candidates, key=loss)
    return round(best, 4)
