"""The pages in-process: the wizard generated from the facts schema, refusals that keep answers,
the dashboard's incidents and errors, 404 pages for people and JSON for programs, the icon."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from browser_site import FAMILY, seed
from modtrace.api.service import build
from modtrace.determination.assess import assess
from modtrace.facts.flatten import FACT_COLUMNS, facts_to_row
from modtrace.facts.loader import facts_from_mapping, load_facts
from modtrace.regimes.loader import default_catalog
from modtrace.registry.register import Register
from modtrace.registry.tokens import create_token
from modtrace.web.form import FIELDS, facts_to_form, form_to_facts, words

ROOT = Path(__file__).resolve().parents[2]
MEDITRON = ROOT / "examples" / "meditron-70b.yaml"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    register = Register.open(url)
    tokens = {
        "modifier": create_token(register, "modifier", "Example Lab"),
        "regulator": create_token(register, "regulator", "AI Office"),
    }
    seed(register)
    register.engine.dispose()
    with TestClient(build(url), base_url="http://localhost") as c:
        yield c, tokens


def csrf(html: str) -> str:
    """The form token a page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def as_role(c: TestClient, token: str) -> TestClient:
    """Log in through the login form, as a person would (a server-side session)."""
    answer = c.post(
        "/login",
        data={"token": token, "csrf_token": csrf(c.get("/login").text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]
    return c


def test_every_fact_a_regime_can_read_has_a_labelled_field(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, _ = client
    html = c.get("/assess").text
    assert set(FIELDS) == set(FACT_COLUMNS)
    for path, spec in FIELDS.items():
        assert f'name="{path}"' in html, path
        assert spec.label
        assert spec.label != path
        if spec.kind == "multi":  # a group of checkboxes: labelled by its legend
            assert f'<fieldset class="field" id="{spec.anchor}"><legend>{spec.label}' in html
        else:
            assert f'<label for="{spec.anchor}">' in html, path
            assert f'id="{spec.anchor}"' in html, path


def test_a_field_without_a_written_question_is_labelled_from_the_schema() -> None:
    assert FIELDS["modification.hardware.peak_flop_per_s"].label == "Peak (FLOP) per s"
    assert words("annual_revenue_usd") == "Annual revenue (USD)"
    assert "paper fn 91" in FIELDS["original.exempt_without_safeguards"].hint


def test_every_missing_fact_links_to_its_field(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, _ = client
    page = c.post(
        "/assess",
        data={
            "original.id": "meta-llama/Llama-3.1-8B",
            "original.provider": "Meta",
            "modifier.name": "Example Lab",
        },
    ).text
    cell = page[page.index('id="result"') :]
    missing = {m for r in default_catalog().in_force() for m in assess_missing(r)}
    assert missing, "a bare case should leave facts open"
    for path in missing:
        spec = FIELDS[path]
        assert f'<a href="#{spec.anchor}">{spec.label}</a>' in cell.replace("&#39;", "'")
    assert "<code>modification." not in cell


def assess_missing(regime: Any) -> list[str]:
    facts = load_facts_doc({"original": {"id": "meta-llama/Llama-3.1-8B", "provider": "Meta"}})
    return list(assess(facts, regime).missing)


def load_facts_doc(doc: dict[str, Any]) -> Any:
    return facts_from_mapping({"modifier": {"name": "Example Lab"}, **doc}, source="test")


def test_form_round_trips_every_example() -> None:
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        facts = load_facts(path)
        row = facts_to_row(facts)
        again = facts_to_row(facts_from_mapping(form_to_facts(facts_to_form(row)), source="f"))
        assert again == row, path.name


def test_a_refused_filing_keeps_the_answers_and_says_how_to_fix_it(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, tokens = client
    as_role(c, tokens["modifier"])
    doc = json.loads(json.dumps(yaml.safe_load(MEDITRON.read_text()), default=str))
    response = c.post(
        "/file",
        data={
            "facts": json.dumps(doc),
            "contact": "me@example.org",
            "model_id": "x/y",
            "csrf_token": csrf(c.get("/assess").text),
        },
    )
    assert response.status_code == 403
    page = unescape(response.text)
    named = doc["modifier"]["name"]
    assert f"you are logged in as Example Lab, but the facts name {named}" in page
    assert "change “Your name or organisation” to Example Lab" in page
    assert f'value="{named}"' in page  # the answers are still there
    assert f'value="{doc["original"]["id"]}"' in page
    assert 'value="me@example.org"' in page
    assert "File registration" in page  # one click from filing again


def test_the_name_is_filled_in_from_the_logged_in_modifier(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, tokens = client
    assert 'name="modifier.name" value=""' in c.get("/assess").text
    as_role(c, tokens["modifier"])
    assert 'name="modifier.name" value="Example Lab"' in c.get("/assess").text


def test_a_name_the_modifier_typed_is_not_replaced_by_the_default(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, tokens = client
    as_role(c, tokens["modifier"])
    data = {"original.id": "a/b", "original.provider": "P", "modifier.name": "Other GmbH"}
    html = c.post("/assess", data=data).text
    assert 'name="modifier.name" value="Other GmbH"' in html


def test_bad_answers_link_to_their_fields(client: tuple[TestClient, dict[str, str]]) -> None:
    c, _ = client
    response = c.post(
        "/assess",
        data={
            "original.id": "a/b",
            "original.provider": "P",
            "modifier.name": "L",
            "original.parameters": "lots",
        },
    )
    assert response.status_code == 400
    anchor = FIELDS["original.parameters"].anchor
    assert f'<a href="#{anchor}">Parameters</a>' in response.text
    assert 'value="lots"' in response.text


def test_filed_by_never_shows_none(client: tuple[TestClient, dict[str, str]]) -> None:
    c, tokens = client
    html = as_role(c, tokens["regulator"]).get("/dashboard").text
    assert "<td>None</td>" not in html
    assert "command line (no account)" in html


def test_incidents_are_listed_newest_first_with_their_models(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, tokens = client
    html = as_role(c, tokens["regulator"]).get("/dashboard").text
    section = html[html.index('id="incidents"') : html.index('id="recall"')]
    assert section.index("Unsafe medical advice") < section.index("Older incident")
    assert FAMILY in section
    assert "/dashboard?incident=2&amp;from_root=true#recall" in section


@pytest.mark.parametrize(
    ("incident", "status", "words"),
    [("999", 404, "There is no incident 999"), ("abc", 400, "is not a number")],
)
def test_a_bad_incident_id_is_an_error_not_a_blank(
    client: tuple[TestClient, dict[str, str]], incident: str, status: int, words: str
) -> None:
    c, tokens = client
    response = as_role(c, tokens["regulator"]).get(f"/dashboard?incident={incident}")
    assert response.status_code == status
    assert words in unescape(response.text)
    assert 'role="alert"' in response.text


def test_recall_from_the_root_reaches_the_whole_family(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, tokens = client
    as_role(c, tokens["regulator"])
    leaf = c.get("/dashboard?incident=2").text
    assert "Nothing derives from the implicated models" in leaf
    assert "Tick “From the root”" in unescape(leaf)
    root = c.get("/dashboard?incident=2&from_root=true").text
    assert "Nothing derives" not in root
    assert root.count("<td>lab00/grandchild-") == 9
    assert "<td>mistralai/Mistral-7B-v0.1</td>" in root


def test_lineage_of_an_unknown_model_says_so(client: tuple[TestClient, dict[str, str]]) -> None:
    c, tokens = client
    html = as_role(c, tokens["regulator"]).get("/dashboard?model=no/such").text
    assert "no/such is not in the register" in html


@pytest.mark.parametrize("path", ["/no/such/page", "/dashboard/x/y", "/api/nothing"])
def test_unknown_paths_are_html_for_browsers_and_json_for_programs(
    client: tuple[TestClient, dict[str, str]], path: str
) -> None:
    c, _ = client
    as_json = c.get(path, headers={"accept": "application/json"})
    assert as_json.status_code == 404
    assert as_json.json() == {"ok": False, "error": "Not Found", "errors": [], "status": 404}
    browser = c.get(path, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 404
    if path.startswith("/api"):
        assert browser.json()["status"] == 404
    else:
        assert browser.headers["content-type"].startswith("text/html")
        assert "<h1>Page not found</h1>" in browser.text
        assert re.search(r'href="/assess"', browser.text)


def test_there_is_a_favicon(client: tuple[TestClient, dict[str, str]]) -> None:
    c, _ = client
    for path in ("/favicon.ico", "/favicon.svg"):
        response = c.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.text.startswith("<svg")
    assert 'rel="icon" href="/favicon.svg"' in c.get("/assess").text
