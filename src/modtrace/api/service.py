"""The whole service: JSON API plus pages, ready for a server."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from modtrace.api.app import create_app
from modtrace.registry.register import Register
from modtrace.web import pages


def build(database: str | None = None, ecosystem_dir: Path | None = None) -> FastAPI:
    """The service over the register at ``database`` (default: the embedded SQLite file)."""
    app = create_app(Register.open(database), ecosystem_dir=ecosystem_dir)
    pages.install(app)
    return app
