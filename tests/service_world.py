"""A small service for the security tests: a register on either backend, tokens for each role,
and a client that speaks to it as a browser on localhost would."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from conftest import EXAMPLES
from modtrace.api.service import build
from modtrace.registry.register import Edge, Register
from modtrace.registry.tokens import create_token

BASE = "http://localhost"
GATE_REQUEST = EXAMPLES / "gate" / "clinic-finetune.yaml"
GATE_TERMS = EXAMPLES / "terms" / "llama-3.1-8b-instruct.yaml"


def document(path: Path) -> dict[str, Any]:
    """A YAML example as the JSON a client would send."""
    return dict(json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str)))


def canonical(response: Any, status: int) -> dict[str, Any]:
    """The response is the canonical error body with ``status``."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    data: dict[str, Any] = response.json()
    assert data["ok"] is False
    assert data["status"] == status
    assert isinstance(data["error"], str)
    assert all(set(e) == {"field", "problem"} for e in data["errors"])
    return data


def form_token(html: str) -> str:
    """The form token a page carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def log_in(service: Service, who: str, *, lenient: bool = False) -> tuple[TestClient, str]:
    """A browser logged in through the form, and its session's form token (``lenient``: server
    errors come back as 500 pages instead of being raised)."""
    b = TestClient(
        service.app, base_url=BASE, follow_redirects=False, raise_server_exceptions=not lenient
    )
    answer = b.post(
        "/login",
        data={"token": service.tokens[who], "csrf_token": form_token(b.get("/login").text)},
    )
    assert answer.status_code == 303, answer.text[:300]
    return b, form_token(b.get("/register").text)


class Service:
    """Tokens: regulator, meta (provider), mistral (provider), epfl and rival (modifiers)."""

    def __init__(self, url: str, *, lenient: bool = False, **build_options: Any) -> None:
        """``lenient``: the client answers a server error with its 500 instead of raising it."""
        self.register = Register.open(url)
        self.tokens = {
            "regulator": create_token(self.register, "regulator", "AI Office"),
            "meta": create_token(self.register, "provider", "Meta|meta-llama"),
            "mistral": create_token(self.register, "provider", "Mistral AI|mistralai"),
            "epfl": create_token(self.register, "modifier", "EPFL LLM Team"),
            "rival": create_token(self.register, "modifier", "Someone Else"),
        }
        self.register.add_edges(
            [Edge("meta-llama/Llama-2-70b-hf", "epfl-llm/meditron-70b", "finetune")]
        )
        self.app = build(url, **build_options)
        self.client = TestClient(self.app, base_url=BASE, raise_server_exceptions=not lenient)

    def auth(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def get(self, path: str, who: str | None = None, **kw: Any) -> Any:
        return self.client.get(path, headers={**self.auth(who), **kw.pop("headers", {})}, **kw)

    def post(self, path: str, who: str | None, body: Any = None, **kw: Any) -> Any:
        headers = {**self.auth(who), **kw.pop("headers", {})}
        return self.client.post(path, json=body, headers=headers, **kw)

    def file_meditron(self, *, confidential: bool = True) -> int:
        """EPFL files its meditron registration (submitted, not accepted)."""
        made = self.post(
            "/api/filings",
            "epfl",
            {
                "facts": document(EXAMPLES / "meditron-70b.yaml"),
                "model_id": "epfl-llm/meditron-70b",
                "contact": "epfl@example.org",
                "confidential": confidential,
            },
        )
        assert made.status_code == 201, made.text
        return int(made.json()["filing"]["id"])

    def close(self) -> None:
        self.client.close()
        self.app.state.register.engine.dispose()
        self.register.engine.dispose()
