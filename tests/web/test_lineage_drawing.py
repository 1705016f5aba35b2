"""The lineage drawing: what is drawn (fan-outs counted, every node joined), that Graphviz lays
it out, that each model links to its own lineage, and, in Chromium, that no two labels overlap."""

from __future__ import annotations

import os
import shutil
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from browser_site import FAMILY, FAN, PHONE, Site, log_in, shoot
from modtrace.lineage.trace import Reached, Walk
from modtrace.web.graph import FAN_OUT, lineage_svg, plan, to_dot

if shutil.which("dot") is None and os.environ.get("CI"):
    pytest.fail(".ci/run must install Graphviz (dot)", pytrace=False)
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")


def fan(start: str, n: int, grandchildren: int = 0) -> Walk:
    """``n`` children of ``start``, the first with ``grandchildren`` children of its own."""
    walk = Walk(start, "forward")
    for i in range(n):
        child = f"c/{i}"
        walk.reached.append(Reached(child, 1, ((child, "finetune"),), "c", False))
    for j in range(grandchildren):
        g = f"g/{j}"
        walk.reached.append(Reached(g, 2, (("c/0", "finetune"), (g, "adapter")), "g", False))
    return walk


@given(n=st.integers(0, 60), grand=st.integers(0, 30))
def test_a_fan_out_is_drawn_in_part_and_counted_in_full(n: int, grand: int) -> None:
    grand = grand if n else 0
    drawing = plan("root/m", Walk("root/m", "back"), fan("root/m", n, grand))
    children = [e for e in drawing.edges if e[0] == "root/m"]
    counted = sum(k for near, k, _ in drawing.groups.values() if near == "root/m")
    assert len(children) + counted == n
    assert len(children) <= FAN_OUT
    if n > FAN_OUT:
        assert len(children) == FAN_OUT - 1
        assert counted == n - FAN_OUT + 1
    grand_shown = [e for e in drawing.edges if e[0] == "c/0"]
    grand_counted = sum(k for near, k, _ in drawing.groups.values() if near == "c/0")
    assert len(grand_shown) + grand_counted == grand
    joined = {a for a, _, _ in drawing.edges} | {b for _, b, _ in drawing.edges}
    assert set(drawing.nodes) - {"root/m"} <= joined  # no node without an edge


def test_every_model_links_to_its_own_lineage() -> None:
    source = to_dot(plan("root/m", Walk("root/m", "back"), fan("root/m", 3)))
    for node in ("root/m", "c/0", "c/1", "c/2"):
        assert f'href="/dashboard?model={quote(node, safe="/")}#lineage"' in source


@needs_dot
def test_graphviz_lays_out_a_large_family() -> None:
    svg = lineage_svg("root/m", Walk("root/m", "back"), fan("root/m", 500, 40))
    assert svg is not None
    assert svg.startswith("<svg")
    assert "+495 more children" in svg
    assert "+35 more children" in svg
    assert '<a href="/dashboard?model=c/0#lineage" aria-label="c/0">' in svg


@needs_dot
def test_no_two_labels_overlap_in_the_browser(browser: Any, site: Site) -> None:
    for viewport in (None, PHONE):
        page = log_in(browser, site, "regulator", viewport or {"width": 1280, "height": 900})
        page.goto(f"{site.base}/dashboard?model={quote(FAMILY)}#lineage")
        boxes = page.evaluate(
            "[...document.querySelectorAll('.graph svg text')].map(t => {"
            " const r = t.getBoundingClientRect();"
            " return {text: t.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; })"
        )
        assert len(boxes) >= FAN_OUT
        assert any(b["text"] == f"+{FAN - FAN_OUT + 1} more children" for b in boxes)
        overlaps = [
            (a["text"], b["text"])
            for i, a in enumerate(boxes)
            for b in boxes[i + 1 :]
            if a["x"] < b["x"] + b["w"] - 0.5
            and b["x"] < a["x"] + a["w"] - 0.5
            and a["y"] < b["y"] + b["h"] - 0.5
            and b["y"] < a["y"] + a["h"] - 0.5
        ]
        assert overlaps == []
        shoot(page, site, f"lineage-{'phone' if viewport else 'desktop'}")
        page.get_by_role(
            "link", name="lab03/Mistral-7B-v0.1-finetuned-for-a-long-named-purpose-03"
        ).click()
        page.wait_for_load_state()
        assert "model=lab03" in page.url
        assert page.get_by_role("textbox", name="Model id").input_value().startswith("lab03/")
        page.context.close()
