"""The pages, on the same app and the same rules as the JSON API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from modtrace.api import store
from modtrace.api.guard import Limits, Refused, check_json, parse_json
from modtrace.determination.assess import assess
from modtrace.determination.explain import determination_text
from modtrace.errors import InputError
from modtrace.facts.loader import facts_from_mapping
from modtrace.facts.model import Technique
from modtrace.lineage.recall import propagate
from modtrace.lineage.trace import walk
from modtrace.regimes.loader import default_catalog
from modtrace.registry.register import FILING_TRANSITIONS, Register
from modtrace.registry.sessions import end_session, start_session
from modtrace.registry.tokens import PUBLIC
from modtrace.visibility import access
from modtrace.web import security
from modtrace.web.graph import lineage_svg

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
LIST_FIELDS = {"original.modalities", "modification.data.domains"}
LABELS = {
    "under-review": "Start review",
    "accepted": "Accept",
    "returned": "Return",
    "submitted": "Resubmit",
}
MAX_QUERY = 200
LIMITS = Limits()


def form_to_facts(form: dict[str, list[str]]) -> dict[str, Any]:
    """Nested facts from flat form fields; blank fields are unknown."""
    doc: dict[str, Any] = {}
    for key, values in form.items():
        if "." not in key:
            continue
        if key == "modification.techniques":
            value: Any = [v for v in values if v] or None
        elif key in LIST_FIELDS:
            value = [p.strip() for p in values[0].split(",") if p.strip()] or None
        else:
            raw = values[0].strip() if values else ""
            value = {"true": True, "false": False}.get(raw, raw) if raw else None
        if value is None:
            continue
        node = doc
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return doc


def install(app: FastAPI) -> None:
    """Add the pages to the service."""
    register: Register = app.state.register

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        token, new = security.form_token(request)
        response = TEMPLATES.TemplateResponse(
            request,
            template,
            {"who": security.who(request), "csrf_token": token, **context},
            status_code=status,
        )
        if new:
            security.set_login_cookie(response, request, token)
        return response

    def refused_form(request: Request) -> HTMLResponse:
        return page(
            request,
            "login.html",
            status=403,
            title="Log in",
            error="This form has expired or did not come from this site; reload and try again.",
        )

    def assess_page(request: Request, values: dict[str, list[str]], **context: Any) -> HTMLResponse:
        def v(name: str) -> str:
            return values.get(name, [""])[0]

        def tri(name: str) -> Any:
            options = "".join(
                f'<option value="{o}"{" selected" if v(name) == o else ""}>'
                f"{o or 'unknown'}</option>"
                for o in ("", "true", "false")
            )
            return Markup(f'<select name="{name}">{options}</select>')

        return page(
            request,
            "assess.html",
            title="Self-assessment",
            v=v,
            tri=tri,
            techniques=[t.value for t in Technique],
            checked=values.get("modification.techniques", []),
            explain=determination_text,
            **context,
        )

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/assess", status_code=303)

    @app.get("/assess", response_class=HTMLResponse, include_in_schema=False)
    def assess_form(request: Request) -> HTMLResponse:
        return assess_page(request, {})

    @app.post("/assess", response_class=HTMLResponse, include_in_schema=False)
    async def assess_submit(request: Request) -> HTMLResponse:
        form = await request.form()
        values = {k: [str(x) for x in form.getlist(k)] for k in form}
        doc = form_to_facts(values)
        try:
            facts = facts_from_mapping(doc, source="form")
        except InputError as exc:
            return assess_page(
                request, values, status=400, error="Some answers need fixing", errors=exc.issues
            )
        results = [assess(facts, r) for r in default_catalog().in_force()]
        return assess_page(
            request, values, results=results, facts_json=json.dumps(facts.model_dump(mode="json"))
        )

    @app.post("/file", response_class=HTMLResponse, include_in_schema=False)
    def file_submit(
        request: Request,
        facts: str = Form(...),
        model_id: str = Form(""),
        contact: str = Form(""),
        confidential: str = Form(""),
        csrf_token: str = Form(""),
    ) -> HTMLResponse:
        who = security.who(request)
        if who.role not in ("modifier", "regulator"):
            return page(
                request,
                "login.html",
                status=403,
                title="Log in",
                error="Log in with a modifier token to file a registration.",
            )
        if not security.form_token_ok(request, csrf_token):
            return refused_form(request)
        try:
            document = parse_json(facts.encode("utf-8"), LIMITS)
            check_json(document, LIMITS, "facts")  # the same field limits as the JSON API
            parsed = facts_from_mapping(document, source="facts")
        except Refused as exc:
            return page(
                request,
                "login.html",
                status=422,
                title="Error",
                error="Invalid facts",
                errors=[(exc.field, exc.problem)],
            )
        except (InputError, ValueError) as exc:
            return page(
                request, "login.html", status=400, title="Error", error=f"Invalid facts: {exc}"
            )
        if who.role == "modifier" and not access.same(parsed.modifier.name, who.subject):
            return assess_page(
                request,
                {},
                status=403,
                error=f"You file as {who.subject}; the facts name {parsed.modifier.name}.",
            )
        _, filing_id = register.submit_filing(
            parsed,
            determined=[assess(parsed, r) for r in default_catalog().in_force()],
            model_id=model_id or None,
            contact=contact or None,
            confidential=confidential == "true",
            owner=who.subject,
        )
        return assess_page(
            request, {}, notice=f"Filing {filing_id} submitted. The regulator will review it."
        )

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html", title="Log in")

    @app.post("/login", include_in_schema=False)
    def login(request: Request, token: str = Form(...), csrf_token: str = Form("")) -> Response:
        if not security.form_token_ok(request, csrf_token, login=True):
            return refused_form(request)
        started = start_session(register, token.strip()) if token.strip() else None
        if started is None:
            return page(
                request,
                "login.html",
                status=401,
                title="Log in",
                error="Unknown, expired or revoked token.",
            )
        secret, session = started
        target = "/dashboard" if session.principal.role == "regulator" else "/assess"
        response = RedirectResponse(target, status_code=303)
        security.set_session_cookie(response, request, secret)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: str = Form("")) -> Response:
        if security.current_session(request) is not None:
            if not security.form_token_ok(request, csrf_token):
                return refused_form(request)
            end_session(register, request.cookies.get(security.SESSION_COOKIE))
        response = RedirectResponse("/register", status_code=303)
        security.clear_session_cookie(response)
        return response

    @app.get("/register", response_class=HTMLResponse, include_in_schema=False)
    def public_register(request: Request, q: str | None = None) -> HTMLResponse:
        if q is not None and len(q) > MAX_QUERY:
            return page(
                request,
                "register.html",
                status=422,
                title="Public register",
                filings=[],
                q=q[:MAX_QUERY],
                error=f"Search for at most {MAX_QUERY} characters.",
            )
        filings = [
            access.filing_view(PUBLIC, *ctx)
            for i in store.filing_ids(register, status="accepted", query=q)
            if (ctx := store.filing_context(register, i))
        ]
        return page(request, "register.html", title="Public register", filings=filings, q=q)

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(
        request: Request, incident: str | None = None, model: str | None = None
    ) -> HTMLResponse:
        who = security.who(request)
        if who.role != "regulator":
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
        views = [access.filing_view(who, *ctx) for ctx in contexts]
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
        recall = None
        if incident and incident.isascii() and incident.isdigit() and len(incident) < 10:
            try:
                with register.engine.connect() as c:
                    recall = propagate(c, int(incident))
            except InputError:
                recall = None
        graph = None
        if model:
            with register.engine.connect() as c:
                graph = lineage_svg(model, walk(c, model, "back", 3), walk(c, model, "forward", 2))
        return page(
            request,
            "dashboard.html",
            title="Dashboard",
            queue=queue,
            in_scope=[f for f in in_scope if f["regimes"]],
            transitions=FILING_TRANSITIONS,
            labels=LABELS,
            recall=recall,
            incident_id=incident,
            graph=graph,
            model_id=model,
        )

    @app.post("/dashboard/filings/{filing_id}/review", include_in_schema=False)
    def dashboard_review(
        request: Request,
        filing_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
        status: str = Form(..., max_length=40),
        comment: str = Form("", max_length=5000),
        csrf_token: str = Form(""),
    ) -> Response:
        who = security.who(request)
        if who.role != "regulator":
            return page(request, "login.html", status=403, title="Log in", error="Regulators only.")
        if not security.form_token_ok(request, csrf_token):
            return refused_form(request)
        try:
            register.review(filing_id, status, reviewer=who.subject, comment=comment or None)
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
