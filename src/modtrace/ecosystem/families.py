"""Size *ranges* for originals whose name says only the family (docs/ecosystem.md).

``MinaMila/Phi3_unlearning_general_methode`` is some Phi-3, but which one the name does not
say. Rather than guess a size, the original gets the family's published range (Phi-3: 3.8B to
14B, from ``family_ranges.yaml``, each entry with its reference), widened by the stated
rounding margin (:data:`modtrace.ecosystem.assumptions.FAMILY_RANGE_ROUNDING`): compute bounds
take the range's ends, and the central estimate samples within it
(:data:`~modtrace.ecosystem.assumptions.FAMILY_SIZE_PRIOR`).

The reader refuses, rather than guess, when:
- the name is UUID-like (``samoline/59b1b15a-…``): no word in it was chosen by a person;
- the name marks a test fixture (``tiny-random-…``, ``dummy``): its size is whatever the test
  needed, not the family's;
- the name matches two families (``Vit-GPT2``, ``paligemma-siglip``): which part sets the size
  is not known.

:func:`validate` measures the method on originals whose size *is* known: hide it, read the
range from the name, and count how often the range holds the size and how far the range's
geometric midpoint lands from it.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from modtrace.ecosystem import assumptions as a
from modtrace.ecosystem.prefilter import candidates
from modtrace.ecosystem.sizes import architecture_key, uuid_like
from modtrace.yaml_read import read_yaml

FAMILIES: Final = Path(__file__).with_name("family_ranges.yaml")
_FIXTURE: Final = re.compile(r"tiny-random|random-tiny|(?<![a-z])(?:dummy|debug)(?![a-z])")


@dataclass(frozen=True)
class Family:
    """One entry of the family table: a pattern and the sizes published for it."""

    family: str
    pattern: re.Pattern[str]
    sizes: tuple[float, ...]
    reference: str
    namespaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class FamilyRange:
    """A family read from a name: the published sizes' span, widened for rounding."""

    family: str
    low: float
    high: float
    pattern: str

    @property
    def midpoint(self) -> float:
        """The geometric midpoint: the median of a log-uniform prior over the range."""
        return math.sqrt(self.low * self.high)


def load_families(path: Path = FAMILIES) -> list[Family]:
    """The reviewed family table, in file order."""
    entries = read_yaml(path) or []
    return [
        Family(
            str(e["family"]),
            re.compile(str(e["pattern"])),
            tuple(float(s) for s in e["sizes"]),
            str(e["reference"]),
            tuple(str(n).lower() for n in e.get("namespaces") or ()),
        )
        for e in entries
    ]


def refusal(model_id: str, table: list[Family]) -> str | None:
    """Why no range is read from ``model_id`` (``uuid``, ``test-fixture``, ``ambiguous:
    a+b``, ``no-family``), or ``None`` when one is."""
    name = architecture_key(model_id)
    return _read(model_id, name, _families_in(name, table), table)[0]


def _read(
    model_id: str, name: str, matched: dict[str, Family], table: list[Family]
) -> tuple[str | None, Family | None]:
    """The refusal, or the entry a range is read from, given the families the name matches."""
    if uuid_like(name):
        return "uuid", None
    if _FIXTURE.search(name):
        return "test-fixture", None
    if len(matched) > 1:
        return "ambiguous:" + "+".join(sorted(matched)), None
    entry = next(iter(matched.values())) if matched else _by_namespace(model_id, table)
    if entry is None:
        return "no-family", None
    return None, entry


def _families_in(
    name: str, table: list[Family], among: Iterable[int] | None = None
) -> dict[str, Family]:
    """The first matching entry of each family whose pattern the name matches (trying only
    the entries at positions ``among``, ascending, when given)."""
    out: dict[str, Family] = {}
    for entry in table if among is None else (table[i] for i in among):
        if entry.family not in out and entry.pattern.search(name):
            out[entry.family] = entry
    return out


def _by_namespace(model_id: str, table: list[Family]) -> Family | None:
    if "/" not in model_id:
        return None
    owner = model_id.split("/", 1)[0].lower()
    return next((e for e in table if owner in e.namespaces), None)


def _range(entry: Family, rounding: float) -> FamilyRange:
    return FamilyRange(
        entry.family,
        min(entry.sizes) / rounding,
        max(entry.sizes) * rounding,
        entry.pattern.pattern,
    )


def family_range(
    model_id: str, table: list[Family], rounding: float = a.FAMILY_RANGE_ROUNDING
) -> FamilyRange | None:
    """The family range a name (or, failing that, a maker's namespace) gives, else ``None``
    (see :func:`refusal` for why)."""
    name = architecture_key(model_id)
    entry = _read(model_id, name, _families_in(name, table), table)[1]
    return None if entry is None else _range(entry, rounding)


def family_ranges(ids: Iterable[str], table: list[Family] | None = None) -> pl.DataFrame:
    """``id, size_family, family_low, family_high`` for every id a range is read from: the
    ranges :func:`family_range` reads. Each distinct name is read once, its patterns tried
    only where it holds their literal text (:mod:`modtrace.ecosystem.prefilter`); only a name
    that matches no family is left to its namespace, looked up in a table of namespaces."""
    table = load_families() if table is None else table
    ids = list(ids)
    names = [architecture_key(i) for i in ids]
    distinct = list(dict.fromkeys(names))
    options = candidates(distinct, [e.pattern for e in table])
    read = {n: _read_name(n, table, among) for n, among in zip(distinct, options, strict=True)}
    owners: dict[str, Family] = {}
    for listed in table:
        for owner in listed.namespaces:
            owners.setdefault(owner, listed)  # the first entry that lists it, as _by_namespace
    ranges: dict[int, tuple[str, float, float]] = {}  # by the entry's identity
    rows = []
    for i, name in zip(ids, names, strict=True):
        entry: Family | None = read[name]
        if entry is _NAMESPACE:
            entry = owners.get(i.split("/", 1)[0].lower()) if "/" in i else None
        if entry is not None:
            if id(entry) not in ranges:
                r = _range(entry, a.FAMILY_RANGE_ROUNDING)
                ranges[id(entry)] = (r.family, r.low, r.high)
            rows.append((i, *ranges[id(entry)]))
    return pl.DataFrame(
        rows,
        schema={
            "id": pl.String,
            "size_family": pl.String,
            "family_low": pl.Float64,
            "family_high": pl.Float64,
        },
        orient="row",
    )


_NAMESPACE: Final = Family("", re.compile(""), (), "")
"""What :func:`_read_name` gives for a name that leaves the range to the model's namespace."""


def _read_name(name: str, table: list[Family], among: Iterable[int]) -> Family | None:
    """:func:`_read`'s answer as far as the name decides it: the entry, ``None`` for a
    refusal, or :data:`_NAMESPACE` where only the namespace can tell."""
    refused, entry = _read("", name, _families_in(name, table, among), [])
    if entry is not None:
        return entry
    return _NAMESPACE if refused == "no-family" else None


@dataclass(frozen=True)
class Validation:
    """How a size method fares on originals whose size is known."""

    tried: int
    held: int
    derivatives_tried: int
    derivatives_held: int
    median_error: float
    """Median of |log10(point / true size)|, the point being the range's geometric midpoint."""
    within_2x: int
    """Originals whose point lies within a factor of two of the true size."""
    refused: dict[str, int]


def validate(
    known: Mapping[str, float],
    weights: Mapping[str, int] | None = None,
    table: list[Family] | None = None,
) -> Validation:
    """Hide each known size, read the family range from the name alone, and measure.

    ``known`` maps originals to their size from another source; ``weights`` (derivatives per
    original) gives the coverage weighted by derivatives. Namespace matches are included.
    """
    table = load_families() if table is None else table
    weights = weights or {}
    held = tried = d_held = d_tried = near = 0
    errors: list[float] = []
    refused: dict[str, int] = {}
    for model_id, size in known.items():
        got = family_range(model_id, table)
        if got is None:
            why = refusal(model_id, table) or "no-family"
            key = "ambiguous" if why.startswith("ambiguous") else why
            refused[key] = refused.get(key, 0) + 1
            continue
        tried += 1
        weight = weights.get(model_id, 1)
        d_tried += weight
        inside = got.low <= size <= got.high
        held += inside
        d_held += weight * inside
        error = abs(math.log10(got.midpoint / size))
        errors.append(error)
        near += error <= math.log10(2.0)
    return Validation(
        tried,
        held,
        d_tried,
        d_held,
        statistics.median(errors) if errors else math.nan,
        near,
        refused,
    )
