"""The service's wall (findings 6, 7, 8 and 9 of issue 11): hosts, origins, bearer tokens before
bodies, body and field limits, security headers, and never a 5xx: every refusal is the canonical
JSON body. Storage-touching cases run on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES
from modtrace.api.guard import (
    MAX_BODY_BYTES,
    SECURITY_HEADERS,
    Limits,
    Refused,
    check_json,
    host_allowed,
)
from modtrace.registry.tables import filings, modifications
from service_world import GATE_REQUEST, GATE_TERMS, Service, canonical, document


def filing_body(**facts_changes: Any) -> dict[str, Any]:
    facts = document(EXAMPLES / "meditron-70b.yaml")
    facts["modification"] = {**facts["modification"], **facts_changes}
    return {"facts": facts, "model_id": "epfl-llm/meditron-70b"}


def stored(service: Service) -> tuple[int, int]:
    with service.register.engine.connect() as c:
        return (
            len(c.execute(filings.select()).all()),
            len(c.execute(modifications.select()).all()),
        )


# ---- finding 6: bodies and fields ---------------------------------------------------------


def test_an_oversized_body_is_413_and_nothing_is_stored(service: Service) -> None:
    big = filing_body(intended_use="x" * (MAX_BODY_BYTES + 10))
    answer = canonical(service.post("/api/filings", "epfl", big), 413)
    assert answer["errors"][0]["field"] == "body"
    assert stored(service) == (0, 0)
    assert service.register.verify().ok


def test_a_body_without_a_length_is_counted_as_it_streams(service: Service) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"facts": {"x": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"y" * 65536
        yield b'"}}'

    answer = service.client.post(
        "/api/filings",
        content=chunks(),
        headers={**service.auth("epfl"), "Content-Type": "application/json"},
    )
    canonical(answer, 413)
    assert stored(service) == (0, 0)


def test_an_over_long_field_is_422_naming_it_and_nothing_is_stored(service: Service) -> None:
    body = filing_body(intended_use="x" * (Limits().max_string + 1))
    answer = canonical(service.post("/api/filings", "epfl", body), 422)
    assert answer["errors"][0]["field"] == "facts.modification.intended_use"
    assert stored(service) == (0, 0)
    assert service.post("/api/filings", "epfl", filing_body()).status_code == 201


def test_deep_nesting_is_refused() -> None:
    deep: Any = "x"
    for _ in range(Limits().max_depth + 2):
        deep = [deep]
    with pytest.raises(Refused, match="invalid request"):
        check_json(deep, Limits())


# ---- finding 8: a bad bearer token is 401 before any body is looked at ----------------------


@pytest.mark.parametrize(
    "authorization",
    ["Bearer mt_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "mt_no_scheme"],
    ids=["unknown", "empty", "basic", "no-scheme"],
)
@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"facts": 1}', b"x" * (MAX_BODY_BYTES + 1)],
    ids=["malformed", "invalid", "oversized"],
)
def test_bad_bearer_token_is_401_before_the_body(
    service: Service, authorization: str, content: bytes
) -> None:
    answer = service.client.post(
        "/api/filings",
        content=content,
        headers={"Authorization": authorization, "Content-Type": "application/json"},
    )
    canonical(answer, 401)


# ---- finding 7: hosts, origins, headers, docs -----------------------------------------------


@pytest.mark.parametrize("path", ["/api/regimes", "/register", "/login", "/api/filings/1"])
def test_every_response_carries_the_security_headers(service: Service, path: str) -> None:
    answer = service.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "127.0.0.2", "[::2]"])
def test_an_unknown_host_header_is_refused(service: Service, host: str) -> None:
    answer = service.get("/api/regimes", headers={"Host": host})
    assert canonical(answer, 400)["errors"][0]["field"] == "Host"
    assert "content-security-policy" in answer.headers


def test_allowed_hosts_are_configurable(database_url: str) -> None:
    service = Service(database_url, allowed_hosts=["modtrace.example.org"])
    try:
        assert service.get("/api/regimes", headers={"Host": "modtrace.example.org:8443"}).is_success
        canonical(service.get("/api/regimes"), 400)  # localhost is no longer served
    finally:
        service.close()


@given(st.text(max_size=40))
def test_host_allowed_only_names_listed_hosts(header: str) -> None:
    if host_allowed(header, ["localhost"]):
        assert header.lower().split(":")[0] == "localhost"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost:9999"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "http://localhost:9999/attack.html"},
    ],
    ids=["other-port", "other-site", "opaque", "referer-only"],
)
def test_state_changes_from_another_origin_are_refused(
    service: Service, headers: dict[str, str]
) -> None:
    answer = service.post("/api/filings", "epfl", filing_body(), headers=headers)
    assert canonical(answer, 403)["error"] == "cross-origin request refused"
    assert stored(service) == (0, 0)
    same = service.post(
        "/api/filings", "epfl", filing_body(), headers={"Origin": "http://localhost"}
    )
    assert same.status_code == 201


def test_docs_are_not_served_by_default_and_never_from_a_page_here(database_url: str) -> None:
    service = Service(database_url)
    try:
        canonical(service.get("/docs"), 404)
        canonical(service.get("/redoc"), 404)
        assert service.get("/openapi.json").status_code == 200
    finally:
        service.close()
    with_docs = Service(database_url, docs=True)
    try:
        assert with_docs.get("/docs").status_code == 200
    finally:
        with_docs.close()


# ---- finding 9: never a 5xx -----------------------------------------------------------------


def gate(**changes: Any) -> dict[str, Any]:
    return {"request": {**document(GATE_REQUEST), **changes}, "terms": document(GATE_TERMS)}


RAW_BODIES = {
    "infinite-compute": (
        "/api/gate/check",
        b'{"request": {"requester": {"name": "A"}, "model": "meta-llama/Llama-3.1-8B-Instruct",'
        b' "techniques": ["fine-tuning"], "estimated_compute_flop": Infinity}, "terms": {}}',
    ),
    "overflowing-compute": (
        "/api/gate/check",
        b'{"request": {"requester": {"name": "A"}, "model": "m", "techniques": ["x"],'
        b' "estimated_compute_flop": 1e999}, "terms": {}}',
    ),
    "nan-in-facts": (
        "/api/assessments",
        b'{"facts": {"original": {"training_compute_flop": NaN}}}',
    ),
    "huge-integer": ("/api/assessments", b'{"facts": {"x": ' + b"9" * 5000 + b"}}"),
    "nul-in-json": ("/api/filings", b'{"facts": {"modifier": {"name": "EPFL\\u0000"}}}'),
}


FIELDS = {
    "infinite-compute": "request.estimated_compute_flop",
    "overflowing-compute": "request.estimated_compute_flop",
    "nan-in-facts": "facts.original.training_compute_flop",
    "huge-integer": "facts.x",
    "nul-in-json": "facts.modifier.name",
}


@pytest.mark.parametrize("case", list(RAW_BODIES), ids=list(RAW_BODIES))
def test_numbers_json_cannot_carry_and_nul_bytes_are_422(service: Service, case: str) -> None:
    path, raw = RAW_BODIES[case]
    answer = service.client.post(
        path,
        content=raw,
        headers={
            **service.auth("meta" if "gate" in path else "epfl"),
            "Content-Type": "application/json",
        },
    )
    field = canonical(answer, 422)["errors"][0]["field"]
    assert field == FIELDS[case]
    assert stored(service) == (0, 0)


@pytest.mark.parametrize(
    ("path", "who", "status"),
    [
        ("/api/log/proof/filing/²", "epfl", 404),
        ("/api/log/proof/filing/١٢", "epfl", 404),
        ("/api/log/proof/filing/99999999999999999999999", "epfl", 404),
        ("/api/log/proof/filing/99999999999999999999999", "regulator", 404),
        ("/api/log/proof/filing/²", "regulator", 404),
        ("/api/filings/99999999999999999999", "regulator", 422),
        ("/api/incidents/99999999999999999999/recall", "regulator", 422),
        ("/api/filings?q=" + "a" * 50_000, "regulator", 422),
        ("/api/public/filings?q=" + "%25_" * 10_000, None, 422),
        ("/api/filings?q=a%00b", "regulator", 422),
        ("/api/filings?status=%00", "regulator", 422),
        ("/api/models/meta-llama%00/notices", None, 422),
        ("/api/models/a%00b/lineage", None, 422),
        ("/api/models/meta-llama/" + "m" * 5000 + "/lineage", None, 422),
        ("/register?q=" + "a" * 50_000, None, 422),
        ("/dashboard?incident=²", None, 403),
    ],
    ids=lambda v: str(v)[:40],
)
def test_hostile_urls_never_answer_5xx(
    service: Service, path: str, who: str | None, status: int
) -> None:
    answer = service.get(path, who)
    assert answer.status_code == status, answer.text[:300]
    if status >= 400 and path.startswith("/api"):
        canonical(answer, status)


def test_nul_in_a_form_is_refused(service: Service) -> None:
    answer = service.client.post("/login", data={"token": "a\x00b", "csrf_token": "x"})
    canonical(answer, 422)


def test_an_unexpected_error_keeps_the_canonical_body(service: Service) -> None:
    @service.app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    client = TestClient(service.app, base_url="http://localhost", raise_server_exceptions=False)
    answer = client.get("/api/boom")
    assert canonical(answer, 500)["error"] == "internal error"
    assert "a bug" not in answer.text


_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=50)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_text, inner, max_size=5),
    max_leaves=30,
)


@given(json_values)
def test_ordinary_json_passes_the_limits(value: Any) -> None:
    check_json(value, Limits())


@given(json_values, st.integers(50, 500))
def test_a_string_over_the_limit_is_named_wherever_it_sits(value: Any, limit: int) -> None:
    with pytest.raises(Refused) as refused:
        check_json({"outer": [value, {"inner": "y" * (limit + 1)}]}, Limits(max_string=limit))
    assert (refused.value.status, refused.value.field) == (422, "outer.1.inner")
