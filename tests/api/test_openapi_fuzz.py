"""Generated requests from the published OpenAPI schema (schemathesis): never a server error."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from modtrace.api.service import build
from modtrace.registry.register import Register
from modtrace.registry.tokens import create_token

_DB = Path(tempfile.mkdtemp(prefix="modtrace-fuzz-")) / "register.sqlite3"
_URL = f"sqlite:///{_DB}"
_TOKEN = create_token(Register.open(_URL), "regulator", "AI Office")
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    build(_URL, allowed_hosts=["testserver"]),  # its in-process client's host
)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
    response = case.call(headers={"Authorization": f"Bearer {_TOKEN}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert body["ok"] is False
        assert body["status"] == response.status_code


@pytest.mark.parametrize("path", ["/api/regimes", "/api/log/head"])
def test_schema_lists_the_paths(path: str) -> None:
    assert path in schema.raw_schema["paths"]


def test_created_records_link_to_what_comes_next() -> None:
    paths = schema.raw_schema["paths"]
    filing_links = paths["/api/filings"]["post"]["responses"]["201"]["links"]
    assert set(filing_links) == {"GetFiling", "ReviewFiling", "ProveFiling"}
    recall = paths["/api/incidents"]["post"]["responses"]["201"]["links"]["RecallList"]
    assert recall["parameters"] == {"incident_id": "$response.body#/incident_id"}


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences that follow the links (file, then read, review, prove; report, then recall):
    never a 5xx, and every error keeps the canonical body."""

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:  # type: ignore[type-arg]
        return {"headers": {"Authorization": f"Bearer {_TOKEN}"}}

    def validate_response(
        self,
        response: Any,
        case: schemathesis.Case,  # type: ignore[type-arg]
        *args: Any,
        **kwargs: Any,
    ) -> None:
        assert response.status_code < 500, (case.method, case.path, response.text[:500])
        if response.status_code >= 400:
            body = response.json()
            assert body["ok"] is False
            assert body["status"] == response.status_code


TestStatefulWorkflow = Workflow.TestCase
TestStatefulWorkflow.settings = settings(
    max_examples=15, stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck)
)
