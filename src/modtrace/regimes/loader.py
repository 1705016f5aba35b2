"""Load regime files and sources, check their timelines, select versions, apply overrides.

The catalog itself (:class:`Catalog`, :func:`default_catalog`) lives in
:mod:`modtrace.regimes.catalog`, which loads without pydantic; it is named here too.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from modtrace.errors import ParameterError, RegimeDefinitionError
from modtrace.regimes.catalog import DATA_DIR, Catalog, default_catalog
from modtrace.regimes.expr import Bool, ParseContext, parse_bool
from modtrace.regimes.model import (
    Citation,
    DueRule,
    Obligation,
    Parameter,
    Regime,
    Role,
    RuleException,
    Source,
    Step,
    with_values,
)

SOURCES_FILE = "sources.yaml"

__all__ = [
    "DATA_DIR",
    "SOURCES_FILE",
    "Catalog",
    "build_regime",
    "check_timeline",
    "default_catalog",
    "load_directory",
    "load_sources",
    "parse_override",
    "parse_param_options",
    "with_overrides",
]

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


# ---- the file format (pydantic at the edge) ------------------------------------------------


class _File(BaseModel):
    # Built on first validation: a cached catalog (regimes/cache.py) never needs them.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class CitationDoc(_File):
    source: str
    ref: str
    note: str | None = None


class ParameterDoc(_File):
    kind: Literal["number", "bool"] = "number"
    default: float | bool
    unit: str = ""
    description: str
    source: CitationDoc

    @field_validator("default", mode="before")
    @classmethod
    def _yaml11_numbers(cls, value: Any) -> Any:
        # PyYAML (YAML 1.1) reads 1e25 as a string; accept it as the number it is.
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return value
        return value


class ExceptionDoc(_File):
    id: str
    label: str
    when: Any
    source: CitationDoc


class StepDoc(_File):
    id: str
    question: str
    when: Any
    source: CitationDoc
    exceptions: list[ExceptionDoc] = Field(default_factory=list)
    note: str | None = None


class ScopeDoc(_File):
    when: Any
    source: CitationDoc


class RoleDoc(_File):
    id: str
    title: str
    when: Any = None
    source: CitationDoc


class ObligationDoc(_File):
    id: str
    title: str
    when: Any = None
    source: CitationDoc
    deadline: str | None = None


class DueDoc(_File):
    date: dt.date
    when: Any = None
    source: CitationDoc


class RegimeDoc(_File):
    id: str
    version: int = Field(ge=1)
    title: str
    jurisdiction: str
    status: Literal["proposal", "in-force", "guidance", "vetoed"]
    effective_from: dt.date
    effective_until: dt.date | None = None
    summary: str
    parameters: dict[str, ParameterDoc] = Field(default_factory=dict)
    steps: list[StepDoc]
    scope: ScopeDoc
    roles: list[RoleDoc] = Field(default_factory=list)
    obligations: list[ObligationDoc] = Field(default_factory=list)
    due: list[DueDoc] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class SourceDoc(_File):
    title: str
    publisher: str
    date: dt.date | None = None
    url: str | None = None
    kind: Literal["paper", "law", "bill", "guidance", "method"]


# ---- building ------------------------------------------------------------------------------


def _citation(doc: CitationDoc, sources: Mapping[str, Source], where: str) -> Citation:
    if doc.source not in sources:
        raise RegimeDefinitionError(f"{where}: cites unknown source {doc.source!r}")
    return Citation(doc.source, doc.ref, doc.note)


def build_regime(doc: RegimeDoc, sources: Mapping[str, Source], file: str) -> Regime:
    """Turn a validated regime document into a :class:`Regime`, parsing every expression."""
    params = {
        name: Parameter(
            name,
            p.kind,
            bool(p.default) if p.kind == "bool" else float(p.default),
            p.unit,
            p.description,
            _citation(p.source, sources, f"{file}: parameters.{name}"),
        )
        for name, p in doc.parameters.items()
    }
    kinds = {name: p.kind for name, p in params.items()}
    steps: list[Step] = []
    seen: set[str] = set()
    for i, s in enumerate(doc.steps):
        where = f"steps[{i}] ({s.id})"
        if s.id in seen:
            raise RegimeDefinitionError(f"{file}: {where}: duplicate step id")
        ctx = ParseContext(file, kinds, frozenset(seen))
        exceptions = tuple(
            RuleException(
                e.id,
                e.label,
                parse_bool(e.when, ctx, f"{where}.exceptions.{e.id}"),
                _citation(e.source, sources, f"{file}: {where}.exceptions.{e.id}"),
            )
            for e in s.exceptions
        )
        steps.append(
            Step(
                s.id,
                s.question,
                parse_bool(s.when, ctx, f"{where}.when"),
                _citation(s.source, sources, f"{file}: {where}"),
                exceptions,
                s.note,
            )
        )
        seen.add(s.id)
    ctx = ParseContext(file, kinds, frozenset(seen))

    def optional(expr: Any, where: str) -> Bool | None:
        return None if expr is None else parse_bool(expr, ctx, where)

    return Regime(
        id=doc.id,
        version=doc.version,
        title=doc.title,
        jurisdiction=doc.jurisdiction,
        status=doc.status,
        effective_from=doc.effective_from,
        effective_until=doc.effective_until,
        summary=doc.summary.strip(),
        parameters=params,
        steps=tuple(steps),
        scope=parse_bool(doc.scope.when, ctx, "scope"),
        scope_source=_citation(doc.scope.source, sources, f"{file}: scope"),
        roles=tuple(
            Role(
                r.id,
                r.title,
                optional(r.when, f"roles.{r.id}"),
                _citation(r.source, sources, f"{file}: roles.{r.id}"),
            )
            for r in doc.roles
        ),
        obligations=tuple(
            Obligation(
                o.id,
                o.title,
                optional(o.when, f"obligations.{o.id}"),
                _citation(o.source, sources, f"{file}: obligations.{o.id}"),
                o.deadline,
            )
            for o in doc.obligations
        ),
        notes=tuple(n.strip() for n in doc.notes),
        due=tuple(
            DueRule(
                d.date,
                optional(d.when, f"due[{i}]"),
                _citation(d.source, sources, f"{file}: due[{i}]"),
            )
            for i, d in enumerate(doc.due)
        ),
        file=file,
    )


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise RegimeDefinitionError(f"{path.name}: malformed YAML: {exc}") from None


def load_sources(directory: Path = DATA_DIR) -> dict[str, Source]:
    """The sources regimes may cite."""
    raw = _read_yaml(directory / SOURCES_FILE)
    try:
        docs = {key: SourceDoc.model_validate(value) for key, value in raw.items()}
    except ValidationError as exc:
        raise RegimeDefinitionError(f"{SOURCES_FILE}: {exc}") from None
    return {k: Source(k, d.title, d.publisher, d.date, d.url, d.kind) for k, d in docs.items()}


def check_timeline(versions: list[Regime]) -> None:
    """Versions of one regime must have distinct numbers and neither overlap nor leave gaps."""
    ordered = sorted(versions, key=lambda r: r.effective_from)
    numbers = [r.version for r in ordered]
    if len(set(numbers)) != len(numbers):
        raise RegimeDefinitionError(f"{ordered[0].id}: duplicate version numbers {numbers}")
    if numbers != sorted(numbers):
        raise RegimeDefinitionError(f"{ordered[0].id}: version numbers must rise with dates")
    for before, after in itertools.pairwise(ordered):
        if before.effective_from == after.effective_from:
            raise RegimeDefinitionError(
                f"{before.id}: versions {before.version} and {after.version} start on the same day"
            )
        end = before.effective_until
        if end is not None and end > after.effective_from:
            raise RegimeDefinitionError(
                f"{before.id}: version {before.version} (until {end}) overlaps version "
                f"{after.version} (from {after.effective_from})"
            )
        if end is not None and end < after.effective_from:
            raise RegimeDefinitionError(
                f"{before.id}: gap between version {before.version} (until {end}) and version "
                f"{after.version} (from {after.effective_from})"
            )


def load_directory(directory: Path = DATA_DIR) -> tuple[dict[str, Source], dict[str, list[Regime]]]:
    """Every regime file in ``directory`` and the sources they cite, versions checked and sorted
    oldest first: what a :class:`~modtrace.regimes.catalog.Catalog` holds."""
    sources = load_sources(directory)
    by_id: dict[str, list[Regime]] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == SOURCES_FILE:
            continue
        try:
            doc = RegimeDoc.model_validate(_read_yaml(path))
        except ValidationError as exc:
            raise RegimeDefinitionError(f"{path.name}: {exc}") from None
        by_id.setdefault(doc.id, []).append(build_regime(doc, sources, path.name))
    for versions in by_id.values():
        check_timeline(versions)
        versions.sort(key=lambda r: r.effective_from)
    return sources, by_id


# ---- overrides -----------------------------------------------------------------------------

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def parse_override(regime: Regime, name: str, raw: str | float | bool) -> float | bool:
    """Validate one ``name=value`` override against the regime's parameter definitions."""
    if name not in regime.parameters:
        known = ", ".join(sorted(regime.parameters)) or "none"
        raise ParameterError(
            [(f"--param {name}", f"unknown parameter for {regime.id}; known: {known}")]
        )
    kind = regime.parameters[name].kind
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise ParameterError([(f"--param {name}", f"expected true or false, got {raw!r}")])
    if isinstance(raw, bool):
        raise ParameterError([(f"--param {name}", "expected a number, got a boolean")])
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ParameterError([(f"--param {name}", f"expected a number, got {raw!r}")]) from None
    if not math.isfinite(value) or value < 0:
        raise ParameterError([(f"--param {name}", f"must be a finite number >= 0, got {raw!r}")])
    if regime.parameters[name].unit.startswith("fraction") and not 0 < value <= 1:
        raise ParameterError(
            [(f"--param {name}", f"a fraction must be above 0 and at most 1, got {raw!r}")]
        )
    return value


def with_overrides(regime: Regime, overrides: Mapping[str, str | float | bool]) -> Regime:
    """A modified copy of ``regime`` with parameters overridden; the original is untouched."""
    if not overrides:
        return regime
    values = {name: parse_override(regime, name, raw) for name, raw in overrides.items()}
    return with_values(regime, values)


def parse_param_options(options: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Split ``name=value`` strings from the command line."""
    out: dict[str, str] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name.strip():
            raise ParameterError([("--param", f"expected name=value, got {option!r}")])
        out[name.strip()] = value.strip()
    return out
