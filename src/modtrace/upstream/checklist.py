"""The provider obligations checklist: Table 6 duties and §IV.1 guidance, filled with evidence.

A provider's filled checklist maps duty ids to a status (met, partial, not-met) and evidence
(documents, links, register records). Duties without an entry, without evidence, or not met
are the gaps. Some evidence modtrace can see for itself: terms with prohibitions, recorded gate
decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from modtrace.documents import in_file, read_yaml, validate
from modtrace.errors import InputError
from modtrace.upstream.terms import Terms, TermsError

DUTIES_FILE = Path(__file__).parent / "data" / "provider_obligations.yaml"


class Duty(BaseModel):
    """One duty and where it comes from."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: Literal["obligation", "guidance"]
    duty: str
    source: str


class Entry(BaseModel):
    """What a provider says of one duty."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["met", "partial", "not-met"]
    evidence: list[str] = Field(default_factory=list)
    note: str | None = None


@dataclass(frozen=True)
class Line:
    """One duty in the report."""

    duty: Duty
    status: str  # met | partial | not-met | no-entry
    evidence: list[str]
    gap: str | None


@cache
def duties() -> tuple[Duty, ...]:
    """Every duty on the checklist (the shipped file, read once per process)."""
    return tuple(Duty.model_validate(d) for d in read_yaml(DUTIES_FILE))


def load_filled(path: Path) -> dict[str, Entry]:
    """A provider's filled checklist; unknown duty ids and bad statuses name the file and field."""
    try:
        return _filled(read_yaml(path, TermsError), path)
    except InputError as exc:
        raise TermsError(in_file(path, exc)) from None


def _filled(data: Any, path: Path) -> dict[str, Entry]:
    if not isinstance(data, dict):
        raise TermsError([(str(path), "expected a mapping of duty id to status and evidence")])
    known = {d.id for d in duties()}
    unknown = [k for k in data if k not in known]
    if unknown:
        raise TermsError(
            [(str(k), f"not a duty; known: {', '.join(sorted(known))}") for k in unknown]
        )
    out = {}
    for key, value in data.items():
        try:
            out[key] = validate(value, Entry, TermsError)
        except InputError as exc:
            raise TermsError([(f"{key}.{f}", p) for f, p in exc.issues]) from None
    return out


def report(
    filled: dict[str, Entry], *, terms: Terms | None = None, gate_decisions: int = 0
) -> list[Line]:
    """Each duty with its status, evidence and gap (if any)."""
    seen: dict[str, list[str]] = {}
    if terms is not None and any(t.effect == "deny" for t in terms.terms):
        seen["licences-agreements"] = [
            f"terms v{terms.version} for {terms.model}: "
            f"{sum(t.effect == 'deny' for t in terms.terms)} prohibitions"
        ]
        if any(t.when.compute_fraction_over is not None for t in terms.terms):
            seen["modification-restrictions"] = [f"compute cap in terms v{terms.version}"]
    if gate_decisions:
        seen["kyc-vetting"] = [
            f"{gate_decisions} gate decisions with KYC screening in the register"
        ]
    lines = []
    for duty in duties():
        entry = filled.get(duty.id)
        evidence = [*(entry.evidence if entry else []), *seen.get(duty.id, [])]
        status = entry.status if entry else ("partial" if evidence else "no-entry")
        gap = None
        if status == "no-entry":
            gap = "no entry and no evidence"
        elif status == "not-met":
            gap = "not met"
        elif not evidence:
            gap = f"{status} but no evidence given"
        elif status == "partial":
            gap = "partly met"
        lines.append(Line(duty, status, evidence, gap))
    return lines
