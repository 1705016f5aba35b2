"""OpenAPI links: what a client (or schemathesis's stateful tests) may do next with the id a
response returns."""

from __future__ import annotations

from typing import Any


def _ref(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _created(links: dict[str, Any]) -> dict[str, Any]:
    return {"responses": {"201": {"description": "Created", "links": links}}}


FILING_CREATED = _created(
    {
        "GetFiling": {
            "operationRef": _ref("/api/filings/{filing_id}", "get"),
            "parameters": {"filing_id": "$response.body#/filing/id"},
        },
        "ReviewFiling": {
            "operationRef": _ref("/api/filings/{filing_id}/review", "post"),
            "parameters": {"filing_id": "$response.body#/filing/id"},
        },
        "ProveFiling": {
            "operationRef": _ref("/api/log/proof/{kind}/{ref}", "get"),
            "parameters": {"kind": "filing", "ref": "$response.body#/filing/id"},
        },
    }
)
INCIDENT_CREATED = _created(
    {
        "RecallList": {
            "operationRef": _ref("/api/incidents/{incident_id}/recall", "get"),
            "parameters": {"incident_id": "$response.body#/incident_id"},
        }
    }
)
