"""The pages, on the same app and the same rules as the JSON API.

The wizard lives in :mod:`modtrace.web.wizard`, the regulator's dashboard in
:mod:`modtrace.web.dashboard`, error pages and the icon in :mod:`modtrace.web.errors`.
"""

from __future__ import annotations

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from modtrace.api import store
from modtrace.registry.register import Register
from modtrace.registry.sessions import end_session, start_session
from modtrace.registry.tokens import PUBLIC
from modtrace.visibility import access
from modtrace.web import dashboard, errors, security, wizard
from modtrace.web.render import page, refused_form

MAX_QUERY = 200
"""Longest public-register search, in characters."""

__all__ = ["install"]


def install(app: FastAPI) -> None:
    """Add the pages to the service."""
    register: Register = app.state.register
    errors.install(app)
    wizard.install(app)
    dashboard.install(app)

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html", title="Log in")

    @app.post("/login", include_in_schema=False)
    def login(request: Request, token: str = Form(...), csrf_token: str = Form("")) -> Response:
        if not security.form_token_ok(request, csrf_token, login=True):
            return refused_form(request)
        started = start_session(register, token.strip()) if token.strip() else None
        if started is None:
            return page(
                request,
                "login.html",
                status=401,
                title="Log in",
                error="Unknown, expired or revoked token.",
            )
        secret, session = started
        target = "/dashboard" if session.principal.role == "regulator" else "/assess"
        response = RedirectResponse(target, status_code=303)
        security.set_session_cookie(response, request, secret)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: str = Form("")) -> Response:
        if security.current_session(request) is not None:
            if not security.form_token_ok(request, csrf_token):
                return refused_form(request)
            end_session(register, request.cookies.get(security.SESSION_COOKIE))
        response = RedirectResponse("/register", status_code=303)
        security.clear_session_cookie(response)
        return response

    @app.get("/register", response_class=HTMLResponse, include_in_schema=False)
    def public_register(request: Request, q: str | None = None) -> HTMLResponse:
        if q is not None and len(q) > MAX_QUERY:
            return page(
                request,
                "register.html",
                status=422,
                title="Public register",
                filings=[],
                q=q[:MAX_QUERY],
                error=f"Search for at most {MAX_QUERY} characters.",
            )
        filings = [
            access.filing_view(PUBLIC, *ctx)
            for i in store.filing_ids(register, status="accepted", query=q)
            if (ctx := store.filing_context(register, i))
        ]
        return page(request, "register.html", title="Public register", filings=filings, q=q)
