"""One error shape for every response.

``{"ok": false, "error": ..., "errors": [{"field": ..., "problem": ...}], "status": ...}``
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from modtrace.api.bodies import BodyError, CheckedRoute
from modtrace.errors import ConflictError, InputError


class ApiError(Exception):
    """An error with a status and the fields it concerns."""

    def __init__(
        self, status: int, error: str, errors: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(error)
        self.status, self.error, self.errors = status, error, errors or []


def body(status: int, error: str, errors: list[tuple[str, str]]) -> dict[str, Any]:
    """The canonical error body."""
    return {
        "ok": False,
        "error": error,
        "errors": [{"field": f, "problem": p} for f, p in errors],
        "status": status,
    }


_SOURCES = ("body", "query", "path", "header", "cookie")


def json_fields(issues: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Issues as a JSON client reads them: the library's ``--param x`` is ``params.x`` here,
    ``--regime`` is ``regime``."""
    return [(_json_field(field), problem) for field, problem in issues]


def _json_field(field: str) -> str:
    if field.startswith("--param "):
        return f"params.{field.removeprefix('--param ')}"
    if field.startswith("--"):
        return field.removeprefix("--").replace("-", "_")
    return field


def _position(doc: Any, pos: Any) -> str:
    if not isinstance(doc, str | bytes) or not isinstance(pos, int):
        return "unknown position"
    text = doc.decode("utf-8", "replace") if isinstance(doc, bytes) else doc
    before = text[:pos]
    line = before.count("\n") + 1
    return f"line {line}, column {pos - (before.rfind(chr(10)) + 1) + 1}"


def request_issues(errors: Sequence[Any], doc: Any = None) -> list[tuple[str, str]]:
    """FastAPI's validation errors as ``(field, problem)``: the JSON field's dotted path (no
    ``body.`` prefix); malformed JSON says where it broke."""
    issues = []
    for e in errors:
        loc = list(e.get("loc") or ())
        if e.get("type") == "json_invalid":
            where = _position(doc, loc[1] if len(loc) > 1 else None)
            reason = (e.get("ctx") or {}).get("error") or e.get("msg")
            issues.append(("body", f"malformed JSON at {where}: {reason}"))
            continue
        if loc and loc[0] in _SOURCES:
            loc = loc[1:]
        issues.append((".".join(str(p) for p in loc) or "body", str(e.get("msg"))))
    return issues


def http_issues(exc: StarletteHTTPException) -> list[tuple[str, str]]:
    """The field of an error raised below the routes: a 400 there is a body the form or JSON
    parser could not read (too many fields, bad multipart); other statuses name no field."""
    return [("body", str(exc.detail))] if exc.status_code == 400 else []


def not_found(what: str) -> ApiError:
    """404 that says nothing about whether the thing exists for someone else."""
    return ApiError(404, f"{what} not found")


def install(app: FastAPI) -> None:
    """Route every error through the canonical body."""

    app.router.route_class = CheckedRoute  # bodies checked as documents are (api/bodies.py)

    @app.exception_handler(BodyError)
    async def _body(_: Request, exc: BodyError) -> JSONResponse:
        return JSONResponse(body(400, "invalid input", exc.issues), status_code=400)

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(body(exc.status, exc.error, exc.errors), status_code=exc.status)

    @app.exception_handler(ConflictError)
    async def _conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return JSONResponse(body(409, "conflict", exc.issues), status_code=409)

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(body(400, "invalid input", json_fields(exc.issues)), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        issues = request_issues(exc.errors(), exc.body)
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        return JSONResponse(
            body(422, "malformed JSON" if malformed else "invalid request", issues),
            status_code=422,
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:  # a bug, never input
        return JSONResponse(body(500, "internal error", []), status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            body(exc.status_code, str(exc.detail), http_issues(exc)),
            status_code=exc.status_code,
            headers=exc.headers,  # a 405's Allow (RFC 9110 §15.5.6)
        )
