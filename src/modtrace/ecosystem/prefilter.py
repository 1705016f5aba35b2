"""Which patterns of an ordered table can match each of many names, found in one pass.

The size and family tables (``architecture_sizes.yaml``, ``family_ranges.yaml``) are read by
trying their patterns in order with Python's ``re`` (lookbehinds and all), which for a
population is millions of searches, nearly all of them misses. Most patterns cannot match
unless the name contains some literal text (``whisper-large`` needs ``whisper-large``;
``(?<![a-z])llama-?3\\.1(?![0-9])`` needs ``llama``). :func:`required_literals` reads that
text off the pattern's parse, and :func:`candidates` tests every name for every pattern's
literals at once with Polars (a substring test, which means the same in Rust as in Python);
the exact search then runs only on the patterns a name could match, in table order, so the
first pattern that matches is the one a plain loop would find. A pattern whose literals cannot
be read (flags, a leading class) stays a candidate for every name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _parser as _sre  # the parser behind ``re.compile`` (Python 3.11 on)
from typing import Any

import polars as pl

_LITERAL: Any = _sre.LITERAL
_BRANCH: Any = _sre.BRANCH
_SUBPATTERN: Any = _sre.SUBPATTERN
_REPEATS: Any = (_sre.MAX_REPEAT, _sre.MIN_REPEAT)


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains, or ``None`` if none is known.

    Only a pattern compiled without flags is read (``IGNORECASE`` would make a literal match
    other text); a run of literal characters in sequence is required text, a branch requires
    one of its branches' texts, a group or a repeat of at least one its content's.
    """
    if not isinstance(pattern.pattern, str) or pattern.flags != re.UNICODE:
        return None
    try:
        parsed = _sre.parse(pattern.pattern)
    except Exception:
        return None
    found = _required(list(parsed))
    return frozenset(found) if found else None


def _required(items: list[Any]) -> set[str] | None:
    """The best required set in one sequence of parsed items (longest shortest text)."""
    options: list[set[str]] = []
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is _LITERAL:
            run.append(chr(arg))
            continue
        if run:
            options.append({"".join(run)})
            run = []
        inner: set[str] | None = None
        if op is _BRANCH:
            branches = [_required(list(b)) for b in arg[1]]
            if all(branches):
                inner = set().union(*(b for b in branches if b))
        elif op is _SUBPATTERN and arg[1] == 0 and arg[2] == 0:
            inner = _required(list(arg[3]))
        elif op in _REPEATS and arg[0] >= 1:
            inner = _required(list(arg[2]))
        if inner:
            options.append(inner)
    options = [o for o in options if "" not in o]
    return max(options, key=lambda o: min(len(s) for s in o)) if options else None


def candidates(texts: Sequence[str], patterns: Sequence[re.Pattern[str]]) -> list[list[int]]:
    """For each text, the positions (ascending) of the patterns it contains a literal of:
    every pattern that can match the text is among them. One Aho-Corasick pass finds every
    literal in every text (overlapping matches included)."""
    always: list[int] = []
    needs: dict[str, list[int]] = {}
    for i, pattern in enumerate(patterns):
        needed = required_literals(pattern)
        if needed is None:
            always.append(i)
        for text in needed or ():
            needs.setdefault(text, []).append(i)
    if not needs:
        return [list(always) for _ in texts]
    found = (
        pl.Series("text", list(texts), dtype=pl.String)
        .str.extract_many(sorted(needs), overlapping=True)
        .to_list()
    )
    out: list[list[int]] = []
    for hits in found:
        if not hits:
            out.append(list(always))
            continue
        chosen = set(always)
        for text in hits:
            chosen.update(needs[text])
        out.append(sorted(chosen))
    return out


def first_matches(texts: Sequence[str], patterns: Sequence[re.Pattern[str]]) -> list[int | None]:
    """For each text, the position of the first pattern that matches it (``search``), else
    ``None``: the answer of trying every pattern in order."""
    return [
        next((i for i in options if patterns[i].search(text)), None)
        for text, options in zip(texts, candidates(texts, patterns), strict=True)
    ]
