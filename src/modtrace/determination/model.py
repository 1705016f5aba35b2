"""The determination: what a regime says about one case, and why. Serialises to JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DETERMINATION_SCHEMA_VERSION = "1.1"

Answer = Literal["true", "false", "unknown"]
Outcome = Literal["in-scope", "out-of-scope", "indeterminate"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CitationOut(_Out):
    """A citation as published: source id, its title, the place, an optional note."""

    source: str
    title: str
    ref: str
    note: str | None = None


class ExceptionTrace(_Out):
    """A labelled exception checked within a step."""

    id: str
    label: str
    answer: Answer
    facts: dict[str, Any]
    source: CitationOut


class TraceStep(_Out):
    """One question asked, its answer, and what it read."""

    id: str
    question: str
    answer: Answer
    facts: dict[str, Any] = Field(
        description="Fact paths read, with their values (null = unknown)."
    )
    figures: dict[str, dict[str, Any]] = Field(default_factory=dict)
    parameters: dict[str, float | bool] = Field(default_factory=dict)
    steps: dict[str, Answer] = Field(default_factory=dict, description="Earlier steps relied on.")
    exceptions: list[ExceptionTrace] = Field(default_factory=list)
    source: CitationOut
    evidence: list[dict[str, Any]] = Field(
        default_factory=list, description="Measurements behind the facts this step read."
    )
    sensitive: bool = Field(
        default=False,
        description="Decided by a central estimate whose range straddles the threshold.",
    )
    note: str | None = None


class ObligationOut(_Out):
    """An obligation that applies (or may apply)."""

    id: str
    title: str
    source: CitationOut
    deadline: str | None = None
    missing: list[str] = Field(default_factory=list)
    in_force: bool = Field(
        default=True,
        description="Whether the regime imposing it is in force on the assessment date.",
    )
    applies_from: dt.date | None = Field(
        default=None,
        description="When the regime starts (or started) to apply; null for a proposal or a "
        "bill that never became law.",
    )
    due: dt.date | None = Field(
        default=None,
        description="From when it must be met (e.g. 2 August 2027 for models placed on the EU "
        "market before 2 August 2025, AI Act Art. 111(3)); null when undecided or not dated.",
    )
    due_source: CitationOut | None = Field(default=None, description="Where the due date is set.")


class RegimeRef(_Out):
    """Which regime version decided, on which date, with which parameter values."""

    id: str
    version: int
    title: str
    status: str
    effective_from: dt.date
    effective_until: dt.date | None
    at: dt.date
    in_force: bool
    parameters: dict[str, float | bool]
    overridden: list[str]


class Determination(_Out):
    """The answer for one case under one regime version."""

    schema_version: str = DETERMINATION_SCHEMA_VERSION
    regime: RegimeRef
    case: dict[str, Any]
    outcome: Outcome
    role: str | None
    obligations: list[ObligationOut]
    possible_obligations: list[ObligationOut]
    trace: list[TraceStep]
    missing: list[str]
    compute: dict[str, dict[str, Any]]
    notes: list[str]
    in_force: bool = Field(
        default=True,
        description="Whether the regime version is in force on the assessment date. When false, "
        "outcome is what it would decide (a what-if) and no obligation is current.",
    )
    applies_from: dt.date | None = Field(
        default=None,
        description="When the regime version starts to apply, if it ever can (null for a "
        "proposal or a vetoed bill).",
    )

    @property
    def decided(self) -> bool:
        """Whether the outcome is in-scope or out-of-scope."""
        return self.outcome != "indeterminate"
