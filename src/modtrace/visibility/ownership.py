"""Whose a model is. The register says so (the model's record, else its Hub namespace); a
caller's own documents (a gate request's ``terms.provider``) never do."""

from __future__ import annotations

from typing import Any

from modtrace.registry.register import Register, provider_of
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


def can_read_incident(who: Principal, register: Register, incident: dict[str, Any]) -> bool:
    """Regulators read every incident; a provider those implicating one of its models."""
    return who.role == "regulator" or (
        who.role == "provider"
        and any(acts_for_model(who, register, str(m)) for m in incident["model_ids"])
    )
