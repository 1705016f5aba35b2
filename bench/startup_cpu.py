"""``modtrace assess`` against its floors by CPU time, for a machine too busy to trust wall time.

Each case is a fresh process; its CPU time is the child's user + system time (``getrusage``),
which other jobs on the machine inflate less than they inflate the wall-clock figures of
``bench/startup.py``. Cases are interleaved and the figures are medians. Printed, in one run:
``python -c pass``, ``import yaml, click`` (the floor of any command reading YAML through
click), ``import pydantic, yaml, click``, the modules the lean assessment path imports with
nothing run, and ``modtrace assess examples/meditron-70b.yaml``.

Target (issue #15): assess ≤ 10× ``python -c pass``. Prints figures; asserts nothing. Run:

    .venv/bin/python bench/startup_cpu.py            # 21 rounds
    .venv/bin/python bench/startup_cpu.py --repeat 41
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "meditron-70b.yaml"


def cpu_ms(argv: Sequence[str], env: dict[str, str]) -> float:
    """The CPU time (user + system) of one run of ``argv``, in milliseconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, check=False, env=env, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used * 1000


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=21, help="rounds (default 21)")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    py = [sys.executable, "-c"]
    script = Path(sys.executable).parent / "modtrace"
    mt = [str(script)] if script.exists() else [*py, "from modtrace.cli.main import main; main()"]
    cases = {
        "python -c pass": [*py, "pass"],
        "python -c 'import yaml, click'": [*py, "import yaml, click"],
        "python -c 'import pydantic, yaml, click'": [*py, "import pydantic, yaml, click"],
        "lean path's modules, nothing run": [
            *py,
            "import modtrace.cli.main, modtrace.determination.lean",
        ],
        "modtrace assess meditron-70b.yaml": [*mt, "assess", str(EXAMPLE)],
    }
    for case in cases.values():  # warm the OS cache, the .pyc files, the regime cache
        cpu_ms(case, env)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, case in cases.items():
            times[name].append(cpu_ms(case, env))
    med = {name: statistics.median(t) for name, t in times.items()}
    floor = med["python -c pass"]
    print(f"CPU time (user + system), medians of {args.repeat} interleaved rounds\n")
    print(f"{'case':<44} {'median ms':>10} {'× pass':>8}")
    for name, value in med.items():
        print(f"{name:<44} {value:>10.1f} {value / floor:>8.1f}")
    ratio = med["modtrace assess meditron-70b.yaml"] / floor
    print(f"\n{'assess / python -c pass':<44} {ratio:5.1f}×  (target ≤ 10×)")


if __name__ == "__main__":
    main()
