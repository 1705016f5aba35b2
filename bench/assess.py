"""Benchmark the assessment engine; prints figures, asserts nothing.

- single case in-process: ``assess`` per regime (mean of repeated calls);
- a whole CLI call, as a new process, against a bare ``python -c pass`` baseline;
- batch throughput (cases/s) on one core for 10^5 and 10^6 generated cases, per regime,
  against the per-case scalar evaluator looping over a 10^4 sample in the same run.

Run: .venv/bin/python bench/assess.py [--quick]
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")  # one core, as the target says; before import

import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

from modtrace.determination.assess import assess, assess_row
from modtrace.determination.batch import assess_frame, facts_frame
from modtrace.facts import load_facts
from modtrace.facts.flatten import FACT_COLUMNS
from modtrace.regimes.loader import default_catalog

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "meditron-70b.yaml"
TECHNIQUES = ["fine-tuning", "adapter", "merge", "quantization", "abliteration", "rl", "prompting"]


def _maybe(rng: random.Random, value: Any, p_unknown: float = 0.3) -> Any:
    return None if rng.random() < p_unknown else value


def random_row(rng: random.Random) -> dict[str, Any]:
    """A plausible Hub-like case with some facts unknown."""
    row: dict[str, Any] = dict.fromkeys(FACT_COLUMNS)
    row.update(
        {
            "original.id": "org/model",
            "original.provider": "Org",
            "original.training_compute_flop": _maybe(rng, 10 ** rng.uniform(21, 26.5)),
            "original.parameters": _maybe(rng, 10 ** rng.uniform(8, 11.7)),
            "original.training_tokens": _maybe(rng, 10 ** rng.uniform(11, 13.3)),
            "original.designated_in_scope": _maybe(rng, rng.random() < 0.05, 0.8),
            "original.exempt_without_safeguards": _maybe(rng, False),
            "original.modalities": ["text"],
            "modifier.name": "dev",
            "modifier.acts_on_behalf_of_provider": _maybe(rng, rng.random() < 0.02, 0.1),
            "modifier.annual_revenue_usd": _maybe(rng, 10 ** rng.uniform(3, 11), 0.7),
            "modification.techniques": [rng.choice(TECHNIQUES)],
            "modification.compute_flop": _maybe(rng, 10 ** rng.uniform(16, 25), 0.6),
            "modification.training.method": _maybe(rng, rng.choice(["full", "lora", "qlora"])),
            "modification.training.tokens": _maybe(rng, 10 ** rng.uniform(6, 11)),
            "modification.training.epochs": _maybe(rng, rng.choice([1.0, 2.0, 3.0])),
            "modification.cost_usd": _maybe(rng, 10 ** rng.uniform(1, 6), 0.7),
            "modification.safeguards.altered": _maybe(
                rng, rng.choice(["none", "unintentional", "intentional"])
            ),
            "modification.safeguards.significant": _maybe(rng, rng.random() < 0.5),
            "modification.upstream_warned": _maybe(rng, False),
            "modification.other_reason_to_believe_unacceptable_risk": _maybe(rng, False),
            "modification.release": _maybe(rng, "open-weights"),
        }
    )
    return row


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def process_ms(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    quick = "--quick" in sys.argv
    catalog = default_catalog()
    regimes = [catalog.get(i) for i in catalog.ids()]
    facts = load_facts(EXAMPLE)
    print(f"modtrace assessment benchmark (POLARS_MAX_THREADS={os.environ['POLARS_MAX_THREADS']})")

    print("\nsingle case, in-process (mean of 200 calls):")
    for regime in regimes:
        assess(facts, regime)
        seconds, _ = timed(lambda r=regime: [assess(facts, r) for _ in range(200)])
        print(f"  {regime.id:<16} {seconds / 200 * 1e3:7.3f} ms")

    runs = 3 if quick else 10
    exe = str(Path(sys.executable).parent / "modtrace")
    bare = process_ms([sys.executable, "-c", "pass"], runs)
    cli = process_ms([exe, "assess", str(EXAMPLE), "--regime", "govai-2025"], runs)
    print(
        f"\nwhole CLI call (median of {runs}): {cli:.0f} ms; bare interpreter start: {bare:.0f} ms;"
        f" ratio {cli / bare:.1f}x (target: < 150 ms)"
    )

    rng = random.Random(20251128)
    sample = [random_row(rng) for _ in range(10_000)]
    base = facts_frame(sample)
    loop_rows = sample[: 2_000 if quick else 10_000]
    sizes = [100_000] if quick else [100_000, 1_000_000]
    print("\nbatch throughput, one core (cases/s):")
    print(
        f"  {'regime':<16} {'per-case loop':>14} "
        + " ".join(f"{n:>12,}" for n in sizes)
        + "   speed-up at largest"
    )
    for regime in regimes:
        loop_s, _ = timed(lambda r=regime: [assess_row(x, r) for x in loop_rows])
        loop_rate = len(loop_rows) / loop_s
        rates = []
        for n in sizes:
            frame = base.sample(n, with_replacement=True, seed=1)
            assess_frame(frame.head(1000), regime)  # warm-up
            seconds, out = timed(assess_frame, frame, regime)
            assert out.height == n
            rates.append(n / seconds)
        print(
            f"  {regime.id:<16} {loop_rate:>14,.0f} "
            + " ".join(f"{r:>12,.0f}" for r in rates)
            + f"   {rates[-1] / loop_rate:,.0f}x"
        )
    counts = assess_frame(base, catalog.get("govai-2025"))["outcome"].value_counts(sort=True)
    print(
        "\ngovai-2025 outcomes on the 10^4 sample:",
        ", ".join(f"{o}={c}" for o, c in counts.iter_rows()),
    )
    print(f"polars {pl.__version__}")


if __name__ == "__main__":
    main()
