"""End to end in a real headless browser: Debian's Chromium, driven by Playwright.

A downstream developer walks the wizard to a filing; a regulator accepts it on the dashboard;
the filing appears on the public register. Every form carries its session's form token and the
browser's own Origin, and logging out is a POST, so the journey passes the service's CSRF
wall. Never a downloaded browser: CI installs chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from modtrace.api.service import build
from modtrace.registry.register import Register
from modtrace.registry.tokens import create_token

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """A real server on loopback over a fresh register, and two tokens."""
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    register = Register.open(url)
    modifier = create_token(register, "modifier", "Example Lab")
    regulator = create_token(register, "regulator", "AI Office")
    register.engine.dispose()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(build(url), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", modifier, regulator
    server.should_exit = True
    thread.join(timeout=10)


def test_wizard_to_filing_to_review_to_public_register(served: tuple[str, str, str]) -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    base, modifier, regulator = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()

        page.goto(f"{base}/login")
        page.get_by_label("Token").fill(modifier)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Assess your modification")).to_be_visible()

        page.get_by_label("Model id").fill("meta-llama/Llama-3.1-405B-Instruct")
        page.get_by_role("textbox", name="Provider", exact=True).fill("Meta")
        page.get_by_label("Training compute (FLOP)").fill("3.8e25")
        page.get_by_label("Your name or organisation").fill("Example Lab")
        page.get_by_label("Acting on behalf of the original's provider?").select_option("false")
        page.get_by_label("fine-tuning").check()
        page.get_by_role("textbox", name="Intended use", exact=True).fill(
            "clinical question answering"
        )
        page.get_by_label("Were safeguards altered?").select_option("intentional")
        page.get_by_label("Significantly?").select_option("true")
        page.get_by_label("Has the provider shown the model is safe").select_option("false")
        page.get_by_role("button", name="See what applies").click()
        expect(page.get_by_role("heading", name="What applies to you")).to_be_visible()
        expect(page.locator("td.in-scope").first).to_have_text("in-scope")

        page.get_by_label("Contact for the regulator").fill("lab@example.org")
        page.get_by_role("button", name="File registration").click()
        expect(page.get_by_role("status")).to_contain_text("Filing 1 submitted")

        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("link", name="Log in")).to_be_visible()
        page.goto(f"{base}/login")
        page.get_by_label("Token").fill(regulator)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Regulator dashboard")).to_be_visible()
        page.get_by_role("button", name="Start review").click()
        page.get_by_role("button", name="Accept").click()
        expect(page.get_by_text("Nothing waiting.")).to_be_visible()

        page.get_by_role("button", name="Log out").click()
        page.goto(f"{base}/register?q=405B")
        row = page.get_by_role("row").filter(has_text="meta-llama/Llama-3.1-405B-Instruct")
        expect(row).to_contain_text("fine-tuning")
        expect(row).to_contain_text("clinical question answering")
        page.screenshot(
            path=str(Path(os.environ.get("MODTRACE_SCREENSHOTS", "/tmp")) / "public-register.png")
        )
        browser.close()
