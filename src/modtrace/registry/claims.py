"""Who has registered a model as the one their modification produced.

The register's recall lists and monitoring attribute a model to the modifier whose filing names
it, so a second modifier naming it would take it over. The API and the pages refuse such a
filing before writing (:func:`modtrace.visibility.ownership.claim_refused`); two filings sent at
the same moment could both pass that check, so the write checks again inside its transaction,
after taking the model's claim (:func:`hold_claim`), and rolls back if another modifier got
there first.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, text

from modtrace.registry.tables import modifications

CLAIMED_BY_ANOTHER = (
    "another modifier has registered this model as theirs; if it is yours, ask the regulator "
    "to correct the register"
)
"""The problem a refused claim reports (it names no one: the other filing may be private)."""


def _key(model_id: str) -> str:
    """A model id as the Hub compares ids: without case or surrounding space."""
    return model_id.strip().lower()


def other_claimants(connection: Connection, model_id: str, modifier: str) -> list[str]:
    """The modifiers other than ``modifier`` (names compared without case or surrounding
    space) who registered a modification that produced ``model_id``."""
    names = connection.execute(
        select(modifications.c.modifier)
        .where(func.lower(func.trim(modifications.c.model_id)) == _key(model_id))
        .distinct()
    ).scalars()
    me = modifier.strip().lower()
    return [str(n) for n in names if str(n).strip().lower() != me]


def hold_claim(connection: Connection, model_id: str) -> None:
    """Take ``model_id``'s claim for the rest of the transaction, so that a concurrent claim of
    it waits and then sees this one. PostgreSQL: a transaction-scoped advisory lock on the id.
    SQLite needs none: writes are serialised, and a transaction's first write starts from the
    latest commit, so the check after it sees any claim committed before."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": "modtrace-claim:" + _key(model_id)},
        )
