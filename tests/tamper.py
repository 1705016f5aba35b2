"""What an attacker with write access to the database does to the log, for the tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select, update

from modtrace.registry import merkle
from modtrace.registry.register import Register
from modtrace.registry.tables import incidents, log_entries


def rechain(connection: Connection, edit: Callable[[dict[str, Any]], None]) -> None:
    """Apply ``edit`` to every log entry's payload, then recompute each hash and the chain."""
    rows = connection.execute(select(log_entries).order_by(log_entries.c.seq)).mappings().all()
    prev = ""
    for row in rows:
        data = json.loads(row["payload"])
        edit(data)
        data["prev"] = prev
        payload = merkle.canonical(data)
        prev = merkle.leaf_hash(payload).hex()
        connection.execute(
            update(log_entries)
            .where(log_entries.c.seq == row["seq"])
            .values(payload=payload.decode("utf-8"), leaf_hash=prev)
        )


def rewrite_history(register: Register, incident_id: int, title: str) -> None:
    """Change an incident and its log entry, recomputing every later hash and the chain.

    Afterwards the log is self-consistent: only a head published before the rewrite shows it.
    """

    def retitle(data: dict[str, Any]) -> None:
        if data["kind"] == "incident" and data["ref"] == str(incident_id):
            data["record"]["title"] = title

    with register.engine.begin() as c:
        c.execute(update(incidents).where(incidents.c.id == incident_id).values(title=title))
        rechain(c, retitle)
