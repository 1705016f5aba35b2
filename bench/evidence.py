"""Benchmark the evidence tools; prints figures only.

- refusal labeller throughput (completions/s on the CPU) over XSTest's 2,250 real completions:
  the rules, and the rules with the learned second look, as a ratio of the two;
- a whole paired comparison on 10^4 prompts (XSTest rows repeated under new ids), with the
  classifier labelling both runs — against reading the two files alone, measured in the same run.

Run: .venv/bin/python bench/evidence.py
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from modtrace.evidence.compare import compare
from modtrace.evidence.labeller import label
from modtrace.evidence.refusal import classify
from modtrace.evidence.runs import read_run

XSTEST = Path(__file__).resolve().parents[2] / "shared" / "data" / "refusal" / "xstest"
MODELS = ("gpt4", "llama2new", "llama2orig", "mistralguard", "mistralinstruct")


def main() -> None:
    if not XSTEST.is_dir():
        sys.exit(f"no data at {XSTEST}")
    texts = [
        r.completion
        for m in MODELS
        for r in read_run(XSTEST / f"xstest_v2_completions_{m}.csv").rows.values()
    ]
    start = time.perf_counter()
    for _ in range(4):
        for text in texts:
            classify(text)
    seconds = time.perf_counter() - start
    print(
        f"refusal classifier: {4 * len(texts) / seconds:,.0f} completions/s ({len(texts):,} "
        f"real completions x 4)"
    )
    start = time.perf_counter()
    for text in texts:
        label(text, "harmful")
    learned = time.perf_counter() - start
    print(
        f"rules + learned second look: {len(texts) / learned:,.0f} completions/s; "
        f"{learned / (seconds / 4):.1f}x the rules' time"
    )

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name in ("mistralinstruct", "mistralguard"):
            rows = list(
                csv.DictReader(
                    (XSTEST / f"xstest_v2_completions_{name}.csv").read_text().splitlines()
                )
            )
            path = Path(tmp) / f"{name}.csv"
            with path.open("w", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
                for k in range(23):  # 23 x 450 = 10,350 rows, 4,600 of them harmful
                    for row in rows:
                        writer.writerow({**row, "id": f"{row['id']}-{k}"})
            paths.append(path)
        t0 = time.perf_counter()
        original, modified = read_run(paths[0]), read_run(paths[1])
        t1 = time.perf_counter()
        result = compare(original, modified, "benign", labels="classifier")
        harmful = compare(original, modified, "harmful", labels="classifier")
        t2 = time.perf_counter()
    pairs = harmful.overall.n + result.overall.n
    print(
        f"paired comparison of {pairs:,} prompts (classifier labels, both sets): {t2 - t1:.2f} s; "
        f"reading the two files {t1 - t0:.2f} s; ratio {(t2 - t1) / (t1 - t0):.1f}x"
    )


if __name__ == "__main__":
    main()
