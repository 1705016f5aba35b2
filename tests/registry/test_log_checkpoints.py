"""Signed checkpoints, consistency proofs and hashed timestamps (issue 11, finding 10).

The attacks: a register operator (or anyone with write access to the database) rewrites the log
consistently — every hash and the chain recomputed, so the log checks out on its own — or cuts
its tail, or forges a checkpoint. An outsider holding an earlier signed checkpoint must detect
each.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from conftest import EXAMPLES
from modtrace import load_facts
from modtrace.api.service import build
from modtrace.errors import RegisterError
from modtrace.registry import checkpoint
from modtrace.registry.checkpoint import CheckpointError
from modtrace.registry.log import Consistency, snapshot
from modtrace.registry.register import Register
from modtrace.registry.tables import log_entries
from modtrace.registry.tokens import create_token, revoke
from tamper import rechain, rewrite_history


def _fill(register: Register, incidents_: int = 3) -> None:
    filing_id = register.file(
        register.record_modification(load_facts(EXAMPLES / "meditron-70b.yaml"))
    )
    register.review(filing_id, "under-review", reviewer="AI Office")
    for i in range(incidents_):
        register.report_incident(title=f"Incident {i}", model_ids=["test/meditron-70b"])


@pytest.fixture
def signer() -> checkpoint.Signer:
    return checkpoint.generate("register.example.eu/log")


def test_a_checkpoint_round_trips_and_a_forged_one_does_not_verify(
    register: Register, signer: checkpoint.Signer
) -> None:
    _fill(register)
    note = checkpoint.sign(register.head(), signer)
    point = checkpoint.parse(note)
    assert point.head == register.head()
    assert point.origin == "register.example.eu/log"
    assert point.signed_by(signer.verifier())
    assert point.signed_by(checkpoint.parse_verifier(signer.verifier().text()))
    # a forger changes the size (or the root) and keeps the signature ...
    lines = note.split("\n")
    forged = "\n".join([lines[0], str(int(lines[1]) - 1), *lines[2:]])
    assert not checkpoint.parse(forged).signed_by(signer.verifier())
    # ... or signs with a key of its own under the same name
    impostor = checkpoint.generate("register.example.eu/log")
    assert not checkpoint.parse(checkpoint.sign(register.head(), impostor)).signed_by(
        signer.verifier()
    )
    assert checkpoint.parse_signer(signer.text()).verifier() == signer.verifier()


@pytest.mark.parametrize(
    ("note", "words"),
    [
        ("origin\n12\n", "no signature block"),
        ("origin\n1x\nAAAA\n\n\u2014 k AAAAAAAA\n", "not a decimal number"),
        ("origin\n1\nAAAA\n\n\u2014 k AAAAAAAA\n", "not 32 bytes"),
        ("origin\n1\n" + "A" * 43 + "=\n\nno dash here\n", "malformed signature line"),
    ],
    ids=["unsigned", "size", "root", "signature-line"],
)
def test_a_malformed_checkpoint_is_refused_with_its_problem(note: str, words: str) -> None:
    with pytest.raises(CheckpointError, match=words):
        checkpoint.parse(note)


def test_a_consistent_rewrite_passes_alone_but_not_against_a_checkpoint(
    register: Register, signer: checkpoint.Signer
) -> None:
    _fill(register)
    published = checkpoint.parse(checkpoint.sign(register.head(), signer))
    register.report_incident(title="Later", model_ids=["x/y"])
    assert register.verify(published.head).ok
    old_size = published.head.size
    assert register.consistency(old_size).verify(published.head.root)

    rewrite_history(register, 1, "Nothing happened")
    assert register.verify().ok  # the rewrite is self-consistent ...
    audit = register.verify(published.head)  # ... but not an extension of what was published
    assert any("history was rewritten" in p for p in audit.problems), audit.problems
    proof = register.consistency(old_size)
    assert not proof.verify(published.head.root)


def test_truncation_is_detected_against_a_checkpoint(
    register: Register, signer: checkpoint.Signer
) -> None:
    _fill(register)
    published = checkpoint.parse(checkpoint.sign(register.head(), signer)).head
    with register.engine.begin() as c:  # drop the last incident and its entry
        c.execute(text(f"DELETE FROM log_entries WHERE seq = {published.size}"))
        c.execute(text("DELETE FROM incidents WHERE id = 3"))
    assert register.verify().ok
    audit = register.verify(published)
    assert audit.problems == [
        f"the log holds {published.size - 1} entries but a head of {published.size} was published"
    ]
    with pytest.raises(RegisterError, match="must be between 0 and"):
        register.consistency(published.size)


def test_the_timestamp_is_hashed_into_the_leaf(register: Register) -> None:
    _fill(register, 1)
    with register.engine.connect() as c:
        payload, logged_at = c.execute(
            select(log_entries.c.payload, log_entries.c.logged_at).where(log_entries.c.seq == 1)
        ).one()
    stamped = json.loads(payload)["at"]
    assert dt.datetime.fromisoformat(stamped).replace(tzinfo=None) == logged_at.replace(tzinfo=None)
    with register.engine.begin() as c:  # backdate an entry's time column
        c.execute(
            update(log_entries)
            .where(log_entries.c.seq == 1)
            .values(logged_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        )
    assert any("entry 1's time was altered" in p for p in register.verify().problems)
    with register.engine.begin() as c:  # backdate the hashed time too: the hash breaks
        c.execute(
            update(log_entries)
            .where(log_entries.c.seq == 1)
            .values(payload=payload.replace(stamped, "2020-01-01T00:00:00+00:00"))
        )
    assert any("entry 1 was altered" in p for p in register.verify().problems)


def test_version_1_entries_without_a_timestamp_still_verify(register: Register) -> None:
    _fill(register, 1)

    def unstamp(data: dict[str, Any]) -> None:
        del data["at"], data["v"]

    with register.engine.begin() as c:
        rechain(c, unstamp)
    assert register.verify().ok


def test_tokens_are_logged_and_a_forged_one_is_named(register: Register) -> None:
    token = create_token(register, "modifier", "EPFL LLM Team")
    assert revoke(register, token)
    assert register.verify().ok
    assert register.prove("api-token", "1").verify()
    with register.engine.begin() as c:  # un-revoke it, then plant a regulator token
        c.execute(text("UPDATE api_tokens SET revoked = false"))
        c.execute(
            text(
                "INSERT INTO api_tokens (token_hash, role, subject, revoked) "
                "VALUES ('ab', 'regulator', 'Mallory', false)"
            )
        )
    problems = register.verify().problems
    assert any("api_tokens row 1 differs from log entry 2 in: revoked" in p for p in problems)
    assert any("api_tokens row 2 was written outside the register" in p for p in problems)


def test_the_api_serves_checkpoints_and_consistency_proofs(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register = Register.open(database_url)
    _fill(register)
    old = register.head()
    register.report_incident(title="Later", model_ids=["x/y"])
    register.engine.dispose()
    monkeypatch.setenv(checkpoint.ENV_KEY, str(tmp_path / "absent.key"))
    app = build(database_url)
    with TestClient(app, base_url="http://localhost") as client:
        missing = client.get("/api/log/checkpoint")
        assert missing.status_code == 404
        assert missing.json()["ok"] is False
        proof = client.get(f"/api/log/consistency?first={old.size}").json()["proof"]
        bad = client.get(f"/api/log/consistency?first={old.size + 5}&second={old.size}")
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["field"] == "first"
    app.state.register.engine.dispose()
    assert Consistency(**proof).verify(old.root)
    assert not Consistency(**proof).verify("00" * 32)

    signer = checkpoint.generate("register.example.eu/log")
    checkpoint.write_signer(signer, tmp_path / "log.key")
    monkeypatch.setenv(checkpoint.ENV_KEY, str(tmp_path / "log.key"))
    app = build(database_url)
    with TestClient(app, base_url="http://localhost") as client:
        served = client.get("/api/log/checkpoint").json()
    app.state.register.engine.dispose()
    point = checkpoint.parse(served["checkpoint"])
    assert point.signed_by(signer.verifier())
    assert point.head.size == old.size + 1


def test_snapshots_give_times_in_utc_whatever_zone_the_session_uses() -> None:
    instant = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    in_paris = instant.astimezone(dt.timezone(dt.timedelta(hours=1)))
    naive = instant.replace(tzinfo=None)  # how SQLite hands it back
    assert snapshot({"t": instant}) == snapshot({"t": in_paris}) == snapshot({"t": naive})
    assert snapshot({"d": dt.date(2026, 3, 1)}) == {"d": "2026-03-01"}
