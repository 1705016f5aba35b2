"""Print the data screen's leave-one-source-out figures for docs/upstream.md.

Run: .venv/bin/python scripts/screen_figures.py [--no-learned]
(the learned screen needs the ``train`` extra and a few minutes: it is fitted once per source)
"""

from __future__ import annotations

import sys
from pathlib import Path

from modtrace.upstream.screen_data import (
    DOMAINS,
    SCREENS,
    figures,
    leave_one_source_out,
    load_background,
    load_sources,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "refusal"


def _share(k: int, n: int) -> str:
    return f"{k / n:.2f} ({k}/{n})" if n else "– (0/0)"


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")
    groups = load_sources(DATA / "refusal_direction")
    background = load_background(DATA / "refusal_direction")
    print("| source | items | cbrn | cyber |")
    print("|---|---|---|---|")
    for source, rows in groups.items():
        counts = [str(sum(1 for _, y in rows if y == d)) for d in DOMAINS]
        print(f"| {source} | {len(rows)} | " + " | ".join(counts) + " |")
    print()
    print(
        "| screen | held-out source | "
        + " | ".join(f"{d} precision / recall" for d in DOMAINS)
        + " |"
    )
    print("|---|---|" + "---|" * len(DOMAINS))
    for name, fit_screen in SCREENS.items():
        if name.startswith("learned") and "--no-learned" in sys.argv:
            continue
        held = leave_one_source_out(groups, fit_screen, background)
        rows = [*held.items(), ("all", [x for v in held.values() for x in v])]
        for source, predictions in rows:
            f = figures(predictions)
            cells = [
                f"{_share(f[d].tp, f[d].tp + f[d].fp)} / {_share(f[d].tp, f[d].tp + f[d].fn)}"
                for d in DOMAINS
            ]
            print(f"| {name} | {source} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
