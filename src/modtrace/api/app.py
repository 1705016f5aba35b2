"""The FastAPI application: JSON under ``/api``, pages elsewhere (``modtrace.web``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import polars as pl
from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from modtrace import __version__
from modtrace.api import errors, links, store
from modtrace.api.errors import ApiError, not_found
from modtrace.api.guard import DEFAULT_HOSTS, Guard
from modtrace.api.log_routes import log_router
from modtrace.api.schemas import (
    AssessmentRequest,
    FilingRequest,
    GateCheckRequest,
    IncidentRequest,
    NoticeRequest,
    ReviewRequest,
)
from modtrace.determination.assess import assess
from modtrace.determination.notices import with_notices
from modtrace.documents import validate
from modtrace.errors import FactsError, InputError, RegisterError
from modtrace.facts.loader import facts_from_mapping
from modtrace.facts.model import Facts
from modtrace.lineage.graph import GraphCache
from modtrace.lineage.sources import check_kinds, split_deleted
from modtrace.regimes.loader import default_catalog, with_overrides
from modtrace.regimes.model import regime_to_data
from modtrace.registry.claims import CLAIMED_BY_ANOTHER
from modtrace.registry.known import unknown_models
from modtrace.registry.register import Register
from modtrace.registry.tokens import PUBLIC, Principal, resolve
from modtrace.upstream.gate import check as gate_check_request
from modtrace.upstream.gate import parse_request, record_decision
from modtrace.upstream.kyc import load_list
from modtrace.upstream.monitor import breach_entries
from modtrace.upstream.terms import Terms
from modtrace.visibility import access, ownership
from modtrace.visibility.recall import visible_recall
from modtrace.web.security import current_session, same_secret

bearer = HTTPBearer(auto_error=False)
MAX_ID = 2**31 - 1
MAX_QUERY = 200
"""Characters in a search."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RowId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
ModelId = Annotated[str, PathParam(min_length=1, max_length=300)]
"""A Hub-style id; the register's columns hold 300 characters."""


def _facts(data: dict[str, Any]) -> Facts:
    try:
        return facts_from_mapping(data, source="facts")
    except FactsError as exc:  # its fields are relative to the facts; prefix them
        raise ApiError(
            400,
            "invalid facts",
            [(f if f == "facts" else f"facts.{f}", p) for f, p in exc.issues],
        ) from None


def principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """The caller, from a bearer token, else the pages' session; public without either.

    A session (a browser's ambient cookie) changes state only with its form token in the
    ``X-CSRF-Token`` header; the guard has already refused other origins.
    """
    if credentials is not None:
        known: Principal | None = getattr(request.state, "principal", None)  # from the guard
        who = known or resolve(request.app.state.register, credentials.credentials)
        if who is None:
            raise ApiError(401, "unknown, expired or revoked token")
        return who
    session = current_session(request)
    if session is None:
        return PUBLIC
    if request.method not in SAFE_METHODS and not same_secret(
        session.form_token, request.headers.get("x-csrf-token", "")
    ):
        raise ApiError(
            403,
            "a session needs its form token",
            [("X-CSRF-Token", "missing or not this session's")],
        )
    return session.principal


Who = Annotated[Principal, Depends(principal)]


def create_app(
    register: Register,
    *,
    ecosystem_dir: Path | None = None,
    allowed_hosts: Iterable[str] = DEFAULT_HOSTS,
    docs: bool = False,
) -> FastAPI:
    """The service over ``register``, behind the guard (hosts, origins, tokens, body limits).

    Interactive docs (``/docs``, ``/redoc``) load scripts from a CDN, so they are off unless
    ``docs``; ``/openapi.json`` is always served.
    """
    app = FastAPI(
        title="modtrace",
        version=__version__,
        description="Assess, register and trace downstream modifications of foundation models.",
        docs_url="/docs" if docs else None,
        redoc_url=None,
    )
    app.add_middleware(Guard, allowed_hosts=allowed_hosts)
    app.state.register = register
    app.state.ecosystem_dir = ecosystem_dir
    app.state.graph_cache = GraphCache(register.engine)
    screening_list = tuple(load_list())  # the shipped list, read once rather than per request
    errors.install(app)
    app.include_router(log_router(register))

    def need(who: Principal, *roles: str) -> None:
        if who.role not in roles:
            raise ApiError(403, f"a {who.role} token cannot do this; needs {' or '.join(roles)}")

    @app.get("/api/regimes", tags=["regimes"])
    def list_regimes() -> list[dict[str, str | int]]:
        """Every regime version."""
        return default_catalog().summary()

    @app.get("/api/regimes/{regime_id}", tags=["regimes"])
    def get_regime(regime_id: str, at: dt.date | None = None) -> dict[str, Any]:
        """One regime: parameters, steps, roles, obligations, sources."""
        return regime_to_data(default_catalog().get(regime_id, at))

    @app.post("/api/assessments", tags=["assessments"])
    def create_assessment(request: AssessmentRequest) -> dict[str, Any]:
        """Assess facts (stateless: nothing is stored). Anyone may call it."""
        facts = _facts(request.facts)
        facts = with_notices(facts, register.notices(facts.original.id))  # paper fn 91
        catalog = default_catalog()
        ids = [request.regime] if request.regime else catalog.ids()
        if not request.regime:  # a misspelt parameter must not be dropped without a word
            regimes = [catalog.get(i, request.at) for i in ids]
            if unknown := [
                n for n in request.params if not any(n in r.parameters for r in regimes)
            ]:
                raise ApiError(
                    400,
                    "invalid input",
                    [(f"params.{n}", "no regime has this parameter") for n in unknown],
                )
        results = []
        for regime_id in ids:
            regime = catalog.get(regime_id, request.at)
            overrides = {
                k: v for k, v in request.params.items() if k in regime.parameters or request.regime
            }
            results.append(
                assess(facts, with_overrides(regime, overrides), at=request.at).model_dump(
                    mode="json"
                )
            )
        return {"ok": True, "determinations": results}

    @app.get("/api/models/{model_id:path}/lineage", tags=["lineage"])
    def lineage(
        model_id: ModelId,
        direction: Annotated[
            str, Query(pattern="^(back|forward|ancestry|descendants)$")
        ] = "forward",
        depth: Annotated[int | None, Query(ge=1, le=50)] = None,
        limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
        source: Annotated[list[str] | None, Query(max_length=20)] = None,
        include_deleted: bool = False,
    ) -> dict[str, Any]:
        """One step back or forward, or the whole ancestry or descendants (public data).

        ``source`` (repeatable) follows only edges of those kinds (hf-lineage, hub-stats, card,
        filing, manual); models deleted from the Hub are left out and counted in
        ``deleted_left_out`` unless ``include_deleted`` is true, as ``modtrace trace`` does.
        """
        try:
            kinds = check_kinds(source or [])
        except ValueError as exc:
            raise ApiError(422, "invalid query", [("source", str(exc))]) from None
        if unknown_models(register.engine, [model_id]):
            raise ApiError(404, "model not found", [("model_id", "not in the register")])
        graph = app.state.graph_cache.current()  # in memory: reloaded when edges are added
        filters = {
            "sources": sorted(kinds) if kinds else None,
            "include_deleted": include_deleted,
        }
        if direction in ("back", "forward"):
            links, left_out = split_deleted(
                graph.one_step(model_id, direction, kinds=kinds), include_deleted
            )
            return {
                "model_id": model_id,
                "direction": direction,
                **filters,
                "total": len(links),
                "deleted_left_out": left_out,
                "links": [x._asdict() for x in links[:limit]],
            }
        way = "back" if direction == "ancestry" else "forward"
        result = graph.walk(model_id, way, depth, kinds=kinds)
        shown = result.shown(include_deleted)  # rows and paths are built for the page only
        return {
            "model_id": model_id,
            "direction": direction,
            **filters,
            "total": len(shown),
            "deleted_left_out": len(result) - len(shown),
            "reached": [
                {**r._asdict(), "path": [list(p) for p in r.path]}
                for r in result.rows(shown[:limit])
            ],
            "cycles": [list(c) for c in result.cycles],
            "dangling": result.dangling[:limit],
        }

    @app.post("/api/models/{model_id:path}/notices", tags=["lineage"], status_code=201)
    def publish_notice(model_id: ModelId, request: NoticeRequest, who: Who) -> dict[str, Any]:
        """Publish a warning or prohibited modification (the model's own provider only)."""
        need(who, "provider", "regulator")
        if not ownership.acts_for_model(who, register, model_id):
            raise not_found("model")
        notice_id = register.publish_notice(
            model_id=model_id, provider=who.subject, **request.model_dump()
        )
        return {"ok": True, "notice_id": notice_id}

    @app.get("/api/models/{model_id:path}/notices", tags=["lineage"])
    def list_notices(model_id: ModelId) -> dict[str, Any]:
        """Warnings and prohibited modifications published for a model (public).

        A provider may publish for a model the register's lineage does not hold yet (a new
        release); assessments read those notices, so they are listed too."""
        notices = register.notices(model_id)
        if not notices and unknown_models(register.engine, [model_id]):
            raise ApiError(404, "model not found", [("model_id", "not in the register")])
        return {"ok": True, "notices": notices}

    @app.post("/api/gate/check", tags=["upstream"])
    def gate_check(body: GateCheckRequest, who: Who) -> dict[str, Any]:
        """Run a provider's gate on a modification request and record the decision."""
        need(who, "provider", "regulator")
        try:
            terms = validate(body.terms, Terms, schema="terms")
        except InputError as exc:
            raise ApiError(
                400, "invalid terms", [(f"terms.{f}", p) for f, p in exc.issues]
            ) from None
        try:
            request = parse_request(body.request)
        except InputError as exc:
            raise ApiError(
                400, "invalid request", [(f"request.{f}", p) for f, p in exc.issues]
            ) from None
        if not ownership.acts_for_model(who, register, terms.model):
            raise not_found("model")  # the register says whose it is, never terms.provider
        if who.role == "provider" and not access.known_as(who.subject, terms.provider):
            raise ApiError(
                400,
                "invalid terms",
                [("terms.provider", f"must be one of the token's names ({who.subject})")],
            )
        if request.data.sample_path is not None:
            raise ApiError(
                422,
                "invalid request",
                [
                    (
                        "request.data.sample_path",
                        "the service never opens a path; send the texts inline as data.sample",
                    )
                ],
            )
        screening = [*screening_list, *breach_entries(register)]
        decision = gate_check_request(
            request, terms, screening, register.kyc_verdicts(request.requester.name)
        )
        decision_id = record_decision(register, request, terms, decision)
        return {"ok": True, "decision_id": decision_id, **decision.as_dict()}

    def _filing_or_404(who: Principal, filing_id: int) -> store.FilingContext:
        context = store.filing_context(register, filing_id, who)
        if context is None or not access.can_read_filing(who, context[0], context[1]):
            raise not_found("filing")
        return context

    @app.post("/api/filings", tags=["filings"], status_code=201, openapi_extra=links.FILING_CREATED)
    def create_filing(request: FilingRequest, who: Who) -> dict[str, Any]:
        """File a registration (modifiers for themselves; regulators for anyone)."""
        need(who, "modifier", "regulator")
        facts = _facts(request.facts)
        if who.role == "modifier" and not access.same(facts.modifier.name, who.subject):
            raise ApiError(
                403,
                "a modifier files only its own modifications",
                [("facts.modifier.name", f"must be {who.subject!r}, the token's subject")],
            )
        if forged := ownership.unbacked_notice_sources(register, facts):
            raise ApiError(400, "invalid facts", forged)
        if ownership.claim_refused(who, register, request.model_id, facts.modifier.name):
            raise ApiError(409, "conflict", [("model_id", CLAIMED_BY_ANOTHER)])
        noticed = with_notices(facts, register.notices(facts.original.id))  # paper fn 91
        determined = [assess(noticed, r) for r in default_catalog().in_force()]
        _, filing_id = register.submit_filing(
            facts,
            determined=determined,
            model_id=request.model_id,
            contact=request.contact,
            confidential=request.confidential,
            owner=who.subject,
            sole_claim=who.role == "modifier",  # checked again as it is written (a race)
        )
        filing, facts_data, dets, reviews = _filing_or_404(who, filing_id)
        return {"ok": True, "filing": access.filing_view(who, filing, facts_data, dets, reviews)}

    @app.get("/api/filings", tags=["filings"])
    def list_filings(
        who: Who,
        status: Annotated[str | None, Query(max_length=40)] = None,
        q: Annotated[str | None, Query(max_length=MAX_QUERY)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    ) -> dict[str, Any]:
        """Filings this caller may see (the public sees accepted ones)."""
        contexts = store.readable_filings(
            register,
            who,
            status=status,
            query=q,
            limit=limit,
            offset=offset,
        )
        return {"ok": True, "filings": [access.filing_view(who, *c) for c in contexts]}

    @app.get("/api/filings/{filing_id}", tags=["filings"])
    def get_filing(filing_id: RowId, who: Who) -> dict[str, Any]:
        """One filing, as much of it as the caller may see."""
        return {"ok": True, "filing": access.filing_view(who, *_filing_or_404(who, filing_id))}

    @app.post("/api/filings/{filing_id}/review", tags=["filings"])
    def review_filing(filing_id: RowId, request: ReviewRequest, who: Who) -> dict[str, Any]:
        """Move a filing along its review (regulators)."""
        _filing_or_404(who, filing_id)
        need(who, "regulator")
        register.review(filing_id, request.status, reviewer=who.subject, comment=request.comment)
        return {"ok": True, "filing": access.filing_view(who, *_filing_or_404(who, filing_id))}

    @app.get("/api/public/filings", tags=["public"])
    def public_register(
        q: Annotated[str | None, Query(max_length=MAX_QUERY)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        """The public register: accepted filings' public fields only."""
        views = [
            access.filing_view(PUBLIC, *ctx)
            for i in store.filing_ids(register, status="accepted", query=q, limit=limit)
            if (ctx := store.filing_context(register, i))
        ]
        return {"ok": True, "filings": views}

    @app.post(
        "/api/incidents", tags=["incidents"], status_code=201, openapi_extra=links.INCIDENT_CREATED
    )
    def report_incident(request: IncidentRequest, who: Who) -> dict[str, Any]:
        """Record an incident (regulators, providers)."""
        need(who, "regulator", "provider")
        if unknown := unknown_models(register.engine, request.model_ids):
            raise ApiError(
                400,
                "invalid input",
                [
                    (f"model_ids.{request.model_ids.index(m)}", f"{m} is not in the register")
                    for m in unknown
                ],
            )
        incident_id = register.report_incident(
            **request.model_dump(), reported_by=f"{who.role}:{who.subject}"
        )
        return {"ok": True, "incident_id": incident_id}

    def _incident_visible(who: Principal, incident_id: int) -> dict[str, Any]:
        try:
            incident: dict[str, Any] | None = register.incident(incident_id)
        except RegisterError:  # no incident with that id: refused at the cost of a hidden one
            incident = None
        readable = ownership.can_read_incident(who, register, incident)  # None costs the same
        if incident is None or not readable:
            raise not_found("incident")
        return incident

    @app.get("/api/incidents/{incident_id}/recall", tags=["incidents"])
    def recall(incident_id: RowId, who: Who, from_root: bool = False) -> dict[str, Any]:
        """The recall list (regulators; providers for incidents implicating their models)."""
        _incident_visible(who, incident_id)
        with register.engine.connect() as c:
            data = visible_recall(who, c, incident_id, from_root=from_root)
        return {"ok": True, "recall": data}

    @app.get("/api/ecosystem/summary", tags=["ecosystem"])
    def ecosystem_summary() -> dict[str, Any]:
        """Outcome counts per regime from the last `modtrace ecosystem report`."""
        folder = app.state.ecosystem_dir
        path = folder / "population.parquet" if folder else None
        if path is None or not path.exists():
            raise ApiError(
                404, "no ecosystem report has been built (run `modtrace ecosystem report`)"
            )
        frame = pl.read_parquet(path)
        regimes = {}
        for column in [c for c in frame.columns if c.startswith("outcome.")]:
            counts = dict(frame.group_by(column).len().iter_rows())
            regimes[column.removeprefix("outcome.")] = {
                k: counts.get(k, 0) for k in ("in-scope", "indeterminate", "out-of-scope")
            }
        return {
            "ok": True,
            "derivatives": frame.height,
            "developers": frame["developer"].n_unique(),
            "regimes": regimes,
        }

    @app.get("/api/log/head", tags=["log"])
    def log_head() -> dict[str, Any]:
        """The log's tree head, for publication."""
        return {"ok": True, **asdict(register.head())}

    @app.get("/api/log/proof/{kind}/{ref}", tags=["log"])
    def log_proof(
        kind: Annotated[str, PathParam(max_length=40)],
        ref: Annotated[str, PathParam(max_length=300)],
        who: Who,
    ) -> dict[str, Any]:
        """Inclusion proof of a record (regulators: any; others: filings they may read)."""
        if who.role != "regulator":
            # ASCII digits only: "²" or "٣" pass str.isdigit() but are no filing id
            if kind != "filing" or not (ref.isascii() and ref.isdigit()) or int(ref) > MAX_ID:
                raise not_found("record")
            _filing_or_404(who, int(ref))
        try:
            proof = register.prove(kind, ref)
        except RegisterError:  # an unknown kind or a record not in the log
            raise not_found("record") from None
        return {"ok": True, "proof": asdict(proof), "verified": proof.verify()}

    return app
