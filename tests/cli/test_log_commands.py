"""``modtrace log``: keygen, checkpoint, verify --checkpoint, consistency and the outsider's audit.

Each attack (a forged checkpoint, a rewritten history, a truncated log) must exit 1 naming it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from conftest import EXAMPLES
from modtrace import load_facts
from modtrace.cli.main import cli
from modtrace.registry.register import Register
from tamper import rewrite_history


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def logged(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A register with a few logged writes, and a signing key at MODTRACE_LOG_KEY."""
    monkeypatch.setenv("MODTRACE_LOG_KEY", str(tmp_path / "keys" / "log.key"))
    register = Register.open(database_url)
    register.file(register.record_modification(load_facts(EXAMPLES / "meditron-70b.yaml")))
    for i in range(3):
        register.report_incident(title=f"Incident {i}", model_ids=["a/b"])
    register.engine.dispose()
    made = run("log", "keygen", "--origin", "register.example.eu/log")
    assert made.exit_code == 0, made.output
    return database_url


def test_keygen_writes_a_private_key_and_refuses_to_replace_it(logged: str, tmp_path: Path) -> None:
    key = tmp_path / "keys" / "log.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert key.read_text().startswith("PRIVATE+KEY+register.example.eu/log+")
    assert (tmp_path / "keys" / "log.key.pub").read_text().startswith("register.example.eu/log+")
    again = run("log", "keygen", "--origin", "other")
    assert again.exit_code == 2
    assert "error: key_file:" in again.output
    assert "never replaced" in again.output


def test_verify_against_a_signed_checkpoint_and_a_forged_one(logged: str, tmp_path: Path) -> None:
    point = tmp_path / "checkpoint.txt"
    made = run("log", "checkpoint", "-o", str(point), "--database", logged)
    assert made.exit_code == 0, made.output
    good = run("log", "verify", "--checkpoint", str(point), "--database", logged)
    assert good.exit_code == 0, good.output
    assert "verified" in good.output

    lines = point.read_text().split("\n")
    forged = tmp_path / "forged.txt"
    forged.write_text("\n".join([lines[0], "2", *lines[2:]]))
    bad = run("log", "verify", "--checkpoint", str(forged), "--database", logged)
    assert bad.exit_code == 1
    assert "is not signed by register.example.eu/log's key" in bad.output

    broken = tmp_path / "broken.txt"
    broken.write_text("just a line\n")
    refused = run("log", "verify", "--checkpoint", str(broken), "--database", logged)
    assert refused.exit_code == 2
    assert refused.output.startswith("error: checkpoint:")


def test_truncation_fails_verify_against_the_checkpoint(logged: str, tmp_path: Path) -> None:
    point = tmp_path / "checkpoint.txt"
    run("log", "checkpoint", "-o", str(point), "--database", logged)
    register = Register.open(logged)
    size = register.head().size
    with register.engine.begin() as c:
        c.execute(text(f"DELETE FROM log_entries WHERE seq = {size}"))
        c.execute(text("DELETE FROM incidents WHERE id = 3"))
    register.engine.dispose()
    assert run("log", "verify", "--database", logged).exit_code == 0  # alone, it looks fine
    out = run("log", "verify", "--checkpoint", str(point), "--database", logged)
    assert out.exit_code == 1
    assert f"a head of {size} was published" in out.output


def test_an_outsider_audits_two_checkpoints_with_a_consistency_proof(
    logged: str, tmp_path: Path
) -> None:
    old, new, proof = tmp_path / "old.txt", tmp_path / "new.txt", tmp_path / "proof.json"
    run("log", "checkpoint", "-o", str(old), "--database", logged)
    size = int(old.read_text().split("\n")[1])
    register = Register.open(logged)
    register.report_incident(title="Later", model_ids=["c/d"])
    register.engine.dispose()
    run("log", "checkpoint", "-o", str(new), "--database", logged)
    made = run("log", "consistency", str(size), "--database", logged)
    assert made.exit_code == 0, made.output
    proof.write_text(made.output)
    verifier = (tmp_path / "keys" / "log.key.pub").read_text().strip()
    audit = ["log", "audit", str(old), str(new), "--proof", str(proof), "--verifier-key"]
    ok = run(*audit, verifier)
    assert ok.exit_code == 0, ok.output
    assert f"{size + 1} entries extend the {size} checkpointed" in ok.output

    # a forged proof does not pass
    data = json.loads(proof.read_text())
    data["path"][0] = "00" * 32
    proof.write_text(json.dumps(data))
    assert run(*audit, verifier).exit_code == 1
    # the operator rewrites an old incident, hashes and chain recomputed, then signs and proves
    register = Register.open(logged)
    rewrite_history(register, 1, "Nothing happened")
    register.engine.dispose()
    assert run("log", "verify", "--database", logged).exit_code == 0  # alone, it looks fine
    run("log", "checkpoint", "-o", str(new), "--database", logged)
    proof.write_text(run("log", "consistency", str(size), "--database", logged).output)
    rewritten = run(*audit, verifier)
    assert rewritten.exit_code == 1
    assert f"its first {size} entries were rewritten" in rewritten.output
    # old and new swapped: the log appears to shrink
    shrunk = run(
        "log", "audit", str(new), str(old), "--proof", str(proof), "--verifier-key", verifier
    )
    assert shrunk.exit_code == 1
    assert "truncated" in shrunk.output
