"""Rendering shared by the pages: the templates, the caller, one page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from modtrace.web import security
from modtrace.web.security import who

__all__ = ["TEMPLATES", "page", "refused_form", "who"]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """One page, with the caller and the form token its forms carry in its context."""
    token, new = security.form_token(request)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {"who": who(request), "csrf_token": token, **context},
        status_code=status,
    )
    if new:
        security.set_login_cookie(response, request, token)
    return response


def refused_form(request: Request) -> HTMLResponse:
    """A form without this session's token: from another site, or expired."""
    return page(
        request,
        "login.html",
        status=403,
        title="Log in",
        error="This form has expired or did not come from this site; reload and try again.",
    )
