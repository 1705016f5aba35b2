"""Plain-text explanations of determinations, regimes and estimates.

The terminal prints them and the self-assessment page shows the same text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from modtrace.regimes.model import Regime, Source

if TYPE_CHECKING:  # read by attribute only: the lean path's records render the same
    from modtrace.determination.model import CitationOut, Determination

_ANSWER = {"true": "YES", "false": "NO", "unknown": "UNKNOWN"}
_OUTCOME = {
    "in-scope": "IN SCOPE",
    "out-of-scope": "OUT OF SCOPE",
    "indeterminate": "INDETERMINATE",
}


def number(value: Any) -> str:
    """Compact number: 3.8e25, 500, 0.4; text values as they are."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float | int):
        if isinstance(value, float) and math.isinf(value):
            return "unbounded"
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
            mantissa, exponent = f"{value:.3g}".split("e")
            return f"{mantissa}e{int(exponent)}"
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def cite(c: CitationOut) -> str:
    """One-line citation."""
    note = f" — {c.note}" if c.note else ""
    return f"{c.title}, {c.ref}{note}"


def _facts_line(facts: dict[str, Any]) -> str:
    return "; ".join(f"{k} = {number(v) if v is not None else 'unknown'}" for k, v in facts.items())


def estimate_line(fig: dict[str, Any]) -> str:
    """One estimate: central value, method, range."""
    if fig.get("flop") is None and fig.get("method") is None:
        return "unknown (no measured value and no method applies)"
    central = number(fig["flop"]) + " FLOP" if fig.get("flop") is not None else "no central value"
    low, high = fig.get("low") or 0.0, fig.get("high")
    rng = f"range {number(low)} to {number(high) if high is not None else 'unbounded'}"
    return f"{central} [{fig.get('method')}: {fig.get('formula')}; {rng}]"


def _techniques(value: Any) -> str:
    return "unknown techniques" if value is None else number(value)


def _force_note(status: str, in_force: bool) -> str:
    if in_force:
        return ""
    return {"proposal": " — a proposal, not law", "vetoed": " — vetoed, never in force"}.get(
        status, " — not in force on that date"
    )


def determination_text(d: Determination) -> str:
    """A readable explanation a lawyer could follow."""
    r = d.regime
    lines = [
        f"{r.title}",
        f"  regime {r.id} v{r.version} ({r.status}), effective from {r.effective_from}; "
        f"assessed as of {r.at}{_force_note(r.status, r.in_force)}",
        f"  case: {d.case['modifier']} modified {d.case['original']} ({d.case['provider']})"
        f" by {_techniques(d.case['techniques'])}",
        "",
        f"Outcome: {_OUTCOME[d.outcome]}" + (f" — role: {d.role}" if d.role else ""),
        "",
        "Why:",
    ]
    for i, step in enumerate(d.trace, 1):
        flag = "  (sensitive: threshold inside the estimate's range)" if step.sensitive else ""
        lines.append(f" {i:>2}. {step.question}  {_ANSWER[step.answer]}{flag}")
        if step.facts:
            lines.append(f"     facts: {_facts_line(step.facts)}")
        for name, fig in step.figures.items():
            lines.append(f"     {name}: {estimate_line(fig)}")
        if step.parameters:
            params = ", ".join(f"{k} = {number(v)}" for k, v in step.parameters.items())
            lines.append(f"     parameters: {params}")
        if step.steps:
            lines.append(
                "     relies on: " + ", ".join(f"{k} = {_ANSWER[v]}" for k, v in step.steps.items())
            )
        for ev in step.evidence:
            lines.append(f"     evidence: {ev.get('summary')} [{ev.get('method')}]")
        for exc in step.exceptions:
            lines.append(f"     exception {exc.id}: {_ANSWER[exc.answer]} — {exc.label}")
            lines.append(f"       source: {cite(exc.source)}")
        lines.append(f"     source: {cite(step.source)}")
    lines.append("")
    if d.obligations:
        if d.in_force:
            lines.append("Obligations:")
        else:
            start = f"; it would apply from {d.applies_from}" if d.applies_from else ""
            lines.append(f"Obligations it would impose (none is in force on {r.at}{start}):")
        for o in d.obligations:
            deadline = f" (deadline: {o.deadline})" if o.deadline else ""
            due = f" [must be met from {o.due}]" if o.due and o.due > r.at else ""
            lines.append(f"  - {o.id}: {o.title}{deadline}{due}")
            lines.append(f"      source: {cite(o.source)}")
    elif d.outcome == "out-of-scope":
        lines.append("Obligations: none under this regime.")
    if d.possible_obligations:
        lines.append("Obligations that may apply once the open questions are settled:")
        for o in d.possible_obligations:
            extra = f" (needs: {', '.join(o.missing)})" if o.missing else ""
            lines.append(f"  - {o.id}: {o.title}{extra}")
    if d.missing:
        lines.append("")
        lines.append("Missing facts — any of these could settle the open questions:")
        lines.extend(f"  - {path}" for path in d.missing)
    lines.append("")
    lines.append("Compute used:")
    for name, fig in d.compute.items():
        lines.append(f"  {name}: {estimate_line(fig)}")
    if d.notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"  - {n}" for n in d.notes)
    return "\n".join(lines)


def comparison_table(determinations: Iterable[Determination]) -> str:
    """Several regimes side by side, one row each; the facts each one lacks listed below."""
    done = list(determinations)
    rows = [("regime", "v", "in force", "outcome", "role", "obligations", "missing")]
    for d in done:
        rows.append(
            (
                d.regime.id,
                str(d.regime.version),
                "yes" if d.regime.in_force else "no",
                d.outcome,
                d.role or "-",
                str(len(d.obligations)),
                f"{len(d.missing)} fact{'' if len(d.missing) == 1 else 's'}" if d.missing else "-",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    lacking = [d for d in done if d.missing]
    if lacking:
        out.append("")
        out.append("Missing facts — any of these could settle the open questions:")
        for d in lacking:
            out.append(f"  {d.regime.id}:")
            out.extend(f"    - {path}" for path in d.missing)
    return "\n".join(out)


def regime_text(regime: Regime, sources: dict[str, Source]) -> str:
    """A regime version described for a reader: parameters, steps, roles, obligations."""
    lines = [
        f"{regime.id} v{regime.version}: {regime.title}",
        f"  jurisdiction: {regime.jurisdiction}; status: {regime.status}; effective from "
        f"{regime.effective_from}"
        + (f" until {regime.effective_until}" if regime.effective_until else ""),
        "",
        regime.summary,
        "",
        "Parameters (override with --param name=value):",
    ]
    for p in regime.parameters.values():
        lines.append(f"  {p.name} = {number(p.effective)} {p.unit}".rstrip())
        lines.append(f"      {p.description} [{p.source.label(sources)}]")
    lines.append("")
    lines.append("Steps:")
    for i, s in enumerate(regime.steps, 1):
        lines.append(f"  {i}. {s.id}: {s.question} [{s.source.label(sources)}]")
        for e in s.exceptions:
            lines.append(f"     exception {e.id}: {e.label} [{e.source.label(sources)}]")
    lines.append(f"  in scope when the scope rule holds [{regime.scope_source.label(sources)}]")
    if regime.roles:
        lines.append("")
        lines.append("Roles:")
        lines.extend(f"  {r.id}: {r.title} [{r.source.label(sources)}]" for r in regime.roles)
    lines.append("")
    lines.append("Obligations:")
    for o in regime.obligations:
        deadline = f" (deadline: {o.deadline})" if o.deadline else ""
        lines.append(f"  {o.id}: {o.title}{deadline} [{o.source.label(sources)}]")
    if regime.notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"  - {n}" for n in regime.notes)
    return "\n".join(lines)
