"""Second audit, on the register: a token's subject fits every column it is written to (a
regulator's reviews, a provider's incidents), and a write that fails midway leaves nothing
behind. Both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from conftest import EXAMPLES
from modtrace.api.guard import SECURITY_HEADERS
from modtrace.cli.main import cli
from modtrace.errors import RegisterError
from modtrace.facts.loader import load_facts
from modtrace.registry import register as register_module
from modtrace.registry.register import Register
from modtrace.registry.tables import filings, modifications
from modtrace.registry.tokens import MAX_SUBJECT, create_token
from service_world import Service, document

MEDITRON = EXAMPLES / "meditron-70b.yaml"


LENIENT_SERVICE = True
"""The ``service`` fixture's client answers a server error with its 500 (conftest.py)."""


def test_a_subject_too_long_for_the_register_is_refused_when_the_token_is_made(
    register: Register, tmp_path: Path
) -> None:
    """A regulator token of 250 characters was issued, then every review it made failed with
    "reviewer: at most 200 characters" (a field the caller never sent); a provider's incidents
    failed on ``reported_by`` alike."""
    with pytest.raises(RegisterError) as refused:
        create_token(register, "regulator", "x" * (MAX_SUBJECT + 1))
    assert refused.value.issues[0][0] == "subject"
    assert str(MAX_SUBJECT) in refused.value.issues[0][1]
    db = ["--database", str(register.engine.url.render_as_string(hide_password=False))]
    answer = CliRunner().invoke(
        cli, ["token", "create", "--role", "provider", "--subject", "y" * 400, *db]
    )
    assert answer.exit_code == 2
    assert answer.output.startswith("error: subject: at most")


def test_the_longest_subject_can_review_and_report(service: Service) -> None:
    longest = "r" * MAX_SUBJECT
    service.tokens["long-regulator"] = create_token(service.register, "regulator", longest)
    service.tokens["long-provider"] = create_token(
        service.register, "provider", "meta-llama|" + "p" * (MAX_SUBJECT - 11)
    )
    filing = service.file_meditron()
    moved = service.post(
        f"/api/filings/{filing}/review", "long-regulator", {"status": "under-review"}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["filing"]["reviews"][-1]["reviewer"] == longest
    incident = service.post(
        "/api/incidents",
        "long-provider",
        {"title": "Harm", "model_ids": ["meta-llama/Llama-2-70b-hf"]},
    )
    assert incident.status_code == 201, incident.text
    assert service.register.verify().problems == []


# ---- a failure midway leaves nothing ---------------------------------------------------------


def fail_on(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """The register's ``_insert`` raises when it reaches a ``kind`` row (a crash midway)."""
    real = register_module._insert

    def failing(connection: Any, table: Any, what: str, values: dict[str, Any]) -> int:
        if what == kind:
            raise RuntimeError(f"crash while writing a {kind}")
        return real(connection, table, what, values)

    monkeypatch.setattr(register_module, "_insert", failing)


def counts(register: Register) -> tuple[int, int, int]:
    with register.engine.connect() as c:
        n_filings = c.execute(select(func.count()).select_from(filings)).scalar_one()
        n_mods = c.execute(select(func.count()).select_from(modifications)).scalar_one()
    return n_filings, n_mods, register.head().size


def test_a_filing_that_fails_at_its_last_row_leaves_no_modification(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = load_facts(MEDITRON)
    before = counts(register)
    fail_on(monkeypatch, "filing")
    with pytest.raises(RuntimeError):
        register.submit_filing(facts, model_id="epfl-llm/meditron-70b", owner="EPFL LLM Team")
    assert counts(register) == before
    assert register.verify().problems == []


def test_a_review_that_fails_after_moving_the_filing_leaves_it_where_it_was(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filing's status and its log entry are written before the review row: a crash at the
    review row must take both back."""
    _, filing = register.submit_filing(load_facts(MEDITRON), owner="EPFL LLM Team")
    before = counts(register)
    fail_on(monkeypatch, "filing-review")
    with pytest.raises(RuntimeError):
        register.review(filing, "under-review", reviewer="AI Office")
    assert register.filing(filing)["status"] == "submitted"
    assert register.filing(filing)["reviews"] == []
    assert counts(register) == before
    assert register.verify().problems == []


def test_the_api_answers_a_crash_midway_with_500_and_keeps_nothing(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = counts(service.register)
    fail_on(monkeypatch, "filing")
    answer = service.post(
        "/api/filings",
        "epfl",
        {"facts": document(MEDITRON), "model_id": "epfl-llm/meditron-70b"},
    )
    assert answer.status_code == 500
    assert answer.json() == {"ok": False, "error": "internal error", "errors": [], "status": 500}
    for name, value in SECURITY_HEADERS.items():  # a crash answered without them before
        assert answer.headers[name] == value
    assert answer.headers["cache-control"] == "no-store"
    assert counts(service.register) == before
