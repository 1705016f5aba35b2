"""Every assumption the population estimates rest on, in one place (docs/ecosystem.md).

Hub derivatives rarely publish compute, so estimates are intervals with no central value unless
a source gives one; regimes then decide only where the bounds settle the question, and the
rest is reported as indeterminate, never folded into either side.
"""

from __future__ import annotations

from typing import Final

TOKENS_PER_PARAMETER_MIN: Final = 1.0
"""Fewest pre-training tokens per *active* parameter assumed for an original (GPT-3 used
about 1.7); a mixture of experts trains only its active parameters on each token."""

PRETRAINING_TOKENS_MAX: Final = 4.0e13
"""Most pre-training tokens assumed for an original (the largest disclosed corpora, ~36T)."""

FINETUNE_TOKENS: Final = (1.0e6, 1.0e13)
"""Token range assumed for a Hub fine-tune or adapter run whose data is not disclosed. Epoch
AI's fine-tunes with published compute and parameters span 4×10^6 (Llama Guard) to 5.5×10^12
(Llama 3.2 11B) tokens (``Finetune compute / (6 · Parameters)``); the range holds every one
(tested against the table)."""

FULL_FLOP_PER_TOKEN_PARAM: Final = (6.0, 8.0)
ADAPTER_FLOP_PER_TOKEN_PARAM: Final = (4.0, 6.0)

RELATION_TECHNIQUES: Final = {
    "finetune": ["fine-tuning"],
    "adapter": ["adapter"],
    "merge": ["merge"],
    "quantized": ["quantization"],
}
"""Hub relation -> modification technique; an undeclared relation leaves techniques unknown."""

PIPELINE_MODALITIES: Final = {
    "text-generation": ["text"],
    "text2text-generation": ["text"],
    "image-text-to-text": ["text", "image"],
    "text-to-image": ["image"],
    "image-to-image": ["image"],
    "text-to-video": ["video"],
    "text-to-speech": ["audio"],
    "automatic-speech-recognition": ["audio"],
}
"""Pipeline tag of the original -> generative modalities (for the EU GPAI criterion)."""

FAMILY_RANGE_ROUNDING: Final = 1.1
"""A family range (``ecosystem/families.py``) spans the family's published sizes divided and
multiplied by this factor: sizes are published rounded (Qwen2.5-0.5B has 494M parameters,
Gemma 2 27B 27.2B), so the bare published span would miss the true count at its ends."""

FAMILY_SIZE_PRIORS: Final = ("log-uniform", "uniform")
FAMILY_SIZE_PRIOR: Final = "log-uniform"
"""How the central estimate draws the size of an original known only by a family range: the
logarithm of the size uniform between the range's ends (every order of magnitude in the range
equally likely), or the size itself uniform (which favours the upper end). One draw per
original, shared by all its derivatives. Override with ``Fitted(..., size_prior=...)`` or
``modtrace ecosystem report --family-size-prior``."""
