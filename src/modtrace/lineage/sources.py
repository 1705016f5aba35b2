"""Where an edge comes from, in five kinds a reader can filter on, and deleted models.

The register stores each edge's source as it was imported (``hf-lineage:added_model_0319.csv``,
``hub-stats:hub_stats_frozen.parquet``, ``model-card:leliuga/x/README.md``, ``filing:12``,
``manual``); :func:`source_kind` reads the kind from that text, so no stored row changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final, Protocol, TypeVar

SOURCE_KINDS: Final = ("hf-lineage", "hub-stats", "card", "filing", "manual")
"""Every kind of edge source, in the order reports list them."""

_PREFIXES: Final = (
    ("hf-lineage", "hf-lineage"),
    ("hub-stats", "hub-stats"),
    ("model-card", "card"),
    ("card", "card"),
    ("filing", "filing"),
)


def source_kind(source: str | None) -> str:
    """The kind of a stored source text; anything unrecognised was entered by hand."""
    text = (source or "").strip().lower()
    for prefix, kind in _PREFIXES:
        if text.startswith(prefix):
            return kind
    return "manual"


def as_date(value: Any) -> dt.date | None:
    """A stored date as a ``date`` (SQLite hands raw SQL dates back as text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class _Deletable(Protocol):
    @property
    def deleted_at(self) -> dt.date | None: ...


T = TypeVar("T", bound=_Deletable)


def split_deleted(rows: Iterable[T], include_deleted: bool) -> tuple[list[T], int]:
    """The rows to show, and how many deleted models were left out (0 when they are shown)."""
    shown: list[T] = []
    left_out = 0
    for row in rows:
        if row.deleted_at is not None and not include_deleted:
            left_out += 1
        else:
            shown.append(row)
    return shown, left_out


def check_kinds(kinds: Iterable[str]) -> frozenset[str] | None:
    """The requested kinds as a set (``None`` for all); an unknown kind raises ``ValueError``."""
    wanted = frozenset(kinds)
    unknown = sorted(wanted - set(SOURCE_KINDS))
    if unknown:
        raise ValueError(f"unknown source {', '.join(unknown)}; one of {', '.join(SOURCE_KINDS)}")
    return wanted or None
