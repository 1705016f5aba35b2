"""API tokens: random secrets shown once, stored only as SHA-256 hashes, each with a role.

Every token write is logged (kind ``api-token``), so a token added or un-revoked behind the
register's back is named by ``modtrace log verify``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from modtrace.errors import RegisterError
from modtrace.registry import log
from modtrace.registry.register import Register
from modtrace.registry.tables import api_tokens

ROLES = ("regulator", "provider", "modifier")
"""Roles a token can carry; without a token a caller is ``public``."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role and the name it acts for (a provider or a modifier)."""

    role: str
    subject: str

    @property
    def is_public(self) -> bool:
        """No token was given."""
        return self.role == "public"


PUBLIC = Principal("public", "")


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(register: Register, role: str, subject: str, label: str | None = None) -> str:
    """Create a token; the secret is returned once and never stored."""
    if role not in ROLES:
        raise RegisterError([("role", f"one of {', '.join(ROLES)}")])
    if not subject.strip():
        raise RegisterError(
            [("subject", "name the regulator, provider or modifier the token acts for")]
        )
    token = "mt_" + secrets.token_urlsafe(32)
    with register.engine.begin() as c:
        key = c.execute(
            insert(api_tokens).values(
                token_hash=digest(token),
                role=role,
                subject=subject.strip(),
                label=label,
                revoked=False,
            )
        ).inserted_primary_key
        if key is not None:
            _log(c, "insert", api_tokens.c.id == key[0])
    return token


def _log(connection: Connection, op: str, where: Any) -> None:
    """Log the token rows ``where`` selects, as they are now, in the caller's transaction."""
    rows = connection.execute(select(api_tokens).where(where).order_by(api_tokens.c.id))
    log.append(
        connection, [log.Write("api-token", str(r["id"]), op, dict(r)) for r in rows.mappings()]
    )


def resolve(register: Register, token: str | None) -> Principal | None:
    """The principal for a token; ``PUBLIC`` without one; ``None`` for an unknown or revoked one."""
    if not token:
        return PUBLIC
    with register.engine.connect() as c:
        row = c.execute(
            select(api_tokens.c.role, api_tokens.c.subject, api_tokens.c.revoked).where(
                api_tokens.c.token_hash == digest(token)
            )
        ).first()
    if row is None or row[2]:
        return None
    return Principal(row[0], row[1])


def revoke(register: Register, token: str) -> bool:
    """Revoke a token; whether it existed."""
    with register.engine.begin() as c:
        done = c.execute(
            update(api_tokens).where(api_tokens.c.token_hash == digest(token)).values(revoked=True)
        )
        _log(c, "update", api_tokens.c.token_hash == digest(token))
    return bool(done.rowcount)
