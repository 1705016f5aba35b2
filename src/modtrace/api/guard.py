"""The service's outer wall, checked before any route runs (pure ASGI, so nothing is parsed
twice by a route that would fail anyway).

In order: the Host header is one of the allowed hosts (DNS rebinding); a state-changing request
from a browser comes from this origin (``Origin``, else ``Referer``); the URL has no NUL byte; a
bearer token given is live (401 before any body is read or validated); the body is at most
:data:`MAX_BODY_BYTES` (413); a JSON body keeps within :class:`Limits` (finite numbers, no NUL
byte, bounded strings, arrays and nesting, UTF-8). Every refusal is the canonical error body, and
every response carries the security headers and, unless its route set one, ``Cache-Control:
no-store``. ``HEAD`` is answered as ``GET`` without the body (RFC 9110 §9.3.2), under the same
checks, since the routes declare ``GET`` only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modtrace.api.errors import body
from modtrace.documents import bad_text, json_object
from modtrace.registry.tokens import resolve

DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")
"""Hosts served unless configured (``modtrace serve --allowed-host``)."""
MAX_BODY_BYTES = 1024 * 1024
"""Largest request body, JSON or form."""
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
"""Sent with every response. ``same-origin`` (not ``no-referrer``) so that browsers still send
our own ``Origin`` on form posts, which the origin check needs."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_CACHE_CONTROL = "no-store"
"""Sent unless a route sets its own (the icon): answers carry private data for their caller (a
filing's contact, a session's form token), which no shared proxy or disk cache may keep."""


@dataclass(frozen=True)
class Limits:
    """What a JSON body may hold (documented in docs/service.md)."""

    max_string: int = 20_000
    max_items: int = 10_000
    max_depth: int = 32
    max_int_digits: int = 60


class Refused(Exception):
    """A request the wall turns away."""

    def __init__(self, status: int, error: str, field: str, problem: str) -> None:
        super().__init__(error)
        self.status, self.error, self.field, self.problem = status, error, field, problem


def host_allowed(host_header: str, allowed: Iterable[str]) -> bool:
    """Whether a Host header names an allowed host (any port); ``*`` allows every host."""
    allowed = tuple(allowed)
    if "*" in allowed:
        return True
    try:
        parts = urlsplit(f"//{host_header}")
        name, _ = parts.hostname, parts.port  # a port that is not a number raises
    except ValueError:
        return False
    if parts.netloc != host_header or "@" in host_header:  # a path, query or user: not a Host
        return False
    return name is not None and name in {h.lower().strip("[]") for h in allowed}


def _origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def check_origin(scope: Scope, headers: Headers) -> None:
    """A browser's state-changing request must come from this origin; clients that send neither
    ``Origin`` nor ``Referer`` (curl, the CLI) are not browsers and carry no ambient cookie."""
    if scope["method"] in SAFE_METHODS:
        return
    ours = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
    origin = headers.get("origin")
    referer = headers.get("referer")
    if origin is not None:
        if origin.lower() != ours:
            raise Refused(403, "cross-origin request refused", "Origin", f"must be {ours}")
    elif referer is not None and _origin_of(referer) != ours:
        raise Refused(403, "cross-origin request refused", "Referer", f"must be from {ours}")


class _HugeInteger:
    """Stands in for an integer too long to convert, so the walk can name its field."""


def _shown(where: str) -> str:
    """A field path as it can be printed (a key may hold a NUL or a lone surrogate)."""
    return where.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def check_json(value: Any, limits: Limits, path: str = "", depth: int = 0) -> None:
    """Walk a parsed body; the first value over a limit, named by its field path."""
    where = path or "body"
    if depth > limits.max_depth:
        raise Refused(422, "invalid request", where, f"nested deeper than {limits.max_depth}")
    if isinstance(value, str):
        if problem := bad_text(value):
            raise Refused(422, "invalid request", _shown(where), problem)
        if len(value) > limits.max_string:
            raise Refused(
                422, "invalid request", where, f"longer than {limits.max_string} characters"
            )
    elif isinstance(value, float) and not math.isfinite(value):
        raise Refused(422, "invalid request", where, "must be a finite number")
    elif isinstance(value, _HugeInteger):
        raise Refused(
            422, "invalid request", where, f"an integer of more than {limits.max_int_digits} digits"
        )
    elif isinstance(value, dict):
        if len(value) > limits.max_items:
            raise Refused(422, "invalid request", where, f"more than {limits.max_items} keys")
        for key, item in value.items():
            check_json(key, limits, where, depth + 1)
            check_json(item, limits, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list):
        if len(value) > limits.max_items:
            raise Refused(422, "invalid request", where, f"more than {limits.max_items} items")
        for i, item in enumerate(value):
            check_json(item, limits, f"{path}.{i}" if path else str(i), depth + 1)


def parse_json(raw: bytes, limits: Limits) -> Any:
    """Parse a body the way the routes will, keeping what JSON cannot carry safely (``NaN``,
    ``Infinity``, ``1e999``, integers of hundreds of digits) for :func:`check_json` to name, and
    which keys an object gave twice (``modtrace.documents.document_issues`` names them)."""

    def integer(text: str) -> int | _HugeInteger:
        return _HugeInteger() if len(text.lstrip("-")) > limits.max_int_digits else int(text)

    return json.loads(raw, parse_int=integer, parse_constant=float, object_pairs_hook=json_object)


class Guard:
    """ASGI middleware: see the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Iterable[str] = DEFAULT_HOSTS,
        max_body: int = MAX_BODY_BYTES,
        limits: Limits = Limits(),
    ) -> None:
        self.app, self.allowed_hosts = app, tuple(allowed_hosts)
        self.max_body, self.limits = max_body, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        head = scope["method"] == "HEAD"
        if head:  # the routes declare GET; HEAD is GET without the body
            scope = {**scope, "method": "GET"}

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                added = {**SECURITY_HEADERS, "cache-control": DEFAULT_CACHE_CONTROL}
                message["headers"] = list(message.get("headers", [])) + [
                    (k.encode(), v.encode()) for k, v in added.items() if k.encode() not in present
                ]
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            raw = await self._admit(scope, receive)
        except Refused as exc:
            response = JSONResponse(
                body(exc.status, exc.error, [(exc.field, exc.problem)]), status_code=exc.status
            )
            await response(scope, receive, send_with_headers)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: wait for the disconnect
            replayed = True
            return {"type": "http.request", "body": raw, "more_body": False}

        try:
            await self.app(scope, replay, send_with_headers)
        except Exception:
            # a bug: Starlette's outermost handler would answer it without the headers above
            if not started:
                crash = JSONResponse(body(500, "internal error", []), status_code=500)
                await crash(scope, receive, send_with_headers)
            raise

    async def _admit(self, scope: Scope, receive: Receive) -> bytes:
        headers = Headers(scope=scope)
        if not host_allowed(headers.get("host", ""), self.allowed_hosts):
            raise Refused(400, "host not allowed", "Host", "not one of the served host names")
        check_origin(scope, headers)
        if "\x00" in scope["path"] or b"\x00" in unquote_to_bytes(scope["query_string"]):
            raise Refused(422, "invalid request", "url", "contains a NUL character")
        authorization = headers.get("authorization")
        if authorization is not None:
            scheme, _, credentials = authorization.partition(" ")
            token = credentials.strip()
            register = scope["app"].state.register
            who = await run_in_threadpool(resolve, register, token) if token else None
            if scheme.lower() != "bearer" or who is None:
                raise Refused(
                    401, "unknown, expired or revoked token", "Authorization", "not a live token"
                )
            scope.setdefault("state", {})["principal"] = who  # resolved once per request
        declared = headers.get("content-length")
        if declared is not None and (
            not (declared.isascii() and declared.isdigit()) or int(declared) > self.max_body
        ):
            raise Refused(413, "request body too large", "body", f"at most {self.max_body} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise Refused(
                    413, "request body too large", "body", f"at most {self.max_body} bytes"
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        raw = b"".join(chunks)
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if raw and (content_type in ("", "application/json") or content_type.endswith("+json")):
            try:
                parsed = parse_json(raw, self.limits)
            except UnicodeDecodeError as exc:  # before JSON: the route could not say where
                raise Refused(
                    422, "invalid request", "body", f"not UTF-8 text (byte {exc.start})"
                ) from None
            except RecursionError:  # the parser's own depth limit, before ours could count
                raise Refused(
                    422, "invalid request", "body", f"nested deeper than {self.limits.max_depth}"
                ) from None
            except ValueError:
                return raw  # malformed JSON: the route's validation says where
            check_json(parsed, self.limits)
        elif (
            raw
            and content_type == "application/x-www-form-urlencoded"
            and (b"%00" in raw or b"\x00" in raw)
        ):
            raise Refused(422, "invalid request", "form", "contains a NUL character")
        return raw
