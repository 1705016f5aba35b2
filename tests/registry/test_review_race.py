"""Concurrent reviews of one filing: exactly one transition wins, on SQLite and PostgreSQL.

The attack (issue 11, finding 5): many reviewers move the same filings at once. Before the
compare-and-set, up to 65 of 100 filings took more than one transition and an accepted filing
could end up returned.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import EXAMPLES
from modtrace import load_facts
from modtrace.api.service import build
from modtrace.errors import ConflictError, RegisterError
from modtrace.registry.register import FILING_TRANSITIONS, Register
from modtrace.registry.tables import filing_reviews
from modtrace.registry.tokens import create_token

FILINGS = 12
RACERS = 4


def _filings(register: Register, count: int) -> list[int]:
    mod_id = register.record_modification(load_facts(EXAMPLES / "meditron-70b.yaml"))
    ids = [register.file(mod_id) for _ in range(count)]
    for filing_id in ids:
        register.review(filing_id, "under-review", reviewer="intake")
    return ids


def _race(register: Register, jobs: list[tuple[int, str, str]]) -> list[str]:
    """Run every (filing, target, reviewer) at once; each job's outcome: won, conflict, refused."""
    start = threading.Barrier(RACERS)

    def attempt(job: tuple[int, str, str]) -> str:
        filing_id, target, reviewer = job
        start.wait()
        try:
            register.review(filing_id, target, reviewer=reviewer)
        except ConflictError:
            return "conflict"
        except RegisterError:
            return "refused"
        return "won"

    outcomes: list[str] = []
    with ThreadPoolExecutor(RACERS) as pool:
        for i in range(0, len(jobs), RACERS):
            outcomes += pool.map(attempt, jobs[i : i + RACERS])
    return outcomes


def _reviews(register: Register) -> list[tuple[int, str, str, str]]:
    with register.engine.connect() as c:
        return [
            (int(r[0]), str(r[1]), str(r[2]), str(r[3]))
            for r in c.execute(
                select(
                    filing_reviews.c.filing_id,
                    filing_reviews.c.from_status,
                    filing_reviews.c.to_status,
                    filing_reviews.c.reviewer,
                ).order_by(filing_reviews.c.id)
            )
        ]


def test_concurrent_reviews_make_exactly_one_transition(register: Register) -> None:
    ids = _filings(register, FILINGS)
    jobs = [
        (filing_id, ("accepted", "returned")[r % 2], f"reviewer-{r}")
        for filing_id in ids
        for r in range(RACERS)
    ]
    outcomes = _race(register, jobs)
    won = [job for job, outcome in zip(jobs, outcomes, strict=True) if outcome == "won"]
    winners = Counter(job[0] for job in won)
    assert winners == dict.fromkeys(ids, 1), winners
    assert set(outcomes) <= {"won", "conflict", "refused"}
    decided = [r for r in _reviews(register) if r[1] == "under-review"]
    assert Counter(r[0] for r in decided) == dict.fromkeys(ids, 1)
    for filing_id, _, to_status, reviewer in decided:
        assert register.filing(filing_id)["status"] == to_status
        assert (filing_id, to_status, reviewer) in won
    for filing_id, from_status, to_status, _ in _reviews(register):  # every step was a legal one
        assert to_status in FILING_TRANSITIONS[from_status], (filing_id, from_status, to_status)
    assert register.verify().ok


def test_an_accepted_filing_cannot_be_returned_by_a_racing_review(register: Register) -> None:
    ids = _filings(register, FILINGS)
    for filing_id in ids:
        register.review(filing_id, "accepted", reviewer="first")
    jobs = [(filing_id, "returned", f"late-{r}") for filing_id in ids for r in range(RACERS)]
    assert set(_race(register, jobs)) == {"refused"}
    assert {register.filing(i)["status"] for i in ids} == {"accepted"}
    assert register.verify().ok


def test_racing_reviews_over_http_one_wins_the_rest_are_refused_cleanly(
    database_url: str,
) -> None:
    register = Register.open(database_url)
    regulator = create_token(register, "regulator", "AI Office")
    ids = _filings(register, 6)
    register.engine.dispose()
    headers = {"Authorization": f"Bearer {regulator}"}
    app = build(database_url)
    with TestClient(app, base_url="http://localhost") as client:
        for filing_id in ids:
            start = threading.Barrier(RACERS)

            def attempt(
                target: str, filing_id: int = filing_id, start: threading.Barrier = start
            ) -> Any:
                start.wait()
                return client.post(
                    f"/api/filings/{filing_id}/review", json={"status": target}, headers=headers
                )

            with ThreadPoolExecutor(RACERS) as pool:
                answers = list(pool.map(attempt, ["accepted", "returned"] * (RACERS // 2)))
            assert [a.status_code for a in answers].count(200) == 1
            for losing in (a for a in answers if a.status_code != 200):
                assert losing.status_code in (400, 409)
                body = losing.json()
                assert body["ok"] is False
                assert body["status"] == losing.status_code
                assert body["errors"][0]["field"] == "status"
            winner = next(a for a in answers if a.status_code == 200).json()["filing"]
            assert (
                winner["status"]
                == client.get(f"/api/filings/{filing_id}", headers=headers).json()["filing"][
                    "status"
                ]
            )
    app.state.register.engine.dispose()
