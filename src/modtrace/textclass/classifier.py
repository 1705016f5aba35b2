"""A shipped classifier: its featuriser, its weights and what its measurement found, in one file.

The file is JSON, written sorted so that retraining on the same data rewrites it byte for byte;
``measured`` holds the leave-one-group-out figures that users of the classifier report with it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modtrace.textclass.features import Featuriser
from modtrace.textclass.model import LinearModel

FORMAT = 1


@dataclass(frozen=True)
class Classifier:
    """Featuriser + linear model + measurement record."""

    name: str
    featuriser: Featuriser
    model: LinearModel
    measured: Mapping[str, Any] = field(default_factory=dict)

    def proba(self, text: str, context: Mapping[str, str] | None = None) -> dict[str, float]:
        """Calibrated class probabilities of one text."""
        return self.model.proba(self.featuriser.features(text, context))

    def predict(self, text: str, context: Mapping[str, str] | None = None) -> str:
        """The most likely class of one text."""
        return self.model.predict(self.featuriser.features(text, context))

    def to_json(self) -> str:
        """The shipped file's text."""
        return (
            json.dumps(
                {
                    "format": FORMAT,
                    "name": self.name,
                    "featuriser": self.featuriser.to_dict(),
                    "model": self.model.to_dict(),
                    "measured": self.measured,
                },
                sort_keys=True,
                separators=(",", ":"),
            )
            + "\n"
        )


def load(path: Path) -> Classifier:
    """Read a classifier written by ``Classifier.to_json``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: classifier format {data.get('format')!r}, expected {FORMAT}")
    return Classifier(
        data["name"],
        Featuriser.from_dict(data["featuriser"]),
        LinearModel.from_dict(data["model"]),
        data["measured"],
    )
