"""Rendering shared by the pages: the templates, the caller, one page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from modtrace.registry.tokens import PUBLIC, Principal, resolve

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def who(request: Request) -> Principal:
    """The logged-in caller, or the public."""
    return resolve(request.app.state.register, request.cookies.get("modtrace_token")) or PUBLIC


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """One page, with the caller in its context."""
    return TEMPLATES.TemplateResponse(
        request, template, {"who": who(request), **context}, status_code=status
    )
