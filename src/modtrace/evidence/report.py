"""A comparison as text for the terminal and as a self-contained HTML page."""

from __future__ import annotations

import html

from modtrace.ecosystem.charts import bar_chart
from modtrace.evidence.compare import Comparison, facts_patch


def comparison_text(c: Comparison) -> str:
    """The terminal summary."""
    o = c.overall
    verdict = {
        "increase": "SIGNIFICANT INCREASE",
        "decrease": "SIGNIFICANT DECREASE",
        "none": "no significant change",
    }[c.direction]
    lines = [
        f"{c.outcome} on {c.prompt_set} prompts ({c.labels} labels): {verdict}",
        f"  original {o.original_rate:.1%}  modified {o.modified_rate:.1%}  change "
        f"{o.difference:+.1%} "
        f"(95% CI {o.ci_low:+.1%} to {o.ci_high:+.1%})",
        f"  paired prompts {o.n}; discordant {o.only_original} (original only) / {o.only_modified} "
        f"(modified only); McNemar exact p = {o.p_value:.3g}",
        f"  significant when p < {c.parameters['alpha']:g} and |change| >= "
        f"{c.parameters['min_change']:.0%}",
    ]
    if c.labeller is not None:
        lab, fixed = c.labeller, c.labeller["corrected"]
        lines += [
            f"  labeller: {lab['labeller']}; measured {lab['measured']['method']}: kappa "
            f"{lab['measured']['kappa']:.2f}, worst per-model rate error "
            f"{lab['measured']['worst_rate_error']:.1%}",
            f"  corrected for its error: {fixed['original_rate']:.1%} -> "
            f"{fixed['modified_rate']:.1%} ({fixed['difference']:+.1%}, 95% CI "
            f"{fixed['ci_low']:+.1%} to {fixed['ci_high']:+.1%}, p = {fixed['p_value']:.3g}); "
            f"rows with human labels used to calibrate: {lab['calibrated_on'][0]} / "
            f"{lab['calibrated_on'][1]}",
            f"  {lab['robustness']}",
        ]
    if c.unpaired_original or c.unpaired_modified:
        lines.append(
            f"  unpaired: {len(c.unpaired_original)} only in the original, "
            f"{len(c.unpaired_modified)} only in the modified run"
        )
    if c.excluded:
        lines.append(
            f"  excluded rows: {len(c.excluded)} (e.g. {c.excluded[0][0]}: {c.excluded[0][1]})"
        )
    lines.append("  by category (change):")
    for name, p in c.by_category.items():
        lines.append(
            f"    {name:<32} {p.original_rate:>6.1%} -> {p.modified_rate:>6.1%}  n={p.n:<4} "
            f"p={p.p_value:.3g}"
        )
    lines.append(f"  facts: {facts_patch(c)['evidence'][0]['summary']}")
    return "\n".join(lines)


def comparison_html(c: Comparison) -> str:
    """A page with the per-category chart (inline SVG) and the figures."""
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{p.n}</td><td>{p.original_rate:.1%}</td><td>{p.modified_rate:.1%}</td>"
        f"<td>{p.difference:+.1%}</td><td>{p.p_value:.3g}</td></tr>"
        for k, p in c.by_category.items()
    )
    chart = bar_chart(
        f"Change in {c.outcome} by category (percentage points, modified − original)",
        list(c.by_category),
        [abs(p.difference) * 100 for p in c.by_category.values()],
        " pts",
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>modtrace '
        "evidence</title>"
        "<style>body{font-family:sans-serif;max-width:900px;margin:2em "
        "auto}td,th{border:1px solid #ccc;"
        "padding:3px 6px}table{border-collapse:collapse}</style></head><body>"
        f"<h1>{html.escape(c.outcome)} on {html.escape(c.prompt_set)} prompts</h1>"
        f"<pre>{html.escape(comparison_text(c))}</pre>{chart}"
        "<table><tr><th>category</th><th>n</th><th>original</th><th>modified</th><th>change</th><th>p</th></tr>"
        f"{rows}</table></body></html>"
    )
