"""Second audit, on the pages: the filing form reads its JSON by the API's document rules, and
pages answer HEAD as GET. Both backends."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES
from service_world import Service, canonical, document, log_in


def test_the_filing_form_refuses_duplicate_keys_as_the_api_does(service: Service) -> None:
    """``POST /api/filings`` answers 400 "facts.modifier: duplicate key"; the form kept the last
    of the two and filed it, so one document meant two things depending on the door."""
    modifier, token = log_in(service, "epfl")
    text = json.dumps(document(EXAMPLES / "meditron-70b.yaml"))
    rival = '"modifier": {"name": "Someone Else"}, '
    doubled = text.replace('"modifier": {', rival + '"modifier": {', 1)
    assert doubled != text
    before = service.register.head().size
    answer = modifier.post("/file", data={"facts": doubled, "csrf_token": token})
    assert answer.status_code == 400
    assert "facts.modifier" in answer.text
    assert "duplicate key" in answer.text
    assert service.register.head().size == before  # nothing filed
    api = service.client.post(
        "/api/filings",
        content=f'{{"facts": {doubled}}}'.encode(),
        headers={**service.auth("epfl"), "content-type": "application/json"},
    )
    assert api.status_code == 400
    assert api.json()["errors"] == [{"field": "facts.modifier", "problem": "duplicate key"}]
    modifier.close()


def test_a_logged_in_page_answers_head_with_no_body_and_no_store(service: Service) -> None:
    regulator, _ = log_in(service, "regulator")
    got, head = regulator.get("/dashboard"), regulator.head("/dashboard")
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    assert "no-store" in head.headers["cache-control"]
    regulator.close()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("&".join(f"f{i}=1" for i in range(1001)), "application/x-www-form-urlencoded"),
        ("garbage", "multipart/form-data; boundary=xyz"),
        ("garbage", "multipart/form-data"),
    ],
    ids=["too-many-fields", "bad-multipart", "no-boundary"],
)
def test_a_form_the_parser_cannot_read_names_the_body(
    service: Service, content: str, content_type: str
) -> None:
    """These answered 400 with an empty ``errors`` list: no field, nothing to fix."""
    answer = service.client.post("/login", content=content, headers={"content-type": content_type})
    data = canonical(answer, 400)
    assert [e["field"] for e in data["errors"]] == ["body"]
    assert data["errors"][0]["problem"] == data["error"]


@pytest.mark.parametrize("submitted", ["é", "\u2603" * 43, "token\u00a0"])
def test_a_form_token_that_is_not_ascii_is_refused_not_a_crash(
    service: Service, submitted: str
) -> None:
    """``secrets.compare_digest`` raises on non-ASCII text: logout, reviews, login and the API's
    ``X-CSRF-Token`` answered 500 to one accented letter."""
    filing = service.file_meditron()
    regulator, _ = log_in(service, "regulator", lenient=True)
    assert regulator.post("/logout", data={"csrf_token": submitted}).status_code == 403
    review = regulator.post(
        f"/dashboard/filings/{filing}/review",
        data={"status": "under-review", "csrf_token": submitted},
    )
    assert review.status_code == 403
    api = regulator.post(
        "/api/incidents",
        json={"title": "x", "model_ids": ["meta-llama/Llama-2-70b-hf"]},
        headers=[(b"X-CSRF-Token", submitted.encode("utf-8"))],
    )
    assert canonical(api, 403)["errors"][0]["field"] == "X-CSRF-Token"
    assert "Regulator dashboard" in regulator.get("/dashboard").text  # still logged in
    anonymous = regulator.__class__(service.app, base_url="http://localhost")
    anonymous.get("/login")
    login = anonymous.post(
        "/login", data={"token": service.tokens["epfl"], "csrf_token": submitted}
    )
    assert login.status_code == 403
    assert service.get(f"/api/filings/{filing}", "regulator").json()["filing"]["status"] == (
        "submitted"
    )
    regulator.close()
    anonymous.close()
