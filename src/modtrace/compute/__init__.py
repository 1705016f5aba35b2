"""Training-compute estimates for originals and modifications (docs/compute.md)."""

from modtrace.compute.estimate import (
    MODIFICATION,
    ORIGINAL,
    QUANTITY_INPUTS,
    Estimate,
    estimate_all,
    estimate_modification_compute,
    estimate_original_compute,
)

__all__ = [
    "MODIFICATION",
    "ORIGINAL",
    "QUANTITY_INPUTS",
    "Estimate",
    "estimate_all",
    "estimate_modification_compute",
    "estimate_original_compute",
]
