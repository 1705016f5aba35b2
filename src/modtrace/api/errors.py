"""One error shape for every response.

``{"ok": false, "error": ..., "errors": [{"field": ..., "problem": ...}], "status": ...}``
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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


def not_found(what: str) -> ApiError:
    """404 that says nothing about whether the thing exists for someone else."""
    return ApiError(404, f"{what} not found")


def install(app: FastAPI) -> None:
    """Route every error through the canonical body."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(body(exc.status, exc.error, exc.errors), status_code=exc.status)

    @app.exception_handler(ConflictError)
    async def _conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return JSONResponse(body(409, "conflict", exc.issues), status_code=409)

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(body(400, "invalid input", exc.issues), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        issues = [
            (".".join(str(p) for p in e["loc"] if p != "body") or "body", e["msg"])
            for e in exc.errors()
        ]
        return JSONResponse(body(422, "invalid request", issues), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(body(exc.status_code, str(exc.detail), []), status_code=exc.status_code)
