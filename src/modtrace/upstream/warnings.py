"""Published warnings turned into the regimes' ``modification.upstream_warned`` fact.

A provider's terms list its warnings; a warning applies to a modification when its techniques or
data domains meet the facts'. When the provider has published warnings and none applies, the fact
is false (the list of published warnings is what the fact asks about); without published
warnings it stays unknown.
"""

from __future__ import annotations

from typing import Any

from modtrace.facts.model import Facts
from modtrace.upstream.terms import Terms


def warning_patch(facts: Facts, terms: Terms) -> dict[str, Any] | None:
    """A facts patch setting ``upstream_warned`` with the warning cited, or ``None``."""
    if facts.original.id != terms.model or not terms.warnings:
        return None
    techniques = {t.value for t in facts.modification.techniques or []}
    domains = set(facts.modification.data.domains or [])
    applying = [
        w
        for w in terms.warnings
        if (w.techniques_any and techniques & set(w.techniques_any))
        or (w.data_domains_any and domains & set(w.data_domains_any))
    ]
    warned = bool(applying)
    summary = (
        "; ".join(w.description for w in applying)
        if warned
        else f"none of the {len(terms.warnings)} published warnings applies "
        "to these techniques and data"
    )
    return {
        "modification": {"upstream_warned": warned},
        "evidence": [
            {
                "fact": "modification.upstream_warned",
                "value": warned,
                "method": f"published warnings in {terms.provider}'s terms v{terms.version} "
                f"for {terms.model}",
                "summary": summary,
                "sources": [f"terms:{terms.model}@{terms.version}"],
            }
        ],
    }
