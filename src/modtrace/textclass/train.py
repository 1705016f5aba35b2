"""Training: L2-regularised logistic regression over named binary features.

Fitting uses scikit-learn (the ``train`` extra: ``pip install modtrace[train]``); scoring does
not need it. The solver (L-BFGS) is deterministic, and weights are rounded to six decimals, so the
same data always gives the same shipped file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from modtrace.textclass.model import LinearModel


class TrainingUnavailableError(RuntimeError):
    """scikit-learn is not installed; training needs the ``train`` extra."""


def fit(
    examples: Sequence[tuple[Mapping[str, float], str]],
    classes: Sequence[str],
    *,
    c: float = 1.0,
    min_count: int = 2,
    balanced: bool = False,
    digits: int = 6,
) -> LinearModel:
    """Fit on ``(features, class)`` pairs; features seen fewer than ``min_count`` times are
    dropped (they are unknown to the model, worth 0). ``balanced`` weighs each class inversely
    to its frequency."""
    try:
        import numpy as np  # noqa: PLC0415
        from scipy.sparse import csr_matrix  # noqa: PLC0415
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise TrainingUnavailableError("training needs scikit-learn: modtrace[train]") from exc
    counts = Counter(f for feats, _ in examples for f in feats)
    vocabulary = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(vocabulary)}
    present = sorted({y for _, y in examples})
    if len(present) < 2:
        raise ValueError("training needs examples of at least two classes")
    rows, cols, values = [], [], []
    for r, (feats, _) in enumerate(examples):
        for f, v in feats.items():
            if f in index:
                rows.append(r)
                cols.append(index[f])
                values.append(v)
    x = csr_matrix((np.array(values), (rows, cols)), shape=(len(examples), max(1, len(vocabulary))))
    y = [y for _, y in examples]
    options: dict[str, Any] = {"C": c, "max_iter": 5000, "tol": 1e-6}
    if balanced:
        options["class_weight"] = "balanced"
    clf = LogisticRegression(**options).fit(x, y)
    learned = [str(k) for k in clf.classes_]
    coef = clf.coef_
    intercept = clf.intercept_
    if len(learned) == 2:  # one row for the second class; the first class scores 0
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
        intercept = np.array([0.0, intercept[0]])
    bias = dict.fromkeys(classes, 0.0)
    bias.update({k: round(float(intercept[i]), digits) for i, k in enumerate(learned)})
    bias = {k: -1e6 if k not in learned else v for k, v in bias.items()}
    weights: dict[str, dict[str, float]] = {}
    for j, feature in enumerate(vocabulary):
        row = {
            k: round(float(coef[i, j]), digits)
            for i, k in enumerate(learned)
            if round(float(coef[i, j]), digits) != 0.0
        }
        if row:
            weights[feature] = row
    return LinearModel(tuple(classes), bias, weights)
