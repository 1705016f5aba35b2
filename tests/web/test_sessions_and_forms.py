"""Findings 7 and 8 of issue 11, on the pages: per-session form tokens, POST-only logout that
ends the session on the server, origin checks, login that cannot be forced. Both backends."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import update

from conftest import EXAMPLES
from modtrace.api.guard import Limits
from modtrace.registry.tables import api_tokens
from modtrace.registry.tokens import now_utc, revoke
from modtrace.web.security import LOGIN_COOKIE, SESSION_COOKIE
from service_world import BASE, Service, canonical, document, form_token

ATTACKER = {"Origin": "http://localhost:9999"}  # a page on another port of the same host


def browser(service: Service) -> TestClient:
    return TestClient(service.app, base_url=BASE, follow_redirects=False)


def log_in(service: Service, who: str) -> tuple[TestClient, str]:
    """A browser that logged in through the form; its session's form token."""
    b = browser(service)
    token = form_token(b.get("/login").text)
    answer = b.post("/login", data={"token": service.tokens[who], "csrf_token": token})
    assert answer.status_code == 303, answer.text[:300]
    assert service.tokens[who] not in str(b.cookies.get(SESSION_COOKIE))  # never the API token
    return b, form_token(b.get("/register").text)


def status_of(service: Service, filing: int) -> str:
    return str(service.get(f"/api/filings/{filing}", "regulator").json()["filing"]["status"])


def test_a_review_without_the_session_s_form_token_changes_nothing(service: Service) -> None:
    filing = service.file_meditron()
    regulator, token = log_in(service, "regulator")
    path = f"/dashboard/filings/{filing}/review"
    for data in ({"status": "under-review"}, {"status": "under-review", "csrf_token": "forged"}):
        assert regulator.post(path, data=data).status_code == 403
    assert status_of(service, filing) == "submitted"
    other, other_token = log_in(service, "regulator")  # a token from another session
    assert (
        regulator.post(path, data={"status": "under-review", "csrf_token": other_token}).status_code
        == 403
    )
    assert status_of(service, filing) == "submitted"
    ok = regulator.post(path, data={"status": "under-review", "csrf_token": token})
    assert ok.status_code == 303
    assert status_of(service, filing) == "under-review"
    other.close()
    regulator.close()


def test_a_page_on_another_port_cannot_post_even_with_the_right_token(service: Service) -> None:
    """SameSite=Strict does not separate ports; the origin check does."""
    filing = service.file_meditron()
    regulator, token = log_in(service, "regulator")
    answer = regulator.post(
        f"/dashboard/filings/{filing}/review",
        data={"status": "under-review", "csrf_token": token},
        headers=ATTACKER,
    )
    canonical(answer, 403)
    assert status_of(service, filing) == "submitted"
    canonical(regulator.post("/logout", data={"csrf_token": token}, headers=ATTACKER), 403)
    assert "Regulator dashboard" in regulator.get("/dashboard").text  # still logged in
    regulator.close()


def test_login_cannot_be_forced_on_a_victim(service: Service) -> None:
    """Login CSRF: the attacker's form has no token from the victim's login cookie, and its
    origin is not ours."""
    victim = browser(service)
    victim.get("/login")
    for headers, data in (
        ({}, {"token": service.tokens["rival"]}),
        ({}, {"token": service.tokens["rival"], "csrf_token": "guessed"}),
        (ATTACKER, {"token": service.tokens["rival"], "csrf_token": victim.cookies[LOGIN_COOKIE]}),
    ):
        answer = victim.post("/login", data=data, headers=headers)
        assert answer.status_code == 403
        assert SESSION_COOKIE not in answer.cookies
    victim.close()


def test_logout_is_post_only_and_ends_the_session_on_the_server(service: Service) -> None:
    service.file_meditron()
    regulator, token = log_in(service, "regulator")
    stolen = regulator.cookies[SESSION_COOKIE]
    assert len(regulator.get("/api/filings").json()["filings"]) == 1  # reads as the regulator
    canonical(regulator.get("/logout"), 405)  # a link or an <img> cannot log anyone out
    assert "Regulator dashboard" in regulator.get("/dashboard").text
    assert regulator.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
    assert regulator.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = browser(service)
    replay.cookies.set(SESSION_COOKIE, stolen)
    assert replay.get("/dashboard").status_code == 403  # the copied cookie is dead
    assert replay.get("/api/filings").json()["filings"] == []  # the API treats it as public
    replay.close()
    regulator.close()


def test_revoking_or_expiring_the_token_ends_its_sessions(service: Service) -> None:
    regulator, _ = log_in(service, "regulator")
    revoke(service.register, service.tokens["regulator"])
    assert regulator.get("/dashboard").status_code == 403
    modifier, _ = log_in(service, "epfl")
    with service.register.engine.begin() as c:
        c.execute(
            update(api_tokens)
            .where(api_tokens.c.subject == "EPFL LLM Team")
            .values(expires_at=now_utc())
        )
    assert "EPFL LLM Team" not in modifier.get("/assess").text
    regulator.close()
    modifier.close()


def test_the_api_takes_a_session_only_with_its_form_token_for_changes(service: Service) -> None:
    regulator, token = log_in(service, "regulator")
    filing = service.file_meditron()
    path = f"/api/filings/{filing}/review"
    canonical(regulator.post(path, json={"status": "under-review"}), 403)
    assert status_of(service, filing) == "submitted"
    done = regulator.post(path, json={"status": "under-review"}, headers={"X-CSRF-Token": token})
    assert done.status_code == 200
    regulator.close()


def test_cookies_are_http_only_and_strict(service: Service) -> None:
    b = browser(service)
    first = b.get("/login").headers["set-cookie"].lower()
    assert "httponly" in first
    assert "samesite=strict" in first
    answer = b.post(
        "/login",
        data={"token": service.tokens["epfl"], "csrf_token": form_token(b.get("/login").text)},
    )
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    b.close()


def test_the_filing_form_keeps_the_api_s_field_limits(service: Service) -> None:
    modifier, token = log_in(service, "epfl")
    facts = document(EXAMPLES / "meditron-70b.yaml")
    facts["modification"]["intended_use"] = "x" * (Limits().max_string + 1)
    answer = modifier.post("/file", data={"facts": json.dumps(facts), "csrf_token": token})
    assert answer.status_code == 422
    assert "facts.modification.intended_use" in answer.text
    assert service.get("/api/filings", "regulator").json()["filings"] == []
    modifier.close()
