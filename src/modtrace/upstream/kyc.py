"""Know-your-customer screening: fuzzy name matching against a sanctions list and the register
of past breaches, robust to transliteration (accents folded) and word order.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from modtrace.documents import read_text
from modtrace.errors import InputError
from modtrace.names import fold

SAMPLE_LIST = Path(__file__).parent / "data" / "sample_screening_list.csv"
MATCH, POSSIBLE = 92.0, 85.0


@dataclass(frozen=True)
class Entry:
    """A listed party."""

    name: str
    aliases: tuple[str, ...]
    country: str
    list_name: str
    reason: str


@dataclass(frozen=True)
class Hit:
    """A possible match, its score and why."""

    entry: Entry
    score: float
    matched: str
    against: str
    strength: str  # match | possible


def load_list(path: Path = SAMPLE_LIST) -> list[Entry]:
    """A screening list as CSV: name, aliases (separated by ``;``), country, list, reason.

    A file that is not UTF-8 CSV with a ``name`` column, or that lists nobody, is refused:
    screening against an empty list would clear every requester silently.
    """
    text = read_text(path, InputError)
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError([(str(path), f"not a CSV screening list ({exc})")]) from None
    if not rows or "name" not in rows[0]:
        raise InputError(
            [
                (
                    str(path),
                    "a screening list needs a header with name (and aliases, country, "
                    "list, reason) and at least one entry",
                )
            ]
        )
    return [
        Entry(
            r["name"],
            tuple(a for a in (r.get("aliases") or "").split(";") if a),
            r.get("country") or "",
            r.get("list") or path.stem,
            r.get("reason") or "",
        )
        for r in rows
        if (r.get("name") or "").strip()
    ]


def screen(names: list[str], entries: list[Entry]) -> list[Hit]:
    """Every entry whose name or alias matches one of ``names`` at or above ``POSSIBLE``."""
    hits = []
    for entry in entries:
        best = None
        for listed in (entry.name, *entry.aliases):
            for name in names:
                score = fuzz.token_sort_ratio(fold(name), fold(listed))
                if best is None or score > best[0]:
                    best = (score, listed, name)
        if best and best[0] >= POSSIBLE:
            hits.append(
                Hit(
                    entry,
                    round(best[0], 1),
                    best[1],
                    best[2],
                    "match" if best[0] >= MATCH else "possible",
                )
            )
    return sorted(hits, key=lambda h: -h.score)
