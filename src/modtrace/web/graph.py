"""A model's lineage drawn as an SVG graph: ancestors above, descendants below."""

from __future__ import annotations

import html

from modtrace.lineage.trace import Walk

PER_LAYER = 8


def lineage_svg(model_id: str, ancestry: Walk, descendants: Walk) -> str:
    """Layered drawing, at most ``PER_LAYER`` models a layer (the rest counted)."""
    layers: dict[int, list[str]] = {0: [model_id]}
    parent_of: dict[str, str] = {}
    for walk_, sign in ((ancestry, -1), (descendants, 1)):
        for r in walk_.reached:
            layer = sign * r.depth
            if len(layers.setdefault(layer, [])) < PER_LAYER:
                layers[layer].append(r.model_id)
            prev = r.path[-2][0] if len(r.path) > 1 else model_id
            parent_of[r.model_id] = prev
    hidden = {
        d: sum(1 for r in w.reached if r.depth == abs(d)) - len(layers[d])
        for w, sgn in ((ancestry, -1), (descendants, 1))
        for d in layers
        if d * sgn > 0
    }
    order = sorted(layers)
    width, row = 960, 70
    pos: dict[str, tuple[float, float]] = {}
    for i, layer in enumerate(order):
        names = layers[layer]
        for j, name in enumerate(names):
            pos[name] = ((j + 1) * width / (len(names) + 1), 30 + i * row)
    lines = []
    for child, parent in parent_of.items():
        if child in pos and parent in pos:
            (x1, y1), (x2, y2) = pos[parent], pos[child]
            if y1 > y2:
                (x1, y1), (x2, y2) = (x2, y2), (x1, y1)
            lines.append(
                f'<line x1="{x1:.0f}" y1="{y1 + 10:.0f}" x2="{x2:.0f}" '
                f'y2="{y2 - 12:.0f}" stroke="#aaa"/>'
            )
    nodes = []
    for name, (x, y) in pos.items():
        colour = "#a11d1d" if name == model_id else "#1f5fa8"
        label = html.escape(name if len(name) <= 34 else name[:32] + "…")
        nodes.append(
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="6" fill="{colour}">'
            f"<title>{html.escape(name)}</title></circle>"
            f'<text x="{x:.0f}" y="{y - 10:.0f}" text-anchor="middle" font-size="10">{label}</text>'
        )
    notes = [
        f'<text x="{width - 10}" y="{30 + order.index(d) * row + 4:.0f}" '
        f'text-anchor="end" font-size="10" '
        f'fill="#555">+{n} more</text>'
        for d, n in hidden.items()
        if n > 0
    ]
    height = 30 + len(order) * row
    return (
        f'<svg role="img" aria-label="lineage of {html.escape(model_id)}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif">' + "".join(lines) + "".join(nodes) + "".join(notes) + "</svg>"
    )
