"""Errors a browser meets: an HTML 404 page for people, the canonical JSON body for programs;
and the site's icon."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from modtrace.api.errors import body, http_issues
from modtrace.web.render import page

FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#1a56a0"/>'
    '<path d="M9 8v16M9 16h7M16 16l7-8M16 16l7 8" stroke="#fff" stroke-width="3" '
    'fill="none" stroke-linecap="round"/>'
    '<circle cx="23" cy="8" r="2.5" fill="#fff"/><circle cx="23" cy="24" r="2.5" fill="#fff"/>'
    "</svg>"
)
"""A lineage fork: one model, two derivatives."""


def wants_html(request: Request) -> bool:
    """A browser asking for a page: not an ``/api`` path, and HTML before JSON in ``Accept``."""
    if request.url.path.startswith("/api"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept and (
        "application/json" not in accept
        or accept.index("text/html") < accept.index("application/json")
    )


def install(app: FastAPI) -> None:
    """Route errors by who asks, and serve the icon."""

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and wants_html(request):
            return page(
                request, "not_found.html", status=404, title="Not found", path=request.url.path
            )
        return JSONResponse(
            body(exc.status_code, str(exc.detail), http_issues(exc)),
            status_code=exc.status_code,
            headers=exc.headers,  # a 405's Allow (RFC 9110 §15.5.6)
        )

    @app.get("/favicon.svg", include_in_schema=False)
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(
            FAVICON,
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )
