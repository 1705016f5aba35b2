"""The self-assessment wizard and filing from it (``/assess``, ``/file``)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from modtrace.api.guard import Limits, Refused, check_json, parse_json
from modtrace.determination.assess import assess
from modtrace.determination.explain import determination_text
from modtrace.determination.notices import with_notices
from modtrace.documents import document_issues
from modtrace.errors import ConflictError, InputError
from modtrace.facts.flatten import facts_to_row
from modtrace.facts.loader import facts_from_mapping
from modtrace.facts.model import Facts
from modtrace.regimes.loader import default_catalog
from modtrace.registry.claims import CLAIMED_BY_ANOTHER
from modtrace.registry.register import Register
from modtrace.visibility import access, ownership
from modtrace.web import security
from modtrace.web.form import FIELDS, facts_to_form, form_to_facts, wizard_sections
from modtrace.web.render import page, refused_form, who

LIMITS = Limits()
"""The JSON API's field limits, applied to the facts a filing form carries."""


def _assess_all(register: Register, facts: Facts) -> list[Any]:
    """Every regime in force, with what the register's provider notices establish (paper fn 91),
    as the JSON API and ``modtrace assess --register`` assess."""
    noticed = with_notices(facts, register.notices(facts.original.id))
    return [assess(noticed, r) for r in default_catalog().in_force()]


def _claimed(
    request: Request, values: dict[str, list[str]], model_id: str, kept: dict[str, Any]
) -> HTMLResponse:
    """The wizard refusing a filing whose model another modifier has registered."""
    return wizard_page(
        request,
        values,
        status=409,
        error=f"Not filed: model id {model_id}: {CLAIMED_BY_ANOTHER}. Your answers are kept below.",
        **kept,
    )


def wizard_page(
    request: Request, values: dict[str, list[str]], status: int = 200, **context: Any
) -> HTMLResponse:
    """The wizard with ``values`` filled in; the name defaults to the logged-in modifier."""
    caller = who(request)
    if caller.role == "modifier" and not values.get("modifier.name", [""])[0]:
        values = {**values, "modifier.name": [caller.subject]}

    def v(name: str) -> str:
        return values.get(name, [""])[0]

    return page(
        request,
        "assess.html",
        status=status,
        title="Self-assessment",
        sections=wizard_sections(),
        values=values,
        v=v,
        field_of=FIELDS.get,
        explain=determination_text,
        filing=context.pop("filing", {}),
        **context,
    )


def _link(path: str) -> Markup | str:
    """A field path as a link to its field, where the wizard has one."""
    spec = FIELDS.get(path)
    if spec is None:
        return path
    return Markup('<a href="#{}">{}</a>').format(spec.anchor, spec.label)


def _refusal(subject: str, named: str) -> str:
    label = FIELDS["modifier.name"].label
    return (
        f"Not filed: you are logged in as {subject}, but the facts name {named} as the modifier. "
        f"If you made this modification, change “{label}” to {subject} and file again; "
        f"if {named} made it, {named} files it with their own token. Your answers are kept below."
    )


def install(app: FastAPI) -> None:
    """Add the wizard's routes."""
    register: Register = app.state.register

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/assess", status_code=303)

    @app.get("/assess", response_class=HTMLResponse, include_in_schema=False)
    def assess_form(request: Request) -> HTMLResponse:
        return wizard_page(request, {})

    @app.post("/assess", response_class=HTMLResponse, include_in_schema=False)
    async def assess_submit(request: Request) -> HTMLResponse:
        form = await request.form()
        values = {k: [str(x) for x in form.getlist(k)] for k in form}
        try:
            facts = facts_from_mapping(form_to_facts(values), source="form")
        except InputError as exc:
            issues = [(_link(f), p) for f, p in exc.issues]
            return wizard_page(
                request, values, status=400, error="Some answers need fixing", errors=issues
            )
        return wizard_page(
            request,
            values,
            results=_assess_all(register, facts),
            facts_json=json.dumps(facts.model_dump(mode="json")),
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
        caller = who(request)
        if caller.role not in ("modifier", "regulator"):
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
            if issues := document_issues(document, source="facts"):  # duplicate keys, as the API
                return page(
                    request,
                    "login.html",
                    status=400,
                    title="Error",
                    error="Invalid facts",
                    errors=[(f"facts.{f}" if f != "facts" else f, p) for f, p in issues],
                )
            parsed = facts_from_mapping(document, source="facts")
        except (Refused, RecursionError) as exc:
            # RecursionError: the JSON parser's own depth limit, before ours could count
            where = (
                (exc.field, exc.problem)
                if isinstance(exc, Refused)
                else ("facts", f"nested deeper than {LIMITS.max_depth}")
            )
            return page(
                request,
                "login.html",
                status=422,
                title="Error",
                error="Invalid facts",
                errors=[where],
            )
        except (InputError, ValueError) as exc:
            return page(
                request, "login.html", status=400, title="Error", error=f"Invalid facts: {exc}"
            )
        values = facts_to_form(facts_to_row(parsed))
        determined = _assess_all(register, parsed)
        kept = {
            "results": determined,
            "facts_json": json.dumps(parsed.model_dump(mode="json")),
            "filing": {
                "model_id": model_id,
                "contact": contact,
                "confidential": confidential == "true",
            },
        }
        if caller.role == "modifier" and not access.same(parsed.modifier.name, caller.subject):
            return wizard_page(
                request,
                values,
                status=403,
                error=_refusal(caller.subject, parsed.modifier.name),
                **kept,
            )
        if forged := ownership.unbacked_notice_sources(register, parsed):
            return wizard_page(
                request,
                values,
                status=400,
                error="Not filed: the evidence cites a provider notice the register does not hold.",
                errors=forged,
                **kept,
            )
        if ownership.claim_refused(caller, register, model_id or None, parsed.modifier.name):
            return _claimed(request, values, model_id, kept)
        try:
            _, filing_id = register.submit_filing(
                parsed,
                determined=determined,
                model_id=model_id or None,
                contact=contact or None,
                confidential=confidential == "true",
                owner=caller.subject,
                sole_claim=caller.role == "modifier",  # checked again as it is written
            )
        except ConflictError:  # another modifier's claim committed since the check above
            return _claimed(request, values, model_id, kept)
        except InputError as exc:  # what a registration lacks, or a name too long to store
            return wizard_page(
                request,
                values,
                status=400,
                error="Not filed: some answers need fixing. Your answers are kept below.",
                errors=[(_link(f), p) for f, p in exc.issues],
                **kept,
            )
        return wizard_page(
            request, {}, notice=f"Filing {filing_id} submitted. The regulator will review it."
        )
