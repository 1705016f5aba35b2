"""Safety cases as data: claims with measurable preconditions, checked against evidence.

A precondition reads either a metric from a comparison (``harmful.rate``, ``capability.rate``,
``capability.wmdp_bio.rate``: the modified model's rate) with ``max``/``min``, or a fact from a
facts file with ``none_of``/``all_of``/``equals``. Each precondition *holds*, *fails* or has *no
evidence*; a claim fails if any precondition fails and holds only if all hold. This is Table 4's
criterion (the conditions under which a safety case was developed no longer hold) and the first
way of meeting §IV.3's risk-demonstration obligation.

``similarly_safe`` adds the EU Code of Practice's comparison (Safety and Security chapter): the
modified model is similarly safe or safer when no safety-relevant comparison shows it
significantly worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from modtrace.documents import load_model
from modtrace.evidence.compare import Comparison, high_risk
from modtrace.evidence.runs import EvidenceError
from modtrace.facts.model import Facts

Status = Literal["holds", "fails", "no-evidence"]


class Precondition(BaseModel):
    """One measurable precondition."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    description: str = ""
    metric: str | None = None
    max: float | None = None
    min: float | None = None
    fact: str | None = None
    none_of: list[str] | None = None
    all_of: list[str] | None = None
    equals: Any = None

    @model_validator(mode="after")
    def _one_kind(self) -> Precondition:
        if (self.metric is None) == (self.fact is None):
            raise ValueError("give exactly one of metric or fact")
        if self.metric is not None and self.max is None and self.min is None:
            raise ValueError("a metric needs max or min")
        if (
            self.fact is not None
            and self.none_of is None
            and self.all_of is None
            and self.equals is None
        ):
            raise ValueError("a fact needs none_of, all_of or equals")
        return self


class Claim(BaseModel):
    """A claim of the safety case and what it rests on."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    claim: str = Field(min_length=1)
    preconditions: list[Precondition] = Field(min_length=1)


class SafetyCase(BaseModel):
    """An upstream provider's safety case, as data."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    model: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    claims: list[Claim] = Field(min_length=1)


def load_safety_case(path: Path) -> SafetyCase:
    """Read and validate a safety-case file; errors name the field."""
    return load_model(path, SafetyCase, EvidenceError)


@dataclass(frozen=True)
class Check:
    """A precondition's result and the evidence it rests on."""

    claim: str
    precondition: str
    status: Status
    observed: Any
    evidence: str


def _metric(name: str, comparisons: list[Comparison]) -> tuple[float, str] | None:
    parts = name.split(".")
    if len(parts) < 2 or parts[-1] != "rate":
        raise EvidenceError([("metric", f"{name!r}: expected SET.rate or SET.CATEGORY.rate")])
    for c in comparisons:
        if c.prompt_set != parts[0]:
            continue
        if len(parts) == 2:
            return c.overall.modified_rate, c.sources[-1]
        category = ".".join(parts[1:-1])
        if category in c.by_category:
            return c.by_category[category].modified_rate, c.sources[-1]
    return None


def _check_fact(p: Precondition, facts: Facts | None) -> tuple[Status, Any, str]:
    if facts is None:
        return "no-evidence", None, "no facts file"
    row = facts.model_dump(mode="json")
    value: Any = row
    for part in (p.fact or "").split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return "no-evidence", None, f"{p.fact} is unknown"
    values = set(value) if isinstance(value, list) else {value}
    if p.none_of is not None and values & set(p.none_of):
        return "fails", value, p.fact or ""
    if p.all_of is not None and not set(p.all_of) <= values:
        return "fails", value, p.fact or ""
    if p.equals is not None and value != p.equals:
        return "fails", value, p.fact or ""
    return "holds", value, p.fact or ""


def check(
    case: SafetyCase, comparisons: list[Comparison], facts: Facts | None = None
) -> list[Check]:
    """Every precondition of every claim, checked."""
    out = []
    for claim in case.claims:
        for p in claim.preconditions:
            if p.metric is not None:
                found = _metric(p.metric, comparisons)
                if found is None:
                    out.append(
                        Check(
                            claim.id, p.id, "no-evidence", None, f"no comparison gives {p.metric}"
                        )
                    )
                    continue
                value, source = found
                ok = (p.max is None or value <= p.max) and (p.min is None or value >= p.min)
                out.append(
                    Check(claim.id, p.id, "holds" if ok else "fails", round(value, 4), source)
                )
            else:
                status, value, source = _check_fact(p, facts)
                out.append(Check(claim.id, p.id, status, value, source))
    return out


def claim_status(checks: list[Check], claim_id: str) -> Status:
    """A claim fails if any precondition fails; holds if all hold."""
    statuses = {c.status for c in checks if c.claim == claim_id}
    if "fails" in statuses:
        return "fails"
    return "holds" if statuses == {"holds"} else "no-evidence"


def similarly_safe(comparisons: list[Comparison]) -> tuple[str, list[str]]:
    """The Code of Practice comparison: 'similarly safe or safer', 'worse', or 'not shown'."""
    reasons = []
    worse = False
    for c in comparisons:
        if c.prompt_set == "harmful" and c.direction == "increase":
            worse = True
            reasons.append(
                f"harmful-prompt compliance rose significantly ({c.overall.difference:+.1%})"
            )
        if c.prompt_set == "capability":
            for name, p in c.by_category.items():
                if high_risk(name) and c.direction == "increase" and p.difference > 0:
                    worse = True
                    reasons.append(f"{name} accuracy rose ({p.difference:+.1%}, p={p.p_value:.3g})")
    if worse:
        return "worse", reasons
    if not any(c.prompt_set == "harmful" for c in comparisons):
        return "not shown", ["no comparison on harmful prompts"]
    return "similarly safe or safer", ["no safety-relevant comparison is significantly worse"]
