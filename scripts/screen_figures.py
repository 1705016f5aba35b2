"""Print the data screen's leave-one-source-out figures for docs/upstream.md.

Run: .venv/bin/python scripts/screen_figures.py   (the learned screen needs the ``train`` extra)
"""

from __future__ import annotations

import sys
from pathlib import Path

from modtrace.upstream.screen_data import (
    DOMAINS,
    figures,
    fit_learned,
    fit_lexicon,
    leave_one_source_out,
    load_sources,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "refusal"


def _share(k: int, n: int) -> str:
    return f"{k / n:.2f} ({k}/{n})" if n else "– (0/0)"


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")
    groups = load_sources(DATA / "refusal_direction")
    print(
        "| screen | held-out source | "
        + " | ".join(f"{d} precision / recall" for d in DOMAINS)
        + " |"
    )
    print("|---|---|" + "---|" * len(DOMAINS))
    for name, fit_screen in (("lexicon", fit_lexicon), ("learned + lexicon", fit_learned)):
        held = leave_one_source_out(groups, fit_screen)
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
