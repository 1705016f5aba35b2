"""Small inline-SVG charts, so that reports are self-contained and need no JavaScript."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

WIDTH, HEIGHT, PAD = 640, 260, 48
COLOURS = ["#1f5fa8", "#c4452b", "#2f8f4e", "#8a5bb0", "#b0821b"]


LEGEND_COLUMNS, LEGEND_WIDTH, LEGEND_ROW = 3, 200, 16


def _legend_at(slot: int) -> tuple[int, int]:
    """Where legend entry ``slot`` goes: three to a row."""
    row, column = divmod(slot, LEGEND_COLUMNS)
    return PAD + column * LEGEND_WIDTH, HEIGHT + 22 + row * LEGEND_ROW


def _frame(title: str, body: str, legend: str = "", entries: int = 0) -> str:
    extra = max(0, (entries - 1) // LEGEND_COLUMNS) * LEGEND_ROW
    return (
        f"<figure><figcaption>{html.escape(title)}</figcaption>"
        f'<svg role="img" aria-label="{html.escape(title)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT + 40 + extra}" '
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


def power_of_ten_ticks(lo: float, hi: float) -> list[int]:
    """Integer exponents from ``floor(lo)`` to ``ceil(hi)`` (log10 values), at most 8."""
    first, last = math.floor(lo), math.ceil(hi)
    step = max(1, (last - first) // 7 + (1 if (last - first) % 7 else 0))
    return list(range(first, last + 1, step))


def superscript(exponent: int) -> str:
    """``10`` with the exponent as a superscript (``10⁻²``, ``10²⁵``)."""
    digits = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return "10" + str(exponent).translate(digits)


def line_chart(
    title: str,
    x: Sequence[float],
    series: dict[str, Sequence[float]],
    *,
    log_x: bool = False,
    log_y: bool = False,
    x_label: str = "",
    x_ticks: Sequence[str] | None = None,
    band: tuple[str, Sequence[float], Sequence[float]] | None = None,
    marked: Sequence[int] = (),
) -> str:
    """Lines over a shared x axis.

    With ``log_x`` or ``log_y`` the axis is logarithmic and ticked at powers of ten (zeros sit
    on the bottom edge of a log count axis); ``band`` shades a named interval (low, high) under
    the lines; ``marked`` x indices are hatched (partial weeks).
    """
    if not x:
        return _frame(title, '<text x="10" y="20">no data</text>')
    xs = [math.log10(v) for v in x] if log_x else [float(v) for v in x]
    lo, hi = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    values = [v for vs in series.values() for v in vs]
    if band is not None:
        values += list(band[2])
    top_value = max(values, default=1) or 1
    if log_y:
        y_top = math.ceil(math.log10(max(top_value, 1)))
        y_top = max(y_top, 1)

        def scale(v: float) -> float:
            return math.log10(v) / y_top if v >= 1 else 0.0
    else:

        def scale(v: float) -> float:
            return v / top_value

    def px(v: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * (v - lo) / (hi - lo)

    def py(v: float) -> float:
        return HEIGHT - PAD / 2 - (HEIGHT - PAD) * scale(v)

    parts = [
        f'<line x1="{PAD}" y1="{py(0):.0f}" x2="{WIDTH - PAD}" y2="{py(0):.0f}" stroke="#999"/>',
        f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT + 12}" '
        f'text-anchor="middle">{html.escape(x_label)}</text>',
    ]
    if log_y:
        for e in range(0, y_top + 1):
            y = py(10.0**e)
            parts.append(
                f'<line x1="{PAD}" y1="{y:.0f}" x2="{WIDTH - PAD}" y2="{y:.0f}" stroke="#eee"/>'
                f'<text x="{PAD - 4}" y="{y + 4:.0f}" text-anchor="end">{superscript(e)}</text>'
            )
    else:
        parts.append(f'<text x="{PAD}" y="14">{top_value:,.0f}</text>')
    for i in marked:
        if 0 <= i < len(xs):
            half = (WIDTH - 2 * PAD) / max(1, 2 * (len(xs) - 1))
            parts.append(
                f'<rect class="partial" x="{px(xs[i]) - half:.1f}" y="{PAD / 2:.0f}" '
                f'width="{2 * half:.1f}" height="{HEIGHT - PAD:.0f}" fill="#f2e6c9">'
                "<title>partial week</title></rect>"
            )
    if log_x and x_ticks is None:
        for e in power_of_ten_ticks(lo, hi):
            if lo - 1e-9 <= e <= hi + 1e-9:
                parts.append(
                    f'<text x="{px(e):.0f}" y="{HEIGHT - 4}" '
                    f'text-anchor="middle">{superscript(e)}</text>'
                )
    else:
        ticks = x_ticks or [f"{v:g}" for v in x]
        step = max(1, len(xs) // 6)
        for i in range(0, len(xs), step):
            parts.append(
                f'<text x="{px(xs[i]):.0f}" y="{HEIGHT - 4}" '
                f'text-anchor="middle">{html.escape(ticks[i])}</text>'
            )
    legend = []
    entries = list(series.items())
    if band is not None:
        name, low, high = band
        outline = [f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xs, high, strict=True)]
        outline += [
            f"{px(a):.1f},{py(b):.1f}" for a, b in reversed(list(zip(xs, low, strict=True)))
        ]
        parts.append(
            f'<polygon class="band" points="{" ".join(outline)}" fill="#9bb8dd" '
            'fill-opacity="0.45" stroke="none"/>'
        )
        lx, ly = _legend_at(0)
        legend.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="#9bb8dd"/>'
            f'<text x="{lx + 14}" y="{ly + 9}">{html.escape(name)}</text>'
        )
    offset = 1 if band is not None else 0
    for n, (name, vals) in enumerate(entries):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xs, vals, strict=True))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
        lx, ly = _legend_at(n + offset)
        legend.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{ly + 9}">{html.escape(name)}</text>'
        )
    return _frame(title, "".join(parts), "".join(legend), len(entries) + offset)
