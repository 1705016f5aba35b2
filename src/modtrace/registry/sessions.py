"""Page sessions, kept on the server: the cookie carries a random session secret (never the API
token), the register keeps its hash and the session's form (CSRF) token. Logging out deletes the
row, so a copied cookie stops working; revoking or expiring the token ends the session too."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from modtrace.registry.register import Register
from modtrace.registry.tables import api_tokens, web_sessions
from modtrace.registry.tokens import Principal, digest, expired, lookup, now_utc

SESSION_LIFETIME = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Session:
    """A live page session: who it is and the token its forms must carry."""

    principal: Principal
    form_token: str


def start_session(register: Register, token: str) -> tuple[str, Session] | None:
    """Log in with an API token: the cookie secret and the session, or ``None`` for a token that
    is unknown, revoked or expired."""
    found = lookup(register, token)
    if found is None:
        return None
    token_id, principal = found
    secret = secrets.token_urlsafe(32)
    form_token = secrets.token_urlsafe(32)
    now = now_utc()
    with register.engine.begin() as c:
        c.execute(
            insert(web_sessions).values(
                session_hash=digest(secret),
                token_id=token_id,
                form_token=form_token,
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
    return secret, Session(principal, form_token)


def session_of(register: Register, secret: str | None) -> Session | None:
    """The live session a cookie names, if any."""
    if not secret:
        return None
    with register.engine.connect() as c:
        row = c.execute(
            select(
                web_sessions.c.form_token,
                web_sessions.c.expires_at,
                api_tokens.c.role,
                api_tokens.c.subject,
                api_tokens.c.revoked,
                api_tokens.c.expires_at.label("token_expires_at"),
            )
            .join(api_tokens, api_tokens.c.id == web_sessions.c.token_id)
            .where(web_sessions.c.session_hash == digest(secret))
        ).first()
    if row is None or row.revoked or expired(row.expires_at) or expired(row.token_expires_at):
        return None
    return Session(Principal(row.role, row.subject), row.form_token)


def end_session(register: Register, secret: str | None) -> bool:
    """Log out: the session is deleted on the server; whether there was one."""
    if not secret:
        return False
    with register.engine.begin() as c:
        done = c.execute(delete(web_sessions).where(web_sessions.c.session_hash == digest(secret)))
    return bool(done.rowcount)
