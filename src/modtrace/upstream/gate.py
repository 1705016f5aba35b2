"""The modification gate: a request checked against a provider's terms, screening lists and
data rules, answered ``allow``, ``allow-with-conditions``, ``escalate`` or ``deny`` with reasons.

Precedence: any deny wins, then any escalation, then conditions. What cannot be checked —
compute missing where a cap applies, data domains unknown where a data term applies, an
unreadable dataset sample — escalates; it is never allowed silently.

The gate never opens a path it was sent: samples travel inline (:data:`MAX_SAMPLE_ITEMS` texts of
at most :data:`MAX_SAMPLE_CHARS` characters). Only :func:`load_request`, for the CLI's own user,
reads a local ``data.sample_path`` into ``data.sample``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import cedarpy
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from modtrace.countries import is_country
from modtrace.documents import in_file, read_yaml, validate
from modtrace.errors import InputError
from modtrace.registry.register import Register
from modtrace.upstream.kyc import Entry, screen
from modtrace.upstream.purpose import screen_purpose
from modtrace.upstream.screening import screen_sample
from modtrace.upstream.techniques import TechniqueName
from modtrace.upstream.terms import Terms, cedar_policies

Decision = Literal["allow", "allow-with-conditions", "escalate", "deny"]
MAX_SAMPLE_ITEMS = 1000
"""Texts in an inline sample."""
MAX_SAMPLE_CHARS = 10_000
"""Characters in one sample text."""
MAX_LOCAL_SAMPLE_BYTES = 16 * 1024 * 1024
"""Bytes the CLI reads from a local sample file."""


class Requester(BaseModel):
    """Who asks for modification rights."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    country: str | None = Field(
        default=None, description="ISO 3166-1 country code (alpha-2 or alpha-3)."
    )
    identifiers: dict[str, str] = Field(default_factory=dict)

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is not None and not is_country(value):
            raise ValueError(f"{value!r} is not an ISO 3166-1 country code (e.g. DE or DEU)")
        return value


class DataDescription(BaseModel):
    """The fine-tuning data, described and/or sampled."""

    model_config = ConfigDict(extra="forbid")

    tokens: int | None = Field(default=None, ge=0)
    domains: list[Annotated[str, Field(max_length=200)]] | None = Field(default=None, max_length=50)
    sample: list[Annotated[str, Field(max_length=MAX_SAMPLE_CHARS)]] | None = Field(
        default=None, max_length=MAX_SAMPLE_ITEMS
    )
    sample_path: str | None = Field(
        default=None,
        max_length=4096,
        description="CLI only: a local file read into `sample`. The service refuses it.",
    )
    _sample_problem: str | None = PrivateAttr(default=None)


class GateRequest(BaseModel):
    """A modification request."""

    model_config = ConfigDict(extra="forbid")

    requester: Requester
    model: str = Field(min_length=1)
    techniques: list[TechniqueName] = Field(min_length=1)
    estimated_compute_flop: float | None = Field(default=None, ge=0)
    data: DataDescription = Field(default_factory=DataDescription)
    purpose: str | None = None


@dataclass(frozen=True)
class Reason:
    """Why: the effect, the term or check, what it says, and where it comes from."""

    effect: str
    rule: str
    description: str
    source: str


@dataclass
class GateDecision:
    """The answer and everything behind it."""

    decision: Decision
    reasons: list[Reason] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    screened_domains: list[str] = field(default_factory=list)
    terms_version: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return asdict(self)


def parse_request(data: Any, source: str = "request") -> GateRequest:
    """Validate a request; errors name the field (see ``modtrace schema gate-request``).
    Nothing is read from disk."""
    if not isinstance(data, dict):
        raise InputError([(source, "expected a mapping (see `modtrace schema gate-request`)")])
    return validate(data, GateRequest, InputError, schema="gate-request")


def read_local_sample(path: Path) -> tuple[list[str] | None, str | None]:
    """A local sample file's texts (one per line; JSONL lines re-serialised), or why not."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_LOCAL_SAMPLE_BYTES + 1)
        if len(raw) > MAX_LOCAL_SAMPLE_BYTES:
            return None, f"larger than {MAX_LOCAL_SAMPLE_BYTES} bytes"
        lines = [line for line in raw.decode("utf-8").splitlines() if line.strip()]
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            return [json.dumps(json.loads(line)) for line in lines], None
        return lines, None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def load_request(path: Path) -> GateRequest:
    """Read a request file (YAML or JSON) for the CLI's own user, with its local sample file
    (``data.sample_path``) read into ``data.sample``; errors name the file and the field."""
    try:
        request = parse_request(read_yaml(path), str(path))
    except InputError as exc:
        raise InputError(in_file(path, exc)) from None
    data = request.data
    if data.sample is None and data.sample_path is not None:
        texts, problem = read_local_sample(Path(data.sample_path))
        if texts is not None:
            data.sample = texts
        data._sample_problem = problem
    return request


def _sample(data: DataDescription) -> tuple[list[str] | None, str | None]:
    """Sample texts, or why there are none to screen. A path is never opened here."""
    if data.sample is not None:
        return data.sample, None
    if data._sample_problem is not None:
        return None, data._sample_problem
    if data.sample_path is not None:
        return None, "sample_path was not read: send the sample inline as data.sample"
    return None, None


def check(
    request: GateRequest,
    terms: Terms,
    screening: list[Entry],
    verdicts: dict[str, str] | None = None,
) -> GateDecision:
    """Apply the terms, the screening lists and the data rules to one request.

    ``verdicts`` are reviewers' earlier judgements for this requester (listed entry name ->
    ``confirmed`` or ``false-positive``): a confirmed match denies, a false positive is cleared.
    """
    if request.model != terms.model:
        raise InputError([("model", f"these terms are for {terms.model}, not {request.model}")])
    reasons: list[Reason] = []
    conditions: list[str] = []

    for hit in screen([request.requester.name, *request.requester.aliases], screening):
        verdict = (verdicts or {}).get(hit.entry.name)
        if verdict == "false-positive":
            reasons.append(
                Reason(
                    "cleared",
                    f"kyc:{hit.entry.list_name}",
                    f"{hit.against!r} ~ {hit.matched!r} was judged a false positive",
                    "reviewer's earlier judgement",
                )
            )
            continue
        effect = "deny" if hit.strength == "match" or verdict == "confirmed" else "escalate"
        reasons.append(
            Reason(
                effect,
                f"kyc:{hit.entry.list_name}",
                f"{hit.against!r} ~ {hit.matched!r} (score {hit.score}; {hit.entry.reason})",
                f"screening list {hit.entry.list_name}",
            )
        )

    texts, unreadable = _sample(request.data)
    domains = set(request.data.domains or [])
    purpose = screen_purpose(request.purpose)
    removal = purpose.outcome == "removal"
    if removal:
        reasons.append(
            Reason(
                "found",
                "purpose:refusal-removal",
                f"the purpose asks to remove safeguards ({purpose.evidence})",
                "purpose screen, measured in docs/upstream.md",
            )
        )
    if purpose.outcome == "uncertain" and any(
        t.when.refusal_removal_requested for t in terms.terms
    ):
        reasons.append(
            Reason(
                "escalate",
                "purpose:uncertain",
                f"the purpose may ask to remove safeguards ({purpose.evidence})",
                "gate: a purpose the screen cannot decide is never allowed",
            )
        )
    screened: list[str] = []
    if unreadable:
        reasons.append(
            Reason(
                "escalate",
                "data:unreadable-sample",
                f"dataset sample unreadable ({unreadable})",
                "gate: an unparseable sample is never allowed",
            )
        )
    elif texts is not None:
        screened, sample_removal = screen_sample(texts)
        domains |= set(screened)
        removal = removal or sample_removal

    fraction = None
    if request.estimated_compute_flop is not None and terms.original_training_compute_flop:
        fraction = request.estimated_compute_flop / terms.original_training_compute_flop
    context = {
        "techniques": sorted(set(request.techniques)),
        "data_domains": sorted(domains),
        "compute_known": fraction is not None,
        "compute_bp": round(fraction * 10000) if fraction is not None else 0,
        "data_tokens_known": request.data.tokens is not None,
        "data_tokens": request.data.tokens or 0,
        "jurisdiction": (request.requester.country or "").upper(),
        "refusal_removal_requested": removal,
    }
    query = {
        "principal": 'Requester::"r"',
        "action": 'Action::"modify"',
        "resource": 'Model::"m"',
        "context": context,
    }
    for effect in ("deny", "escalate", "condition"):
        policies, ordered = cedar_policies(terms, effect)
        if not ordered:
            continue
        result = cedarpy.is_authorized(query, policies, [])
        if result.decision == cedarpy.Decision.Allow:
            for policy_id in result.diagnostics.reasons:
                term = ordered[int(policy_id.removeprefix("policy"))]
                reasons.append(
                    Reason(
                        "deny" if effect == "deny" else effect,
                        term.id,
                        term.description,
                        term.source,
                    )
                )
                if effect == "condition" and term.obligation:
                    conditions.append(term.obligation)
        elif result.diagnostics.errors:
            raise InputError([("terms", f"policy evaluation failed: {result.diagnostics.errors}")])

    caps = [t for t in terms.terms if t.when.compute_fraction_over is not None]
    if caps and fraction is None:
        reasons.append(
            Reason(
                "escalate",
                "compute:unknown",
                "compute not given or the original's is unknown: "
                f"cap {caps[0].id} cannot be checked",
                "gate: unknown is not within the cap",
            )
        )
    data_terms = [t for t in terms.terms if t.when.data_domains_any is not None]
    if data_terms and request.data.domains is None and texts is None and not unreadable:
        reasons.append(
            Reason(
                "escalate",
                "data:undescribed",
                "neither data domains nor a sample given: "
                f"term {data_terms[0].id} cannot be checked",
                "gate: unknown is not allowed",
            )
        )

    effects = {r.effect for r in reasons}
    decision: Decision = (
        "deny"
        if "deny" in effects
        else "escalate"
        if "escalate" in effects
        else "allow-with-conditions"
        if "condition" in effects
        else "allow"
    )
    return GateDecision(decision, reasons, conditions, screened, terms.version)


def record_decision(
    register: Register, request: GateRequest, terms: Terms, decision: GateDecision
) -> int:
    """Keep a decision in the register's log, for the provider's monitoring and the regulator."""
    return register.record_gate_decision(
        requester=request.requester.name,
        model_id=request.model,
        decision=decision.decision,
        terms_version=terms.version,
        reasons=decision.as_dict()["reasons"],
        request=request.model_dump(mode="json"),
    )
