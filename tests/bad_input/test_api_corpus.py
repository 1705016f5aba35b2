"""Every route under /api over a corpus of bad requests (tests/bad_input/api.yaml): a 4xx status
and the canonical JSON error body, never a 5xx or a traceback.

The routes are enumerated from the FastAPI app, so a new route without corpus entries fails
:func:`test_every_route_has_a_corpus`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from hostile_files import FACTS, REQUEST, TERMS
from modtrace.api.service import build
from modtrace.registry.register import Edge, Register
from modtrace.registry.tokens import create_token

CORPUS: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "api.yaml").read_text(encoding="utf-8")
)
MIN_CASES = 5


def _plain(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
    return data


def _merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class Service:
    """The service over a register with one token per role and one known lineage edge."""

    def __init__(self, url: str) -> None:
        register = Register.open(url)
        self.tokens = {
            role: create_token(register, role, subject)
            for role, subject in [
                ("regulator", "AI Office"),
                ("provider", "Meta|meta-llama"),
                ("modifier", "EPFL LLM Team"),
            ]
        }
        register.add_edges([Edge("meta-llama/Llama-2-70b-hf", "epfl-llm/meditron-70b", "finetune")])
        register.engine.dispose()
        self.client = TestClient(
            build(url), base_url="http://localhost", raise_server_exceptions=False
        )

    def send(self, case: dict[str, Any]) -> Any:
        who = case.get("who")
        headers = {"Content-Type": "application/json"}
        if who == "bad":
            headers["Authorization"] = "Bearer mt_not-a-real-token"
        elif who:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        content: str | None = case.get("raw")
        if content is None and ("json" in case or "facts" in case or "gate" in case):
            body = dict(case.get("json") or {})
            if "facts" in case:
                body["facts"] = _merge(_plain(FACTS), case["facts"])
            if "gate" in case:
                valid = {"request": _plain(REQUEST), "terms": _plain(TERMS)}
                body = {**_merge(valid, case["gate"]), **body}
            content = json.dumps(body)  # allow_nan: .inf and .nan go out as Infinity, NaN
        return self.client.request(case["method"], case["url"], content=content, headers=headers)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("api-bad-input")
    s = Service(f"sqlite:///{folder / 'register.sqlite3'}")
    yield s
    s.client.close()


def api_routes(service: Service) -> set[str]:
    """``METHOD /path`` of every route under /api."""
    app: Any = service.client.app
    return {
        f"{method} {route.path}"
        for route in app.routes
        if isinstance(route, APIRoute) and route.path.startswith("/api")
        for method in route.methods or ()
    }


def test_every_route_has_a_corpus(service: Service) -> None:
    routes = api_routes(service)
    missing = sorted(r for r in routes if len(CORPUS.get(r, [])) < MIN_CASES)
    assert not missing, f"fewer than {MIN_CASES} bad requests for: {', '.join(missing)}"
    assert not set(CORPUS) - routes, "corpus entries for routes that do not exist"


CASES = [
    pytest.param(route, case, id=f"{route}-{i}")
    for route, cases in CORPUS.items()
    for i, case in enumerate(cases)
]


@pytest.mark.parametrize(("route", "case"), CASES)
def test_bad_request_gets_a_4xx_and_the_canonical_body(
    service: Service, route: str, case: dict[str, Any]
) -> None:
    response = service.send(case)
    assert response.status_code == case["status"], response.text
    body = response.json()
    assert set(body) == {"ok", "error", "errors", "status"}
    assert body["ok"] is False
    assert body["status"] == response.status_code
    assert all(set(e) == {"field", "problem"} for e in body["errors"])
    said = [body["error"], *(f"{e['field']}: {e['problem']}" for e in body["errors"])]
    assert any(case["says"] in s for s in said), said
    assert not any("--" in e["field"] for e in body["errors"]), "a CLI flag in an API error"
