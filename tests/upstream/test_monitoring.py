"""KYC judgements remembered, and monitoring rules that recommend revocation and reporting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from modtrace import assess, default_catalog, load_facts
from modtrace.api.service import build
from modtrace.cli.main import cli
from modtrace.errors import RegisterError
from modtrace.registry.register import Register
from modtrace.registry.tokens import create_token
from modtrace.upstream.gate import check, parse_request
from modtrace.upstream.kyc import load_list
from modtrace.upstream.monitor import breach_entries, monitor
from modtrace.upstream.terms import load_terms

ROOT = Path(__file__).resolve().parents[2]
TERMS_FILE = ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml"
TERMS = load_terms(TERMS_FILE)
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


def _deny_twice(register: Register, requester: str = "Dark Lab") -> list[int]:
    return [
        register.record_gate_decision(
            requester=requester,
            model_id="meta-llama/Llama-3.1-8B-Instruct",
            decision="deny",
            terms_version=1,
            reasons=[],
            request={},
        )
        for _ in range(2)
    ]


DARK_LAB = {**NEAR_MISS, "requester": {"name": "Dark Lab", "country": "US"}}


def test_denials_alone_do_not_poison_the_shared_breach_register(register: Register) -> None:
    """Issue 11, finding 2: two denials at one provider once made every provider deny."""
    denials = _deny_twice(register)
    assert breach_entries(register) == []
    other_gate = check(parse_request(DARK_LAB), TERMS, [*load_list(), *breach_entries(register)])
    assert other_gate.decision == "allow"
    assert {m.requester: m for m in monitor(register)}["Dark Lab"].revoke  # a recommendation
    entry = register.record_breach(
        party="dark lab",
        basis="gate-decision",
        basis_id=denials[0],
        recorded_by="Meta trust & safety",
        reason="asked twice to strip the safeguards",
    )
    listed = breach_entries(register)
    assert [e.name for e in listed] == ["dark lab"]
    assert "recorded by Meta trust & safety from gate-decision" in listed[0].reason
    after = check(parse_request(DARK_LAB), TERMS, [*load_list(), *listed])
    assert after.decision == "deny"
    assert any(r.rule == "kyc:register-breaches" for r in after.reasons)
    assert register.prove("breach-entry", str(entry)).verify()
    assert register.verify().ok


def test_denials_through_the_api_do_not_reach_another_providers_gate(database_url: str) -> None:
    register = Register.open(database_url)
    meta = create_token(register, "provider", "Meta|meta-llama")
    mistral = create_token(register, "provider", "mistralai")
    register.engine.dispose()
    terms = yaml.safe_load(TERMS_FILE.read_text())
    theirs = {**terms, "model": "mistralai/Mistral-7B-v0.1", "provider": "mistralai"}
    abliterate = {**DARK_LAB, "techniques": ["abliteration"]}
    app = build(database_url)
    with TestClient(app, base_url="http://localhost") as client:
        for _ in range(3):
            denied = client.post(
                "/api/gate/check",
                json={"request": abliterate, "terms": json.loads(json.dumps(terms, default=str))},
                headers={"Authorization": f"Bearer {meta}"},
            )
            assert denied.json()["decision"] == "deny", denied.text
        elsewhere = client.post(
            "/api/gate/check",
            json={
                "request": {**DARK_LAB, "model": "mistralai/Mistral-7B-v0.1"},
                "terms": json.loads(json.dumps(theirs, default=str)),
            },
            headers={"Authorization": f"Bearer {mistral}"},
        )
    app.state.register.engine.dispose()
    assert elsewhere.status_code == 200, elsewhere.text
    assert elsewhere.json()["decision"] == "allow", elsewhere.json()["reasons"]


def _basis(register: Register) -> dict[str, int]:
    facts = load_facts(ROOT / "examples" / "meditron-70b.yaml")
    mod_id = register.record_modification(facts, model_id="epfl-llm/meditron-70b")
    return {
        "deny": _deny_twice(register)[0],
        "allow": register.record_gate_decision(
            requester="Dark Lab",
            model_id="m",
            decision="allow",
            terms_version=1,
            reasons=[],
            request={},
        ),
        "confirmed": register.record_kyc_judgement(
            requester="Dark Lab", entry="D", list_name="l", verdict="confirmed", reviewer="r"
        ),
        "cleared": register.record_kyc_judgement(
            requester="Dark Lab", entry="D", list_name="l", verdict="false-positive", reviewer="r"
        ),
        "incident": register.report_incident(title="t", model_ids=["epfl-llm/meditron-70b"]),
        "evidence": register.record_evidence(mod_id, "comparison:harmful", "rose", {}),
    }


@pytest.mark.parametrize(
    ("party", "basis", "key", "field", "words"),
    [
        ("Dark Lab", "rumour", "deny", "basis", "one of kyc-judgement"),
        ("Dark Lab", "gate-decision", "allow", "basis_id", "not a denial"),
        ("Good Lab", "gate-decision", "deny", "basis_id", "is not theirs"),
        ("Dark Lab", "kyc-judgement", "cleared", "basis_id", "not confirmed"),
        ("Good Lab", "kyc-judgement", "confirmed", "basis_id", "about another party"),
        ("Dark Lab", "incident", "incident", "basis_id", "neither names the party"),
        ("Dark Lab", "evidence", "evidence", "basis_id", "about another party"),
        ("Dark Lab", "incident", None, "basis_id", "no incident with id 999"),
    ],
    ids=[
        "basis",
        "allowed",
        "other-requester",
        "cleared",
        "kyc-other",
        "incident",
        "evidence",
        "missing",
    ],
)
def test_a_breach_needs_a_confirmed_finding_about_the_party(
    register: Register, party: str, basis: str, key: str | None, field: str, words: str
) -> None:
    ids = _basis(register)
    size = register.head().size
    with pytest.raises(RegisterError) as refused:
        register.record_breach(
            party=party,
            basis=basis,
            basis_id=ids[key] if key else 999,
            recorded_by="compliance",
            reason="because",
        )
    assert refused.value.issues[0][0] == field
    assert words in refused.value.issues[0][1]
    assert register.breaches() == []
    assert register.head().size == size


def test_each_kind_of_confirmed_finding_is_a_basis(register: Register) -> None:
    ids = _basis(register)
    for party, basis, key in [
        ("Dark Lab", "gate-decision", "deny"),
        ("DARK LAB", "kyc-judgement", "confirmed"),
        ("EPFL LLM Team", "incident", "incident"),
        ("EPFL LLM Team", "evidence", "evidence"),
    ]:
        register.record_breach(
            party=party, basis=basis, basis_id=ids[key], recorded_by="AI Office", reason="found"
        )
    assert [(b["party"], b["basis"]) for b in register.breaches()][-1] == (
        "EPFL LLM Team",
        "evidence",
    )
    with pytest.raises(RegisterError) as empty:
        register.record_breach(party=" ", basis="incident", basis_id=1, recorded_by="", reason="")
    assert [f for f, _ in empty.value.issues] == ["party", "recorded_by", "reason"]
    assert register.verify().ok


def test_the_breach_register_through_the_cli(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    register = Register.open(db)
    denial = _deny_twice(register)[1]
    register.engine.dispose()
    request = tmp_path / "req.json"
    request.write_text(json.dumps(DARK_LAB))
    gate = ["gate", "check", str(request), "--terms", str(TERMS_FILE), "--database", db]
    runner = CliRunner()
    assert runner.invoke(cli, gate).exit_code == 0  # denials elsewhere are not a breach

    def breach_add(basis_id: str, recorded_by: str, reason: str) -> Result:
        party = ["--party", "Dark Lab", "--basis", "gate-decision", "--basis-id", basis_id]
        who = ["--recorded-by", recorded_by, "--reason", reason, "--database", db]
        return runner.invoke(cli, ["gate", "breach", "add", *party, *who])

    hearsay = breach_add("99", "x", "y")
    assert hearsay.exit_code == 2
    assert hearsay.output.startswith("error: basis_id: no gate-decision with id 99")
    added = breach_add(str(denial), "Meta T&S", "abliteration x2")
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["gate", "breach", "list", "--database", db])
    assert "Dark Lab  from gate-decision 2, recorded by Meta T&S: abliteration x2" in listed.output
    out = runner.invoke(cli, gate)
    assert out.exit_code == 1, out.output
    assert "kyc:register-breaches" in out.output


@settings(max_examples=15, deadline=None)
@given(
    decisions=st.lists(
        st.tuples(
            st.sampled_from(["Dark Lab", "dark lab", "Dárk Låb", "Good Lab"]),
            st.sampled_from(["meta-llama/Llama-3.1-8B-Instruct", "mistralai/Mistral-7B-v0.1"]),
            st.sampled_from(["deny", "escalate", "allow"]),
        ),
        max_size=12,
    )
)
def test_no_run_of_gate_decisions_lists_anyone(
    decisions: list[tuple[str, str, str]],
) -> None:
    register = Register.open("sqlite://")
    try:
        for requester, model_id, decision in decisions:
            register.record_gate_decision(
                requester=requester,
                model_id=model_id,
                decision=decision,
                terms_version=1,
                reasons=[],
                request={},
            )
        assert breach_entries(register) == []
        assert register.verify().ok
    finally:
        register.engine.dispose()
