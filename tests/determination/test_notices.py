"""The fn 91 showing as a register notice: recorded, it lifts the safeguards branch; absent, not."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from modtrace.api.app import create_app
from modtrace.cli.main import cli
from modtrace.determination.notices import SHOWN_SAFE, shown_safe_patch
from modtrace.facts import facts_from_mapping
from modtrace.registry.register import Register
from notice_facts import safeguard_removal

FACTS = safeguard_removal()


def _notice(kind: str, provider: str = "Org", model: str = "org/big") -> dict[str, object]:
    return {"id": 7, "kind": kind, "provider": provider, "model_id": model, "description": "x"}


def test_only_the_original_providers_shown_safe_notice_counts() -> None:
    facts = facts_from_mapping(FACTS)
    assert shown_safe_patch(facts, [_notice("warning")]) is None
    assert shown_safe_patch(facts, [_notice(SHOWN_SAFE, provider="Someone else")]) is None
    assert shown_safe_patch(facts, [_notice(SHOWN_SAFE, model="org/other")]) is None
    patch = shown_safe_patch(facts, [_notice(SHOWN_SAFE, provider="org")])
    assert patch is not None
    assert patch["original"] == {"exempt_without_safeguards": True}
    assert patch["evidence"][0]["sources"] == ["provider-notice:7"]


def test_assess_with_the_register_reads_the_showing(tmp_path: Path) -> None:
    """Paper fn 91: without a recorded showing the safeguards branch stands; with one it lifts."""
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(json.dumps(FACTS), encoding="utf-8")
    args = ["assess", str(facts_file), "--register", "--database", url, "--format", "json"]
    args += ["--at", "2026-06-01"]
    runner = CliRunner()
    before = json.loads(runner.invoke(cli, args).output)
    assert before["outcome"] == "in-scope"
    register = Register.open(url)
    register.publish_notice(
        model_id="org/big", provider="Org", kind=SHOWN_SAFE, description="ablation study"
    )
    register.engine.dispose()
    after = json.loads(runner.invoke(cli, args).output)
    assert after["outcome"] == "out-of-scope"
    step = next(t for t in after["trace"] if t["id"] == "safeguards_altered")
    assert step["answer"] == "false"
    assert step["exceptions"][0]["answer"] == "true"


def test_the_api_reads_the_showing_from_its_register(tmp_path: Path) -> None:
    register = Register.open(f"sqlite:///{tmp_path / 'register.sqlite3'}")
    body = {"facts": FACTS, "regime": "govai-2025", "at": "2026-06-01"}
    with TestClient(create_app(register), base_url="http://localhost") as client:
        before = client.post("/api/assessments", json=body).json()["determinations"][0]
        register.publish_notice(
            model_id="org/big", provider="Org", kind=SHOWN_SAFE, description="ablation study"
        )
        after = client.post("/api/assessments", json=body).json()["determinations"][0]
    register.engine.dispose()
    assert (before["outcome"], after["outcome"]) == ("in-scope", "out-of-scope")
