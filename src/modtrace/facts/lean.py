"""A facts document checked without pydantic, for the assessment path that must start fast.

The facts schema is written once, as the pydantic models of :mod:`modtrace.facts.model`.
:func:`compile_spec` turns their JSON schema into a small tree of plain tuples (a
:class:`FactsSpec`), kept in the regime cache (:mod:`modtrace.regimes.cache`) beside the
compiled regimes, so that reading it costs an unpickling and no pydantic import.

:func:`lean_row` then reads a parsed document against that tree and returns the flat row the
evaluator reads (the same as :func:`modtrace.facts.flatten.facts_to_row` of the validated
:class:`~modtrace.facts.model.Facts`), or ``None`` when it cannot vouch for the document:
any value pydantic would refuse, coerce in a way the tree does not model, or check with a
validator this module does not know. ``None`` sends the caller back to the full path, which
gives every error its usual message; so the lean reader only ever has to be right about what
it accepts, and it accepts only

- mappings with known keys (``extra="forbid"``), nested objects as mappings or absent;
- ``null`` where the schema allows it, absent fields as their defaults;
- booleans as ``true``/``false``; integers as integers; numbers as integers or floats, or as
  plain decimal text (``70e9``, which YAML 1.1 leaves as text), within their bounds;
- text, enum members, ISO dates (``2024-06-30``) and lists of these;
- the two custom-validated fields (modalities, jurisdiction) through the same functions as the
  models' validators, countries through a table drawn from ``pycountry`` (:func:`country_table`);
- an empty ``evidence`` list (evidence items are left to the full path);
- compute estimates that stay finite (an overflow is the full path's error to report).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from modtrace.facts.vocab import normalise_jurisdiction, normalise_modalities

CANNOT: Final = object()
"""What a checker returns for a value it cannot vouch for."""

_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXACT_INT = 2**63
_KEPT_DIGITS = 15
"""Decimal text of at most this many significant digits always survives a float round trip."""
"""Integers in a machine word: pydantic converts them to floats as Python does (tested)."""

VALIDATED: Final = {"Original.modalities": "modalities", "Modifier.jurisdiction": "jurisdiction"}
"""The models' custom field validators the lean reader repeats, by ``Model.field``: the same
normalising function of :mod:`modtrace.facts.vocab`. A validator not listed here makes its
field one the lean reader leaves to the full path."""

Node = tuple[Any, ...]
"""A compiled schema node: ``(kind, *arguments)``; see :func:`_node`."""


@dataclass(frozen=True)
class FactsSpec:
    """The facts schema compiled for :func:`lean_row`, and what the flat row leaves out."""

    root: Node
    not_facts: frozenset[str]
    unknown_word: str
    countries: Mapping[str, str]
    countries_stamp: tuple[str, int, int] | None
    """The ``pycountry`` data file the country table was drawn from (path, size, mtime): a
    table from another installation is not used."""


# ---- compiling (imports pydantic; run when the regime cache is built) ---------------------


def compile_spec() -> FactsSpec:
    """The facts models' JSON schema as a :class:`FactsSpec`."""
    from modtrace.facts.flatten import NOT_FACTS, UNKNOWN_WORD  # noqa: PLC0415 (pydantic)
    from modtrace.facts.model import Facts  # noqa: PLC0415

    schema = Facts.model_json_schema()
    defs = schema.get("$defs", {})
    custom = _custom_validators(Facts)
    countries, stamp = country_table()
    return FactsSpec(
        root=_node(schema, "Facts", defs, custom),
        not_facts=frozenset(NOT_FACTS),
        unknown_word=UNKNOWN_WORD,
        countries=countries,
        countries_stamp=stamp,
    )


def _custom_validators(model: Any) -> dict[str, bool]:
    """``Model.field`` -> whether it has a custom validator; ``Model`` -> True for a model
    validator, over the whole tree of models."""
    out: dict[str, bool] = {}
    seen: set[type] = set()

    def visit(cls: Any) -> None:
        if cls in seen:
            return
        seen.add(cls)
        decorators = cls.__pydantic_decorators__
        if decorators.model_validators or decorators.root_validators:
            out[cls.__name__] = True
        for dec in decorators.field_validators.values():
            for name in dec.info.fields:
                out[f"{cls.__name__}.{name}"] = True
        for field in cls.model_fields.values():
            for inner in _models_in(field.annotation):
                visit(inner)

    visit(model)
    return out


def _models_in(annotation: Any) -> list[Any]:
    import typing  # noqa: PLC0415

    from pydantic import BaseModel  # noqa: PLC0415

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _node(schema: Mapping[str, Any], name: str, defs: Mapping[str, Any], custom: Any) -> Node:
    """Compile one JSON-schema node; anything not understood becomes ``("cannot",)``."""
    if "$ref" in schema:
        ref = str(schema["$ref"]).removeprefix("#/$defs/")
        return _node(defs[ref], ref, defs, custom)
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o != {"type": "null"}]
        if len(options) == 1 and len(schema["anyOf"]) == 2:
            return ("nullable", _node(options[0], name, defs, custom))
        return ("cannot",)
    if "enum" in schema and schema.get("type") == "string":
        return ("enum", frozenset(schema["enum"]))
    kind = schema.get("type")
    bounds = tuple(
        schema.get(k) for k in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")
    )
    known_keys = {"type", "title", "description", "default", "minimum", "exclusiveMinimum"}
    known_keys |= {"maximum", "exclusiveMaximum", "minLength", "items", "format"}
    if kind == "object":
        if schema.get("additionalProperties", True) is not False or custom.get(name):
            return ("cannot",)
        required = frozenset(schema.get("required", ()))
        fields = []
        for field, sub in schema.get("properties", {}).items():
            compiled = _node(sub, f"{name}.{field}", defs, custom)
            if f"{name}.{field}" in custom:
                rule = VALIDATED.get(f"{name}.{field}")
                compiled = ("validated", rule, compiled) if rule else ("cannot",)
            has_default = "default" in sub
            fields.append((field, compiled, field in required, has_default, sub.get("default")))
        return ("object", tuple(fields))
    if not set(schema) <= known_keys:
        return ("cannot",)
    if kind == "number":
        return ("number", *bounds)
    if kind == "integer":
        return ("integer", *bounds)
    if kind == "boolean":
        return ("boolean",)
    if kind == "string" and schema.get("format") == "date":
        return ("date",)
    if kind == "string" and "format" not in schema:
        return ("string", schema.get("minLength", 0))
    if kind == "array" and "items" in schema:
        return ("array", _node(schema["items"], name, defs, custom))
    return ("cannot",)


def country_table() -> tuple[dict[str, str], tuple[str, int, int] | None]:
    """Every text ``pycountry.countries.lookup`` matches exactly (case-insensitively) and the
    ISO 3166-1 alpha-2 code it finds, with the stamp of the data file it was drawn from."""
    import pycountry  # noqa: PLC0415

    table: dict[str, str] = {}
    for country in pycountry.countries:
        for value in country._fields.values():
            if isinstance(value, str) and value.lower() not in table:
                found = pycountry.countries.lookup(value)
                table[value.lower()] = str(found.alpha_2)
    return table, _stamp(pycountry.countries.filename)


def _stamp(path: str) -> tuple[str, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return path, stat.st_size, stat.st_mtime_ns


# ---- reading (no pydantic) ----------------------------------------------------------------


def lean_row(data: Any, spec: FactsSpec) -> dict[str, Any] | None:
    """The flat facts row of a parsed document, or ``None`` when the full path must decide."""
    if not isinstance(data, dict):
        return None
    reader = _Reader(spec)
    value = reader.check(spec.root, data)
    if value is CANNOT:
        return None
    row: dict[str, Any] = {}
    _flatten(spec.root, value, "", row)
    for name in spec.not_facts:
        row.pop(name, None)
    return None if _overflows(row) else row


def _overflows(row: dict[str, Any]) -> bool:
    """An estimate past the largest float, which the full path refuses
    (:func:`modtrace.facts.loader.overflow_issues`)."""
    from modtrace.compute.estimate import estimate_all  # noqa: PLC0415 (compute imports facts)

    return any(
        isinstance(value, float) and not math.isfinite(value)
        for estimate in estimate_all(dict(row)).values()
        for value in (estimate.flop, estimate.low)
    )


def _flatten(node: Node, value: Any, prefix: str, row: dict[str, Any]) -> None:
    for name, sub, *_ in node[1]:
        if sub[0] == "object":
            _flatten(sub, value[name], f"{prefix}{name}.", row)
        else:
            row[f"{prefix}{name}"] = value[name]


class _Reader:
    """Checks values against compiled nodes; returns the value as the row holds it, or CANNOT."""

    def __init__(self, spec: FactsSpec) -> None:
        self.spec = spec
        self.countries = spec.countries if _table_current(spec) else {}

    def check(self, node: Node, value: Any) -> Any:
        return getattr(self, f"_{node[0]}")(node, value)

    def _cannot(self, node: Node, value: Any) -> Any:
        return CANNOT

    def _nullable(self, node: Node, value: Any) -> Any:
        return None if value is None else self.check(node[1], value)

    def _object(self, node: Node, value: Any) -> Any:
        if not isinstance(value, dict):  # (a key given twice was refused by the parser)
            return CANNOT
        names = {field[0] for field in node[1]}
        if any(key not in names for key in value):
            return CANNOT
        out: dict[str, Any] = {}
        for name, sub, required, has_default, default in node[1]:
            if name in value:
                out[name] = self.check(sub, value[name])
            elif required:
                return CANNOT
            elif has_default:
                out[name] = default
            elif sub[0] == "object":
                out[name] = self.check(sub, {})
            elif sub[0] == "array":
                out[name] = []
            else:
                return CANNOT
            if out[name] is CANNOT:
                return CANNOT
        return out

    def _array(self, node: Node, value: Any) -> Any:
        if not isinstance(value, list):
            return CANNOT
        items = [self.check(node[1], item) for item in value]
        return CANNOT if any(item is CANNOT for item in items) else items

    def _enum(self, node: Node, value: Any) -> Any:
        if not isinstance(value, str) or value not in node[1]:
            return CANNOT
        return None if value == self.spec.unknown_word else value

    def _boolean(self, node: Node, value: Any) -> Any:
        return value if isinstance(value, bool) else CANNOT

    def _string(self, node: Node, value: Any) -> Any:
        if not isinstance(value, str) or len(value) < node[1]:
            return CANNOT
        if node[1] and not value.strip():  # required text of spaces alone: the models refuse it
            return CANNOT
        return value

    def _date(self, node: Node, value: Any) -> Any:
        if type(value) is dt.date:
            return value
        if isinstance(value, str) and _DATE_TEXT.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return CANNOT
        return CANNOT

    def _integer(self, node: Node, value: Any) -> Any:
        if type(value) is not int or not _within(value, node[1:]):
            return CANNOT
        return value

    def _number(self, node: Node, value: Any) -> Any:
        if type(value) is int and abs(value) <= _EXACT_INT:
            number = float(value)
            if abs(value) > 2**53 and not _kept(value, number):
                return CANNOT  # the full path refuses what no float keeps
        elif type(value) is float:
            number = value
        elif isinstance(value, str) and _NUMBER_TEXT.fullmatch(value):
            number = float(value)
            if not _few_digits(value) and not _kept(value, number):
                return CANNOT
        else:
            return CANNOT
        if not math.isfinite(number) or not _within(number, node[1:]):
            return CANNOT
        return number

    def _validated(self, node: Node, value: Any) -> Any:
        checked = self.check(node[2], value)
        if checked is CANNOT or checked is None:
            return checked
        try:
            if node[1] == "modalities":
                return normalise_modalities(checked)
            if node[1] == "jurisdiction":
                return self._jurisdiction(checked)
        except ValueError:
            return CANNOT
        return CANNOT

    def _jurisdiction(self, value: str) -> str:
        return normalise_jurisdiction(value, self.countries)


def _few_digits(text: str) -> bool:
    """Whether number text has few enough significant digits that its float keeps it exactly."""
    mantissa = text.lstrip("+-").lower().split("e", 1)[0].replace(".", "")
    return len(mantissa.strip("0")) <= _KEPT_DIGITS


def _kept(written: int | str, number: float) -> bool:
    """Whether ``number`` is what was written, read as regimes read it (the shortest decimal that
    gives back the float), as ``facts.model._kept_exactly`` checks."""
    from fractions import Fraction  # noqa: PLC0415 (rare: only long numbers get here)

    return not math.isfinite(number) or Fraction(repr(number)) == Fraction(written)


def _within(value: float, bounds: tuple[Any, ...]) -> bool:
    low, low_open, high, high_open = bounds
    return not (
        (low is not None and value < low)
        or (low_open is not None and value <= low_open)
        or (high is not None and value > high)
        or (high_open is not None and value >= high_open)
    )


def _table_current(spec: FactsSpec) -> bool:
    stamp = spec.countries_stamp
    return stamp is not None and _stamp(stamp[0]) == stamp
