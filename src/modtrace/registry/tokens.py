"""API tokens: random secrets shown once, stored only as SHA-256 hashes, each with a role and an
expiry. Revoked or expired tokens resolve to nothing, and revoking one ends its page sessions.

Every token write is logged (kind ``api-token``), so a token added or un-revoked behind the
register's back is named by ``modtrace log verify``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from modtrace.errors import RegisterError
from modtrace.registry import log
from modtrace.registry.register import Register
from modtrace.registry.tables import api_tokens, web_sessions

ROLES = ("regulator", "provider", "modifier")
"""Roles a token can carry; without a token a caller is ``public``."""
DEFAULT_LIFETIME = dt.timedelta(days=90)
"""How long a token lives unless its creator says otherwise."""
MAX_LIFETIME = dt.timedelta(days=3650)
MAX_SUBJECT = 189
"""Longest subject: the register writes it as a review's ``reviewer`` (200 characters) and an
incident's ``reported_by`` (``provider:`` and the subject, 200), so a longer one would be issued
and then fail on every review or incident it made."""


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


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never its secret."""

    id: int
    role: str
    subject: str
    label: str | None
    created_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked: bool

    def state(self, now: dt.datetime | None = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked:
            return "revoked"
        return "expired" if expired(self.expires_at, now) else "active"


def now_utc() -> dt.datetime:
    """The current time, in UTC."""
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def expired(expires_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Whether an expiry has passed (no expiry: never)."""
    moment = as_utc(expires_at)
    return moment is not None and moment <= (now or now_utc())


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    register: Register,
    role: str,
    subject: str,
    label: str | None = None,
    *,
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
) -> str:
    """Create a token that expires after ``lifetime``; the secret is returned once and never
    stored."""
    if role not in ROLES:
        raise RegisterError([("role", f"one of {', '.join(ROLES)}")])
    if not subject.strip():
        raise RegisterError(
            [("subject", "name the regulator, provider or modifier the token acts for")]
        )
    if len(subject.strip()) > MAX_SUBJECT:
        raise RegisterError(
            [("subject", f"at most {MAX_SUBJECT} characters (its reviews and reports carry it)")]
        )
    if not dt.timedelta(0) < lifetime <= MAX_LIFETIME:
        raise RegisterError([("expires_in", f"between 1 second and {MAX_LIFETIME.days} days")])
    token = "mt_" + secrets.token_urlsafe(32)
    now = now_utc()
    with register.engine.begin() as c:
        key = c.execute(
            insert(api_tokens).values(
                token_hash=digest(token),
                role=role,
                subject=subject.strip(),
                label=label,
                revoked=False,
                created_at=now,
                expires_at=now + lifetime,
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


def lookup(register: Register, token: str) -> tuple[int, Principal] | None:
    """The id and principal of a live token; ``None`` for an unknown, revoked or expired one."""
    with register.engine.connect() as c:
        row = c.execute(
            select(
                api_tokens.c.id,
                api_tokens.c.role,
                api_tokens.c.subject,
                api_tokens.c.revoked,
                api_tokens.c.expires_at,
            ).where(api_tokens.c.token_hash == digest(token))
        ).first()
    if row is None or row.revoked or expired(row.expires_at):
        return None
    return int(row.id), Principal(row.role, row.subject)


def resolve(register: Register, token: str | None) -> Principal | None:
    """The principal for a token; ``PUBLIC`` without one; ``None`` for an unknown, revoked or
    expired one."""
    if not token:
        return PUBLIC
    found = lookup(register, token)
    return found[1] if found else None


def list_tokens(register: Register) -> list[TokenInfo]:
    """Every token, oldest first, without secrets."""
    with register.engine.connect() as c:
        rows = c.execute(select(api_tokens).order_by(api_tokens.c.id)).mappings().all()
    return [_info(r) for r in rows]


def _info(row: Any) -> TokenInfo:
    return TokenInfo(
        int(row["id"]),
        row["role"],
        row["subject"],
        row["label"],
        as_utc(row["created_at"]),
        as_utc(row["expires_at"]),
        bool(row["revoked"]),
    )


def revoke_id(register: Register, token_id: int) -> bool:
    """Revoke a token by its listed id and end its page sessions; whether it existed."""
    with register.engine.begin() as c:
        done = c.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(revoked=True))
        if done.rowcount:
            _log(c, "update", api_tokens.c.id == token_id)
        c.execute(delete(web_sessions).where(web_sessions.c.token_id == token_id))
    return bool(done.rowcount)


def revoke(register: Register, token: str) -> bool:
    """Revoke a token by its secret and end its page sessions; whether it existed."""
    with register.engine.connect() as c:
        token_id = c.execute(
            select(api_tokens.c.id).where(api_tokens.c.token_hash == digest(token))
        ).scalar()
    return token_id is not None and revoke_id(register, int(token_id))
