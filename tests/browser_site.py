"""Browser-test helpers: a served register seeded with what each role meets, Debian's Chromium,
and axe-core.

axe-core (MPL-2.0, see NOTICE) is vendored as ``web/vendor/axe.min.js``: the tests need no network.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from modtrace.api.service import build
from modtrace.determination.assess import assess
from modtrace.facts.loader import load_facts
from modtrace.regimes.loader import default_catalog
from modtrace.registry.register import Edge, Register
from modtrace.registry.tokens import create_token

ROOT = Path(__file__).resolve().parents[1]
AXE = Path(__file__).parent / "web" / "vendor" / "axe.min.js"
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
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FAMILY = "mistralai/Mistral-7B-v0.1"
FAN = 40
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass(frozen=True)
class Site:
    """A served register and one token per role."""

    base: str
    modifier: str
    regulator: str
    provider: str
    shots: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(register: Register) -> None:
    """A large family (a fan-out of ``FAN`` with grandchildren), a CLI filing, two incidents."""
    edges = [Edge("mistral-ai/pretraining-mix", FAMILY, "finetune")]
    for i in range(FAN):
        child = f"lab{i:02d}/Mistral-7B-v0.1-finetuned-for-a-long-named-purpose-{i:02d}"
        edges.append(Edge(FAMILY, child, "finetune" if i % 3 else "quantized"))
        if i < 8:
            edges.extend(Edge(child, f"lab{i:02d}/grandchild-{j}", "adapter") for j in range(9))
    register.add_edges(edges)
    facts = load_facts(ROOT / "examples" / "meditron-70b.yaml")
    register.submit_filing(  # as `modtrace filing submit` does: no owner
        facts,
        determined=[assess(facts, r) for r in default_catalog().in_force()],
        model_id="epfl-llm/meditron-70b",
    )
    register.report_incident(
        title="Older incident", model_ids=[FAMILY], date=dt.date(2025, 1, 5), severity="low"
    )
    register.report_incident(
        title="Unsafe medical advice",
        model_ids=["lab01/grandchild-3"],  # a leaf: only "from the root" recalls anything
        date=dt.date(2025, 6, 1),
        severity="high",
    )


def serve_site(tmp: Path, ecosystem_dir: Path | None = None) -> Iterator[Site]:
    """A real server on loopback over a seeded register (serving ``ecosystem_dir`` if given)."""
    url = f"sqlite:///{tmp / 'register.sqlite3'}"
    register = Register.open(url)
    tokens = {
        role: create_token(register, role, subject)
        for role, subject in (
            ("modifier", "Example Lab"),
            ("regulator", "AI Office"),
            ("provider", "Mistral AI|mistralai"),
        )
    }
    seed(register)
    register.engine.dispose()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(build(url, ecosystem_dir), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    shots = Path(os.environ.get("MODTRACE_SCREENSHOTS") or tmp / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    yield Site(f"http://127.0.0.1:{port}", shots=shots, **tokens)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A real server on loopback over a seeded register."""
    yield from serve_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed")

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def log_in(browser: Any, site: Site, role: str | None, viewport: dict[str, int] = DESKTOP) -> Any:
    """A fresh page, logged in as ``role`` (``None``: the public)."""
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    if role is not None:
        page.goto(f"{site.base}/login")
        page.get_by_label("Token").fill(getattr(site, role))
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    return page


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A/AA violations on the page as it is now."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
        WCAG,
    )
    return list(result)


def shoot(page: Any, site: Site, name: str) -> Path:
    """A full-page screenshot, kept for a person to look at."""
    path = site.shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
