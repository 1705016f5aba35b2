"""Facts that the register's provider notices establish, as a facts patch with its evidence.

The paper's fn 91 exemption applies only when the upstream developer *has shown* that its model
cannot pose unacceptable risk even with its safeguards removed: a public act, read closed-world
like a designation. A provider records the showing as a ``shown-safe`` notice for its model;
assessing with the register turns that notice into ``original.exempt_without_safeguards: true``.
No such notice means no recorded showing, so no exemption.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from modtrace.facts.loader import facts_from_mapping, merge
from modtrace.facts.model import Facts

SHOWN_SAFE = "shown-safe"
"""The notice kind that records a fn 91 showing."""


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _publisher_is(publisher: str, provider: str) -> bool:
    """Whether one of the names the publisher goes by (a token subject lists them:
    ``Meta|meta-llama``) is the provider the facts name."""
    return any(_same(name, provider) for name in publisher.split("|") if name.strip())


def shown_safe_patch(facts: Facts, notices: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """A patch recording the original's provider's fn 91 showing, or ``None`` if none is recorded.

    Only a notice for the original model published by its own provider counts."""
    showings = [
        n
        for n in notices
        if n.get("kind") == SHOWN_SAFE
        and _same(str(n.get("model_id", "")), facts.original.id)
        and _publisher_is(str(n.get("provider", "")), facts.original.provider)
    ]
    if not showings:
        return None
    return {
        "original": {"exempt_without_safeguards": True},
        "evidence": [
            {
                "fact": "original.exempt_without_safeguards",
                "value": True,
                "method": f"{SHOWN_SAFE} notice in the register (paper fn 91)",
                "summary": "; ".join(str(n.get("description", "")) for n in showings),
                "sources": [f"provider-notice:{n.get('id')}" for n in showings],
            }
        ],
    }


def with_notices(facts: Facts, notices: Iterable[Mapping[str, Any]]) -> Facts:
    """``facts`` with what the register's notices establish (unchanged when none applies)."""
    patch = shown_safe_patch(facts, notices)
    if patch is None:
        return facts
    return facts_from_mapping(merge(facts.model_dump(mode="json"), patch), source="facts")
