"""A regulator's draft regime on the dashboard (``/dashboard/drafts``): checked with every
problem's line and column, compared with a bundled regime, tried on a facts document and, when
the server holds an ecosystem population, on the Hub population (issue #17).

Nothing is stored: the draft lives only in the request. The bundled catalog is only read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from modtrace.determination.assess import assess
from modtrace.determination.explain import determination_text
from modtrace.ecosystem.compare import Comparison, compare, comparison_text
from modtrace.ecosystem.simulate import SCENARIOS
from modtrace.ecosystem.stored import NoPopulation, read_population
from modtrace.errors import InputError
from modtrace.facts.loader import facts_from_mapping, parse_document
from modtrace.regimes.diff import diff_regimes
from modtrace.regimes.drafts import MAX_DRAFT_BYTES, CheckedDraft, Problem, check_text
from modtrace.regimes.loader import default_catalog
from modtrace.regimes.model import Regime
from modtrace.web import security
from modtrace.web.render import page, refused_form, who

MAX_FACTS_CHARS = 100_000
"""A facts document is a few kilobytes."""
SHOWN_LINES = 2_000
"""Lines of the draft listed back, each an anchor its problems link to."""
DEFAULT_AGAINST = "govai-2025"


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def _draft_text(form: FormData) -> tuple[str, str, list[Problem]]:
    """The draft's text and the name its problems carry: an uploaded file wins over the box."""
    upload = form.get("draft_file")
    if isinstance(upload, UploadFile) and upload.filename:
        name = Path(upload.filename).name or "upload"
        raw = await upload.read(MAX_DRAFT_BYTES + 1)
        if len(raw) > MAX_DRAFT_BYTES:
            return "", name, [Problem(name, 0, 0, "", f"over {MAX_DRAFT_BYTES:,} bytes")]
        try:
            return raw.decode("utf-8"), name, []
        except UnicodeDecodeError:
            return "", name, [Problem(name, 0, 0, "", "cannot be read: not UTF-8 text")]
    return _field(form, "draft"), "draft", []


def _population(app: FastAPI) -> pl.DataFrame:
    """The served report's population, read once per report file (its mtime)."""
    folder: Path | None = getattr(app.state, "ecosystem_dir", None)
    path = folder / "population.parquet" if folder else None
    stamp = path.stat().st_mtime_ns if path is not None and path.is_file() else None
    cached = getattr(app.state, "draft_population", None)
    if cached is not None and stamp is not None and cached[0] == (path, stamp):
        frame: pl.DataFrame = cached[1]
        return frame
    frame = read_population(folder)
    app.state.draft_population = ((path, stamp), frame)
    return frame


def _assessments(text: str, draft: Regime, against: Regime) -> tuple[list[Any], list[Any]]:
    """The determinations of a facts document under both regimes, or its issues."""
    if len(text) > MAX_FACTS_CHARS:
        return [], [("facts", f"at most {MAX_FACTS_CHARS:,} characters")]
    try:
        facts = facts_from_mapping(parse_document(text, source="facts"), source="facts")
    except InputError as exc:
        return [], exc.issues
    return [assess(facts, draft), assess(facts, against)], []


def _lines(text: str, problems: list[Problem]) -> list[dict[str, Any]]:
    bad = {p.line for p in problems}
    return [
        {"n": n, "text": line, "bad": n in bad}
        for n, line in enumerate(text.splitlines()[:SHOWN_LINES], start=1)
    ]


def install(app: FastAPI) -> None:
    """Add the draft page's routes."""

    def refused(request: Request) -> HTMLResponse:
        return page(
            request,
            "login.html",
            status=403,
            title="Log in",
            error="Drafting regimes is for regulators: log in with a regulator token.",
        )

    def drafts_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        catalog = default_catalog()
        return page(
            request,
            "drafts.html",
            status=status,
            title="Draft a regime",
            regimes=[catalog.get(i) for i in catalog.ids()],
            scenarios=list(SCENARIOS),
            max_bytes=MAX_DRAFT_BYTES,
            shown_lines=SHOWN_LINES,
            explain=determination_text,
            **{
                "values": {"against": DEFAULT_AGAINST, "scenario": "strict", "simulate": "true"},
                **context,
            },
        )

    @app.get("/dashboard/drafts", response_class=HTMLResponse, include_in_schema=False)
    def drafts_form(request: Request) -> HTMLResponse:
        if who(request).role != "regulator":
            return refused(request)
        return drafts_page(request)

    @app.post("/dashboard/drafts", response_class=HTMLResponse, include_in_schema=False)
    async def drafts_check(request: Request) -> HTMLResponse:
        if who(request).role != "regulator":
            return refused(request)
        async with request.form(max_files=1, max_fields=20) as form:  # closes the upload
            if not security.form_token_ok(request, _field(form, "csrf_token")):
                return refused_form(request)
            values = {k: _field(form, k) for k in ("draft", "against", "facts", "scenario")}
            values["simulate"] = "true" if _field(form, "simulate") == "true" else ""
            text, name, read_problems = await _draft_text(form)
        values["draft"] = text or values["draft"]
        catalog = default_catalog()
        if values["against"] not in catalog.ids():
            return drafts_page(
                request,
                status=400,
                values=values,
                error=f"Compare with one of the bundled regimes: {', '.join(catalog.ids())}.",
            )
        if values["scenario"] not in SCENARIOS:
            values["scenario"] = "strict"
        if not text.strip() and not read_problems:
            return drafts_page(
                request, status=400, values=values, error="Paste a draft regime or choose a file."
            )
        checked = (  # a megabyte of YAML takes seconds to parse: off the event loop
            CheckedDraft(None, {}, read_problems)
            if read_problems
            else await run_in_threadpool(check_text, text, name)
        )
        context: dict[str, Any] = {
            "values": values,
            "checked": checked,
            "name": name,
            "lines": _lines(text, checked.problems),
        }
        if checked.regime is None:
            return drafts_page(request, status=422, **context)
        against = catalog.get(values["against"])
        context["against"] = against
        context["differences"] = diff_regimes(against, checked.regime)
        if values["facts"].strip():
            context["results"], context["facts_issues"] = _assessments(
                values["facts"], checked.regime, against
            )
        if values["simulate"]:
            try:  # a second or so over the Hub population: off the event loop
                population = await run_in_threadpool(_population, request.app)
                comparison: Comparison = await run_in_threadpool(
                    compare, population, checked.regime, against, SCENARIOS[values["scenario"]]
                )
            except NoPopulation as exc:
                context["no_population"] = exc.problem
            else:
                context["comparison"] = comparison
                context["comparison_text"] = comparison_text(comparison)
        return drafts_page(request, **context)
