"""Every page, for every role, in Chromium: no WCAG 2 A/AA violation (axe-core), a screenshot at
desktop and phone width, and the things each role must see on it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from browser_site import DESKTOP, FAMILY, PHONE, Site, axe_violations, log_in, shoot

ROLES = [None, "modifier", "provider", "regulator"]
PAGES = {
    "assess": "/assess",
    "register": "/register",
    "login": "/login",
    "dashboard": "/dashboard",
    "dashboard-recall": "/dashboard?incident=2&from_root=true#recall",
    "dashboard-lineage": f"/dashboard?model={quote(FAMILY)}#lineage",
    "dashboard-bad-incident": "/dashboard?incident=999#recall",
    "dashboard-drafts": "/dashboard/drafts",
    "not-found": "/no/such/page",
}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "public")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_passes_axe_for_every_role(
    browser: Any, site: Site, role: str | None, viewport: dict[str, int]
) -> None:
    page = log_in(browser, site, role, viewport)
    found = {}
    for name, path in PAGES.items():
        page.goto(site.base + path)
        found[name] = axe_violations(page)
        shoot(page, site, f"{name}-{role or 'public'}-{viewport['width']}")
    page.context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_wizard_results_and_refusal_pass_axe(browser: Any, site: Site) -> None:
    page = log_in(browser, site, "modifier")
    page.goto(f"{site.base}/assess")
    page.get_by_label("Model id").fill("meta-llama/Llama-3.1-8B")
    page.get_by_role("textbox", name="Provider", exact=True).fill("Meta")
    page.get_by_role("button", name="See what applies").click()
    expect(page.get_by_role("heading", name="What applies to you")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, site, "assess-results-modifier-1280")
    page.get_by_label("Your name or organisation").fill("Kanzlei Weber GmbH")
    page.get_by_role("button", name="See what applies").click()
    page.get_by_role("button", name="File registration").click()
    expect(page.get_by_role("alert")).to_contain_text("Kanzlei Weber GmbH")
    assert axe_violations(page) == []
    shoot(page, site, "assess-refused-modifier-1280")
    page.set_viewport_size(PHONE)
    shoot(page, site, "assess-refused-modifier-390")
    page.context.close()


def test_pages_fit_a_phone_without_sideways_scrolling(browser: Any, site: Site) -> None:
    page = log_in(browser, site, "regulator", PHONE)
    for path in ("/assess", "/register", "/dashboard", "/dashboard/drafts", "/login"):
        page.goto(site.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
    page.context.close()
