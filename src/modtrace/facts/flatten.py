"""Facts as flat rows keyed by dotted paths: the shape the evaluators read.

A column per leaf field, so that one case and a batch of a million share one layout.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel

from modtrace.facts.enums import Kind
from modtrace.facts.model import Facts

__all__ = ["FACT_COLUMNS", "NOT_FACTS", "UNKNOWN_WORD", "Kind", "facts_to_row"]


def _leaf_kind(annotation: Any) -> Kind:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    target = (
        args[0]
        if args and (typing.get_origin(annotation) in (typing.Union, types.UnionType))
        else annotation
    )
    if typing.get_origin(target) is typing.Annotated:
        target = typing.get_args(target)[0]
    if typing.get_origin(target) is list:
        return Kind.LIST
    if target is bool:
        return Kind.BOOL
    if target in (int, float):
        return Kind.NUMBER
    if target is dt.date:
        return Kind.DATE
    return Kind.TEXT


def _walk(model: type[BaseModel], prefix: str) -> list[tuple[str, Kind]]:
    out: list[tuple[str, Kind]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out.extend(_walk(annotation, f"{prefix}{name}."))
        else:
            out.append((f"{prefix}{name}", _leaf_kind(annotation)))
    return out


NOT_FACTS = frozenset({"schema_version", "evidence"})
"""Document fields that are not facts a regime reads."""

FACT_COLUMNS: dict[str, Kind] = {
    path: kind for path, kind in _walk(Facts, "") if path not in NOT_FACTS
}
"""Every fact path and its kind, in schema order."""


UNKNOWN_WORD = "unknown"
"""An enum member spelled ``unknown`` is read as a missing fact, never as a value."""


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return None if value.value == UNKNOWN_WORD else value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def facts_to_row(facts: Facts) -> dict[str, Any]:
    """Flatten validated facts into ``{dotted.path: value}`` (``None`` = unknown)."""
    row: dict[str, Any] = {}

    def visit(model: BaseModel, prefix: str) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                visit(value, f"{prefix}{name}.")
            else:
                row[f"{prefix}{name}"] = _plain(value)

    visit(facts, "")
    for name in NOT_FACTS:
        row.pop(name, None)
    return row
