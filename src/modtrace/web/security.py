"""Sessions and form tokens for the pages.

The session cookie holds a random secret that names a server-side session (never the API
token); every state-changing form carries the session's form token, compared in constant time.
Before login, the login form's token is a double-submit cookie: the guard's origin check stops
another origin (another port of the same host included) from posting it.
"""

from __future__ import annotations

import secrets

from fastapi import Request, Response

from modtrace.registry.sessions import SESSION_LIFETIME, Session, session_of
from modtrace.registry.tokens import PUBLIC, Principal

SESSION_COOKIE = "modtrace_session"
LOGIN_COOKIE = "modtrace_login"
FORM_FIELD = "csrf_token"


def same_secret(expected: str, submitted: str) -> bool:
    """Compare a secret in constant time. ``secrets.compare_digest`` refuses text that is not
    ASCII (a TypeError, a 500), so both sides are compared as UTF-8 bytes."""
    return secrets.compare_digest(
        expected.encode("utf-8", "surrogatepass"), submitted.encode("utf-8", "surrogatepass")
    )


def current_session(request: Request) -> Session | None:
    """The live session the request's cookie names, if any."""
    return session_of(request.app.state.register, request.cookies.get(SESSION_COOKIE))


def who(request: Request) -> Principal:
    """The logged-in principal, else public."""
    session = current_session(request)
    return session.principal if session else PUBLIC


def form_token(request: Request) -> tuple[str, bool]:
    """The token forms on this page must carry, and whether it is new (a login cookie to set)."""
    session = current_session(request)
    if session is not None:
        return session.form_token, False
    existing = request.cookies.get(LOGIN_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing, False
    return secrets.token_urlsafe(32), True


def form_token_ok(request: Request, submitted: str | None, *, login: bool = False) -> bool:
    """Whether a posted form carries the right token: the session's, or on the login form the
    pre-login cookie's."""
    if not submitted:
        return False
    if login:
        expected = request.cookies.get(LOGIN_COOKIE)
    else:
        session = current_session(request)
        expected = session.form_token if session else None
    return expected is not None and same_secret(expected, submitted)


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def set_login_cookie(response: Response, request: Request, value: str) -> None:
    """The pre-login form token."""
    _cookie(response, request, LOGIN_COOKIE, value, 3600)


def set_session_cookie(response: Response, request: Request, secret: str) -> None:
    """The session cookie, after a successful login."""
    _cookie(response, request, SESSION_COOKIE, secret, int(SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE, path="/")


def clear_session_cookie(response: Response) -> None:
    """After logout."""
    response.delete_cookie(SESSION_COOKIE, path="/")
