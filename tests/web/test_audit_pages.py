"""The wizard under the same rules as the JSON API (found by the audit): a modifier cannot file
another's model as its own, and the paper's fn 91 showing recorded in the register counts on the
page as it does in the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from conftest import EXAMPLES
from modtrace.registry.tables import determinations, filings
from notice_facts import safeguard_removal
from service_world import Service, document, log_in

FN91_FACTS = safeguard_removal("meta-llama/big", "Meta", "EPFL LLM Team", "research")


def rows(service: Service, table: Any) -> int:
    with service.register.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


LENIENT_SERVICE = True
"""The ``service`` fixture's client answers a server error with its 500 (conftest.py)."""


def test_the_filing_form_refuses_a_model_another_modifier_registered(service: Service) -> None:
    service.file_meditron()
    rival, token = log_in(service, "rival")
    rivals_facts = document(EXAMPLES / "meditron-70b.yaml")
    rivals_facts["modifier"]["name"] = "Someone Else"
    before = rows(service, filings)
    answer = rival.post(
        "/file",
        data={
            "facts": json.dumps(rivals_facts),
            "model_id": "epfl-llm/meditron-70b",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 409, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    assert "another modifier has registered this model" in answer.text
    assert "Someone Else" in answer.text  # the answers are kept
    assert rows(service, filings) == before


def test_the_filing_form_records_the_providers_fn91_showing(service: Service) -> None:
    """The page filed determinations without the register's notices, so the same facts filed on
    the page and through the API were recorded with different outcomes."""
    published = service.post(
        "/api/models/meta-llama/big/notices",
        "meta",
        {"kind": "shown-safe", "description": "ablation study"},
    )
    assert published.status_code == 201, published.text
    epfl, token = log_in(service, "epfl")
    page = epfl.post("/file", data={"facts": json.dumps(FN91_FACTS), "csrf_token": token})
    assert page.status_code == 200, page.text[:300]
    api = service.post("/api/filings", "epfl", {"facts": FN91_FACTS})
    assert api.status_code == 201, api.text
    with service.register.engine.connect() as c:
        recorded = c.execute(
            select(determinations.c.modification_id, determinations.c.outcome).where(
                determinations.c.regime_id == "govai-2025"
            )
        ).all()
    assert sorted(outcome for _, outcome in recorded) == ["out-of-scope", "out-of-scope"]


@pytest.mark.parametrize(
    ("draft", "says"),
    [
        ("id: x\neffective_from: 2025-02-30\n", "day is out of range for month"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ("a: " + "9" * 5000, "Exceeds the limit (4300 digits)"),
        ("a: &a [*a]\n", "an alias refers to a node that contains it"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
                for p, n in zip("abcdefg", "bcdefgh", strict=True)
            ),
            "its aliases expand it to more than 1,000,000 values",
        ),
    ],
    ids=["impossible-date", "deep", "huge-integer", "alias-cycle", "billion-laughs"],
)
def test_a_hostile_draft_regime_is_a_422_page_not_a_500(
    service: Service, draft: str, says: str
) -> None:
    """An impossible date, deep nesting or a 5,000-digit integer in a pasted draft was an
    internal error (500); aliases are refused before they are expanded."""
    regulator, token = log_in(service, "regulator")
    answer = regulator.post(
        "/dashboard/drafts", data={"draft": draft, "against": "govai-2025", "csrf_token": token}
    )
    assert answer.status_code == 422, answer.text[:300]
    assert says in answer.text


def test_the_filing_form_refuses_evidence_citing_a_notice_the_register_lacks(
    service: Service,
) -> None:
    forged = json.loads(json.dumps(FN91_FACTS))
    forged["original"]["exempt_without_safeguards"] = True
    forged["evidence"] = [
        {"method": "shown-safe notice", "summary": "x", "sources": ["provider-notice:5"]}
    ]
    epfl, token = log_in(service, "epfl")
    answer = epfl.post("/file", data={"facts": json.dumps(forged), "csrf_token": token})
    assert answer.status_code == 400, answer.text[:300]
    assert "facts.evidence.0.sources.0" in answer.text
    assert rows(service, filings) == 0
