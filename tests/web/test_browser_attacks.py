"""Finding 7 of issue 11 in a real browser (Debian's Chromium through Playwright): a page served
from another port of the same host (same site, so SameSite=Strict cookies still travel) tries
to review a filing and to log the regulator out. The service's origin check refuses both."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from modtrace.api.service import build
from service_world import Service

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _attacker(target: str) -> str:
    """Two auto-submitting forms: a review and a logout, each into its own frame."""
    forms = "".join(
        f'<iframe name="f{i}"></iframe><form id="a{i}" method="post" action="{target}{path}" '
        f'target="f{i}">{fields}</form>'
        for i, (path, fields) in enumerate(
            [
                ("/dashboard/filings/1/review", '<input name="status" value="under-review">'),
                ("/logout", ""),
            ]
        )
    )
    script = "document.getElementById('a0').submit();document.getElementById('a1').submit();"
    return f"<!doctype html><html><body>{forms}<script>{script}</script></body></html>"


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """The service on one port, an attacker's page on another; a regulator token."""
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    service = Service(url)
    service.file_meditron()
    token = service.tokens["regulator"]
    service.close()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(build(url), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    page = _attacker(base).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    evil = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    yield base, f"http://127.0.0.1:{evil.server_address[1]}/", token
    evil.shutdown()
    evil.server_close()
    server.should_exit = True


def test_a_page_on_another_port_cannot_review_or_log_out(sites: tuple[str, str, str]) -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    base, evil, token = sites
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/login")
        page.get_by_label("Token").fill(token)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Regulator dashboard")).to_be_visible()

        attack = context.new_page()
        refusals = []
        attack.on(
            "response",
            lambda r: refusals.append(r.status) if r.request.method == "POST" else None,
        )
        attack.goto(evil)
        deadline = time.monotonic() + 10
        while len(refusals) < 2 and time.monotonic() < deadline:
            attack.wait_for_timeout(100)
        assert refusals == [403, 403]

        page.reload()
        expect(page.get_by_role("heading", name="Regulator dashboard")).to_be_visible()
        expect(page.get_by_role("row").filter(has_text="EPFL LLM Team")).to_contain_text(
            "submitted"
        )
        browser.close()
