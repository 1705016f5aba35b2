"""The wizard's fields, generated from the facts schema.

Every fact a regime can read (``FACT_COLUMNS``) gets a labelled field, grouped by the schema's
sections, so a field added to ``modtrace.facts.model`` appears in the wizard without touching a
template. A label is the question below when one is written, else the field's title, else its
name in words; the field's description becomes the hint under it.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from modtrace.facts.flatten import NOT_FACTS, UNKNOWN_WORD
from modtrace.facts.model import Facts

QUESTIONS: dict[str, str] = {
    "original.id": "Model id",
    "original.provider": "Provider",
    "original.training_compute_flop": "Training compute (FLOP)",
    "original.parameters": "Parameters",
    "original.modalities": "Modalities (comma-separated)",
    "original.exempt_without_safeguards": (
        "Has the provider shown the model is safe even with its safeguards removed?"
    ),
    "modifier.name": "Your name or organisation",
    "modifier.acts_on_behalf_of_provider": "Acting on behalf of the original's provider?",
    "modifier.annual_revenue_usd": "Annual revenue (USD)",
    "modification.techniques": "Techniques",
    "modification.training.tokens": "Training tokens per epoch",
    "modification.compute_flop": "Measured compute (FLOP), if you know it",
    "modification.safeguards.altered": "Were safeguards altered?",
    "modification.safeguards.significant": "Significantly?",
    "modification.capabilities.high_risk_uplift": "High-risk capability uplift",
    "modification.upstream_warned": "Did the provider warn against this modification?",
    "modification.other_reason_to_believe_unacceptable_risk": (
        "Any other reason to believe risk could be unacceptable?"
    ),
    "modification.data.domains": "Data domains (comma-separated)",
}
"""Questions worded for a person, where the field's own name would read badly."""

SECTIONS: dict[str, str] = {
    "original": "The original model",
    "modifier": "You",
    "modification": "The modification",
}
"""Legends of the top-level sections; nested sections use their class's docstring."""

ACRONYMS = {"id": "id", "usd": "(USD)", "flop": "(FLOP)", "eu": "EU", "gpai": "GPAI"}


@dataclass(frozen=True)
class Field:
    """One input of the wizard."""

    path: str
    label: str
    hint: str
    kind: str  # text, number, date, bool, choice, multi, list
    options: tuple[str, ...] = ()
    required: bool = False

    @property
    def anchor(self) -> str:
        """The element id, also the fragment ``Would settle it`` links to."""
        return "f-" + self.path.replace(".", "-").replace("_", "-")


@dataclass
class Section:
    """A fieldset: its legend, its fields and the sections nested in it."""

    path: str
    legend: str
    fields: list[Field] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def words(name: str) -> str:
    """``peak_flop_per_s`` → ``Peak flop per s``, with known acronyms kept."""
    parts = [ACRONYMS.get(p, p) for p in name.split("_")]
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def _target(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None`` and ``Annotated[X, ...]``, and whether it is a list."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    target = (
        args[0]
        if args and typing.get_origin(annotation) in (typing.Union, types.UnionType)
        else annotation
    )
    if typing.get_origin(target) is typing.Annotated:
        target = typing.get_args(target)[0]
    if typing.get_origin(target) is list:
        inner = typing.get_args(target)[0]
        if typing.get_origin(inner) is typing.Annotated:
            inner = typing.get_args(inner)[0]
        return inner, True
    return target, False


def _field(path: str, name: str, info: FieldInfo) -> Field:
    target, is_list = _target(info.annotation)
    options: tuple[str, ...] = ()
    if isinstance(target, type) and issubclass(target, Enum):
        options = tuple(str(m.value) for m in target if m.value != UNKNOWN_WORD)
        kind = "multi" if is_list else "choice"
    elif is_list:
        kind = "list"
    elif target is bool:
        kind = "bool"
    elif target in (int, float):
        kind = "number"
    elif target is dt.date:
        kind = "date"
    else:
        kind = "text"
    label = QUESTIONS.get(path) or info.title or words(name)
    hint = (info.description or "").strip()
    return Field(path, label, hint, kind, options, info.is_required())


def _section(model: type[BaseModel], path: str, legend: str) -> Section:
    section = Section(path, legend)
    for name, info in model.model_fields.items():
        if not path and name in NOT_FACTS:
            continue
        child = f"{path}.{name}" if path else name
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            doc = (annotation.__doc__ or "").strip().splitlines()
            title = SECTIONS.get(child) or (doc[0].rstrip(".") if doc else words(name))
            section.sections.append(_section(annotation, child, title))
        else:
            section.fields.append(_field(child, name, info))
    return section


def wizard_sections() -> list[Section]:
    """The wizard's sections, in schema order."""
    return _section(Facts, "", "").sections


def all_fields(sections: list[Section] | None = None) -> dict[str, Field]:
    """Every field by its dotted path."""
    out: dict[str, Field] = {}
    for s in wizard_sections() if sections is None else sections:
        out.update({f.path: f for f in s.fields})
        out.update(all_fields(s.sections))
    return out


FIELDS = all_fields()
"""Every field of the wizard, by fact path."""


def form_to_facts(form: dict[str, list[str]]) -> dict[str, Any]:
    """Nested facts from the flat form; a blank field is unknown."""
    doc: dict[str, Any] = {}
    for path, spec in FIELDS.items():
        values = form.get(path, [])
        value: Any
        if spec.kind == "multi":
            value = [v for v in values if v] or None
        elif spec.kind == "list":
            raw = values[0] if values else ""
            value = [p.strip() for p in raw.split(",") if p.strip()] or None
        else:
            raw = values[0].strip() if values else ""
            value = {"true": True, "false": False}.get(raw, raw) if raw else None
        if value is None:
            continue
        node = doc
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return doc


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def facts_to_form(row: dict[str, Any]) -> dict[str, list[str]]:
    """The form's values for a flat facts row (``facts_to_row``): answers kept after a refusal."""
    out: dict[str, list[str]] = {}
    for path, value in row.items():
        spec = FIELDS.get(path)
        if spec is None or value is None:
            continue
        if spec.kind == "multi":
            out[path] = [_text(v) for v in value]
        elif spec.kind == "list":
            out[path] = [", ".join(_text(v) for v in value)]
        else:
            out[path] = [_text(value)]
    return out
