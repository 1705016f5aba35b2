"""The regulator's dashboard: the review queue, the in-scope register, incidents and their recall
lists, and lineage drawings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from modtrace.api import store
from modtrace.errors import InputError
from modtrace.lineage.recall import RecallList, propagate
from modtrace.lineage.trace import walk
from modtrace.registry.register import FILING_TRANSITIONS, Register
from modtrace.visibility import access
from modtrace.web import drafts, security
from modtrace.web.graph import lineage_svg
from modtrace.web.render import page, refused_form, who

LABELS = {
    "under-review": "Start review",
    "accepted": "Accept",
    "returned": "Return",
    "submitted": "Resubmit",
}
FILED_WITHOUT_ACCOUNT = "command line (no account)"
"""Shown as "Filed by" for filings made with ``modtrace filing submit``, which have no owner."""


def _recall(
    register: Register, incident: str | None, from_root: bool
) -> tuple[RecallList | None, str | None, int]:
    """The recall list of an incident id typed into the form, or why there is none (and the
    page's status)."""
    if not incident:
        return None, None, 200
    text = incident.strip()
    if not (text.isascii() and text.isdigit() and len(text) < 10) or int(text) < 1:
        return None, f"Incident id “{text}” is not a number: pick one from the list.", 400
    try:
        with register.engine.connect() as c:
            return propagate(c, int(text), from_root=from_root), None, 200
    except InputError:
        return None, f"There is no incident {text}: pick one from the list.", 404


def _lineage(register: Register, model: str | None) -> dict[str, Any] | None:
    if not model:
        return None
    model = model.strip()
    with register.engine.connect() as c:
        up, down = walk(c, model, "back", 3), walk(c, model, "forward", 2)
    known = register.model(model) is not None or bool(up.reached or down.reached)
    return {
        "model": model,
        "known": known,
        "svg": lineage_svg(model, up, down) if known else None,
        "parents": up.reached[:20],
        "children": down.reached[:20],
        "n_up": len(up.reached),
        "n_down": len(down.reached),
    }


def install(app: FastAPI) -> None:
    """Add the dashboard's routes."""
    register: Register = app.state.register
    drafts.install(app)

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(
        request: Request,
        incident: str | None = None,
        model: str | None = None,
        from_root: str | None = None,
    ) -> HTMLResponse:
        caller = who(request)
        if caller.role != "regulator":
            return page(
                request,
                "login.html",
                status=403,
                title="Log in",
                error="The dashboard is for regulators: log in with a regulator token.",
            )
        contexts = [
            ctx
            for i in store.filing_ids(register, limit=500)
            if (ctx := store.filing_context(register, i))
        ]
        views = [access.filing_view(caller, *ctx) for ctx in contexts]
        for view in views:
            view["filed_by"] = view.get("owner") or FILED_WITHOUT_ACCOUNT
        queue = [f for f in views if f["status"] in ("submitted", "under-review")]
        in_scope = [
            {
                **f,
                "regimes": [
                    d["regime_id"] for d in f["determinations"] if d["outcome"] == "in-scope"
                ],
            }
            for f in views
        ]
        recall, recall_error, status = _recall(register, incident, from_root == "true")
        lineage = _lineage(register, model)
        return page(
            request,
            "dashboard.html",
            status=status,
            title="Dashboard",
            queue=queue,
            in_scope=[f for f in in_scope if f["regimes"]],
            transitions=FILING_TRANSITIONS,
            labels=LABELS,
            incidents=store.recent_incidents(register),
            recall=recall,
            recall_error=recall_error,
            from_root=from_root == "true",
            incident_id=incident,
            lineage=lineage,
        )

    @app.post("/dashboard/filings/{filing_id}/review", include_in_schema=False)
    def dashboard_review(
        request: Request,
        filing_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
        status: str = Form(..., max_length=40),
        comment: str = Form("", max_length=5000),
        csrf_token: str = Form(""),
    ) -> Response:
        caller = who(request)
        if caller.role != "regulator":
            return page(request, "login.html", status=403, title="Log in", error="Regulators only.")
        if not security.form_token_ok(request, csrf_token):
            return refused_form(request)
        try:
            register.review(filing_id, status, reviewer=caller.subject, comment=comment or None)
        except InputError as exc:
            return page(
                request,
                "login.html",
                status=400,
                title="Error",
                error="Review refused",
                errors=exc.issues,
            )
        return RedirectResponse("/dashboard", status_code=303)
