"""Findings 3 and 4 of issue 11: a model's provider comes from the register, never from the
caller's own document; recall lists show only what the caller may read. Both backends."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES
from modtrace.registry.tokens import Principal, create_token
from modtrace.visibility.access import known_as
from modtrace.visibility.ownership import acts_for_model, provider_of_model
from service_world import GATE_REQUEST, GATE_TERMS, Service, canonical, document


def gate_body(**terms: str) -> dict[str, object]:
    return {"request": document(GATE_REQUEST), "terms": {**document(GATE_TERMS), **terms}}


def test_writing_your_own_name_in_terms_provider_does_not_make_a_model_yours(
    service: Service,
) -> None:
    """The attack: Mistral names itself the provider of Meta's model in the terms it sends."""
    spoof = gate_body(provider="Mistral AI")
    refused = canonical(service.post("/api/gate/check", "mistral", spoof), 404)
    assert refused["error"] == "model not found"
    assert service.register.gate_decisions_of("Example Clinic Lab") == []
    assert service.post("/api/gate/check", "meta", gate_body()).status_code == 200


def test_the_model_record_outranks_the_namespace(service: Service) -> None:
    """A model whose record names Meta is Meta's, even under another namespace."""
    service.register.upsert_model("mirror-org/Llama-3.1-8B-Instruct", provider="Meta")
    body = {
        "request": {**document(GATE_REQUEST), "model": "mirror-org/Llama-3.1-8B-Instruct"},
        "terms": {**document(GATE_TERMS), "model": "mirror-org/Llama-3.1-8B-Instruct"},
    }
    mirror_token = create_token(service.register, "provider", "mirror-org")
    as_namespace = service.client.post(
        "/api/gate/check", json=body, headers={"Authorization": f"Bearer {mirror_token}"}
    )
    canonical(as_namespace, 404)
    assert service.post("/api/gate/check", "meta", body).status_code == 200


def test_a_provider_cannot_record_a_decision_under_a_rival_s_name(service: Service) -> None:
    canonical(service.post("/api/gate/check", "meta", gate_body(provider="Mistral AI")), 400)


def test_notices_follow_the_register_too(service: Service) -> None:
    notice = {"kind": "warning", "description": "do not remove refusals"}
    service.register.upsert_model("mistralai/Mixtral-8x7B", provider="Mistral AI")
    path = "/api/models/meta-llama/Llama-2-70b-hf/notices"
    canonical(service.post(path, "mistral", notice), 404)
    assert service.post(path, "meta", notice).status_code == 201
    too_long = f"/api/models/meta-llama/{'m' * 5000}/notices"
    canonical(service.post(too_long, "meta", notice), 422)  # no 500 from a 300-character column


def test_a_rival_s_unaccepted_filings_stay_out_of_the_recall_list(service: Service) -> None:
    """The attack: Mistral reports an incident naming its own model and Meta's, then reads the
    recall list, which used to carry EPFL's submitted, confidential filing's outcomes."""
    service.file_meditron(confidential=True)
    service.register.upsert_model("mistralai/Mixtral-8x7B", provider="Mistral AI")
    incident = service.post(
        "/api/incidents",
        "mistral",
        {
            "title": "bad output",
            "model_ids": ["mistralai/Mixtral-8x7B", "meta-llama/Llama-2-70b-hf"],
        },
    ).json()["incident_id"]

    def assessed(who: str) -> dict[str, dict[str, str]]:
        answer = service.get(f"/api/incidents/{incident}/recall", who)
        assert answer.status_code == 200, answer.text
        return {r["model_id"]: r["assessed"] for r in answer.json()["recall"]["downstream"]}

    assert assessed("regulator")["epfl-llm/meditron-70b"]  # the outcomes exist
    assert assessed("meta")["epfl-llm/meditron-70b"]  # the original's provider reads the filing
    assert assessed("mistral") == {"epfl-llm/meditron-70b": {}}  # the rival sees lineage only


def test_accepted_filings_are_in_everyone_s_recall_list(service: Service) -> None:
    filing = service.file_meditron(confidential=False)
    for status in ("under-review", "accepted"):
        service.post(f"/api/filings/{filing}/review", "regulator", {"status": status})
    service.register.upsert_model("mistralai/Mixtral-8x7B", provider="Mistral AI")
    incident = service.post(
        "/api/incidents",
        "mistral",
        {"title": "x", "model_ids": ["mistralai/Mixtral-8x7B", "meta-llama/Llama-2-70b-hf"]},
    ).json()["incident_id"]
    rows = service.get(f"/api/incidents/{incident}/recall", "mistral").json()["recall"]
    assert rows["downstream"][0]["assessed"]


def test_provider_of_model_reads_the_register(service: Service) -> None:
    assert provider_of_model(service.register, "unknown-org/model") == "unknown-org"
    service.register.upsert_model("unknown-org/model", provider="Someone")
    assert provider_of_model(service.register, "unknown-org/model") == "Someone"
    assert not acts_for_model(
        Principal("provider", "unknown-org"), service.register, "unknown-org/model"
    )
    assert acts_for_model(Principal("regulator", "x"), service.register, "unknown-org/model")
    assert not acts_for_model(
        Principal("modifier", "Someone"), service.register, "unknown-org/model"
    )


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_known_as_never_matches_a_name_not_listed(subject: str, name: str) -> None:
    if known_as(subject, name):
        assert name.strip().lower() in [a.strip().lower() for a in subject.split("|")]


def test_a_filer_naming_a_rival_provider_does_not_show_its_filing_to_that_rival(
    service: Service,
) -> None:
    """Filing visibility asks the register who provides the modified model, never the provider
    the filer wrote: EPFL's facts naming Mistral give Mistral nothing of a Meta model's filing."""
    facts = document(EXAMPLES / "meditron-70b.yaml")
    facts["original"]["provider"] = "Mistral AI"
    made = service.post(
        "/api/filings",
        "epfl",
        {
            "facts": facts,
            "model_id": "epfl-llm/meditron-70b",
            "contact": "c@example.org",
            "confidential": True,
        },
    )
    assert made.status_code == 201, made.text
    filing = made.json()["filing"]["id"]
    canonical(service.get(f"/api/filings/{filing}", "mistral"), 404)
    assert service.get(f"/api/filings/{filing}", "meta").json()["filing"]["contact"]
    service.register.upsert_model("meta-llama/Llama-2-70b-hf", provider="Meta")
    meta_by_name = create_token(service.register, "provider", "Meta")  # no namespace alias
    seen = service.client.get(
        f"/api/filings/{filing}", headers={"Authorization": f"Bearer {meta_by_name}"}
    )
    assert seen.status_code == 200, seen.text  # the register's record names Meta


def test_a_provider_reads_the_incident_it_reported_about_a_rival_s_model_and_no_other(
    service: Service,
) -> None:
    """Reporting an incident that names only another provider's model used to leave the
    reporter with a 404 on its own report; a third provider still gets the 404 of a missing
    incident."""
    service.register.upsert_model("mistralai/Mixtral-8x7B", provider="Mistral AI")
    incident = service.post(
        "/api/incidents", "mistral", {"title": "x", "model_ids": ["meta-llama/Llama-2-70b-hf"]}
    ).json()["incident_id"]
    assert service.get(f"/api/incidents/{incident}/recall", "mistral").status_code == 200
    assert service.get(f"/api/incidents/{incident}/recall", "meta").status_code == 200
    outsider = create_token(service.register, "provider", "Someone Else")
    hidden = service.client.get(
        f"/api/incidents/{incident}/recall", headers={"Authorization": f"Bearer {outsider}"}
    )
    missing = service.client.get(
        "/api/incidents/999999/recall", headers={"Authorization": f"Bearer {outsider}"}
    )
    assert canonical(hidden, 404) == canonical(missing, 404)
