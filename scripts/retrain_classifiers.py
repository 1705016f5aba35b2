"""Rebuild the shipped classifiers from the shared data, with their held-out measurements.

- the refusal labeller (src/modtrace/evidence/refusal_{harmful,benign}.json), from XSTest,
  measured leave-one-model-out;
- the data screen (src/modtrace/upstream/data/screen.json), from the harmful/harmless
  instruction sets, measured leave-one-source-out.

Needs the ``train`` extra (scikit-learn). Run: .venv/bin/python scripts/retrain_classifiers.py
Retraining on the same data writes the same bytes (tests/evidence/test_labeller.py checks it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from modtrace.evidence.labeller import retrain
from modtrace.evidence.xstest import load_groups

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "refusal"


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")
    for prompt_set, classifier in retrain(load_groups(DATA / "xstest")).items():
        print(f"refusal labeller, {prompt_set}: {len(classifier.model.weights)} weights")
    if "--screen" in sys.argv or len(sys.argv) == 1:
        from modtrace.upstream.screen_train import retrain as retrain_screen  # noqa: PLC0415

        screen = retrain_screen(DATA / "refusal_direction")
        print(f"data screen: {len(screen.model.weights)} weights")


if __name__ == "__main__":
    main()
