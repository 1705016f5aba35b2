"""Every endpoint, every role: what each may do, and that the others get 401/403/404 and learn
nothing (a filing someone may not read answers exactly like one that does not exist)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from conftest import EXAMPLES
from modtrace.api.service import build
from modtrace.registry.register import Edge, Register
from modtrace.registry.tokens import create_token, revoke


def facts(example: str = "meditron-70b", **changes: Any) -> dict[str, Any]:
    doc = json.loads(
        json.dumps(yaml.safe_load((EXAMPLES / f"{example}.yaml").read_text()), default=str)
    )
    for path, value in changes.items():
        node = doc
        *parents, leaf = path.split("__")
        for part in parents:
            node = node[part]
        node[leaf] = value
    return dict(doc)


class World:
    """A service with a regulator, a provider (Meta), two modifiers and one filing each."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        register = Register.open(database_url)
        self.tokens = {
            "regulator": create_token(register, "regulator", "AI Office"),
            "provider": create_token(register, "provider", "Meta|meta-llama"),
            "other_provider": create_token(register, "provider", "Mistral AI"),
            "modifier": create_token(register, "modifier", "EPFL LLM Team"),
            "other_modifier": create_token(register, "modifier", "Someone Else"),
        }
        register.add_edges([Edge("meta-llama/Llama-2-70b-hf", "epfl-llm/meditron-70b", "finetune")])
        register.engine.dispose()
        self.client = TestClient(build(database_url), base_url="http://localhost")
        made = self.post(
            "/api/filings",
            "modifier",
            {
                "facts": facts(),
                "model_id": "epfl-llm/meditron-70b",
                "contact": "epfl@example.org",
                "confidential": True,
            },
        )
        assert made.status_code == 201, made.text
        self.filing = made.json()["filing"]["id"]

    def headers(self, who: str | None) -> dict[str, str]:
        if who is None:
            return {}
        if who == "bad":
            return {"Authorization": "Bearer mt_not-a-real-token"}
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, path: str, who: str | None = None) -> Any:
        return self.client.get(path, headers=self.headers(who))

    def post(self, path: str, who: str | None, body: dict[str, Any]) -> Any:
        return self.client.post(path, json=body, headers=self.headers(who))


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    w = World(database_url)
    yield w
    w.client.close()
    w.client.app.state.register.engine.dispose()  # type: ignore[attr-defined]


def canonical(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    data = response.json()
    assert data["ok"] is False
    assert data["status"] == status
    assert isinstance(data["errors"], list)
    return dict(data)


# ---- open endpoints ------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "regulator", "provider", "modifier"])
def test_regimes_and_assessments_are_open(world: World, who: str | None) -> None:
    assert {r["id"] for r in world.get("/api/regimes", who).json()} >= {"govai-2025"}
    assert world.get("/api/regimes/eu-ai-act-gpai", who).json()["parameters"][
        "modification_divisor"
    ]
    result = world.post(
        "/api/assessments",
        who,
        {"facts": facts("abliterated-llama-3.1-405b"), "regime": "govai-2025"},
    )
    assert result.json()["determinations"][0]["outcome"] == "in-scope"


def test_assessment_overrides_and_every_regime(world: World) -> None:
    one = world.post(
        "/api/assessments",
        None,
        {
            "facts": facts("abliterated-llama-3.1-405b"),
            "regime": "govai-2025",
            "params": {"upstream_threshold_flop": "1e26"},
        },
    )
    assert one.json()["determinations"][0]["outcome"] == "out-of-scope"
    every = world.post("/api/assessments", None, {"facts": facts(), "at": "2026-06-01"})
    assert len(every.json()["determinations"]) == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"facts": {"original": {"id": "a/b"}, "modifier": {"name": "x"}}},
            "facts.original.provider",
        ),
        ({"facts": facts(modification__compute_flop=-1)}, "facts.modification.compute_flop"),
        ({"facts": facts(), "regime": "nope"}, "regime"),
        ({"facts": facts(), "regime": "govai-2025", "params": {"zeta": 1}}, "params.zeta"),
        ({"fact": {}}, "facts"),
    ],
    ids=["missing", "negative", "regime", "param", "shape"],
)
def test_bad_assessment_input_names_the_field(
    world: World, body: dict[str, Any], field: str
) -> None:
    response = world.post("/api/assessments", None, body)
    data = canonical(response, response.status_code)
    assert response.status_code in (400, 422)
    assert any(e["field"] == field or e["field"].startswith(field) for e in data["errors"]), data


@pytest.mark.parametrize("who", [None, "modifier", "provider"])
def test_lineage_and_log_head_are_public(world: World, who: str | None) -> None:
    data = world.get("/api/models/epfl-llm/meditron-70b/lineage?direction=back", who).json()
    assert data["links"][0]["model_id"] == "meta-llama/Llama-2-70b-hf"
    assert world.get("/api/log/head", who).json()["size"] > 0


def test_bad_token_is_401_everywhere_it_is_read(world: World) -> None:
    for path in ("/api/filings", f"/api/filings/{world.filing}", "/api/incidents/1/recall"):
        canonical(world.get(path, "bad"), 401)
    register = Register.open(world.url)
    assert revoke(register, world.tokens["other_modifier"])
    register.engine.dispose()
    canonical(world.get("/api/filings", "other_modifier"), 401)


# ---- filings -------------------------------------------------------------------------------


def test_who_sees_a_submitted_filing(world: World) -> None:
    path = f"/api/filings/{world.filing}"
    full = world.get(path, "regulator").json()["filing"]
    assert full["contact"] == "epfl@example.org"
    assert world.get(path, "modifier").json()["filing"]["contact"] == "epfl@example.org"
    assert world.get(path, "provider").json()["filing"]["intended_use"]  # about Meta's model
    missing = canonical(world.get("/api/filings/999", "other_modifier"), 404)
    for who in (None, "other_modifier", "other_provider"):
        hidden = canonical(world.get(path, who), 404)
        assert hidden == missing  # no existence leak
    assert world.get("/api/filings", None).json()["filings"] == []
    assert world.get("/api/filings", "other_modifier").json()["filings"] == []
    assert len(world.get("/api/filings", "provider").json()["filings"]) == 1


def test_only_modifiers_for_themselves_and_regulators_file(world: World) -> None:
    body = {"facts": facts(), "model_id": "x/y"}
    canonical(world.post("/api/filings", None, body), 403)
    canonical(world.post("/api/filings", "provider", body), 403)
    wrong = canonical(world.post("/api/filings", "other_modifier", body), 403)
    assert wrong["errors"][0]["field"] == "facts.modifier.name"
    assert world.post("/api/filings", "regulator", body).status_code == 201


def test_review_rules(world: World) -> None:
    path = f"/api/filings/{world.filing}/review"
    canonical(world.post(path, "modifier", {"status": "under-review"}), 403)
    canonical(world.post(path, "provider", {"status": "under-review"}), 403)
    canonical(world.post(path, None, {"status": "under-review"}), 404)
    canonical(world.post("/api/filings/999/review", "regulator", {"status": "accepted"}), 404)
    bad = canonical(world.post(path, "regulator", {"status": "accepted"}), 400)
    assert bad["errors"][0]["field"] == "status"
    canonical(world.post(path, "regulator", {"status": "approved"}), 422)
    assert (
        world.post(path, "regulator", {"status": "under-review"}).json()["filing"]["status"]
        == "under-review"
    )
    done = world.post(path, "regulator", {"status": "accepted", "comment": "fine"}).json()["filing"]
    assert done["reviews"][-1] == {
        "from": "under-review",
        "to": "accepted",
        "reviewer": "AI Office",
        "comment": "fine",
    }


def test_public_register_shows_accepted_public_fields_only(world: World) -> None:
    path = f"/api/filings/{world.filing}/review"
    world.post(path, "regulator", {"status": "under-review"})
    world.post(path, "regulator", {"status": "accepted"})
    public = world.get("/api/public/filings?q=llama").json()["filings"]
    assert len(public) == 1
    row = public[0]
    assert row["intended_use"] is None  # confidential
    assert "contact" not in row
    assert "owner" not in row
    assert "reviews" not in row
    assert world.get(f"/api/filings/{world.filing}").json()["filing"]["id"] == world.filing
    assert world.get("/api/public/filings?q=nothing-like-this").json()["filings"] == []
    proof = world.get(f"/api/log/proof/filing/{world.filing}").json()
    assert proof["verified"] is True


# ---- incidents, ecosystem, proofs ----------------------------------------------------------


def test_incidents_and_recall_lists(world: World) -> None:
    body = {
        "title": "Unsafe advice",
        "model_ids": ["meta-llama/Llama-2-70b-hf"],
        "severity": "high",
    }
    canonical(world.post("/api/incidents", "modifier", body), 403)
    canonical(world.post("/api/incidents", None, body), 403)
    incident = world.post("/api/incidents", "provider", body).json()["incident_id"]
    reporter = body | {"reported_by": "regulator:AI Office"}  # not the caller's to choose
    canonical(world.post("/api/incidents", "provider", reporter), 422)
    register = Register.open(world.url)
    try:
        assert register.incident(incident)["reported_by"] == "provider:Meta|meta-llama"
    finally:
        register.engine.dispose()
    recall = world.get(f"/api/incidents/{incident}/recall", "regulator").json()["recall"]
    assert [r["model_id"] for r in recall["downstream"]] == ["epfl-llm/meditron-70b"]
    assert (
        world.get(f"/api/incidents/{incident}/recall", "provider").status_code == 200
    )  # Meta's model
    missing = canonical(world.get("/api/incidents/999/recall", "other_provider"), 404)
    assert (
        canonical(world.get(f"/api/incidents/{incident}/recall", "other_provider"), 404) == missing
    )
    canonical(world.get(f"/api/incidents/{incident}/recall", "modifier"), 404)
    canonical(world.post("/api/incidents", "regulator", {"title": "", "model_ids": []}), 422)


def test_proofs_for_others_only_through_filings_they_may_read(world: World) -> None:
    assert world.get("/api/log/proof/modification/1", "regulator").json()["verified"] is True
    canonical(world.get("/api/log/proof/modification/1", "modifier"), 404)
    assert world.get(f"/api/log/proof/filing/{world.filing}", "modifier").json()["verified"] is True
    canonical(world.get(f"/api/log/proof/filing/{world.filing}", "other_modifier"), 404)


def test_ecosystem_summary_needs_a_built_report(world: World) -> None:
    canonical(world.get("/api/ecosystem/summary"), 404)


def test_openapi_is_published(world: World) -> None:
    spec = world.get("/openapi.json").json()
    assert {
        "/api/assessments",
        "/api/filings",
        "/api/filings/{filing_id}/review",
        "/api/incidents/{incident_id}/recall",
        "/api/log/head",
    } <= set(spec["paths"])


def test_provider_notices(world: World) -> None:
    body = {
        "kind": "warning",
        "description": "Fine-tuning on CBRN data may lead to unacceptable risk",
        "data_domains": ["cbrn"],
    }
    made = world.post("/api/models/meta-llama/Llama-2-70b-hf/notices", "provider", body)
    assert made.status_code == 201
    canonical(
        world.post("/api/models/meta-llama/Llama-2-70b-hf/notices", "other_provider", body), 404
    )
    canonical(world.post("/api/models/meta-llama/Llama-2-70b-hf/notices", "modifier", body), 403)
    canonical(world.post("/api/models/meta-llama/Llama-2-70b-hf/notices", None, body), 403)
    canonical(
        world.post(
            "/api/models/meta-llama/Llama-2-70b-hf/notices", "provider", {**body, "kind": "nope"}
        ),
        422,
    )
    notices = world.get("/api/models/meta-llama/Llama-2-70b-hf/notices").json()["notices"]
    assert [(n["kind"], n["provider"], n["data_domains"]) for n in notices] == [
        ("warning", "Meta|meta-llama", ["cbrn"])
    ]
    assert world.get("/api/log/proof/provider-notice/1", "regulator").json()["verified"] is True
