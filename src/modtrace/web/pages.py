"""The pages, on the same app and the same rules as the JSON API.

The wizard lives in :mod:`modtrace.web.wizard`, the regulator's dashboard in
:mod:`modtrace.web.dashboard`, error pages and the icon in :mod:`modtrace.web.errors`.
"""

from __future__ import annotations

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from modtrace.api import access, store
from modtrace.registry.register import Register
from modtrace.registry.tokens import PUBLIC, resolve
from modtrace.web import dashboard, errors, wizard
from modtrace.web.render import page

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
    def login(request: Request, token: str = Form(...)) -> Response:
        who = resolve(register, token.strip())
        if who is None or who.is_public:
            return page(
                request, "login.html", status=401, title="Log in", error="Unknown or revoked token."
            )
        target = "/dashboard" if who.role == "regulator" else "/assess"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie("modtrace_token", token.strip(), httponly=True, samesite="strict")
        return response

    @app.get("/logout", include_in_schema=False)
    def logout() -> Response:
        response = RedirectResponse("/register", status_code=303)
        response.delete_cookie("modtrace_token")
        return response

    @app.get("/register", response_class=HTMLResponse, include_in_schema=False)
    def public_register(request: Request, q: str | None = None) -> HTMLResponse:
        filings = [
            access.filing_view(PUBLIC, *ctx)
            for i in store.filing_ids(register, status="accepted", query=q)
            if (ctx := store.filing_context(register, i))
        ]
        return page(request, "register.html", title="Public register", filings=filings, q=q)
