"""Facts the paper's fn 91 showing decides: a modifier intentionally removed the safeguards of a
large original (Figure 2's safeguards branch), with every other backstop answer stated, so a
recorded "shown safe" notice for the original is what takes the case out of scope."""

from __future__ import annotations

from typing import Any


def safeguard_removal(
    original: str = "org/big",
    provider: str = "Org",
    modifier: str = "Lab",
    intended_use: str | None = None,
) -> dict[str, Any]:
    """A fresh facts document (callers may change it) for ``modifier``'s abliteration of
    ``original`` (3.8e25 FLOP), ``provider``'s model."""
    modification: dict[str, Any] = {
        "techniques": ["abliteration"],
        "safeguards": {"altered": "intentional", "significant": True},
        "upstream_warned": False,
        "other_reason_to_believe_unacceptable_risk": False,
        "capabilities": {"high_risk_uplift": "insignificant"},
    }
    if intended_use is not None:
        modification["intended_use"] = intended_use
    return {
        "original": {"id": original, "provider": provider, "training_compute_flop": 3.8e25},
        "modifier": {"name": modifier, "acts_on_behalf_of_provider": False},
        "modification": modification,
    }
