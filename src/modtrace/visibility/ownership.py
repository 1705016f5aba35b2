"""Whose a model is. The register says so (the model's record, else its Hub namespace); a
caller's own documents (a gate request's ``terms.provider``) never do."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from modtrace.registry.claims import other_claimants
from modtrace.registry.register import Register, provider_of
from modtrace.registry.tables import models
from modtrace.registry.tokens import Principal
from modtrace.visibility.access import known_as


def provider_of_model(register: Register, model_id: str) -> str:
    """The provider on the model's record, else the Hub namespace of its id."""
    row = register.model(model_id)
    recorded = str(row.get("provider") or "").strip() if row else ""
    return recorded or provider_of(model_id)


def acts_for_model(who: Principal, register: Register, model_id: str) -> bool:
    """Regulators act for any model; a provider only for a model the register says is its own."""
    if who.role == "regulator":
        return True
    return who.role == "provider" and known_as(who.subject, provider_of_model(register, model_id))


def providers_of_models(register: Register, model_ids: list[str]) -> list[str]:
    """:func:`provider_of_model` for several models, in one query (one for none, too)."""
    with register.engine.connect() as c:
        rows = c.execute(select(models.c.id, models.c.provider).where(models.c.id.in_(model_ids)))
        recorded = {str(i): p for i, p in rows}
    return [str(recorded.get(m) or "").strip() or provider_of(m) for m in model_ids]


def can_read_incident(who: Principal, register: Register, incident: dict[str, Any] | None) -> bool:
    """Regulators read every incident; a provider those implicating one of its models, and those
    it reported itself.

    ``None`` (no such incident) is refused after the same query a hidden incident costs, so the
    time of a refusal says nothing about whether the incident exists."""
    if who.role == "regulator":
        return incident is not None
    if who.role != "provider":
        return False
    model_ids = [str(m) for m in incident["model_ids"]] if incident else []
    named = providers_of_models(register, model_ids)
    if incident is not None and incident.get("reported_by") == f"{who.role}:{who.subject}":
        return True  # its own report, whoever's models it names
    return incident is not None and any(known_as(who.subject, p) for p in named)


def claimed_by_another(register: Register, model_id: str, modifier: str) -> str | None:
    """Who else, if anyone, has registered a modification that produced ``model_id``
    (:func:`~modtrace.registry.claims.other_claimants`)."""
    with register.engine.connect() as c:
        return next(iter(other_claimants(c, model_id, modifier)), None)


def claim_refused(who: Principal, register: Register, model_id: str | None, modifier: str) -> bool:
    """Whether a modifier's filing may not name ``model_id`` as the model it made: another
    modifier has registered it. Regulators file for anyone and may correct the record."""
    return bool(
        who.role == "modifier" and model_id and claimed_by_another(register, model_id, modifier)
    )


NOTICE_SOURCE = "provider-notice:"
"""How evidence cites a provider's notice in the register (``provider-notice:7``)."""


def unbacked_notice_sources(register: Register, facts: Any) -> list[tuple[str, str]]:
    """Evidence in a filer's facts that cites a provider notice the register does not hold for
    the original model: only the register may say a provider published one (paper fn 91's
    showing is the provider's act, not the filer's)."""
    held = {str(n["id"]) for n in register.notices(facts.original.id)}
    return [
        (
            f"facts.evidence.{i}.sources.{j}",
            f"cites {source.strip()}, which is no notice the register holds for "
            f"{facts.original.id}",
        )
        for i, item in enumerate(facts.evidence)
        for j, source in enumerate(item.sources)
        if source.strip().startswith(NOTICE_SOURCE)
        and source.strip().removeprefix(NOTICE_SOURCE).strip() not in held
    ]
