"""Second audit of the service (each test reproduces one attack that worked before its fix):
HEAD on readable routes, authenticated answers left cacheable, bodies the JSON parser cannot read
answered without a field, and notices published for models the register does not hold."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from modtrace.api.guard import Limits
from service_world import Service, canonical

ORIGINAL = "meta-llama/Llama-2-70b-hf"


LENIENT_SERVICE = True
"""The ``service`` fixture's client answers a server error with its 500 (conftest.py)."""


# ---- HEAD answers as GET does, under the same rules -------------------------------------------


@pytest.mark.parametrize("path", ["/register", "/api/regimes", "/api/public/filings", "/login"])
def test_head_answers_like_get_without_a_body(service: Service, path: str) -> None:
    """HTTP requires HEAD wherever GET is served (RFC 9110 §9.3.2); it answered 405."""
    got, head = service.get(path), service.client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-security-policy"] == got.headers["content-security-policy"]


def test_head_keeps_who_may_read_what(service: Service) -> None:
    """HEAD is GET without a body: it must not become a way round the 404 for a hidden filing."""
    filing = service.file_meditron()
    path = f"/api/filings/{filing}"
    assert service.client.head(path, headers=service.auth("epfl")).status_code == 200
    for who in ("rival", None):
        assert service.client.head(path, headers=service.auth(who)).status_code == 404
    assert service.client.head("/api/filings/99999", headers=service.auth("rival")).status_code == (
        404
    )
    bad = {"Authorization": "Bearer mt_not-a-token"}
    assert service.client.head(path, headers=bad).status_code == 401


def test_post_routes_still_refuse_head_and_other_methods(service: Service) -> None:
    for method in ("HEAD", "PUT", "DELETE", "PATCH"):
        answer = service.client.request(method, "/api/filings/1/review")
        assert answer.status_code == 405, method
    canonical(service.client.put("/api/filings/1", json={}), 405)


# ---- authenticated answers are never stored by a cache ----------------------------------------


def test_answers_carrying_private_data_are_not_cacheable(service: Service) -> None:
    """A confidential filing's contact data, served to its owner, came back with no
    ``Cache-Control``: a shared proxy or the browser's disk cache could keep and replay it."""
    filing = service.file_meditron()
    mine = service.get(f"/api/filings/{filing}", "epfl")
    assert mine.json()["filing"]["contact"] == "epfl@example.org"
    assert "no-store" in mine.headers["cache-control"]
    for path in ("/register", "/login", "/api/filings", "/assess"):
        assert "no-store" in service.get(path, "regulator").headers["cache-control"], path


def test_the_icon_stays_cacheable(service: Service) -> None:
    assert service.get("/favicon.svg").headers["cache-control"] == "public, max-age=86400"


# ---- bodies the parser cannot read name the body ----------------------------------------------


def test_json_nested_past_the_parser_s_own_limit_names_the_body(service: Service) -> None:
    """200,000 open brackets blew Python's recursion limit before our depth count ran; the answer
    was 400 "There was an error parsing the body" with no field."""
    answer = service.client.post(
        "/api/assessments", content=b"[" * 200_000, headers={"content-type": "application/json"}
    )
    data = canonical(answer, 422)
    assert data["errors"] == [
        {"field": "body", "problem": f"nested deeper than {Limits().max_depth}"}
    ]


@pytest.mark.parametrize(
    "raw", [b'{"facts": "\xff\xfe"}', b'{"facts": {"a": "\xc3"}}', b'{"\xc0\xaf": 1}']
)
def test_bytes_that_are_not_utf8_name_the_body(service: Service, raw: bytes) -> None:
    answer = service.client.post(
        "/api/assessments", content=raw, headers={"content-type": "application/json"}
    )
    data = canonical(answer, 422)
    assert data["errors"][0]["field"] == "body"
    assert "UTF-8" in data["errors"][0]["problem"]


def test_malformed_json_still_says_where_it_broke(service: Service) -> None:
    answer = service.client.post(
        "/api/assessments",
        content=b'{"facts": {\n  "a": }',
        headers={"content-type": "application/json"},
    )
    assert "line 2, column" in canonical(answer, 422)["errors"][0]["problem"]


# ---- a notice that changes assessments can be listed ------------------------------------------


def test_a_notice_for_a_model_not_yet_in_the_lineage_can_be_listed(service: Service) -> None:
    """Meta may publish for ``meta-llama/new`` before the Hub data holds it, and assessments read
    that notice (paper fn 91); listing it answered 404 "not in the register", so the public
    could not see the notice that changed an outcome."""
    answer = service.post(
        "/api/models/meta-llama/new/notices", "meta", {"kind": "warning", "description": "x"}
    )
    assert answer.status_code == 201
    listed = service.get("/api/models/meta-llama/new/notices")
    assert listed.status_code == 200
    assert [n["id"] for n in listed.json()["notices"]] == [answer.json()["notice_id"]]
    assert listed.json()["notices"][0]["description"] == "x"
    data = canonical(service.get("/api/models/meta-llama/other/notices"), 404)
    assert data["errors"] == [{"field": "model_id", "problem": "not in the register"}]


def test_a_rival_s_notice_answers_alike_for_known_and_unknown_models(service: Service) -> None:
    """Mistral learns nothing from publishing under Meta's name: 404 "model not found" alike,
    and nothing is written."""
    before = service.register.head().size
    bodies = []
    for model in (ORIGINAL, "meta-llama/Nope"):
        answer = service.post(
            f"/api/models/{model}/notices", "mistral", {"kind": "warning", "description": "x"}
        )
        bodies.append(canonical(answer, 404))
    assert bodies[0] == bodies[1]
    assert service.register.head().size == before


# ---- a hidden filing costs the server what a missing one does ----------------------------------


def statements(service: Service, path: str, who: str | None) -> tuple[int, Any]:
    """The SQL statements the service runs to answer ``path``, and the answer."""
    engine = service.app.state.register.engine
    ran: list[str] = []

    def count(*args: Any) -> None:
        ran.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = service.get(path, who)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(ran), answer


@pytest.mark.parametrize("who", ["rival", None, "mistral"])
def test_a_hidden_filing_runs_the_same_queries_as_a_missing_one(
    service: Service, who: str | None
) -> None:
    """The bodies of the two 404s were equal, but a hidden filing's determinations and reviews
    were read before the caller was refused (three queries against one): a timing oracle on
    whether a filing id exists."""
    hidden = service.file_meditron()
    service.post(f"/api/filings/{hidden}/review", "regulator", {"status": "under-review"})
    for path in ("/api/filings/{}", "/api/log/proof/filing/{}"):
        n_hidden, a = statements(service, path.format(hidden), who)
        n_missing, b = statements(service, path.format(hidden + 1000), who)
        assert canonical(a, 404) == canonical(b, 404)
        assert n_hidden == n_missing, path


@pytest.mark.parametrize("who", ["rival", None, "mistral"])
def test_a_hidden_incident_runs_the_same_queries_as_a_missing_one(
    service: Service, who: str | None
) -> None:
    """An incident on Meta's model: Mistral's refusal looked up each implicated model's provider,
    a missing incident's looked up nothing."""
    made = service.post(
        "/api/incidents", "meta", {"title": "Harm", "model_ids": [ORIGINAL, ORIGINAL]}
    )
    hidden = made.json()["incident_id"]
    n_hidden, a = statements(service, f"/api/incidents/{hidden}/recall", who)
    n_missing, b = statements(service, f"/api/incidents/{hidden + 1000}/recall", who)
    assert canonical(a, 404) == canonical(b, 404)
    assert n_hidden == n_missing
    assert service.get(f"/api/incidents/{hidden}/recall", "meta").status_code == 200


# ---- a search means the characters typed ------------------------------------------------------


def accepted_filing(service: Service) -> int:
    filing = service.file_meditron()
    for status in ("under-review", "accepted"):
        service.post(f"/api/filings/{filing}/review", "regulator", {"status": status})
    return filing


@pytest.mark.parametrize("path", ["/api/public/filings", "/api/filings", "/register"])
def test_a_search_for_percent_or_underscore_matches_those_characters(
    service: Service, path: str
) -> None:
    """``q=%`` and ``q=_`` were LIKE wildcards and matched every filing; ``q=\\`` escaped the
    next character on PostgreSQL and not on SQLite."""
    accepted_filing(service)

    def found(q: str) -> bool:
        answer = service.get(path, "rival", params={"q": q})
        assert answer.status_code == 200
        if path == "/register":
            return "Llama-2-70b-hf" in answer.text
        return bool(answer.json()["filings"])

    assert found("llama-2-70B")
    for q in ("%", "_", "llama_2", "\\", "%70b", "\\%"):
        assert not found(q), q


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/filings/1", {"GET"}),
        ("DELETE", "/register", {"GET"}),
        ("GET", "/api/filings/1/review", {"POST"}),
        ("GET", "/logout", {"POST"}),
    ],
)
def test_a_405_says_which_methods_are_allowed(
    service: Service, method: str, path: str, allowed: set[str]
) -> None:
    """The canonical body dropped the ``Allow`` header RFC 9110 §15.5.6 requires."""
    answer = service.client.request(method, path)
    canonical(answer, 405)
    assert {m.strip() for m in answer.headers["allow"].split(",")} == allowed
