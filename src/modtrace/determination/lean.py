"""The lean assessment path: one facts file, assessed and explained without pydantic.

``modtrace assess FILE`` spends most of its time starting up, and most of that loading
pydantic and building its models (docs/scale.md, "Start-up"). For a facts file the lean
reader can vouch for (:func:`modtrace.facts.lean.lean_row`), this path reads the compiled
regimes and a compiled :class:`Kit` from the regime cache, evaluates with the same evaluator
(:func:`modtrace.determination.assess.assess_row`), building the determination from light
records derived from its pydantic models (:class:`Record`), and renders the same text.
Everything else, a document it cannot vouch for and every error included, is left to the full
path (:func:`assess_text` returns ``None``), which says what it always said.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from modtrace.determination.assess import Records, assess_row
from modtrace.determination.explain import comparison_table, determination_text
from modtrace.documents import parse_text, read_text
from modtrace.errors import FactsError, InputError
from modtrace.facts.lean import FactsSpec, lean_row
from modtrace.regimes.catalog import DATA_DIR, default_catalog

if TYPE_CHECKING:
    from modtrace.determination.model import Determination

Fields = tuple[tuple[str, str, Any], ...]
"""A model's fields in order: ``(name, "required" | "default" | "factory", value)``."""


@dataclass(frozen=True)
class Kit:
    """What the lean path needs from the pydantic models, compiled once per change."""

    facts: FactsSpec
    records: dict[str, Fields]
    """Each determination model's fields, by the model's name (the fields of :class:`Records`)."""


class Record:
    """A determination record without validation: the fields of its model, set as given or
    to the model's defaults; the explanation reads them by attribute, as it reads the model."""

    fields: Fields = ()

    def __init__(self, **values: Any) -> None:
        for name, how, default in self.fields:
            if name in values:
                setattr(self, name, values.pop(name))
            elif how == "default":
                setattr(self, name, default)
            elif how == "factory":
                setattr(self, name, default())
            else:
                raise TypeError(f"{type(self).__name__}: {name} is required")
        if values:
            raise TypeError(f"{type(self).__name__}: unknown fields {sorted(values)}")

    @property
    def decided(self) -> bool:
        """Whether the outcome is in-scope or out-of-scope (as ``Determination.decided``)."""
        return bool(getattr(self, "outcome", None) != "indeterminate")


def build_kit(_: Path) -> Kit:
    """Compile the facts schema and the determination models' fields (imports pydantic)."""
    from pydantic_core import PydanticUndefined  # noqa: PLC0415

    from modtrace.determination.assess import models  # noqa: PLC0415
    from modtrace.facts.lean import compile_spec  # noqa: PLC0415

    records: dict[str, Fields] = {}
    for name, model in vars(models()).items():
        fields = []
        for field, info in model.model_fields.items():
            if info.default_factory in (list, dict):
                fields.append((field, "factory", info.default_factory))
            elif info.default_factory is not None:
                raise TypeError(f"{name}.{field}: a default factory the lean path cannot copy")
            elif info.default is PydanticUndefined:
                fields.append((field, "required", None))
            else:
                fields.append((field, "default", info.default))
        records[name] = tuple(fields)
    return Kit(compile_spec(), records)


def kit() -> Kit | None:
    """The compiled kit, from the regime cache (built there when it is not current); ``None``
    when the cache is turned off, since building the kit each time costs more than it saves."""
    from modtrace.regimes.cache import ENV_OFF  # noqa: PLC0415

    return None if os.environ.get(ENV_OFF) else _kit()


@cache
def _kit() -> Kit:
    from modtrace.regimes.cache import cached  # noqa: PLC0415

    return cached(DATA_DIR, build_kit, Kit, name="lean")


@cache
def records() -> Records:
    """Light record classes with the fields of the determination models."""
    made = {
        name: type(name, (Record,), {"fields": fields, "__slots__": ()})
        for name, fields in _kit().records.items()
    }
    return Records(**cast(dict[str, Any], made))


def lean_facts(path: Path) -> dict[str, Any] | None:
    """The flat row of a facts file the lean reader vouches for; ``None`` otherwise."""
    compiled = kit()
    if compiled is None:
        return None
    try:
        text = read_text(path, FactsError)
        data = parse_text(text, source=str(path), error=FactsError, suffix=path.suffix)
    except InputError:
        return None
    return lean_row(data, compiled.facts)


def assess_text(
    path: Path, *, regime_id: str, all_regimes: bool, at: dt.date | None
) -> tuple[str, bool] | None:
    """The text ``modtrace assess`` prints for ``path`` and whether every outcome is decided;
    ``None`` when the full path must answer (a document the lean reader cannot vouch for, an
    unknown regime, any error)."""
    catalog = default_catalog()
    row = lean_facts(path)
    if row is None:
        return None
    out = records()
    if all_regimes:
        done = [assess_row(row, r, at=at, records=out) for r in catalog.in_force(at)]
        return comparison_table(done), all(d.decided for d in done)
    try:
        regime = catalog.get(regime_id, at)
    except InputError:
        return None
    determination: Determination = assess_row(row, regime, at=at, records=out)
    return determination_text(determination), determination.decided
