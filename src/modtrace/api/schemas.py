"""Request bodies (pydantic at the edge)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AssessmentRequest(_In):
    """Facts to assess, under one regime or (regime omitted) every regime."""

    facts: dict[str, Any] = Field(description="A facts document (see `modtrace schema facts`).")
    regime: str | None = Field(default=None, description="Regime id; omit for every regime.")
    params: dict[str, str | float | bool] = Field(default_factory=dict)
    at: dt.date | None = None


class FilingRequest(_In):
    """A registration: the modification's facts and who to contact."""

    facts: dict[str, Any]
    model_id: str | None = Field(default=None, max_length=300)
    contact: str | None = Field(default=None, max_length=300)
    confidential: bool = False


class ReviewRequest(_In):
    """A review transition."""

    status: Literal["under-review", "accepted", "returned", "submitted"]
    comment: str | None = Field(default=None, max_length=5000)


class NoticeRequest(_In):
    """A provider's warning, prohibited modification or fn 91 showing for one of its models."""

    kind: Literal["warning", "prohibited", "shown-safe"]
    description: str = Field(min_length=1, max_length=5000)
    techniques: list[str] = Field(default_factory=list, max_length=20)
    data_domains: list[str] = Field(default_factory=list, max_length=20)


class GateCheckRequest(_In):
    """A modification request and the provider's terms to apply (recorded when checked)."""

    request: dict[str, Any]
    terms: dict[str, Any]


class IncidentRequest(_In):
    """An incident (AI Incident Database fields) and the models it implicates."""

    title: str = Field(min_length=1, max_length=500)
    model_ids: list[str] = Field(min_length=1, max_length=100)
    date: dt.date | None = None
    description: str | None = Field(default=None, max_length=20000)
    severity: Literal["low", "medium", "high", "critical"] | None = None
    alleged_developer: str | None = Field(default=None, max_length=500)
    alleged_deployer: str | None = Field(default=None, max_length=500)
    harmed_parties: str | None = Field(default=None, max_length=500)
