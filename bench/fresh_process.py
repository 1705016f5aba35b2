"""Run one benchmark case in a fresh process, so each case's peak memory is its own."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def run_case(script: str, *args: str) -> dict[str, Any]:
    """``python SCRIPT ARGS``: the JSON object its last line prints, or the error it ended with."""
    done = subprocess.run(
        [sys.executable, script, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
