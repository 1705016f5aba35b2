"""What an attacker with write access to the database does to the log, for the tests."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from modtrace.registry import merkle
from modtrace.registry.register import Register
from modtrace.registry.tables import incidents, log_entries


def rewrite_history(register: Register, incident_id: int, title: str) -> None:
    """Change an incident and its log entry, recomputing every later hash and the chain.

    Afterwards the log is self-consistent: only a head published before the rewrite shows it.
    """
    with register.engine.begin() as c:
        c.execute(update(incidents).where(incidents.c.id == incident_id).values(title=title))
        rows = c.execute(select(log_entries).order_by(log_entries.c.seq)).mappings().all()
        prev = ""
        for row in rows:
            data = json.loads(row["payload"])
            if data["kind"] == "incident" and data["ref"] == str(incident_id):
                data["record"]["title"] = title
            data["prev"] = prev
            payload = merkle.canonical(data)
            prev = merkle.leaf_hash(payload).hex()
            c.execute(
                update(log_entries)
                .where(log_entries.c.seq == row["seq"])
                .values(payload=payload.decode("utf-8"), leaf_hash=prev)
            )
