"""Regimes as data: versions with effective dates, parameters, decision steps, obligations.

A regime version is immutable; :func:`with_overrides` returns a modified copy (a "reform").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from modtrace.regimes.expr import Bool


@dataclass(frozen=True)
class Source:
    """A document that rules are drawn from (the paper, a law, official guidance)."""

    id: str
    title: str
    publisher: str
    date: dt.date | None
    url: str | None
    kind: str


@dataclass(frozen=True)
class Citation:
    """A structured reference: which source, where in it, and an optional note."""

    source: str
    ref: str
    note: str | None = None

    def label(self, sources: dict[str, Source] | None = None) -> str:
        """Short human form, e.g. ``GovAI 2025 paper, Figure 2``."""
        name = sources[self.source].title if sources and self.source in sources else self.source
        return f"{name}, {self.ref}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        out: dict[str, Any] = {"source": self.source, "ref": self.ref}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Parameter:
    """An overridable regime parameter with its default, unit and source."""

    name: str
    kind: str  # "number" | "bool"
    default: float | bool
    unit: str
    description: str
    source: Citation
    value: float | bool | None = None  # set by an override

    @property
    def effective(self) -> float | bool:
        """The value in use: the override if any, else the default."""
        return self.default if self.value is None else self.value


@dataclass(frozen=True)
class RuleException:
    """A labelled exception that lifts a step when its condition holds (Catala style)."""

    id: str
    label: str
    when: Bool
    source: Citation


@dataclass(frozen=True)
class Step:
    """One question of the decision procedure."""

    id: str
    question: str
    when: Bool
    source: Citation
    exceptions: tuple[RuleException, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Role:
    """The role a modifier takes on when in scope, e.g. ``provider-gpai``."""

    id: str
    title: str
    when: Bool | None
    source: Citation


@dataclass(frozen=True)
class Obligation:
    """A duty that applies when its condition (default: in scope) holds."""

    id: str
    title: str
    when: Bool | None
    source: Citation
    deadline: str | None = None


@dataclass(frozen=True)
class DueRule:
    """From when an obligation must be met: the first rule whose condition holds gives the date."""

    day: dt.date
    when: Bool | None
    source: Citation


@dataclass(frozen=True)
class Regime:
    """One version of a regime."""

    id: str
    version: int
    title: str
    jurisdiction: str
    status: str  # proposal | in-force | guidance | vetoed
    effective_from: dt.date
    effective_until: dt.date | None
    summary: str
    parameters: dict[str, Parameter]
    steps: tuple[Step, ...]
    scope: Bool
    scope_source: Citation
    roles: tuple[Role, ...]
    obligations: tuple[Obligation, ...]
    notes: tuple[str, ...] = ()
    due: tuple[DueRule, ...] = ()
    file: str = ""
    overridden: tuple[str, ...] = field(default=())

    def param_values(self) -> dict[str, float | bool]:
        """Every parameter's value in use."""
        return {name: p.effective for name, p in self.parameters.items()}

    def step(self, step_id: str) -> Step:
        """A step by id."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def can_be_in_force(self) -> bool:
        """Whether this version is (or will be) law or guidance, not a proposal or a veto."""
        return self.status in ("in-force", "guidance")

    def in_force_on(self, day: dt.date) -> bool:
        """Whether this version applies on ``day``."""
        started = self.effective_from <= day
        ended = self.effective_until is not None and day >= self.effective_until
        return started and not ended and self.status in ("in-force", "guidance")


def with_values(regime: Regime, values: dict[str, float | bool]) -> Regime:
    """A copy of ``regime`` with parameter values replaced (already validated)."""
    params = dict(regime.parameters)
    for name, value in values.items():
        params[name] = replace(params[name], value=value)
    overridden = tuple(sorted(set(regime.overridden) | set(values)))
    return replace(regime, parameters=params, overridden=overridden)


def regime_to_data(regime: Regime) -> dict[str, Any]:
    """A regime version as JSON-friendly data (conditions in the file's expression form)."""
    from modtrace.regimes.expr import to_data  # local: expr imports nothing from here

    def cond(node: Bool | None) -> Any:
        return None if node is None else to_data(node)

    return {
        "id": regime.id,
        "version": regime.version,
        "title": regime.title,
        "jurisdiction": regime.jurisdiction,
        "status": regime.status,
        "effective_from": regime.effective_from.isoformat(),
        "effective_until": regime.effective_until.isoformat() if regime.effective_until else None,
        "summary": regime.summary,
        "parameters": {
            p.name: {
                "kind": p.kind,
                "default": p.default,
                "value": p.effective,
                "unit": p.unit,
                "description": p.description,
                "source": p.source.as_dict(),
            }
            for p in regime.parameters.values()
        },
        "steps": [
            {
                "id": s.id,
                "question": s.question,
                "when": cond(s.when),
                "source": s.source.as_dict(),
                "exceptions": [
                    {
                        "id": e.id,
                        "label": e.label,
                        "when": cond(e.when),
                        "source": e.source.as_dict(),
                    }
                    for e in s.exceptions
                ],
            }
            for s in regime.steps
        ],
        "scope": {"when": cond(regime.scope), "source": regime.scope_source.as_dict()},
        "roles": [
            {"id": r.id, "title": r.title, "when": cond(r.when), "source": r.source.as_dict()}
            for r in regime.roles
        ],
        "obligations": [
            {
                "id": o.id,
                "title": o.title,
                "when": cond(o.when),
                "deadline": o.deadline,
                "source": o.source.as_dict(),
            }
            for o in regime.obligations
        ],
        "due": [
            {"date": d.day.isoformat(), "when": cond(d.when), "source": d.source.as_dict()}
            for d in regime.due
        ],
        "notes": list(regime.notes),
        "overridden": list(regime.overridden),
    }
