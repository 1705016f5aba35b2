"""Benchmark the ecosystem pipeline on the full shared snapshot; prints figures only.

Whole pipeline: build the population + every regime at its defaults + a 50-point sweep + the
central estimate (Monte Carlo, with the threshold band) + the cost table, i.e. everything
``modtrace ecosystem report`` computes; wall and CPU time and peak memory (target under 30 s and
2 GB on 2 cores; on a shared machine the CPU time is the fairer figure), and the ratio against a
naive per-row Python evaluation of the same regime on a 10^4-row sample, measured in the same
run.

Run: .venv/bin/python bench/ecosystem.py
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path
from typing import Any

from modtrace.compute.estimate import Estimate
from modtrace.ecosystem.cost import regulation_cost
from modtrace.ecosystem.estimate import Fitted, estimate_curve, monte_carlo
from modtrace.ecosystem.population import build_population
from modtrace.ecosystem.report import BAND_EXPONENTS, COST_EXPONENTS, log_range
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY, as_facts, counts, run, sweep
from modtrace.regimes.loader import default_catalog
from modtrace.regimes.model import Regime
from modtrace.regimes.scalar import Env, eval_bool, kleene_all

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def naive(rows: list[dict[str, Any]], regime: Regime) -> list[bool | None]:
    """The same regime evaluated one row at a time in plain Python (the scalar evaluator)."""
    out = []
    params = regime.param_values()
    for row in rows:
        quantities = {
            q: Estimate(q, row[f"{q}.flop"], row[f"{q}.low"], row[f"{q}.high"], row[f"{q}.method"])
            for q in ("original.training_compute", "modification.compute")
        }
        env = Env(row, params, quantities)
        for step in regime.steps:
            lifted = [eval_bool(e.when, env) for e in step.exceptions]
            env.steps[step.id] = kleene_all(
                [eval_bool(step.when, env), *(None if v is None else not v for v in lifted)]
            )
        out.append(eval_bool(regime.scope, env))
    return out


def main() -> None:
    if not (DATA / "hf-lineage").is_dir():
        sys.exit(f"no data at {DATA}")
    catalog = default_catalog()
    start, cpu_start = time.perf_counter(), time.process_time()
    population = build_population(
        DATA / "hf-lineage", DATA / "hub-stats" / "hub_stats_frozen.parquet", DATA / "epoch"
    )
    built = time.perf_counter()
    results = {rid: counts(run(population, catalog.get(rid))) for rid in catalog.ids()}
    simulated = time.perf_counter()
    curve = sweep(
        population, catalog.get("govai-2025"), {"upstream_threshold_flop": log_range(20, 27, 50)}
    )
    swept = time.perf_counter()
    regimes = catalog.in_force()
    fitted = Fitted.from_epoch(DATA / "epoch")
    estimate = monte_carlo(population, regimes, fitted, OBSERVABLE_ONLY)
    band = estimate_curve(
        population,
        catalog.get("govai-2025"),
        fitted,
        "upstream_threshold_flop",
        [10**e for e in BAND_EXPONENTS],
        OBSERVABLE_ONLY,
    )
    estimated = time.perf_counter()
    cost = regulation_cost(population, regimes, COST_EXPONENTS, OBSERVABLE_ONLY)
    costed = time.perf_counter()
    cpu = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"population: {population.height:,} derivatives, built in {built - start:.1f} s")
    for rid, c in results.items():
        print(
            f"  {rid:<16} in scope {c.in_scope:>6,}  indeterminate {c.indeterminate:>7,}  "
            f"out {c.out_of_scope:>7,}"
        )
    print(
        f"all {len(results)} regimes: {simulated - built:.2f} s; 50-point sweep: "
        f"{swept - simulated:.2f} s "
        f"({curve.height} points)"
    )
    print(
        f"central estimate ({estimate.draws} draws, 4 regimes) and its {band.height}-point band: "
        f"{estimated - swept:.2f} s; cost table ({cost.height} rows): {costed - estimated:.2f} s"
    )
    print(
        f"whole pipeline: {costed - start:.1f} s wall, {cpu:.1f} s CPU (target < 30 s); peak "
        f"memory {peak_mb:,.0f} MB (target < 2,048 MB)"
    )

    regime = catalog.get("govai-2025")
    sample = population.sample(10_000, seed=3)
    facts = as_facts(sample).collect()
    rows = facts.to_dicts()
    t0 = time.perf_counter()
    slow = naive(rows, regime)
    t1 = time.perf_counter()
    fast = run(sample, regime)["outcome"].to_list()
    t2 = time.perf_counter()
    words = {True: "in-scope", False: "out-of-scope", None: "indeterminate"}
    agree = sum(words[a] == b for a, b in zip(slow, fast, strict=True))
    print(
        f"10^4-row sample, govai-2025: per-row Python {t1 - t0:.3f} s "
        f"({len(rows) / (t1 - t0):,.0f} rows/s); "
        f"compiled batch {t2 - t1:.3f} s ({len(rows) / (t2 - t1):,.0f} rows/s); ratio "
        f"{(t1 - t0) / (t2 - t1):.0f}x; "
        f"agreement {agree}/{len(rows)}"
    )


if __name__ == "__main__":
    main()
