"""Compute-estimation conventions, in one place (documented in docs/compute.md).

Sources: EU Commission GPAI guidelines (18 July 2025) Annex A (architecture-based 6·N·D and
hardware-based approaches); Epoch AI, "Estimating training compute of deep learning models"
(forward pass 2·N·D, backward pass 4·N·D; activation recomputation adds one forward pass).
"""

from __future__ import annotations

from typing import Final

from modtrace.facts.model import Technique, TrainingMethod

SECONDS_PER_HOUR: Final = 3600.0

# FLOP per parameter per token: (low, central, high).
# Full training: forward 2 + backward 4 = 6; recomputing activations adds a forward pass: 8.
FULL_FACTORS: Final = (6.0, 6.0, 8.0)
# LoRA/QLoRA: the frozen base still runs the forward pass (2) and the activation-gradient part
# of the backward pass (2); adapter weight gradients are negligible: 4; with recomputation: 6.
ADAPTER_FACTORS: Final = (4.0, 4.0, 6.0)
# Training method unknown: bounded by the two conventions above, no central value.
UNKNOWN_METHOD_FACTORS: Final = (4.0, None, 8.0)

FACTORS_BY_METHOD: Final = {
    TrainingMethod.FULL.value: FULL_FACTORS,
    TrainingMethod.LORA.value: ADAPTER_FACTORS,
    TrainingMethod.QLORA.value: ADAPTER_FACTORS,
}

TRAINS_NOTHING: Final = frozenset(
    t.value
    for t in (
        Technique.MERGE,
        Technique.QUANTIZATION,
        Technique.PROMPTING,
        Technique.SCAFFOLDING,
        Technique.ABLITERATION,
    )
)
"""Techniques that update no weights by gradient descent: their modification compute is 0."""

MAX_FLOP_PER_USD: Final = 5.0e18
"""Most FLOP one US dollar can buy: an H100 (989.5 TFLOP/s dense BF16) rented at $0.70 an hour
and run at 100% utilization gives 5.1e18. Cost times this bounds modification compute from above."""
