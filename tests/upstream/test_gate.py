"""The modification gate: terms through Cedar, KYC screening, data rules, recording."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from modtrace.api.service import build
from modtrace.cli.main import cli
from modtrace.errors import InputError
from modtrace.names import fold
from modtrace.registry.register import Register
from modtrace.registry.tokens import create_token
from modtrace.upstream.gate import check, load_request, parse_request
from modtrace.upstream.kyc import Entry, load_list, screen
from modtrace.upstream.terms import TermsError, cedar_condition, load_terms

ROOT = Path(__file__).resolve().parents[2]
TERMS = ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml"
REQUEST = ROOT / "examples" / "gate" / "clinic-finetune.yaml"


def request(**changes: Any) -> Any:
    base = load_request(REQUEST).model_dump()
    base.update(changes)
    return parse_request(base)


def decide(**changes: Any) -> Any:
    return check(request(**changes), load_terms(TERMS), load_list())


def test_allowed_with_conditions() -> None:
    d = decide()
    assert d.decision == "allow-with-conditions"
    assert d.conditions == ["Share safety evaluation results with the provider before release."]


def test_plain_fine_tune_within_terms_is_allowed() -> None:
    assert decide(techniques=["fine-tuning"]).decision == "allow"


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"techniques": ["abliteration"]}, "no-safeguard-removal"),
        ({"purpose": "uncensored chat with refusals removed"}, "no-refusal-removal-requests"),
        ({"data": {"tokens": 10, "domains": ["cyber"]}}, "no-cbrn-or-cyber-offence-data"),
        (
            {"data": {"sample": ["Step 1: culture the anthrax spores", "hello"]}},
            "no-cbrn-or-cyber-offence-data",
        ),
        ({"requester": {"name": "Some Lab", "country": "IR"}}, "refused-jurisdictions"),
        (
            {"requester": {"name": "Sociéte Ombre Numerique", "country": "FR"}},
            "kyc:sample-breaches",
        ),
    ],
    ids=[
        "abliteration",
        "refusal-removal",
        "declared-domain",
        "screened-sample",
        "jurisdiction",
        "breach-register",
    ],
)
def test_denials_name_the_term(changes: dict[str, Any], rule: str) -> None:
    d = decide(**changes)
    assert d.decision == "deny"
    assert rule in {r.rule for r in d.reasons if r.effect == "deny"}
    assert all(r.source for r in d.reasons)


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"estimated_compute_flop": 5e23}, "compute-cap-10pct"),
        ({"estimated_compute_flop": None}, "compute:unknown"),
        ({"data": {"tokens": 10}}, "data:undescribed"),
        ({"data": {"sample_path": "/nonexistent/sample.jsonl"}}, "data:unreadable-sample"),
        (
            {"requester": {"name": "Volkow Advanced Systms", "country": "AM"}},
            "kyc:sample-sanctions",
        ),
    ],
    ids=["over-cap", "compute-unknown", "data-unknown", "unreadable-sample", "near-miss-name"],
)
def test_what_cannot_be_checked_or_exceeds_a_cap_escalates(
    changes: dict[str, Any], rule: str
) -> None:
    d = decide(techniques=["fine-tuning"], **changes)
    assert d.decision == "escalate"
    assert rule in {r.rule for r in d.reasons}


def test_unparseable_jsonl_sample_escalates(tmp_path: Path) -> None:
    sample = tmp_path / "sample.jsonl"
    sample.write_text('{"text": "ok"}\n{broken\n')
    local = tmp_path / "request.yaml"
    local.write_text(
        yaml.safe_dump(
            {**yaml.safe_load(REQUEST.read_text()), "techniques": ["fine-tuning"]}
            | {"data": {"sample_path": str(sample)}}
        )
    )
    d = check(load_request(local), load_terms(TERMS), load_list())
    assert d.decision == "escalate"
    assert "JSONDecodeError" in next(r.description for r in d.reasons if "sample" in r.rule)


def test_kyc_handles_transliteration_and_word_order() -> None:
    entries = [Entry("Jang Min-su", ("Chang Min Su",), "KP", "list", "r")]
    assert fold("Müller-Łódź") == "muller lodz"
    assert screen(["Min-su Jang"], entries)[0].strength == "match"
    assert screen(["Chang Minsu"], entries)[0].strength in ("match", "possible")
    assert screen(["Example Clinic Lab"], entries) == []


def test_terms_compile_to_cedar_and_bad_terms_name_the_field(tmp_path: Path) -> None:
    terms = load_terms(TERMS)
    cap = next(t for t in terms.terms if t.id == "compute-cap-10pct")
    assert cedar_condition(cap.when) == "(context.compute_known && context.compute_bp > 1000)"
    bad = tmp_path / "terms.yaml"
    doc = yaml.safe_load(TERMS.read_text())
    doc["terms"][0]["effect"] = "maybe"
    doc["terms"][1]["when"] = {}
    bad.write_text(yaml.safe_dump(doc))
    with pytest.raises(TermsError) as info:
        load_terms(bad)
    fields = {f for f, _ in info.value.issues}
    assert {f"{bad}: terms.0.effect", f"{bad}: terms.1.when"} <= fields  # the file, then the field
    with pytest.raises(InputError, match="these terms are for"):
        check(request(model="other/model"), terms, [])


def test_cli_records_and_exit_codes(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    ok = CliRunner().invoke(
        cli, ["gate", "check", str(REQUEST), "--terms", str(TERMS), "--record", "--database", db]
    )
    assert ok.exit_code == 0, ok.output
    denied_file = tmp_path / "denied.yaml"
    denied_file.write_text(
        yaml.safe_dump({**yaml.safe_load(REQUEST.read_text()), "techniques": ["abliteration"]})
    )
    denied = CliRunner().invoke(
        cli,
        [
            "gate",
            "check",
            str(denied_file),
            "--terms",
            str(TERMS),
            "--record",
            "--database",
            db,
            "--format",
            "json",
        ],
    )
    assert denied.exit_code == 1
    assert json.loads(denied.output.split("\nrecorded")[0])["decision"] == "deny"
    register = Register.open(db)
    assert [d["decision"] for d in register.gate_decisions_of("Example Clinic Lab")] == [
        "allow-with-conditions",
        "deny",
    ]
    assert register.verify().ok
    register.engine.dispose()
    bad = tmp_path / "bad.yaml"
    bad.write_text("requester: {name: ''}\nmodel: m\ntechniques: []\n")
    result = CliRunner().invoke(cli, ["gate", "check", str(bad), "--terms", str(TERMS)])
    assert result.exit_code == 2
    assert f"error: {bad}: requester.name:" in result.output


def test_http_endpoint_for_the_provider_only(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    register = Register.open(db)
    meta = create_token(register, "provider", "Meta|meta-llama")
    other = create_token(register, "provider", "Mistral AI")
    modifier = create_token(register, "modifier", "Example Clinic Lab")
    register.engine.dispose()
    client = TestClient(build(db), base_url="http://localhost")
    body = {
        "request": json.loads(json.dumps(yaml.safe_load(REQUEST.read_text()))),
        "terms": json.loads(json.dumps(yaml.safe_load(TERMS.read_text()), default=str)),
    }
    made = client.post("/api/gate/check", json=body, headers={"Authorization": f"Bearer {meta}"})
    assert made.status_code == 200, made.text
    assert made.json()["decision"] == "allow-with-conditions"
    assert (
        client.post(
            "/api/gate/check", json=body, headers={"Authorization": f"Bearer {other}"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/gate/check", json=body, headers={"Authorization": f"Bearer {modifier}"}
        ).status_code
        == 403
    )
    bad = client.post(
        "/api/gate/check",
        json={**body, "terms": {**body["terms"], "version": 0}},
        headers={"Authorization": f"Bearer {meta}"},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "terms.version"
    client.close()
