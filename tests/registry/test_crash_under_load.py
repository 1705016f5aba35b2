"""A running server under mixed reads and writes, killed with SIGKILL mid-run, loses nothing.

``modtrace serve`` runs as a subprocess on loopback. Worker threads file registrations, move
filings into review, report incidents and read filings, the public register and the log head.
Once enough writes are acknowledged the server is killed with SIGKILL while requests are in
flight, then restarted. Every write the server acknowledged must be there, exactly as sent, and
``modtrace log verify`` (run while the restarted server serves) must pass: no half-written
record, no row without its log entry. Bounded in count and time so that CI stays fast; speed is
not asserted.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import yaml

from conftest import EXAMPLES
from modtrace.registry.register import Register
from modtrace.registry.tokens import create_token

WORKERS = 4
ACKS_BEFORE_KILL = 60
MIN_ACKS = 10  # a slow machine may reach the deadline first; fewer than this proves little
MAX_OPS_PER_WORKER = 120
DEADLINE_S = 40.0  # a bound on the run, not a speed assertion
FACTS = json.loads(
    json.dumps(yaml.safe_load((EXAMPLES / "meditron-70b.yaml").read_text()), default=str)
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(database_url: str, tmp_path: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "MODTRACE_LOG_KEY": str(tmp_path / "no-key"), "PYTHONUNBUFFERED": "1"}
    env.pop("MODTRACE_DATABASE_URL", None)
    log = (tmp_path / f"serve-{port}-{time.monotonic_ns()}.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "modtrace",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database",
            database_url,
            "--ecosystem",
            str(tmp_path / "none"),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            assert process.poll() is None, (tmp_path / log.name).read_text()
            with suppress(httpx.TransportError):
                if httpx.get(f"http://127.0.0.1:{port}/api/log/head", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the server did not start within 60 s")
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


@dataclass
class Acked:
    """What the server acknowledged (2xx received), per kind."""

    filings: dict[int, str] = field(default_factory=dict)  # id -> contact sent
    reviewed: set[int] = field(default_factory=set)
    incidents: dict[int, str] = field(default_factory=dict)  # id -> title sent
    reads: int = 0
    lost_in_flight: int = 0
    unexpected: list[str] = field(default_factory=list)  # any answer but the success expected
    lock: threading.Lock = field(default_factory=threading.Lock)

    def writes(self) -> int:
        with self.lock:
            return len(self.filings) + len(self.reviewed) + len(self.incidents)


def _expect(acked: Acked, response: httpx.Response, status: int) -> bool:
    if response.status_code == status:
        return True
    with acked.lock:
        acked.unexpected.append(f"{response.request.url.path}: {response.status_code}")
    return False


def _worker(
    number: int, base: str, tokens: dict[str, str], acked: Acked, stop: threading.Event
) -> None:
    as_ = {who: {"Authorization": f"Bearer {t}"} for who, t in tokens.items()}
    mine: list[int] = []
    with httpx.Client(base_url=base, timeout=15) as client:
        for op in range(MAX_OPS_PER_WORKER):
            if stop.is_set():
                return
            try:
                kind = op % 5
                if kind in (0, 3):
                    contact = f"w{number}-{op}@example.org"
                    r = client.post(
                        "/api/filings",
                        json={
                            "facts": FACTS,
                            "model_id": "epfl-llm/meditron-70b",
                            "contact": contact,
                        },
                        headers=as_["modifier"],
                    )
                    if _expect(acked, r, 201):
                        with acked.lock:
                            acked.filings[r.json()["filing"]["id"]] = contact
                        mine.append(r.json()["filing"]["id"])
                elif kind == 1 and mine:
                    filing_id = mine.pop(0)
                    r = client.post(
                        f"/api/filings/{filing_id}/review",
                        json={"status": "under-review"},
                        headers=as_["regulator"],
                    )
                    if _expect(acked, r, 200):
                        with acked.lock:
                            acked.reviewed.add(filing_id)
                elif kind == 2:
                    title = f"incident w{number}-{op}"
                    r = client.post(
                        "/api/incidents",
                        json={"title": title, "model_ids": ["epfl-llm/meditron-70b"]},
                        headers=as_["regulator"],
                    )
                    if _expect(acked, r, 201):
                        with acked.lock:
                            acked.incidents[r.json()["incident_id"]] = title
                else:
                    for path in ("/api/log/head", "/api/public/filings?limit=5"):
                        if _expect(acked, client.get(path), 200):
                            with acked.lock:
                                acked.reads += 1
            except httpx.TransportError:  # the server died under this request
                with acked.lock:
                    acked.lost_in_flight += 1
                return


def test_sigkill_mid_run_loses_no_acknowledged_write(database_url: str, tmp_path: Path) -> None:
    register = Register.open(database_url)
    tokens = {
        "modifier": create_token(register, "modifier", "EPFL LLM Team"),
        "regulator": create_token(register, "regulator", "AI Office"),
    }
    register.engine.dispose()
    port = _free_port()
    acked, stop = Acked(), threading.Event()
    with _server(database_url, tmp_path, port) as server:
        threads = [
            threading.Thread(
                target=_worker, args=(n, f"http://127.0.0.1:{port}", tokens, acked, stop)
            )
            for n in range(WORKERS)
        ]
        for t in threads:
            t.start()
        give_up = time.monotonic() + DEADLINE_S
        while acked.writes() < ACKS_BEFORE_KILL and time.monotonic() < give_up:
            time.sleep(0.05)
        assert any(t.is_alive() for t in threads), "the load ended before the kill"
        os.kill(server.pid, signal.SIGKILL)  # mid-run: workers still have requests in flight
        server.wait()
        stop.set()
        for t in threads:
            t.join(30)
    assert acked.writes() >= MIN_ACKS, acked
    assert acked.unexpected == []
    print(  # shown with -s: how much the kill cut short
        f"acknowledged {len(acked.filings)} filings, {len(acked.reviewed)} reviews, "
        f"{len(acked.incidents)} incidents, {acked.reads} reads; "
        f"{acked.lost_in_flight} workers cut off by the kill"
    )

    with _server(database_url, tmp_path, _free_port()):
        register = Register.open(database_url)
        try:
            for filing_id, contact in acked.filings.items():
                filing = register.filing(filing_id)
                assert filing["contact"] == contact
                assert filing["owner"] == "EPFL LLM Team"
            for filing_id in acked.reviewed:
                assert register.filing(filing_id)["status"] == "under-review"
                assert [r["to_status"] for r in register.filing(filing_id)["reviews"]] == [
                    "under-review"
                ]
            for incident_id, title in acked.incidents.items():
                assert register.incident(incident_id)["title"] == title
            assert register.head().size >= acked.writes()
        finally:
            register.engine.dispose()
        verify = subprocess.run(
            [sys.executable, "-m", "modtrace", "log", "verify", "--database", database_url],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "verified: the log and the register agree" in verify.stdout
