"""Fuzzy name search for many names at once, with the answers of one search at a time.

:func:`nearest` gives, for each query, what ``rapidfuzz.process.extract(query, choices,
scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, limit=limit)`` gives (the same choices, scores
and order: score descending, then position in ``choices``), without comparing every query with
every choice one call at a time:

1. **Blocking on length.** The token-sort ratio is ``100 · (1 − d / (a + b))`` for two
   token-sorted strings of lengths ``a`` and ``b`` whose Indel distance ``d`` is at least
   ``|a − b|``; so a choice can reach the cutoff only if ``|a − b| ≤ (1 − cutoff/100)(a + b)``.
   At the cutoff of 95 a 20-character name is compared only with choices of 18 to 22
   characters. The bound is widened by one character against rounding.
2. **One matrix per length.** Queries of one length are scored against their block in one
   ``process.cdist`` call (all cores, choices prepared once instead of once per query).
3. **The same ranking.** Each query's hits go back through ``process.extract`` over those hits
   alone, kept in their original order, so scores, ties and the limit are extract's own.

``tests/registry/test_nearest.py`` checks the equality on generated names and on every Epoch
name against the snapshot's originals.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

__all__ = ["nearest"]


def _sorted_length(text: str) -> int:
    """The length of the token-sorted form the scorer compares (tokens joined by one space)."""
    return len(" ".join(text.split()))


def _may_reach(a: int, b: int, cutoff: float) -> bool:
    """Can two token-sorted strings of lengths ``a`` and ``b`` score ``cutoff`` or more?"""
    return abs(a - b) <= (1.0 - cutoff / 100.0) * (a + b) + 1.0


def nearest(
    queries: Sequence[str], choices: Sequence[str], cutoff: float, limit: int = 10
) -> list[list[tuple[str, float, int]]]:
    """Per query, ``(choice, score, index)`` for the best ``limit`` choices scoring at least
    ``cutoff`` (token-sort ratio), best first, ties in ``choices`` order: extract's answer.

    ``cutoff`` must be above 0: the score matrix writes 0 for "below the cutoff"."""
    if not cutoff > 0:
        raise ValueError("the cutoff must be above 0")
    by_length: dict[int, list[int]] = {}
    for index, choice in enumerate(choices):
        by_length.setdefault(_sorted_length(choice), []).append(index)
    queries_by_length: dict[int, list[int]] = {}
    for position, query in enumerate(queries):
        queries_by_length.setdefault(_sorted_length(query), []).append(position)
    out: list[list[tuple[str, float, int]]] = [[] for _ in queries]
    for length, positions in queries_by_length.items():
        block = sorted(
            index
            for other, indices in by_length.items()
            if _may_reach(length, other, cutoff)
            for index in indices
        )
        if not block:
            continue
        scores = process.cdist(
            [queries[p] for p in positions],
            [choices[i] for i in block],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=cutoff,
            workers=-1,
        )
        for row, position in enumerate(positions):
            hits = [block[int(col)] for col in scores[row].nonzero()[0]]
            if not hits:
                continue
            ranked = process.extract(
                queries[position],
                [choices[i] for i in hits],
                scorer=fuzz.token_sort_ratio,
                score_cutoff=cutoff,
                limit=limit,
            )
            out[position] = [(choice, score, hits[k]) for choice, score, k in ranked]
    return out
