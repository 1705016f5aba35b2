"""Models that imports meet only as references (a base model never described): external nodes."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, insert, select

from modtrace.registry.register import provider_of
from modtrace.registry.tables import models

CHUNK = 500


def add_external(connection: Connection, ids: Iterable[str], source: str) -> int:
    """Insert ids the register does not know yet as external models; how many were new."""
    wanted = sorted(set(ids))
    known: set[str] = set()
    for i in range(0, len(wanted), CHUNK):
        known |= set(
            connection.execute(
                select(models.c.id).where(models.c.id.in_(wanted[i : i + CHUNK]))
            ).scalars()
        )
    rows = [
        {"id": m, "provider": provider_of(m), "external": True, "source": source}
        for m in wanted
        if m not in known
    ]
    if rows:
        connection.execute(insert(models), rows)
    return len(rows)
