"""How long a ``modtrace`` command takes to start, next to what a user could write instead.

Every case is a fresh process, timed from spawn to exit; cases are interleaved (one run of each,
then again), so a machine that is busy with other work slows them all alike, and the figures are
medians. Printed, in one run:

- ``python -c pass``: the floor of any Python command;
- ``python -c "import pydantic, yaml, click"``: the libraries a facts file needs, and the same
  defining one ``pydantic.BaseModel`` (which loads the rest of pydantic): the floor of any
  command that reads a facts file with pydantic;
- ``modtrace --version``, ``modtrace assess examples/meditron-70b.yaml``;
- ``modtrace trace ID`` (one step forward, and ``--direction descendants``) on a register built
  in a temporary folder, for a small family and a large one (11,000 children by default, the
  size of the snapshot's FLUX.1-dev), next to a plain sqlite3 script doing the same queries and
  printing the same lines: the peer the issue's target (≤ 3×) is measured against;
- the same assessment with ``PYTHONDONTWRITEBYTECODE=1`` and no byte-code for modtrace's own
  modules (a copy of the package first on ``PYTHONPATH``): each one it imports is compiled on
  every call, as where the ``.pyc`` files were never written.

Targets (issue #15): assess ≤ 10× ``python -c pass``; trace ≤ 3× the sqlite3 peer.
Prints figures; asserts nothing. Run:

    .venv/bin/python bench/startup.py                    # 21 rounds
    .venv/bin/python bench/startup.py --repeat 41
    .venv/bin/python bench/startup.py --before /tmp/old/src   # git archive OLD src examples
    .venv/bin/python bench/startup.py --database sqlite:///hub.sqlite3 \
        --model black-forest-labs/FLUX.1-dev     # also trace in a register of your own
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import modtrace
from modtrace.registry.register import Edge, Register

ROOT = Path(__file__).resolve().parents[1]
IGNORE_PYC = shutil.ignore_patterns("__pycache__", "*.pyc")
EXAMPLE = ROOT / "examples" / "meditron-70b.yaml"

PEER = '''
"""What `modtrace trace` does, written by hand against SQLite (the issue's plain peer)."""
import sqlite3, sys

path, model, direction = sys.argv[1], sys.argv[2], sys.argv[3]
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
known = (
    db.execute("SELECT 1 FROM models WHERE id = ?", (model,)).fetchone()
    or db.execute(
        "SELECT 1 FROM lineage_edges WHERE parent_id = ? OR child_id = ? LIMIT 1", (model, model)
    ).fetchone()
    or db.execute("SELECT 1 FROM modifications WHERE model_id = ? LIMIT 1", (model,)).fetchone()
)
if not known:
    sys.exit(f"error: MODEL_ID: {model} is not in the register")
LINKS = """SELECT e.child_id, e.relation, e.status, e.source, m.provider, m.external
           FROM lineage_edges e LEFT JOIN models m ON m.id = e.child_id
           WHERE e.parent_id = ? ORDER BY e.child_id"""
if direction == "forward":
    rows = db.execute(LINKS, (model,)).fetchall()
    print(f"{model}: {len(rows)} children")
    for child, rel, status, source, dev, ext in rows[:50]:
        flag = " (external: not described in the register)" if ext or dev is None else ""
        print(f"  {rel:<12} {child}  developer {dev or '?'}  [{status}, {source}]{flag}")
    if len(rows) > 50:
        print(f"  ... {len(rows) - 50} more (--limit, or --format json)")
else:
    edges = {}
    for parent, child, rel, dev in db.execute("""
        WITH RECURSIVE reach(id) AS (SELECT ? UNION
            SELECT e.child_id FROM lineage_edges e JOIN reach r ON e.parent_id = r.id)
        SELECT e.parent_id, e.child_id, e.relation, m.provider FROM reach r
        JOIN lineage_edges e ON e.parent_id = r.id LEFT JOIN models m ON m.id = e.child_id
        ORDER BY e.child_id""", (model,)):
        edges.setdefault(parent, []).append((child, rel, dev))
    paths, frontier, depth, reached = {model: ()}, [model], 0, []
    while frontier:
        depth += 1
        nxt = []
        for origin in frontier:
            for child, rel, dev in edges.get(origin, ()):
                if child not in paths:
                    paths[child] = (*paths[origin], (child, rel))
                    reached.append((child, depth, dev))
                    nxt.append(child)
        frontier = nxt
    print(f"{model}: {len(reached)} descendants")
    for child, d, dev in reached[:50]:
        via = " -> ".join(f"{r}:{m}" for m, r in paths[child])
        print(f"  depth {d}  {child}  developer {dev or '?'}  via {via}")
    if len(reached) > 50:
        print(f"  ... {len(reached) - 50} more (--limit, or --format json)")
'''


BEFORE_ENTRY = """
try:
    from modtrace.cli.entry import main
except ImportError:  # a checkout from before the script's entry had its own module
    from modtrace.cli.main import main
main()
"""


def modtrace_argv() -> list[str]:
    """The installed ``modtrace`` script, as a user runs it."""
    script = Path(sys.executable).parent / "modtrace"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from modtrace.cli.entry import main; main()"]


def build_register(folder: Path, family: int) -> tuple[str, str, str, int]:
    """A register with a small family (one base, 60 children, ~350 edges) and a large one
    (``family`` children, a fifth of them quantized once: the snapshot's FLUX.1-dev has ~11k)."""
    url = f"sqlite:///{folder / 'register.sqlite3'}"
    register = Register.open(url)
    small, large = "acme/base-7b", "bigco/base-12b"
    edges = []
    for root, children in ((small, 60), (large, family)):
        register.upsert_model(root, parameters=7e9)
        for i in range(children):
            child = f"user{i % 97}/{root.split('/')[1]}-tune-{i}"
            edges.append(Edge(root, child, "finetune", "declared", "bench"))
            for j in range(i % 11 if root == small else int(i % 5 == 0)):
                edges.append(Edge(child, f"user{j}/{child[-12:]}-q{j}", "quantized"))
    register.add_edges(edges)
    register.engine.dispose()
    return url, small, large, len(edges)


def run_once(argv: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        argv, check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def trace_cases(
    label: str, model: str, mt: list[str], peer: list[str], env: dict[str, str]
) -> dict[str, tuple[list[str], dict[str, str]]]:
    """``modtrace trace`` (one step, then all descendants) on ``model`` and the peer's twins."""
    return {
        f"modtrace trace {label}": ([*mt, "trace", model], env),
        f"sqlite3 peer, one step {label}": ([*peer, model, "forward"], env),
        f"modtrace trace {label} --direction descendants": (
            [*mt, "trace", model, "--direction", "descendants"],
            env,
        ),
        f"sqlite3 peer, descendants {label}": ([*peer, model, "descendants"], env),
    }


def before_cases(
    src: Path, folder: Path, family: int, mt: list[str], env: dict[str, str]
) -> dict[str, tuple[list[str], dict[str, str]]]:
    """The same commands under another checkout's code, on a register that code built."""
    place = folder / "before"
    place.mkdir()
    theirs = {**env, "PYTHONPATH": str(src.resolve())}
    built = subprocess.run(
        [sys.executable, __file__, "--build-only", str(place), "--family", str(family)],
        env=theirs,
        capture_output=True,
        text=True,
        check=True,
    )
    url, small, large, _ = json.loads(built.stdout.strip().splitlines()[-1])
    theirs["MODTRACE_DATABASE_URL"] = url
    example = src.resolve().parent / "examples" / EXAMPLE.name
    return {
        "before: modtrace --version": ([*mt, "--version"], theirs),
        "before: modtrace assess meditron-70b.yaml": ([*mt, "assess", str(example)], theirs),
        "before: modtrace trace (small family)": ([*mt, "trace", small], theirs),
        f"before: modtrace trace ({family:,} children) --direction descendants": (
            [*mt, "trace", large, "--direction", "descendants"],
            theirs,
        ),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=21, help="rounds (default 21)")
    parser.add_argument(
        "--family", type=int, default=11_000, help="children of the large family (default 11000)"
    )
    parser.add_argument("--database", help="an existing SQLite register to trace in as well")
    parser.add_argument("--model", help="the model to trace there (with --database)")
    parser.add_argument(
        "--before",
        type=Path,
        help="the src/ folder of another modtrace checkout (e.g. an earlier commit, with its "
        "examples/ beside it), measured in the same rounds",
    )
    parser.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_only:  # run by --before, under the other checkout's code
        print(json.dumps(build_register(args.build_only, args.family)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, small, large, size = build_register(folder, args.family)
        peer_file = folder / "peer.py"
        peer_file.write_text(PEER)
        # Warm cases write and use byte-code, whatever this shell says (PYTHONDONTWRITEBYTECODE
        # here would make every case compile everything it imports, every time).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["MODTRACE_DATABASE_URL"] = url
        # modtrace's own modules with no byte-code (never written: PYTHONDONTWRITEBYTECODE=1),
        # the libraries' as installed: a copy of the package, found first on the path.
        source = Path(modtrace.__file__).parent
        shutil.copytree(source, folder / "src" / "modtrace", ignore=IGNORE_PYC)
        cold = {**env, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(folder / "src")}
        py = [sys.executable]
        mt = modtrace_argv()
        peer = [*py, str(peer_file), url.removeprefix("sqlite:///")]
        cases: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([*py, "-c", "pass"], env),
            "python -c 'import pydantic, yaml, click'": (
                [*py, "-c", "import pydantic, yaml, click"],
                env,
            ),
            "python -c '...; class M(pydantic.BaseModel)'": (
                [*py, "-c", "import pydantic, yaml, click\nclass M(pydantic.BaseModel):\n x: int"],
                env,
            ),
            "modtrace --version": ([*mt, "--version"], env),
            "modtrace --help": ([*mt, "--help"], env),
            "modtrace assess meditron-70b.yaml": ([*mt, "assess", str(EXAMPLE)], env),
            **trace_cases("(small family)", small, mt, peer, env),
            **trace_cases(f"({args.family:,} children)", large, mt, peer, env),
            "modtrace assess, no modtrace .pyc": ([*mt, "assess", str(EXAMPLE)], cold),
        }
        if args.database:
            theirs = {**env, "MODTRACE_DATABASE_URL": args.database}
            their_peer = [*py, str(peer_file), args.database.removeprefix("sqlite:///")]
            cases |= trace_cases(f"({args.model})", args.model, mt, their_peer, theirs)
        if args.before:
            cases |= before_cases(args.before, folder, args.family, [*py, "-c", BEFORE_ENTRY], env)
        for argv_, env_ in cases.values():  # warm the OS cache, the .pyc files, the regime cache
            run_once(argv_, env_)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeat):
            for name, (argv_, env_) in cases.items():
                times[name].append(run_once(argv_, env_))
    med = {name: statistics.median(t) * 1000 for name, t in times.items()}
    floor = med["python -c pass"]
    imports = med["python -c 'import pydantic, yaml, click'"]
    print(
        f"start-up, medians of {args.repeat} interleaved rounds; trace on a register of "
        f"{size:,} edges built for the run\n"
    )
    print(f"{'case':<56} {'median ms':>10} {'× pass':>8}")
    for name, value in med.items():
        print(f"{name:<56} {value:>10.1f} {value / floor:>8.1f}")
    assess = med["modtrace assess meditron-70b.yaml"]
    print()
    print(f"{'assess / python -c pass':<56} {assess / floor:5.1f}×  (target ≤ 10×)")
    print(f"{'assess / import pydantic, yaml, click':<56} {assess / imports:5.1f}×")
    one_model = med["python -c '...; class M(pydantic.BaseModel)'"]
    print(f"{'assess / those imports and one pydantic model':<56} {assess / one_model:5.1f}×")
    for name, ours in med.items():
        if name.startswith("modtrace trace "):
            rest = name.removeprefix("modtrace trace ")
            label, _, descendants = rest.partition(" --direction ")
            peer_name = f"sqlite3 peer, {'descendants' if descendants else 'one step'} {label}"
            print(f"{name + ' / peer':<56} {ours / med[peer_name]:5.1f}×  (target ≤ 3×)")
    for name, value in med.items():
        if name.startswith("before: "):
            now = name.removeprefix("before: ")
            print(f"{name + ' / now':<56} {value / med[now]:5.1f}×  ({value / floor:.1f}× pass)")
    cold_assess = med["modtrace assess, no modtrace .pyc"]
    print(f"{'assess without modtrace .pyc / with':<56} {cold_assess / assess:5.1f}×")


if __name__ == "__main__":
    main()
