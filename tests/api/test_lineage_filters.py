"""``GET /api/models/{id}/lineage`` filters by edge source and leaves deleted models out, as
``modtrace trace --source/--include-deleted`` does (issue #13), on both backends."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from lineage_world import source_family
from modtrace.api.service import build
from modtrace.cli.main import cli
from modtrace.registry.ingest.deletions import import_deletions
from modtrace.registry.register import Register

URL = "/api/models/org/base/lineage"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> TestClient:
    register = Register.open(database_url)
    source_family(register)
    (tmp_path / "deleted").mkdir()
    (tmp_path / "deleted" / "deleted_model_0402.csv").write_text(
        "Model ID,Type,Base Model\nd/gone,finetune,org/base\n", encoding="utf-8"
    )
    assert import_deletions(register, tmp_path).models_deleted == 1
    register.engine.dispose()
    return TestClient(build(database_url), base_url="http://localhost")


def _get(client: TestClient, query: str = "") -> dict[str, Any]:
    response = client.get(URL + query)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _ids(data: dict[str, Any]) -> list[str]:
    return sorted(r["model_id"] for r in data.get("reached", data.get("links", [])))


def test_deleted_models_are_left_out_and_counted_unless_asked_for(client: TestClient) -> None:
    one = _get(client)
    assert _ids(one) == ["a/ft", "b/q"]
    assert (one["total"], one["deleted_left_out"], one["include_deleted"]) == (2, 1, False)
    assert one["sources"] is None
    every = _get(client, "?include_deleted=true")
    assert _ids(every) == ["a/ft", "b/q", "d/gone"]
    assert every["deleted_left_out"] == 0
    gone = next(x for x in every["links"] if x["model_id"] == "d/gone")
    assert gone["deleted_at"] == dt.date(2025, 4, 2).isoformat()
    walk = _get(client, "?direction=descendants")
    assert _ids(walk) == ["a/ft", "b/q", "c/lora"]
    assert walk["deleted_left_out"] == 1
    assert _ids(_get(client, "?direction=descendants&include_deleted=1"))[-1] == "d/gone"


def test_sources_filter_the_edges_followed(client: TestClient) -> None:
    hub = _get(client, "?source=hub-stats")
    assert [(x["model_id"], x["source_kind"]) for x in hub["links"]] == [("b/q", "hub-stats")]
    assert hub["sources"] == ["hub-stats"]
    assert hub["deleted_left_out"] == 0  # d/gone's edge is not followed, so not counted
    two = _get(client, "?direction=descendants&source=hub-stats&source=card")
    assert _ids(two) == ["b/q"]  # the card edge hangs below a hf-lineage edge
    assert two["sources"] == ["card", "hub-stats"]
    lineage = _get(client, "?direction=descendants&source=hf-lineage&source=card")
    assert _ids(lineage) == ["a/ft", "c/lora"]
    assert lineage["deleted_left_out"] == 1


def test_the_api_and_the_command_agree(client: TestClient, database_url: str) -> None:
    for query, options in [
        ("?direction=descendants", ["--direction", "descendants"]),
        (
            "?direction=descendants&include_deleted=true",
            ["--direction", "descendants", "--include-deleted"],
        ),
        ("?source=hf-lineage", ["--source", "hf-lineage"]),
    ]:
        result = CliRunner().invoke(
            cli, ["trace", "org/base", "--database", database_url, *options, "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        rows = json.loads(result.output)
        rows = rows["reached"] if isinstance(rows, dict) else rows
        assert sorted(r["model_id"] for r in rows) == _ids(_get(client, query)), query


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("?source=web", "source: unknown source web; one of hf-lineage"),
        ("?source=card&source=", "source: unknown source"),
        ("?include_deleted=maybe", "include_deleted: "),
    ],
)
def test_bad_filters_are_refused(client: TestClient, query: str, says: str) -> None:
    response = client.get(URL + query)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["ok"] is False
    assert any(says in f"{e['field']}: {e['problem']}" for e in body["errors"]), body
