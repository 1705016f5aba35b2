"""Small inline-SVG charts, so that reports are self-contained and need no JavaScript."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

WIDTH, HEIGHT, PAD = 640, 260, 48
COLOURS = ["#1f5fa8", "#c4452b", "#2f8f4e", "#8a5bb0", "#b0821b"]


def _frame(title: str, body: str, legend: str = "") -> str:
    return (
        f"<figure><figcaption>{html.escape(title)}</figcaption>"
        f'<svg role="img" aria-label="{html.escape(title)}" viewBox="0 0 {WIDTH} {HEIGHT + 40}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" '
        f'font-size="11">{body}{legend}</svg></figure>'
    )


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], unit: str = "") -> str:
    """Horizontal bars, largest first as given."""
    if not values:
        return _frame(title, '<text x="10" y="20">no data</text>')
    top = max(values) or 1
    row = min(22, (HEIGHT + 20) // max(1, len(values)))
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        w = (WIDTH - 370) * value / top
        parts.append(
            f'<text x="4" y="{y + row * 0.65:.0f}">{html.escape(label[:44])}</text>'
            f'<rect x="290" y="{y}" width="{w:.1f}" height="{row - 4}" fill="{COLOURS[0]}"/>'
            f'<text x="{294 + w:.0f}" y="{y + row * 0.65:.0f}">{value:,.0f}{unit}</text>'
        )
    return _frame(title, "".join(parts))


def line_chart(
    title: str,
    x: Sequence[float],
    series: dict[str, Sequence[float]],
    *,
    log_x: bool = False,
    x_label: str = "",
    x_ticks: Sequence[str] | None = None,
) -> str:
    """Lines over a shared x axis (optionally logarithmic)."""
    if not x:
        return _frame(title, '<text x="10" y="20">no data</text>')
    xs = [math.log10(v) for v in x] if log_x else list(x)
    lo, hi = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    top = max((max(v) for v in series.values() if v), default=1) or 1

    def px(v: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * (v - lo) / (hi - lo)

    def py(v: float) -> float:
        return HEIGHT - PAD / 2 - (HEIGHT - PAD) * v / top

    parts = [
        f'<line x1="{PAD}" y1="{py(0):.0f}" x2="{WIDTH - PAD}" y2="{py(0):.0f}" stroke="#999"/>',
        f'<text x="{PAD}" y="14">{top:,.0f}</text>',
        f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT + 12}" '
        f'text-anchor="middle">{html.escape(x_label)}</text>',
    ]
    ticks = x_ticks or [f"{v:g}" for v in x]
    step = max(1, len(xs) // 6)
    for i in range(0, len(xs), step):
        parts.append(
            f'<text x="{px(xs[i]):.0f}" y="{HEIGHT - 4}" '
            f'text-anchor="middle">{html.escape(ticks[i])}</text>'
        )
    legend = []
    for n, (name, values) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xs, values, strict=True))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
        legend.append(
            f'<rect x="{PAD + n * 160}" y="{HEIGHT + 22}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{PAD + 14 + n * 160}" y="{HEIGHT + 31}">{html.escape(name)}</text>'
        )
    return _frame(title, "".join(parts), "".join(legend))
