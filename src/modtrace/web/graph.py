"""A model's lineage drawn by Graphviz ``dot``: ancestors on the left, descendants on the right.

The layout is Graphviz's (Debian's ``graphviz`` package), not ours. What we decide is what to
draw: a node with more than ``FAN_OUT`` children (or parents) shows the first few and one
labelled node counting the rest, so a family of thousands stays readable. Every model links to
its own lineage. Without ``dot`` on the PATH, :func:`lineage_svg` returns ``None`` and the page
lists the lineage instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from modtrace.lineage.trace import Reached, Walk

FAN_OUT = 6
"""Most children (or parents) drawn under one node; the rest become one counted node."""

LABEL_CHARS = 36
FONT = "DejaVu Sans"
RELATION_COLOURS = {
    "finetune": "#1a56a0",
    "adapter": "#6a3d9a",
    "quantized": "#8a5a00",
    "merge": "#2f6f3e",
}
OTHER_COLOUR = "#555555"


@dataclass
class Drawing:
    """What to draw: nodes (id → label), edges (parent, child, relation) and counted groups."""

    start: str
    nodes: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    groups: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # id → (next to, n, dir)


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def _near(r: Reached, start: str) -> str:
    """The model one step closer to the start on ``r``'s path."""
    return r.path[-2][0] if len(r.path) > 1 else start


def _add_side(drawing: Drawing, walk_: Walk, *, up: bool) -> None:
    """Add one walk's models; a node with more than ``FAN_OUT`` neighbours on this side shows
    ``FAN_OUT - 1`` of them and one node counting the rest."""
    total = Counter(_near(r, walk_.start) for r in walk_.reached)
    shown: Counter[str] = Counter()
    direction = "up" if up else "down"
    for r in walk_.reached:
        near = _near(r, walk_.start)
        if near not in drawing.nodes:  # its nearer node was grouped away: so is it
            continue
        if total[near] > FAN_OUT and shown[near] >= FAN_OUT - 1:
            drawing.groups[f"group:{direction}:{near}"] = (
                near,
                total[near] - shown[near],
                direction,
            )
            continue
        shown[near] += 1
        drawing.nodes.setdefault(r.model_id, _short(r.model_id))
        relation = r.path[-1][1]
        drawing.edges.append((r.model_id, near, relation) if up else (near, r.model_id, relation))


def plan(model_id: str, ancestry: Walk, descendants: Walk) -> Drawing:
    """Choose the nodes, edges and counted groups of a lineage drawing."""
    drawing = Drawing(model_id, {model_id: _short(model_id)})
    _add_side(drawing, ancestry, up=True)
    _add_side(drawing, descendants, up=False)
    return drawing


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(drawing: Drawing, link: str = "/dashboard?model={}#lineage") -> str:
    """The drawing in Graphviz's language."""
    lines = [
        "digraph lineage {",
        f'  graph [rankdir=LR, nodesep=0.18, ranksep=0.6, fontname="{FONT}", bgcolor="white"];',
        f'  node [shape=box, style="rounded,filled", fillcolor="#f4f7fb", color="#7a8ca5", '
        f'fontname="{FONT}", fontsize=11, margin="0.12,0.05", fontcolor="#1d1d1f"];',
        '  edge [color="#555555", arrowsize=0.6];',
    ]
    for node, label in drawing.nodes.items():
        extra = (
            ', fillcolor="#fde8e8", color="#a11d1d", penwidth=2' if node == drawing.start else ""
        )
        lines.append(
            f"  {_q(node)} [label={_q(label)}, href={_q(link.format(quote(node, safe='/')))}, "
            f"tooltip={_q(node)}{extra}];"
        )
    for parent, child, relation in drawing.edges:
        colour = RELATION_COLOURS.get(relation, OTHER_COLOUR)
        lines.append(f"  {_q(parent)} -> {_q(child)} [color={_q(colour)}, tooltip={_q(relation)}];")
    for group, (near, n, direction) in drawing.groups.items():
        what = "parents" if direction == "up" else "children"
        label = f"+{n:,} more {what}"
        lines.append(
            f'  {_q(group)} [label={_q(label)}, shape=box, style="dashed,rounded", '
            f'fillcolor="white", tooltip={_q(f"{label} of {near}")}];'
        )
        pair = (group, near) if direction == "up" else (near, group)
        lines.append(f'  {_q(pair[0])} -> {_q(pair[1])} [style=dashed, color="#777777"];')
    lines.append("}")
    return "\n".join(lines)


def render_svg(dot_source: str) -> str | None:
    """SVG from ``dot``, ready to inline in a page; ``None`` when ``dot`` is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    done = subprocess.run(
        [exe, "-Tsvg"], input=dot_source, capture_output=True, text=True, timeout=20, check=False
    )
    if done.returncode != 0:
        return None
    svg = done.stdout[done.stdout.find("<svg") :]
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    # SVG 2 links (href, a name) so that browsers and screen readers treat them as links
    svg = re.sub(
        r'<a xlink:href="([^"]*)" xlink:title="([^"]*)">', r'<a href="\1" aria-label="\2">', svg
    )
    svg = re.sub(  # an edge is not a link: its relation becomes a tooltip
        r'<a xlink:title="([^"]*)">(.*?)</a>', r"<g><title>\1</title>\2</g>", svg, flags=re.S
    )
    return svg.replace("<svg ", '<svg role="group" aria-label="lineage drawing" ', 1)


def lineage_svg(model_id: str, ancestry: Walk, descendants: Walk) -> str | None:
    """The lineage of ``model_id`` as inline SVG, or ``None`` without Graphviz."""
    return render_svg(to_dot(plan(model_id, ancestry, descendants)))
