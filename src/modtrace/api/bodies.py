"""JSON request bodies read with the same checks as documents on disk.

Starlette's ``Request.json`` keeps the last of two equal keys and reads ``Infinity`` and
``1e400`` as infinite floats. Every route here reads bodies through :class:`CheckedRequest`
instead: a duplicate key, or a number that is not finite, is refused with its field
(``facts.original.provider: duplicate key``). Malformed JSON still goes to FastAPI's own
handling, which says where it broke.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

from modtrace.documents import document_issues, json_object


class BodyError(HTTPException):
    """A JSON body that parses but breaks a document rule; ``issues`` name the fields."""

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        super().__init__(status_code=400, detail="invalid input")
        self.issues = issues


class CheckedRequest(Request):
    """A request whose JSON body is checked as documents are."""

    async def json(self) -> Any:
        """The parsed body; :class:`BodyError` for duplicate keys or non-finite numbers."""
        if not hasattr(self, "_json"):
            data = json.loads(await self.body(), object_pairs_hook=json_object)
            if issues := document_issues(data, source="body"):
                raise BodyError(issues)
            self._json = data
        return self._json


class CheckedRoute(APIRoute):
    """A route that hands its endpoint a :class:`CheckedRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The usual handler, given the checked request."""
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            return await handler(CheckedRequest(request.scope, request.receive))

        return checked
