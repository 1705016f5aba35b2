"""KYC judgements remembered, and monitoring rules that recommend revocation and reporting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from modtrace import assess, default_catalog, load_facts
from modtrace.cli.main import cli
from modtrace.errors import RegisterError
from modtrace.registry.register import Register
from modtrace.upstream.gate import check, parse_request
from modtrace.upstream.kyc import load_list
from modtrace.upstream.monitor import monitor
from modtrace.upstream.terms import load_terms

ROOT = Path(__file__).resolve().parents[2]
TERMS = load_terms(ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml")
NEAR_MISS = {
    "requester": {"name": "Volkow Advanced Systms", "country": "AM"},
    "model": "meta-llama/Llama-3.1-8B-Instruct",
    "techniques": ["fine-tuning"],
    "estimated_compute_flop": 1e21,
    "data": {"domains": ["medicine"]},
}


def test_judgements_are_remembered(register: Register) -> None:
    request = parse_request(NEAR_MISS)
    assert check(request, TERMS, load_list()).decision == "escalate"
    register.record_kyc_judgement(
        requester="Volkow Advanced Systms",
        entry="Volkov Advanced Systems LLC",
        list_name="sample-sanctions",
        verdict="false-positive",
        reviewer="compliance",
    )
    cleared = check(request, TERMS, load_list(), register.kyc_verdicts("VOLKOW advanced systms"))
    assert cleared.decision == "allow"
    assert cleared.reasons[0].effect == "cleared"
    register.record_kyc_judgement(
        requester="Volkow Advanced Systms",
        entry="Volkov Advanced Systems LLC",
        list_name="sample-sanctions",
        verdict="confirmed",
        reviewer="compliance",
    )
    assert (
        check(request, TERMS, load_list(), register.kyc_verdicts("Volkow Advanced Systms")).decision
        == "deny"
    )
    with pytest.raises(RegisterError, match="one of confirmed"):
        register.record_kyc_judgement(
            requester="x", entry="y", list_name="l", verdict="maybe", reviewer="r"
        )
    assert register.verify().ok


def test_monitoring_rules(register: Register) -> None:
    for _ in range(2):
        register.record_gate_decision(
            requester="Dark Lab",
            model_id="m",
            decision="deny",
            terms_version=1,
            reasons=[],
            request={},
        )
    register.record_gate_decision(
        requester="Good Lab",
        model_id="m",
        decision="allow",
        terms_version=1,
        reasons=[],
        request={},
    )
    facts = load_facts(ROOT / "examples" / "meditron-70b.yaml")
    mod_id = register.record_modification(
        facts,
        model_id="epfl-llm/meditron-70b",
        determined=[assess(facts, default_catalog().get("govai-2025"))],
    )
    register.record_evidence(
        mod_id,
        "comparison:harmful",
        "compliance rose",
        {"prompt_set": "harmful", "direction": "increase"},
    )
    register.report_incident(title="Unsafe advice", model_ids=["epfl-llm/meditron-70b"])
    report = {m.requester: m for m in monitor(register)}
    assert report["Dark Lab"].revoke
    assert not report["Dark Lab"].notify_regulator
    assert report["EPFL LLM Team"].revoke
    assert report["EPFL LLM Team"].notify_regulator
    assert any(s.startswith("incident: Unsafe advice") for s in report["EPFL LLM Team"].signals)
    assert not report["Good Lab"].revoke
    assert report["Good Lab"].decisions == {"allow": 1}


def test_monitor_command(database_url: str) -> None:
    register = Register.open(database_url)
    register.record_kyc_judgement(
        requester="Jang Min-su",
        entry="Jang Min-su",
        list_name="sample-sanctions",
        verdict="confirmed",
        reviewer="compliance",
    )
    register.engine.dispose()
    out = CliRunner().invoke(
        cli, ["gate", "monitor", "--database", database_url, "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data[0]["revoke"] is True
    assert data[0]["notify_regulator"] is True


def test_the_register_is_a_breach_list(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    register = Register.open(db)
    for _ in range(2):
        register.record_gate_decision(
            requester="Dark Lab",
            model_id="m",
            decision="deny",
            terms_version=1,
            reasons=[],
            request={},
        )
    register.engine.dispose()
    request = tmp_path / "req.json"
    request.write_text(
        json.dumps({**NEAR_MISS, "requester": {"name": "Dark Lab", "country": "US"}})
    )
    out = CliRunner().invoke(
        cli,
        [
            "gate",
            "check",
            str(request),
            "--terms",
            str(ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml"),
            "--database",
            db,
        ],
    )
    assert out.exit_code == 1, out.output
    assert "kyc:register-breaches" in out.output
