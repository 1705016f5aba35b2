"""A regulator drafts a regime in Chromium (issue #17): pastes a draft with mistakes, follows a
problem's link to its line, uploads the corrected file, reads the diff, the case under both and
the comparison on the served population. axe-core finds nothing on any page reached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from browser_site import PHONE, Site, axe_violations, log_in, serve_site, shoot
from conftest import EXAMPLES, SHARED_DATA
from modtrace.ecosystem.population import build_population
from modtrace.ecosystem.stored import INPUT_COLUMNS

DRAFT = EXAMPLES / "drafts" / "compute-draft.yaml"
BAD = Path(__file__).resolve().parents[1] / "regimes" / "drafts" / "bad-draft.yaml"


@pytest.fixture(scope="module")
def drafts_site(tmp_path_factory: pytest.TempPathFactory, lineage_extract: Path) -> Iterator[Site]:
    """The seeded site, serving a report folder with the extract's population."""
    folder = tmp_path_factory.mktemp("ecosystem")
    population = build_population(
        lineage_extract,
        SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet",
        SHARED_DATA / "epoch",
    )
    population.select(INPUT_COLUMNS).write_parquet(folder / "population.parquet")
    yield from serve_site(tmp_path_factory.mktemp("drafts-site"), folder)


def clean(page: Any) -> None:
    assert axe_violations(page) == []


def test_a_regulator_checks_fixes_and_compares_a_draft(browser: Any, drafts_site: Site) -> None:
    site = drafts_site
    page = log_in(browser, site, "regulator")
    page.get_by_role("link", name="draft a regime").click()
    expect(page.get_by_role("heading", name="Draft a regime")).to_be_visible()
    clean(page)
    page.get_by_label("Draft regime (YAML)").fill(BAD.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Check and compare").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("problems; nothing else was run")
    expect(alert).to_contain_text("unknown source 'nowhere'")
    # the textarea keeps what was pasted
    expect(page.get_by_label("Draft regime (YAML)")).to_have_value(BAD.read_text(encoding="utf-8"))
    clean(page)
    link = alert.get_by_role("link").first
    target = link.get_attribute("href")
    assert target is not None
    assert target.startswith("#L")
    link.click()
    assert page.url.endswith(target)
    expect(page.locator(f"li{target}.bad")).to_be_visible()
    shoot(page, site, "drafts-problems")
    page.get_by_label("Or upload a regime file").set_input_files(str(DRAFT))
    page.get_by_label("Compare with").select_option("govai-2025")
    page.get_by_label("A case to assess under both").fill(
        (EXAMPLES / "meditron-70b.yaml").read_text(encoding="utf-8")
    )
    page.get_by_label("Scenario").select_option("observable-only")
    page.get_by_role("button", name="Check and compare").click()
    expect(page.get_by_role("status").first).to_contain_text("compute-draft v1 has no problem")
    diff = page.get_by_role("region", name="differences (table)")
    expect(diff.get_by_role("row", name="step large_modification added")).to_be_visible()
    case = page.get_by_role("region", name="the case under both (table)")
    expect(case.get_by_role("row")).to_have_count(3)
    counts = page.get_by_role("region", name="counts under both (table)")
    expect(counts.get_by_role("row").filter(has_text="compute-draft v1")).to_be_visible()
    expect(page.get_by_text("derivatives (", exact=False).first).to_contain_text("change outcome")
    clean(page)
    shoot(page, site, "drafts-compared")
    page.set_viewport_size(PHONE)
    clean(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, site, "drafts-compared-390")
    diff.screenshot(path=str(site.shots / "drafts-diff-390.png"))
    page.context.close()


def test_without_a_population_the_page_says_so(browser: Any, site: Site) -> None:
    page = log_in(browser, site, "regulator")
    page.goto(f"{site.base}/dashboard/drafts")
    page.get_by_label("Draft regime (YAML)").fill(DRAFT.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Check and compare").click()
    expect(page.get_by_text("Not run: no ecosystem report is loaded")).to_be_visible()
    clean(page)
    page.context.close()


def test_others_are_turned_away(browser: Any, site: Site) -> None:
    for role in ("modifier", "provider", None):
        page = log_in(browser, site, role)
        page.goto(f"{site.base}/dashboard/drafts")
        expect(page.get_by_role("alert")).to_contain_text("for regulators")
        expect(page.get_by_label("Draft regime (YAML)")).to_have_count(0)
        page.context.close()
