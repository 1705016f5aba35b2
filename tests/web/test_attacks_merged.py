"""Attacks on the merged service (issue 11's hardening and the page refactor, merged by hand),
each reproduced as a hostile user would send it. Both backends: PostgreSQL enforces column
lengths that SQLite ignores, so an over-long name was a 500 on one and silently stored on the
other."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from conftest import EXAMPLES
from modtrace.api.guard import host_allowed
from modtrace.registry.tables import filings, gate_decisions, modifications
from service_world import GATE_REQUEST, GATE_TERMS, Service, canonical, document
from service_world import log_in as _log_in

LONG = "x" * 301
"""One character over the register's 300-character name columns."""


def log_in(service: Service, who: str) -> tuple[TestClient, str]:
    """Logged in through the form; server errors come back as pages, as attacks expect."""
    return _log_in(service, who, lenient=True)


LENIENT_SERVICE = True
"""The ``service`` fixture's client answers a server error with its 500 (conftest.py)."""


def rows(service: Service, table: Any) -> int:
    with service.register.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


def meditron(**changes: Any) -> dict[str, Any]:
    facts = document(EXAMPLES / "meditron-70b.yaml")
    for path, value in changes.items():
        section, key = path.split("__")
        facts[section][key] = value
    return facts


def refused_page(answer: Any, *named: str) -> None:
    """A 4xx page (never a 5xx, never JSON for a form) that names what to fix."""
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert answer.headers["content-type"].startswith("text/html"), answer.text[:200]
    for name in named:
        assert name in answer.text, name


@pytest.mark.parametrize("field", ["model_id", "contact"])
def test_an_over_long_field_on_the_filing_form_is_refused_and_nothing_is_stored(
    service: Service, field: str
) -> None:
    epfl, token = log_in(service, "epfl")
    answer = epfl.post(
        "/file", data={"facts": json.dumps(meditron()), "csrf_token": token, field: LONG}
    )
    refused_page(answer, field, "at most 300 characters")
    assert "EPFL LLM Team" in answer.text  # the answers are kept
    assert rows(service, filings) == rows(service, modifications) == 0


def test_over_long_names_in_the_facts_are_refused_on_the_page_and_the_api(
    service: Service,
) -> None:
    regulator, token = log_in(service, "regulator")  # files for anyone, so may name anyone
    answer = regulator.post(
        "/file",
        data={"facts": json.dumps(meditron(modifier__name=LONG)), "csrf_token": token},
    )
    refused_page(answer, "modifier.name")
    api = service.post("/api/filings", "epfl", {"facts": meditron(original__id=LONG)})
    assert canonical(api, 400)["errors"][0]["field"] == "original.id"
    assert rows(service, filings) == rows(service, modifications) == 0


def test_an_over_long_requester_at_the_gate_is_refused_and_not_recorded(service: Service) -> None:
    request = document(GATE_REQUEST)
    request["requester"] = {**request["requester"], "name": LONG}
    answer = service.post(
        "/api/gate/check", "meta", {"request": request, "terms": document(GATE_TERMS)}
    )
    assert 400 <= answer.status_code < 500, answer.text[:300]
    assert rows(service, gate_decisions) == 0


def test_deeply_nested_facts_on_the_filing_form_are_refused_not_500(service: Service) -> None:
    epfl, token = log_in(service, "epfl")
    answer = epfl.post("/file", data={"facts": "[" * 100_000, "csrf_token": token})
    refused_page(answer, "facts")
    assert rows(service, filings) == 0


def test_a_registration_the_register_refuses_answers_the_wizard_page(service: Service) -> None:
    """Not the JSON error body: a person filed from a form and gets the form back."""
    epfl, token = log_in(service, "epfl")
    facts = meditron(modification__intended_use=None)
    answer = epfl.post("/file", data={"facts": json.dumps(facts), "csrf_token": token})
    refused_page(answer, "intended use")
    assert "EPFL LLM Team" in answer.text
    assert rows(service, filings) == 0


@pytest.mark.parametrize(
    "host",
    ["localhost:8000/../evil", "localhost:abc", "localhost:8000@evil.example", "localhost:8000?x"],
)
def test_a_host_header_that_is_not_a_host_and_port_is_refused_on_pages(
    service: Service, host: str
) -> None:
    assert not host_allowed(host, ["localhost"])
    assert canonical(service.get("/login", headers={"Host": host}), 400)["errors"][0]["field"] == (
        "Host"
    )


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "LOCALHOST:1", "[::1]:8000"])
def test_a_host_and_port_is_still_served(host: str) -> None:
    assert host_allowed(host, ["localhost", "::1"])
