"""Regenerate the held-out figures in docs/evidence.md (between the ``figures`` markers).

Everything is leave-one-model-out on XSTest: per-model rates (human, labeller, corrected),
agreement, and the 20 pairwise conclusions with human labels removed.
Run: .venv/bin/python scripts/evidence_figures.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from modtrace.evidence.labeller import SETS
from modtrace.evidence.trust import measured, summary
from modtrace.evidence.validation import pairwise, per_model

ROOT = Path(__file__).resolve().parents[1]
XSTEST = ROOT.parent / "shared" / "data" / "refusal" / "xstest"
DOC = ROOT / "docs" / "evidence.md"
OUTCOME = {"harmful": "full compliance", "benign": "refusal"}


def figures() -> str:
    lines = [
        "| model | prompts: outcome | human | labeller (held out) | corrected (used) "
        "| adjusted classify-and-count | rules |",
        "|---|---|---|---|---|---|---|",
    ]
    rules = {(r.model, r.prompt_set): r for r in per_model(XSTEST, "classifier")}
    for r in per_model(XSTEST):
        lines.append(
            f"| {r.model} | {r.prompt_set}: {OUTCOME[r.prompt_set]} | {r.human:.1%} | "
            f"{r.machine:.1%} | {r.corrected:.1%} | {r.acc:.1%} | "
            f"{rules[(r.model, r.prompt_set)].machine:.1%} |"
        )
    lines += [
        "",
        "| prompts | labeller | accuracy | Cohen's κ | worst per-model rate error |",
        "|---|---|---|---|---|",
    ]
    for prompt_set in SETS:
        for labels in ("learned", "classifier"):
            s = summary(measured(labels, prompt_set))
            lines.append(
                f"| {prompt_set} ({OUTCOME[prompt_set]} or not) | "
                f"{'rules + learned looks' if labels == 'learned' else 'rules'} | "
                f"{s['accuracy']:.3f} | {s['kappa']:.3f} | {s['worst_rate_error']:.1%} |"
            )
    for labels, name in (("learned", "rules + learned looks"), ("classifier", "rules")):
        checks = pairwise(XSTEST, labels)
        agree = sum(c.agrees for c in checks)
        lines += [
            "",
            f"Pairwise, {name}: **{agree} of {len(checks)}** conclusions agree.",
            "",
            "| original → modified | prompts | human (p) | labeller raw | corrected (p) | agrees |",
            "|---|---|---|---|---|---|",
        ]
        for c in checks:
            h, m = c.human, c.machine
            lines.append(
                f"| {c.original} → {c.modified} | {c.prompt_set} | {h[0]:.1%} → {h[1]:.1%}, "
                f"{h[3]} (p={h[2]:.2g}) | {m[0]:.1%} → {m[1]:.1%} | {c.corrected[0]:.1%} → "
                f"{c.corrected[1]:.1%}, {m[3]} (p={m[2]:.2g}) | {'yes' if c.agrees else '**no**'} |"
            )
    return "\n".join(lines)


def main() -> None:
    if not XSTEST.is_dir():
        sys.exit(f"no data at {XSTEST}")
    text = DOC.read_text(encoding="utf-8")
    block = f"<!-- figures:start -->\n{figures()}\n<!-- figures:end -->"
    new, n = re.subn(r"<!-- figures:start -->.*<!-- figures:end -->", block, text, flags=re.S)
    if n != 1:
        sys.exit("docs/evidence.md has no figures markers")
    DOC.write_text(new, encoding="utf-8")
    print(block)


if __name__ == "__main__":
    main()
