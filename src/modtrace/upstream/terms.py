"""A provider's terms for one model, as versioned data, compiled to Cedar policies.

Each term has an effect — ``deny`` (a prohibited modification, a refused jurisdiction),
``escalate`` (a cap exceeded; needs a human check) or ``condition`` (allowed with conditions) —
a condition in a small vocabulary, a description and its source (a licence clause, a policy).
Conditions compile to Cedar expressions over the request's context; see docs/upstream.md for
why Cedar.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from modtrace.countries import is_country
from modtrace.documents import load_model
from modtrace.errors import InputError
from modtrace.upstream.techniques import TechniqueName


class TermsError(InputError):
    """A terms file that cannot be used."""


class Condition(BaseModel):
    """When a term applies (all given parts must hold)."""

    model_config = ConfigDict(extra="forbid")

    techniques_any: list[TechniqueName] | None = None
    data_domains_any: list[str] | None = None
    compute_fraction_over: float | None = Field(default=None, ge=0)
    data_tokens_over: int | None = Field(default=None, ge=0)
    jurisdiction_in: list[str] | None = Field(
        default=None, description="ISO 3166-1 country codes (alpha-2 or alpha-3)."
    )
    refusal_removal_requested: bool | None = None

    @field_validator("jurisdiction_in")
    @classmethod
    def _known_countries(cls, value: list[str] | None) -> list[str] | None:
        unknown = [c for c in value or [] if not is_country(c)]
        if unknown:
            raise ValueError(f"not ISO 3166-1 country codes: {', '.join(map(repr, unknown))}")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_dump(exclude_none=True):
            raise ValueError("a condition needs at least one part")
        return self


class Term(BaseModel):
    """One term of the licence or safe operating parameters."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    effect: Literal["deny", "escalate", "condition"]
    description: str = Field(min_length=1)
    when: Condition
    source: str = Field(min_length=1)
    obligation: str | None = Field(
        default=None, description="What the requester must do (conditions)."
    )


class Warning(BaseModel):
    """A published warning that a modification could lead to unacceptable risk (§IV.3 (i))."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1)
    techniques_any: list[TechniqueName] | None = None
    data_domains_any: list[str] | None = None


class Terms(BaseModel):
    """A provider's terms for one model, one version."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    version: int = Field(ge=1)
    effective_from: dt.date
    original_training_compute_flop: float | None = Field(default=None, gt=0)
    terms: list[Term] = Field(min_length=1)
    warnings: list[Warning] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Terms:
        ids = [t.id for t in self.terms]
        if len(ids) != len(set(ids)):
            raise ValueError("term ids must be unique")
        return self


def load_terms(path: Path) -> Terms:
    """Read and validate a terms file; errors name the field."""
    return load_model(path, Terms, TermsError, schema="terms")


def _strings(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def cedar_condition(c: Condition) -> str:
    """The Cedar expression of a condition over the request context."""
    parts = []
    if c.techniques_any is not None:
        parts.append(f"context.techniques.containsAny({_strings(c.techniques_any)})")
    if c.data_domains_any is not None:
        parts.append(f"context.data_domains.containsAny({_strings(c.data_domains_any)})")
    if c.compute_fraction_over is not None:  # basis points: Cedar compares integers exactly
        parts.append(
            f"(context.compute_known && context.compute_bp > "
            f"{round(c.compute_fraction_over * 10000)})"
        )
    if c.data_tokens_over is not None:
        parts.append(f"(context.data_tokens_known && context.data_tokens > {c.data_tokens_over})")
    if c.jurisdiction_in is not None:
        parts.append(f"{_strings(c.jurisdiction_in)}.contains(context.jurisdiction)")
    if c.refusal_removal_requested is not None:
        parts.append(
            f"context.refusal_removal_requested == {str(c.refusal_removal_requested).lower()}"
        )
    return " && ".join(parts)


def cedar_policies(terms: Terms, effect: str) -> tuple[str, list[Term]]:
    """One Cedar policy set per effect, and its terms in order.

    Cedar names unnamed policies by position (``policy0``, ``policy1``, ...), so the list maps a
    satisfied policy back to its term; each policy also carries the term id as an annotation.
    """
    chosen = [t for t in terms.terms if t.effect == effect]
    rules = [
        f'@id("{t.id}")\npermit(principal, action, resource) when {{ {cedar_condition(t.when)} }};'
        for t in chosen
    ]
    return "\n".join(rules), chosen
