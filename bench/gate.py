"""Benchmark the modification gate in-process; prints figures only (target p99 < 5 ms).

Run: .venv/bin/python bench/gate.py
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from modtrace.upstream.gate import check, load_request
from modtrace.upstream.kyc import load_list
from modtrace.upstream.screening import domains_of
from modtrace.upstream.terms import load_terms

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    terms = load_terms(ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml")
    request = load_request(ROOT / "examples" / "gate" / "clinic-finetune.yaml")
    entries = load_list()
    for _ in range(50):
        check(request, terms, entries)
    times = []
    for _ in range(2000):
        start = time.perf_counter()
        check(request, terms, entries)
        times.append((time.perf_counter() - start) * 1000)
    q = statistics.quantiles(times, n=100)
    print(
        f"gate decisions: {1000 / statistics.mean(times):,.0f}/s; p50 {q[49]:.2f} ms, p99 "
        f"{q[98]:.2f} ms "
        f"(target p99 < 5 ms; {len(terms.terms)} terms, {len(entries)} list entries, 2-line sample)"
    )


def screening() -> None:
    """Screening throughput on the harmless Alpaca test split (6,266 real instructions)."""
    path = (
        ROOT.parent
        / "shared"
        / "data"
        / "refusal"
        / "refusal_direction"
        / "splits"
        / "harmless_test.json"
    )
    if not path.exists():
        return
    texts = [x["instruction"] for x in json.loads(path.read_text())]
    start = time.perf_counter()
    for text in texts:
        domains_of(text)
    seconds = time.perf_counter() - start
    print(
        f"data screening: {len(texts) / seconds:,.0f} examples/s on the CPU "
        f"({len(texts):,} instructions)"
    )


if __name__ == "__main__":
    main()
    screening()
