"""Recompute the purpose screen's figures for docs/upstream.md.

Prints the markdown block that sits between the ``purpose-figures`` markers in
docs/upstream.md; tests/upstream/test_purpose_screen.py checks that the docs match it.

Example: .venv/bin/python scripts/purpose_figures.py
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from modtrace.upstream.purpose_eval import Report, Score, cross_validate, held_out
from modtrace.upstream.purpose_model import load_examples

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "tests" / "upstream" / "data" / "purposes_heldout.csv"
FRESH = ROOT / "tests" / "upstream" / "data" / "purposes_fresh.csv"
FRESH2 = ROOT / "tests" / "upstream" / "data" / "purposes_fresh2.csv"
FRESH3 = ROOT / "tests" / "upstream" / "data" / "purposes_fresh3.csv"
REDTEAM = ROOT / "tests" / "upstream" / "data" / "purposes_redteam.csv"
REDTEAM2 = ROOT / "tests" / "upstream" / "data" / "purposes_redteam2.csv"
REDTEAM3 = ROOT / "tests" / "upstream" / "data" / "purposes_redteam3.csv"


def _cell(s: Score) -> str:
    return (
        f"{s.precision:.3f} ({s.true_pos}/{s.true_pos + s.false_pos}) | "
        f"{s.recall:.3f} ({s.true_pos}/{s.true_pos + s.false_neg})"
    )


def _rows(name: str, r: Report) -> list[str]:
    return [
        f"| {name} | rules alone | {_cell(r.rules)} |",
        f"| {name} | learned model alone (p ≥ 0.5) | {_cell(r.model)} |",
        f"| {name} | screen: denied | {_cell(r.deny)} |",
        f"| {name} | screen: denied or escalated ({r.escalated} escalated) | "
        f"{_cell(r.not_allowed)} |",
    ]


def render() -> str:
    """The figures block, recomputed."""
    shipped = load_examples()
    test = load_examples(HELD_OUT)
    fresh = load_examples(FRESH)
    fresh2 = load_examples(FRESH2)
    fresh3 = load_examples(FRESH3)
    redteam = load_examples(REDTEAM)
    redteam2 = load_examples(REDTEAM2)
    redteam3 = load_examples(REDTEAM3)
    counts = Counter((e.removal, e.category) for e in shipped)
    mix = ", ".join(
        f"{c} {'removal' if removal else 'benign'}/{cat}"
        for (removal, cat), c in sorted(counts.items())
    )
    lines = [
        f"Shipped set: {len(shipped)} purposes ({mix}). Held-out set: {len(test)}. "
        f"Fresh sets: {len(fresh)}, {len(fresh2)} and {len(fresh3)}. "
        f"Red-team sets: {len(redteam)}, {len(redteam2)} and {len(redteam3)}.",
        "",
        "| set | reader | precision | recall |",
        "|---|---|---|---|",
        *_rows("shipped, 10-fold", cross_validate(shipped)),
        *_rows("held-out", held_out(shipped, test)),
        *_rows("fresh", held_out(shipped, fresh)),
        *_rows("fresh 2", held_out(shipped, fresh2)),
        *_rows("fresh 3", held_out(shipped, fresh3)),
        *_rows("red team", held_out(shipped, redteam)),
        *_rows("red team 2", held_out(shipped, redteam2)),
        *_rows("red team 3", held_out(shipped, redteam3)),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render())
