"""Compute-estimation conventions, in one place (documented in docs/compute.md).

Sources: EU Commission GPAI guidelines (18 July 2025) Annex A (architecture-based 6·N·D and
hardware-based approaches); Epoch AI, "Estimating training compute of deep learning models"
(forward pass 2·N·D, backward pass 4·N·D; activation recomputation adds one forward pass).
"""

from __future__ import annotations

from typing import Final

from modtrace.facts.enums import Technique, TrainingMethod

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
"""Techniques that update no weights by gradient descent: their modification compute is 0,
unless training facts say otherwise (quantization-aware training states its tokens)."""

TRAINING_FACTS: Final = (
    "modification.training.method",
    "modification.training.tokens",
    "modification.hardware.accelerator_hours",
)
"""Facts that say weights were trained; any one of them overrides the no-training shortcut."""

MAX_FLOP_PER_USD: Final = 2.0e20
"""Most operations one US dollar can buy, at any precision the laws count.

SB 53 §22757.11(i)(1) counts integer or floating-point operations and the Commission's GPAI
guidelines (Annex A) count operations regardless of precision, so the bound must cover the
cheapest, lowest-precision operations on sale, not only BF16: the largest peak figure NVIDIA
advertises for a Blackwell-generation accelerator (about 3e16 sparse 4-bit operations per second)
at a rental price of $0.60 an hour, run at 100% utilization, gives 1.8e20 operations per dollar;
rounded up to 2e20. Cost times this bounds modification compute from above (docs/compute.md)."""

MIN_ACTIVE_SHARE: Final = 0.03
"""Smallest share of parameters active per token among widely used mixture-of-experts models
(Kimi K2: 32B of 1T, 3.2%; DeepSeek-V3: 37B of 671B, 5.5%). When only a total parameter count is
known, the model may be such a mixture: the low end of the 6·N·D range uses this share."""
