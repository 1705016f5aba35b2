"""CPU time of the report's sampling on the shared snapshot: the Monte Carlo central estimate (20
draws × the regimes in force) and the threshold band (6 draws × 15 thresholds of govai-2025),
called as ``build_report`` calls them; prints figures only.

With ``--before DIR`` (a ``src`` folder of other code, e.g. from ``git archive <commit> src``),
each round runs the other code and then this code, each in a fresh process on the same
population (written once to a temporary Parquet file), and prints the ratios; both must give
the same figures (a digest of every derivative's probabilities and the band), which it checks.
CPU time (``time.process_time``, Polars' threads included) is the figure to read on a shared
machine.

Run: .venv/bin/python bench/sampling.py
     .venv/bin/python bench/sampling.py --before /tmp/before/src --rounds 2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def measure(population: Path, data: Path) -> dict[str, Any]:
    """Time both parts once on the population in ``population`` (this process's code)."""
    from modtrace.ecosystem.estimate import Fitted, estimate_curve, monte_carlo  # noqa: PLC0415
    from modtrace.ecosystem.report import BAND_EXPONENTS  # noqa: PLC0415
    from modtrace.ecosystem.simulate import OBSERVABLE_ONLY  # noqa: PLC0415
    from modtrace.regimes.loader import default_catalog  # noqa: PLC0415

    frame = pl.read_parquet(population)
    fitted = Fitted.from_epoch(data / "epoch")
    catalog = default_catalog()
    regimes, govai = catalog.in_force(), catalog.get("govai-2025")
    start = time.process_time()
    estimate = monte_carlo(frame, regimes, fitted, OBSERVABLE_ONLY)
    middle = time.process_time()
    band = estimate_curve(
        frame,
        govai,
        fitted,
        "upstream_threshold_flop",
        [10**e for e in BAND_EXPONENTS],
        OBSERVABLE_ONLY,
    )
    end = time.process_time()
    digest = hashlib.sha256(repr(estimate.probabilities.rows()).encode())
    digest.update(repr((estimate.expected, band.rows())).encode())
    return {
        "monte_carlo": middle - start,
        "band": end - middle,
        "digest": digest.hexdigest()[:16],
    }


def _run(src: Path | None, population: Path, data: Path) -> dict[str, Any]:
    """:func:`measure` in a fresh process, on the code under ``src`` (this code if ``None``)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(population), "--data", str(data)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--before", type=Path, help="a src folder of the code to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.data)))
        return
    from modtrace.ecosystem.population import build_population  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        population = Path(tmp) / "population.parquet"
        build_population(
            args.data / "hf-lineage",
            args.data / "hub-stats" / "hub_stats_frozen.parquet",
            args.data / "epoch",
        ).write_parquet(population)
        for round_ in range(1, args.rounds + 1):
            before = _run(args.before, population, args.data) if args.before else None
            after = _run(None, population, args.data)
            for part in ("monte_carlo", "band"):
                line = f"round {round_}  {part:<12} {after[part]:6.2f} s CPU"
                if before is not None:
                    ratio = before[part] / after[part]
                    line += f"   before {before[part]:6.2f} s   {ratio:4.2f}× less"
                print(line)
            if before is not None and before["digest"] != after["digest"]:
                sys.exit(f"error: figures differ from the code before ({before['digest']})")


if __name__ == "__main__":
    main()
