"""Attacks found by the audit of the service (each test reproduces one; see the commit that fixed
it): a caller acting as another, or learning what it may not read."""

from __future__ import annotations

import json
from typing import Any

from conftest import EXAMPLES
from modtrace.registry.tokens import create_token
from notice_facts import safeguard_removal
from service_world import Service, canonical, document

ORIGINAL = "meta-llama/Llama-2-70b-hf"
MEDITRON = "epfl-llm/meditron-70b"


LENIENT_SERVICE = True
"""The ``service`` fixture's client answers a server error with its 500 (conftest.py)."""


def facts_by(name: str) -> dict[str, Any]:
    facts = document(EXAMPLES / "meditron-70b.yaml")
    facts["modifier"]["name"] = name
    return facts


def file(service: Service, who: str, name: str, model_id: str | None = None) -> Any:
    body: dict[str, Any] = {"facts": facts_by(name)}
    if model_id is not None:
        body["model_id"] = model_id
    return service.post("/api/filings", who, body)


# ---- a modifier claiming a model another made ------------------------------------------------


def test_a_modifier_cannot_claim_a_model_another_modifier_registered(service: Service) -> None:
    """A rival filing EPFL's model id as its own output would take over EPFL's model in the
    recall lists (the latest filing's outcome wins) and in monitoring (incidents on the model
    would signal the rival, not EPFL)."""
    service.file_meditron()
    before = service.register.head().size
    answer = file(service, "rival", "Someone Else", MEDITRON)
    data = canonical(answer, 409)
    assert data["errors"][0]["field"] == "model_id"
    assert service.register.head().size == before  # nothing stored
    assert service.register.verify().problems == []
    # the owner may file again for its own model, and a regulator may file for anyone
    assert service.file_meditron() > 0
    assert file(service, "regulator", "Someone Else", MEDITRON).status_code == 201


def test_a_modifier_cannot_file_the_original_as_the_model_it_made(service: Service) -> None:
    answer = file(service, "rival", "Someone Else", ORIGINAL)
    data = canonical(answer, 400)
    assert data["errors"][0]["field"] == "model_id"


def test_claimed_model_ids_compare_as_the_hub_does(service: Service) -> None:
    """The Hub's ids ignore case: ``EPFL-LLM/Meditron-70B`` is EPFL's model too."""
    service.file_meditron()
    canonical(file(service, "rival", "Someone Else", "EPFL-LLM/Meditron-70B "), 409)


# ---- the filing list as an existence oracle ----------------------------------------------------


def test_paging_through_filings_reveals_no_filing_the_caller_may_not_read(
    service: Service,
) -> None:
    """With ``limit=1`` the offset at which a caller's own filing appears counted the newer
    filings it may not read: a rival learned how many unaccepted filings name a model."""
    mine = file(service, "rival", "Someone Else").json()["filing"]["id"]
    for _ in range(3):
        service.file_meditron()  # EPFL's, not accepted: the rival may not read them
    pages = [
        [
            f["id"]
            for f in service.get(f"/api/filings?q=llama-2&limit=1&offset={k}", "rival").json()[
                "filings"
            ]
        ]
        for k in range(5)
    ]
    assert pages == [[mine], [], [], [], []]
    # a provider sees those about its models, paged over what it may read
    meta = [
        service.get(f"/api/filings?limit=2&offset={k}", "meta").json()["filings"] for k in (0, 2)
    ]
    assert [len(p) for p in meta] == [2, 2]


# ---- fn 91 showings by a provider known by several names ---------------------------------------

FN91_FACTS = safeguard_removal("meta-llama/big", "Meta")


def test_a_showing_published_by_a_provider_with_several_names_counts(service: Service) -> None:
    """Meta's token is ``Meta|meta-llama``: its shown-safe notice was stored under that subject,
    which matched no facts' provider, so the paper's fn 91 exemption it published never
    applied."""
    body = {"facts": FN91_FACTS, "regime": "govai-2025", "at": "2026-06-01"}
    before = service.post("/api/assessments", None, body).json()["determinations"][0]
    published = service.post(
        "/api/models/meta-llama/big/notices",
        "meta",
        {"kind": "shown-safe", "description": "ablation study"},
    )
    assert published.status_code == 201, published.text
    after = service.post("/api/assessments", None, body).json()["determinations"][0]
    assert (before["outcome"], after["outcome"]) == ("in-scope", "out-of-scope")


def test_a_rival_cannot_borrow_a_showing_by_naming_the_publisher_as_provider(
    service: Service,
) -> None:
    """The notice is Meta's, for Meta's model: facts naming another model gain nothing."""
    service.post(
        "/api/models/meta-llama/big/notices",
        "meta",
        {"kind": "shown-safe", "description": "ablation study"},
    )
    other = json.loads(json.dumps(FN91_FACTS))
    other["original"]["id"] = "mistralai/big"
    other["original"]["provider"] = "Meta|meta-llama"
    body = {"facts": other, "regime": "govai-2025", "at": "2026-06-01"}
    after = service.post("/api/assessments", None, body).json()["determinations"][0]
    assert after["outcome"] == "in-scope"


# ---- whose model a filing is about -------------------------------------------------------------


def test_a_filing_goes_to_the_provider_the_register_records_not_the_namespace(
    service: Service,
) -> None:
    """A re-upload under another namespace (``unsloth/...``) that the register attributes to
    Meta: the namespace's holder read the filings about it in full (contact, confidential use)
    although the gate and notices, asking the same register, say the model is not its own."""
    service.register.upsert_model("unsloth/llama-3-8b", provider="Meta")
    unsloth = create_token(service.register, "provider", "unsloth")
    facts = facts_by("EPFL LLM Team")
    facts["original"]["id"] = "unsloth/llama-3-8b"
    made = service.post("/api/filings", "epfl", {"facts": facts, "confidential": True})
    assert made.status_code == 201, made.text
    filing = made.json()["filing"]["id"]
    as_unsloth = service.client.get(
        f"/api/filings/{filing}", headers={"Authorization": f"Bearer {unsloth}"}
    )
    missing = service.client.get(
        "/api/filings/999999", headers={"Authorization": f"Bearer {unsloth}"}
    )
    assert (as_unsloth.status_code, as_unsloth.json()) == (404, missing.json())
    as_meta = service.get(f"/api/filings/{filing}", "meta")
    assert as_meta.status_code == 200
    assert "contact" in as_meta.json()["filing"]  # the full view
    # the gate agrees: unsloth cannot publish a notice for the model either
    notice = service.client.post(
        "/api/models/unsloth/llama-3-8b/notices",
        json={"kind": "warning", "description": "x"},
        headers={"Authorization": f"Bearer {unsloth}"},
    )
    assert notice.status_code == 404


# ---- a filer citing the provider's notice ----------------------------------------------------


def test_a_filer_cannot_cite_a_provider_notice_the_register_does_not_hold(
    service: Service,
) -> None:
    """The trace of a genuine fn 91 exemption cites ``provider-notice:N``; a filer writing that
    source itself made a self-declared exemption look like the provider's recorded showing."""
    forged = json.loads(json.dumps(FN91_FACTS))
    forged["modifier"]["name"] = "EPFL LLM Team"
    forged["modification"]["intended_use"] = "research"
    forged["original"]["exempt_without_safeguards"] = True
    forged["evidence"] = [
        {
            "fact": "original.exempt_without_safeguards",
            "value": True,
            "method": "shown-safe notice in the register (paper fn 91)",
            "summary": "ablation study",
            "sources": ["provider-notice:1"],
        }
    ]
    before = service.register.head().size
    answer = service.post("/api/filings", "epfl", {"facts": forged})
    data = canonical(answer, 400)
    assert data["errors"][0]["field"] == "facts.evidence.0.sources.0"
    assert service.register.head().size == before
    # once Meta has published notice 1 for its model, the same evidence is true and is filed
    published = service.post(
        "/api/models/meta-llama/big/notices",
        "meta",
        {"kind": "shown-safe", "description": "ablation study"},
    )
    assert published.json()["notice_id"] == 1
    assert service.post("/api/filings", "epfl", {"facts": forged}).status_code == 201
    # a notice for another model does not back it
    forged["original"]["id"] = "meta-llama/other"
    canonical(service.post("/api/filings", "epfl", {"facts": forged}), 400)
