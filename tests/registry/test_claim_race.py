"""Two modifiers claiming one model at the same moment: the API's check before the write could
pass for both, so the write checks again inside its transaction, after taking the model's
claim (registry/claims.py), and of the two exactly one is stored. Both backends."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from conftest import EXAMPLES
from modtrace.errors import ConflictError
from modtrace.facts.loader import load_facts
from modtrace.registry.claims import other_claimants
from modtrace.visibility import ownership
from service_world import Service, canonical, document

MEDITRON = "epfl-llm/meditron-70b"


LENIENT_SERVICE = True
"""The ``service`` fixture's client answers a server error with its 500 (conftest.py)."""


def _facts(name: str) -> Any:
    facts = load_facts(EXAMPLES / "meditron-70b.yaml")
    return facts.model_copy(update={"modifier": facts.modifier.model_copy(update={"name": name})})


def test_a_claim_written_after_the_check_passed_is_refused_and_leaves_nothing(
    service: Service,
) -> None:
    service.register.submit_filing(_facts("EPFL"), model_id=MEDITRON, sole_claim=True)
    before = service.register.head().size
    with pytest.raises(ConflictError) as refused:
        service.register.submit_filing(
            _facts("Someone Else"), model_id=" EPFL-LLM/Meditron-70B", sole_claim=True
        )
    assert refused.value.issues[0][0] == "model_id"
    assert service.register.head().size == before  # no modification, filing or log entry
    assert service.register.verify().problems == []
    # the same modifier (names without case or space) files again; without sole_claim (a
    # regulator's correction) the id is recorded for anyone
    service.register.submit_filing(_facts(" epfl "), model_id=MEDITRON, sole_claim=True)
    service.register.submit_filing(_facts("Someone Else"), model_id=MEDITRON)


def test_the_api_refuses_a_claim_that_won_the_race_past_its_check(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check before the write is made to pass, as it would for the second of two filings
    sent at once: the write itself refuses with the same 409 naming ``model_id``."""
    service.file_meditron()
    monkeypatch.setattr(ownership, "claim_refused", lambda *args: False)
    facts = document(EXAMPLES / "meditron-70b.yaml")
    facts["modifier"]["name"] = "Someone Else"
    before = service.register.head().size
    answer = service.post("/api/filings", "rival", {"facts": facts, "model_id": MEDITRON})
    data = canonical(answer, 409)
    assert data["errors"][0]["field"] == "model_id"
    assert service.register.head().size == before


def test_of_two_concurrent_claims_exactly_one_is_stored(service: Service) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def claim(name: str) -> None:
        start.wait()
        try:
            service.register.submit_filing(_facts(name), model_id=MEDITRON, sole_claim=True)
            outcomes.append("stored")
        except ConflictError:
            outcomes.append("refused")

    threads = [threading.Thread(target=claim, args=(n,)) for n in ("EPFL", "Someone Else")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["refused", "stored"]
    with service.register.engine.connect() as c:
        assert len({*other_claimants(c, MEDITRON, "nobody")}) == 1
