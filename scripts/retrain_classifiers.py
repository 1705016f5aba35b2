"""Rebuild the shipped refusal labeller from the shared XSTest data, with its held-out
measurements (src/modtrace/evidence/refusal_{harmful,benign}.json).

Needs the ``train`` extra (scikit-learn). Run: .venv/bin/python scripts/retrain_classifiers.py
Retraining on the same data writes the same bytes (tests/evidence/test_labeller.py checks it).
The data screen ships no weights: it is the lexicon (docs/upstream.md says why);
scripts/screen_figures.py measures it and the learned alternative.
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


if __name__ == "__main__":
    main()
