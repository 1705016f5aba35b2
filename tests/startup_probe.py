"""Run ``modtrace ARGS`` in a fresh interpreter and list the modules it left loaded."""

from __future__ import annotations

import json
import subprocess
import sys

RUN = """
import json, sys
sys.argv = ["modtrace", *json.loads(sys.argv[1])]
from modtrace.cli.entry import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded_by(args: list[str], env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    """The exit code of ``modtrace ARGS`` (through the script's entry) and every module it
    imported."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["code"], set(result["modules"])


def top_level(modules: set[str]) -> set[str]:
    """The top-level packages among ``modules``."""
    return {m.split(".")[0] for m in modules}
