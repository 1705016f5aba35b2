"""Each role's journey end to end in a real headless browser: Debian's Chromium, driven by
Playwright, with axe-core run on every page reached.

A downstream developer walks the wizard to a filing; a regulator accepts it on the dashboard,
finds an incident and its recall list, and follows the lineage; a provider and the public read
the register. Never a downloaded browser: CI installs chromium.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from browser_site import PHONE, Site, axe_violations, log_in, shoot


def clean(page: Any) -> None:
    assert axe_violations(page) == []


def test_developer_files_from_the_wizard(browser: Any, site: Site) -> None:
    page = log_in(browser, site, "modifier")
    expect(page.get_by_role("heading", name="Assess your modification")).to_be_visible()
    expect(page.get_by_label("Your name or organisation")).to_have_value("Example Lab")
    page.get_by_label("Model id").fill("meta-llama/Llama-3.1-405B-Instruct")
    page.get_by_role("textbox", name="Provider", exact=True).fill("Meta")
    page.get_by_label("Training compute (FLOP)").fill("3.8e25")
    page.get_by_label("Acting on behalf of the original's provider?").select_option("false")
    page.get_by_label("fine-tuning").check()
    page.get_by_role("textbox", name="Intended use", exact=True).fill("clinical question answering")
    page.get_by_label("Were safeguards altered?").select_option("intentional")
    page.get_by_label("Significantly?").select_option("true")
    page.get_by_label("Has the provider shown the model is safe").select_option("false")
    page.get_by_role("button", name="See what applies").click()
    expect(page.get_by_role("heading", name="What applies to you")).to_be_visible()
    expect(page.locator("td.in-scope").first).to_have_text("in-scope")
    clean(page)
    # "Would settle it" links to the field that would settle it
    page.locator("#result ~ div a, #result + div a").first.click()
    assert "#f-" in page.url
    page.get_by_label("Contact for the regulator").fill("lab@example.org")
    page.get_by_role("button", name="File registration").click()
    expect(page.get_by_role("status")).to_contain_text("Filing 2 submitted")
    clean(page)
    shoot(page, site, "journey-developer-filed")
    page.context.close()


def test_regulator_reviews_then_follows_an_incident_to_its_family(browser: Any, site: Site) -> None:
    page = log_in(browser, site, "regulator")
    expect(page.get_by_role("heading", name="Regulator dashboard")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="meta-llama/Llama-2-70b-hf")
    expect(row).to_contain_text("command line (no account)")
    row.get_by_role("button", name="Start review").click()
    page.get_by_role("row").filter(has_text="meta-llama/Llama-2-70b-hf").get_by_role(
        "button", name="Accept"
    ).click()
    incidents = page.get_by_role("region", name="incidents (table)")
    expect(incidents.get_by_role("row").nth(1)).to_contain_text("Unsafe medical advice")
    incidents.get_by_role("row").nth(1).get_by_role("link", name="from the root").click()
    expect(page.get_by_text("Originals and providers to notify")).to_contain_text(
        "mistral-ai/pretraining-mix"
    )
    expect(page.get_by_role("cell", name="lab00/grandchild-4", exact=True)).to_be_visible()
    clean(page)
    page.get_by_role("link", name="lab01/grandchild-3").click()
    expect(page.get_by_role("region", name="lineage drawing of lab01/grandchild-3")).to_be_visible()
    clean(page)
    page.get_by_role("link", name="mistralai/Mistral-7B-v0.1", exact=True).click()
    expect(page.get_by_text("+35 more children", exact=True)).to_be_visible()
    clean(page)
    page.set_viewport_size(PHONE)
    shoot(page, site, "journey-regulator-lineage-390")
    page.context.close()


def test_provider_and_public_read_the_register(browser: Any, site: Site) -> None:
    page = log_in(browser, site, "provider")
    page.goto(f"{site.base}/dashboard")
    expect(page.get_by_role("alert")).to_contain_text("for regulators")
    page.context.close()
    page = log_in(browser, site, None)
    page.goto(f"{site.base}/register?q=70b")
    row = page.get_by_role("row").filter(has_text="meta-llama/Llama-2-70b-hf")
    expect(row).to_contain_text("continued-pretraining")
    clean(page)
    page.goto(f"{site.base}/no/such/page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    clean(page)
    shoot(page, site, "journey-public-404")
    page.context.close()
