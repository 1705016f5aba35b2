"""The whole service: JSON API plus pages, ready for a server."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fastapi import FastAPI

from modtrace.api.app import create_app
from modtrace.api.guard import DEFAULT_HOSTS
from modtrace.registry.register import Register
from modtrace.web import pages


def build(
    database: str | None = None,
    ecosystem_dir: Path | None = None,
    *,
    allowed_hosts: Iterable[str] = DEFAULT_HOSTS,
    docs: bool = False,
) -> FastAPI:
    """The service over the register at ``database`` (default: the embedded SQLite file),
    answering only to ``allowed_hosts``; interactive docs at ``/docs`` only when asked."""
    app = create_app(
        Register.open(database), ecosystem_dir=ecosystem_dir, allowed_hosts=allowed_hosts, docs=docs
    )
    pages.install(app)
    return app
