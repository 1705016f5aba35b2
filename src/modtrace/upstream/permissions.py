"""A provider's terms turned into ``original.upstream.permits_significant_modifications``.

App. B (characteristics of the upstream developer) and Table 4 offer "the upstream developer
permits significant modifications" as a scope criterion. Published terms answer it: they do
*not* permit significant modifications when a term denies a weight-changing technique or caps
the compute or data a modification may use (above the cap needs the provider's review); they
do when terms are published and none restricts weight changes. Without terms for the model the
fact stays unknown.
"""

from __future__ import annotations

from typing import Any

from modtrace.facts.model import Facts, Technique
from modtrace.upstream.terms import Term, Terms

WEIGHT_CHANGING = frozenset(
    {
        Technique.FINE_TUNING,
        Technique.CONTINUED_PRETRAINING,
        Technique.RL,
        Technique.ADAPTER,
        Technique.DISTILLATION,
        Technique.ABLITERATION,
    }
)
"""Techniques that change the weights (the 'more significant' modifications of App. B)."""


def restricts_significant_modifications(term: Term) -> bool:
    """Whether a term refuses or caps weight-changing modifications."""
    if term.effect not in ("deny", "escalate"):
        return False
    when = term.when
    if when.compute_fraction_over is not None or when.data_tokens_over is not None:
        return True
    return bool(when.techniques_any and WEIGHT_CHANGING & set(when.techniques_any))


def permissions_patch(facts: Facts, terms: Terms) -> dict[str, Any] | None:
    """A facts patch with the permission fact and the terms cited, or ``None``."""
    if facts.original.id != terms.model:
        return None
    restricting = [t for t in terms.terms if restricts_significant_modifications(t)]
    permits = not restricting
    summary = (
        "no term denies or caps weight-changing modifications"
        if permits
        else "restricted by: " + "; ".join(f"{t.id} ({t.effect})" for t in restricting)
    )
    return {
        "original": {"upstream": {"permits_significant_modifications": permits}},
        "evidence": [
            {
                "fact": "original.upstream.permits_significant_modifications",
                "value": permits,
                "method": f"{terms.provider}'s terms v{terms.version} for {terms.model}",
                "summary": summary,
                "sources": [f"terms:{terms.model}@{terms.version}"],
            }
        ],
    }
