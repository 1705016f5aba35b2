"""The catalog of regime versions: which regimes exist, and which version is in force when.

This module loads without pydantic or YAML, so that an assessment from a compiled (cached)
catalog needs neither: the regime files are read, with their file-format models, only when
the catalog is built (:func:`modtrace.regimes.loader.load_directory`).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from modtrace.errors import UnknownRegimeError
from modtrace.regimes.model import Regime, Source

DATA_DIR = Path(__file__).parent / "data"
"""The bundled regime files."""


class Catalog:
    """Every regime version found in a directory, by id, checked at load time."""

    def __init__(self, directory: Path = DATA_DIR) -> None:
        from modtrace.regimes.loader import load_directory  # noqa: PLC0415 (reads the files)

        self.sources, self._by_id = load_directory(directory)
        self.drafts: frozenset[str] = frozenset()

    def extended(self, regimes: list[Regime], sources: Mapping[str, Source]) -> Catalog:
        """A copy with draft regimes (and the sources they cite) added; this one is untouched."""
        new = copy.copy(self)
        new.sources = {**self.sources, **sources}
        new._by_id = {k: list(v) for k, v in self._by_id.items()}
        for regime in regimes:
            new._by_id.setdefault(regime.id, []).append(regime)
        for versions in new._by_id.values():
            versions.sort(key=lambda r: r.effective_from)
        new.drafts = self.drafts | {r.id for r in regimes}
        return new

    def ids(self) -> list[str]:
        """Regime ids, sorted."""
        return sorted(self._by_id)

    def versions(self, regime_id: str) -> list[Regime]:
        """All versions of one regime, oldest first."""
        if regime_id not in self._by_id:
            known = ", ".join(self.ids())
            raise UnknownRegimeError(
                [("--regime", f"unknown regime {regime_id!r}; known: {known}")]
            )
        return list(self._by_id[regime_id])

    def get(self, regime_id: str, at: dt.date | None = None) -> Regime:
        """The version in force on ``at`` (default today); the first one if ``at`` precedes all."""
        versions = self.versions(regime_id)
        day = at or dt.date.today()
        chosen = versions[0]
        for version in versions:
            if version.effective_from <= day:
                chosen = version
        return chosen

    def in_force(self, at: dt.date | None = None) -> list[Regime]:
        """The version of every regime in force on ``at`` (default today), by id."""
        return [self.get(i, at) for i in self.ids()]

    def summary(self) -> list[dict[str, str | int]]:
        """One row per regime version: id, version, title, status, jurisdiction, start."""
        return [
            {
                "id": r.id,
                "version": r.version,
                "title": r.title,
                "status": r.status,
                "jurisdiction": r.jurisdiction,
                "effective_from": r.effective_from.isoformat(),
            }
            for i in self.ids()
            for r in self.versions(i)
        ]

    def latest(self) -> list[Regime]:
        """The newest version of every regime."""
        return [self._by_id[i][-1] for i in self.ids()]


@cache
def default_catalog() -> Catalog:
    """The regimes shipped with modtrace (loaded once per process, compiled once per change:
    see :mod:`modtrace.regimes.cache`)."""
    from modtrace.regimes.cache import cached  # noqa: PLC0415

    return cached(DATA_DIR, Catalog, Catalog)
