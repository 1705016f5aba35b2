"""Load the web service on loopback and print throughput and latency; asserts nothing.

A real server (``modtrace serve``, uvicorn) runs in its own process over SQLite (and PostgreSQL
when MODTRACE_BENCH_POSTGRES_URL names an empty database). Two loads:
- fixed rate: 200 requests/s for 10 s of POST /api/assessments, then of a lineage query, from an
  asyncio client — p50 / p99 latency (target: p99 < 50 ms for assessments at 200/s on 2 cores);
- closed loop with ``wrk`` (Debian's package), when installed: the most requests/s it sustains.

Run: .venv/bin/python bench/service.py
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

from modtrace.registry.register import Edge, Register

ROOT = Path(__file__).resolve().parent.parent
FACTS = json.loads(
    json.dumps(yaml.safe_load((ROOT / "examples" / "meditron-70b.yaml").read_text()), default=str)
)
BODY = json.dumps({"facts": FACTS, "regime": "govai-2025"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def fixed_rate(
    url: str, method: str, body: str | None, rate: int, seconds: int
) -> list[float]:
    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=10) as client:

        async def one() -> None:
            start = time.perf_counter()
            response = await client.request(
                method, url, content=body, headers={"content-type": "application/json"}
            )
            response.raise_for_status()
            latencies.append((time.perf_counter() - start) * 1000)

        tasks = []
        begin = time.perf_counter()
        for i in range(rate * seconds):
            delay = begin + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
    return latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def wrk(url: str, lua: Path | None) -> str:
    cmd = ["wrk", "-t2", "-c16", "-d8s", "--latency", url]
    if lua:
        cmd[1:1] = ["-s", str(lua)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    return f"{float(rps[1]):,.0f} requests/s, p99 {p99[1] if p99 else '?'}" if rps else "wrk failed"


def run(database: str, label: str) -> None:
    register = Register.open(database)
    register.add_edges(
        [Edge("meta-llama/Llama-3.1-8B-Instruct", f"dev{i}/ft-{i}", "finetune") for i in range(200)]
    )
    register.engine.dispose()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "modtrace", "serve", "--port", str(port), "--database", database],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/api/log/head", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        lineage = f"{base}/api/models/meta-llama/Llama-3.1-8B-Instruct/lineage?direction=forward"
        for name, method, url, body in (
            ("POST /api/assessments", "POST", f"{base}/api/assessments", BODY),
            ("GET lineage (200 children)", "GET", lineage, None),
        ):
            asyncio.run(fixed_rate(url, method, body, 50, 1))  # warm-up
            lat = asyncio.run(fixed_rate(url, method, body, 200, 10))
            print(
                f"[{label}] {name} at 200/s for 10 s: {len(lat)} requests, "
                f"p50 {pct(lat, 50):.1f} ms, "
                f"p99 {pct(lat, 99):.1f} ms (target p99 < 50 ms)"
            )
        if shutil.which("wrk"):
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
                lua.write(
                    'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                    f"wrk.body = {json.dumps(BODY)}\n"
                )
            print(
                f"[{label}] wrk, POST /api/assessments, 16 connections: "
                + wrk(f"{base}/api/assessments", Path(lua.name))
            )
            print(f"[{label}] wrk, GET lineage, 16 connections: {wrk(lineage, None)}")
        else:
            print(f"[{label}] (install Debian's wrk for the closed-loop figures)")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite3", "sqlite")
    if url := os.environ.get("MODTRACE_BENCH_POSTGRES_URL"):
        run(url, "postgresql")


if __name__ == "__main__":
    main()
