"""Who may see what. Each rule is a plain function; routes call them and answer 404 (not 403)
where telling a caller that something exists would already say too much."""

from __future__ import annotations

from typing import Any

from modtrace.registry.tokens import Principal

PUBLIC_FILING_FIELDS = ("id", "model_modified", "modifications_made", "status")


def same(a: str | None, b: str | None) -> bool:
    """Names compare without case or surrounding space."""
    return bool(a and b and a.strip().lower() == b.strip().lower())


def known_as(subject: str, name: str | None) -> bool:
    """Whether ``name`` is one of the names a subject lists (``Meta|meta-llama``)."""
    return any(same(alias, name) for alias in subject.split("|"))


def concerns_provider(filing: dict[str, Any], facts: dict[str, Any], subject: str) -> bool:
    """A filing about one of the provider's models, by the register's record of the modified
    model (``model_provider``, joined in by the store), else its Hub namespace — the rule of
    :func:`modtrace.visibility.ownership.provider_of_model`, so the gate, notices and filings
    agree on whose a model is. Never by the provider the filer wrote in its facts, which a filer
    could get wrong (``facts`` is kept for callers and read by nothing here). A namespace the
    register attributes to another provider (a re-upload) does not count."""
    recorded = str(filing.get("model_provider") or "").strip()
    namespace = str(filing["model_modified"]).split("/", 1)[0]
    return known_as(subject, recorded or namespace)


def can_read_filing(who: Principal, filing: dict[str, Any], facts: dict[str, Any]) -> bool:
    """Regulators read all; providers those about their models; modifiers their own; the public
    accepted ones."""
    if who.role == "regulator":
        return True
    if who.role == "provider":
        return concerns_provider(filing, facts, who.subject) or filing["status"] == "accepted"
    if who.role == "modifier":
        return same(filing.get("owner"), who.subject) or filing["status"] == "accepted"
    return bool(filing["status"] == "accepted")


def full_view(who: Principal, filing: dict[str, Any], facts: dict[str, Any]) -> bool:
    """Whether the caller sees contact data and confidential intended use."""
    return (
        who.role == "regulator"
        or (who.role == "modifier" and same(filing.get("owner"), who.subject))
        or (who.role == "provider" and concerns_provider(filing, facts, who.subject))
    )


def filing_view(
    who: Principal,
    filing: dict[str, Any],
    facts: dict[str, Any],
    determinations: list[dict[str, Any]],
    reviews: list[dict[str, Any]],
) -> dict[str, Any]:
    """The fields this caller may see."""
    if full_view(who, filing, facts):
        return {
            **{
                k: filing[k]
                for k in (
                    "id",
                    "model_modified",
                    "modifications_made",
                    "intended_use",
                    "contact",
                    "confidential",
                    "status",
                    "owner",
                )
            },
            "modification_id": filing["modification_id"],
            "determinations": determinations,
            "reviews": reviews,
        }
    view = {k: filing[k] for k in PUBLIC_FILING_FIELDS}
    view["intended_use"] = None if filing["confidential"] else filing["intended_use"]
    view["determinations"] = [
        {k: d[k] for k in ("regime_id", "regime_version", "outcome", "role")}
        for d in determinations
    ]
    return view
