"""Featurisers: a text becomes a set of named binary features.

A featuriser is data (so it ships in the same JSON file as the weights it was trained with):
word n-grams read from *views* (slices of the text: its opening, its ending, all of it), named
regular-expression *patterns*, and a coarse length bucket. Every feature is named by where it was
read, e.g. ``open:i_cannot`` or ``pat:moralising``, so a weight can be read back by a person.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

_WORD = re.compile(r"[a-z0-9']+")
LENGTH_BUCKETS = (0, 80, 200, 400, 800, 1600)
"""Lower bounds, in characters, of the length buckets."""


@dataclass(frozen=True)
class View:
    """A slice of the text whose word n-grams become features (``end`` None: to the end)."""

    name: str
    start: int = 0
    end: int | None = None
    ngrams: tuple[int, ...] = (1, 2)


@dataclass(frozen=True)
class Featuriser:
    """Views, patterns and the length bucket that describe a text."""

    views: tuple[View, ...] = (View("all"),)
    patterns: Mapping[str, str] = field(default_factory=dict)
    length: bool = True

    @cached_property
    def _compiled(self) -> list[tuple[str, re.Pattern[str]]]:
        return [
            (name, re.compile(rx, re.IGNORECASE | re.MULTILINE))
            for name, rx in sorted(self.patterns.items())
        ]

    def features(self, text: str, context: Mapping[str, str] | None = None) -> dict[str, float]:
        """The features present in ``text`` with their values; ``context`` adds
        ``ctx:key=value`` features.

        Word n-grams share a unit of weight (each is worth ``1/sqrt(count)``), so a long text
        does not outvote a short one by its length alone; patterns, the length bucket and the
        context are worth 1 each.
        """
        text = text or ""
        grams: set[str] = set()
        for view in self.views:
            words = _WORD.findall(text[view.start : view.end].lower())
            for n in view.ngrams:
                grams.update(
                    f"{view.name}:{'_'.join(words[i : i + n])}" for i in range(len(words) - n + 1)
                )
        found = dict.fromkeys(grams, 1 / math.sqrt(len(grams))) if grams else {}
        found.update((f"pat:{name}", 1.0) for name, rx in self._compiled if rx.search(text))
        if self.length:
            size = len(text.strip())
            bucket = max(b for b in LENGTH_BUCKETS if size >= b)
            found[f"len:{bucket}"] = 1.0
        for key, value in sorted((context or {}).items()):
            found[f"ctx:{key}={value}"] = 1.0
        return found

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "views": [
                {"name": v.name, "start": v.start, "end": v.end, "ngrams": list(v.ngrams)}
                for v in self.views
            ],
            "patterns": dict(sorted(self.patterns.items())),
            "length": self.length,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Featuriser:
        """Read back what ``to_dict`` wrote."""
        return cls(
            views=tuple(
                View(v["name"], v["start"], v["end"], tuple(v["ngrams"])) for v in data["views"]
            ),
            patterns=dict(data["patterns"]),
            length=bool(data["length"]),
        )
