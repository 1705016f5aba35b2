"""``/dashboard/drafts`` (issue #17): a regulator's draft is checked with every problem's line,
compared with a bundled regime, tried on a case and on the served population; nothing is stored,
and only a regulator with this session's form token reaches it. Both backends."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from conftest import EXAMPLES, SHARED_DATA
from modtrace.ecosystem.compare import compare
from modtrace.ecosystem.population import build_population
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY
from modtrace.ecosystem.stored import INPUT_COLUMNS
from modtrace.regimes.drafts import check_file, load_drafts
from modtrace.regimes.loader import default_catalog
from modtrace.regimes.model import regime_to_data
from modtrace.registry.tables import metadata, web_sessions
from service_world import Service, log_in

DRAFT = EXAMPLES / "drafts" / "compute-draft.yaml"
BAD = Path(__file__).resolve().parents[1] / "regimes" / "drafts" / "bad-draft.yaml"
FACTS = EXAMPLES / "meditron-70b.yaml"


@pytest.fixture(scope="module")
def served_population(lineage_extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report folder holding the extract's population, as ``modtrace ecosystem report``
    writes it (the simulation's inputs among its columns)."""
    folder = tmp_path_factory.mktemp("ecosystem")
    population = build_population(
        lineage_extract,
        SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet",
        SHARED_DATA / "epoch",
    )
    population.select(INPUT_COLUMNS).write_parquet(folder / "population.parquet")
    return folder


def post(browser: TestClient, token: str, **fields: Any) -> Any:
    data = {"against": "govai-2025", "scenario": "strict", "csrf_token": token, **fields}
    return browser.post("/dashboard/drafts", data=data)


def stored_rows(service: Service) -> dict[str, int]:
    with service.register.engine.connect() as c:
        return {
            t.name: int(c.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.sorted_tables
            if t is not web_sessions  # logging in is the one thing that writes
        }


def test_only_a_regulator_with_the_form_token_is_answered(service: Service) -> None:
    text = DRAFT.read_text(encoding="utf-8")
    for who in (None, "epfl", "meta"):
        if who is None:
            b = TestClient(service.app, base_url="http://localhost")
            token = "x" * 30
        else:
            b, token = log_in(service, who)
        assert b.get("/dashboard/drafts").status_code == 403
        refused = post(b, token, draft=text)
        assert refused.status_code == 403
        assert "for regulators" in refused.text
        assert "has no problem" not in refused.text
    regulator, _ = log_in(service, "regulator")
    page = regulator.get("/dashboard/drafts")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="csrf_token"' in page.text
    for forged in ("", "forged-token-forged-token"):
        answer = post(regulator, forged, draft=text)
        assert answer.status_code == 403
        assert "has no problem" not in answer.text


def test_a_draft_is_checked_compared_and_tried_on_a_case(service: Service) -> None:
    regulator, token = log_in(service, "regulator")
    before_rows, before_head = stored_rows(service), service.get("/api/log/head").json()
    bundled = {i: regime_to_data(default_catalog().get(i)) for i in default_catalog().ids()}
    answer = post(
        regulator,
        token,
        draft=DRAFT.read_text(encoding="utf-8"),
        facts=FACTS.read_text(),
        simulate="true",
    )
    assert answer.status_code == 200, answer.text[:500]
    html = answer.text
    assert "compute-draft v1 has no problem: 2 parameters, 3 steps" in html
    assert "What differs from govai-2025" in html
    assert "<td>step</td><td>large_modification</td><td>added</td>" in html
    assert re.search(
        r"Draft - compute-based scope.*?<td class=\"(in-scope|out-of-scope|indeterminate)\"",
        html,
        re.S,
    )
    assert "Why — compute-draft" in html
    assert "Why — govai-2025" in html
    assert "Not run: no ecosystem report is loaded" in html
    # nothing stored, and the bundled regimes are as they were
    assert stored_rows(service) == before_rows
    assert service.get("/api/log/head").json() == before_head
    assert default_catalog().ids() == sorted(bundled)
    assert "compute-draft" not in default_catalog().ids()
    assert {i: regime_to_data(default_catalog().get(i)) for i in bundled} == bundled
    assert "compute-draft" not in service.get("/api/regimes").text


def test_every_problem_links_to_its_line(service: Service) -> None:
    regulator, token = log_in(service, "regulator")
    text = BAD.read_text(encoding="utf-8")
    answer = post(regulator, token, draft=text, facts=FACTS.read_text())
    assert answer.status_code == 422
    expected = check_file(BAD).problems
    assert len(expected) >= 5
    for p in expected:
        assert f'<a href="#L{p.line}">line {p.line}, column {p.column}</a>' in answer.text
        assert f'<li id="L{p.line}" class="bad">' in answer.text
    assert f"draft has {len(expected)} problems" in answer.text
    assert "What differs" not in answer.text  # nothing runs on a refused draft
    assert len(re.findall(r'<li id="L\d+"', answer.text)) == len(text.splitlines())


def test_an_uploaded_file_wins_over_the_box(service: Service) -> None:
    regulator, token = log_in(service, "regulator")
    answer = regulator.post(
        "/dashboard/drafts",
        data={"against": "eu-ai-act-gpai", "csrf_token": token, "draft": "id: [unclosed"},
        files={"draft_file": ("mine.yaml", BAD.read_bytes(), "text/yaml")},
    )
    assert answer.status_code == 422
    assert "mine.yaml has" in answer.text
    good = regulator.post(
        "/dashboard/drafts",
        data={"against": "eu-ai-act-gpai", "csrf_token": token},
        files={"draft_file": ("mine.yaml", DRAFT.read_bytes(), "text/yaml")},
    )
    assert good.status_code == 200
    assert "What differs from eu-ai-act-gpai" in good.text
    latin = regulator.post(
        "/dashboard/drafts",
        data={"against": "govai-2025", "csrf_token": token},
        files={"draft_file": ("latin.yaml", "id: caf\xe9".encode("latin-1"), "text/yaml")},
    )
    assert latin.status_code == 422
    assert "not UTF-8 text" in latin.text


@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"draft": ""}, 400, "Paste a draft regime or choose a file"),
        ({"draft": "   \n"}, 400, "Paste a draft regime or choose a file"),
        ({"against": "no-such-regime"}, 400, "Compare with one of the bundled regimes"),
        ({"draft": "# " + "x" * 1_000_001}, 422, "the limit is 1,000,000"),
        ({"draft": "- a list"}, 422, "must be a mapping"),
        ({"facts": "original: [unclosed"}, 200, "The case was not assessed"),
        ({"facts": "original: {id: a/b}\nmodifier: {name: m}\ncolour: red"}, 200, "colour"),
        ({"facts": "x" * 100_001}, 200, "at most 100,000 characters"),
        ({"scenario": "wishful"}, 200, "has no problem"),
    ],
    ids=[
        "empty",
        "blank",
        "unknown-regime",
        "oversize",
        "not-a-mapping",
        "facts-syntax",
        "facts-field",
        "facts-oversize",
        "unknown-scenario",
    ],
)
def test_bad_input_is_answered_on_the_page(
    service: Service, fields: dict[str, str], status: int, says: str
) -> None:
    regulator, token = log_in(service, "regulator")
    answer = post(regulator, token, **{"draft": DRAFT.read_text(encoding="utf-8"), **fields})
    assert answer.status_code == status, answer.text[:400]
    assert answer.headers["content-type"].startswith("text/html")
    assert says in answer.text


def test_the_comparison_runs_on_the_served_population(
    database_url: str, served_population: Path
) -> None:
    service = Service(database_url, ecosystem_dir=served_population)
    try:
        regulator, token = log_in(service, "regulator")
        answer = post(
            regulator,
            token,
            draft=DRAFT.read_text(encoding="utf-8"),
            scenario="observable-only",
            simulate="true",
        )
        assert answer.status_code == 200, answer.text[:500]
        catalog = default_catalog()
        drafts = load_drafts([DRAFT])
        expected = compare(
            pl.read_parquet(served_population / "population.parquet"),
            drafts.get("compute-draft"),
            catalog.get("govai-2025"),
            OBSERVABLE_ONLY,
        )
        assert "The Hub population (observable-only scenario)" in answer.text
        n = expected.draft_counts
        assert (
            f"<td>compute-draft v1</td><td>{n.in_scope:,}</td><td>{n.indeterminate:,}</td>"
            f"<td>{n.out_of_scope:,}</td>" in answer.text
        )
        assert f"<strong>{expected.changed_models:,}</strong> derivatives" in answer.text
        skipped = post(regulator, token, draft=DRAFT.read_text(encoding="utf-8"))
        assert 'id="population"' not in skipped.text  # only when asked
    finally:
        service.close()
