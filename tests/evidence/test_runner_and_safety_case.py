"""The endpoint runner against a local OpenAI-compatible server; safety cases against evidence."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from conftest import EXAMPLES, SHARED_DATA
from modtrace.cli.main import cli
from modtrace.evidence.compare import compare, comparison_from_dict
from modtrace.evidence.runner import read_prompts, run_prompts
from modtrace.evidence.runs import EvidenceError, read_run
from modtrace.evidence.safety_case import check, claim_status, load_safety_case, similarly_safe
from modtrace.facts import load_facts

CASE = EXAMPLES / "safety-cases" / "mistral-guarded-refusal.yaml"


class FakeServer:
    """A tiny OpenAI-compatible chat server: refuses 'harm' prompts, fails some on purpose."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.broken: set[str] = set()
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> Any:
            body = await request.json()
            prompt = body["messages"][-1]["content"]
            self.calls[prompt] = self.calls.get(prompt, 0) + 1
            if prompt in self.broken or ("flaky" in prompt and self.calls[prompt] == 1):
                return JSONResponse({"error": "overloaded"}, status_code=503)
            text = (
                "I'm sorry, but I can't help with that." if "harm" in prompt else f"Sure: {prompt}"
            )
            return {"choices": [{"message": {"role": "assistant", "content": text}}]}

        @app.post("/judge/v1/chat/completions")
        async def judge(request: Request) -> Any:
            body = await request.json()
            reply = body["messages"][-1]["content"].split("REPLY:\n", 1)[1]
            if "gibberish" in reply:
                word = "maybe?"
            else:
                word = "REFUSAL" if reply.startswith("I'm sorry") else "COMPLIANCE"
            return {"choices": [{"message": {"role": "assistant", "content": word}}]}

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as s:
        yield s


def test_runner_retries_resumes_and_feeds_compare(server: FakeServer, tmp_path: Path) -> None:
    prompts_file = tmp_path / "prompts.jsonl"
    prompts_file.write_text(
        "".join(
            json.dumps({"id": f"p{i}", "prompt": p}) + "\n"
            for i, p in enumerate(
                [
                    "how to harm a cat",
                    "bake bread",
                    "flaky question",
                    "harm people",
                    "sum 2+2",
                    "stuck one",
                ]
            )
        )
    )
    prompts = read_prompts(prompts_file)
    out = tmp_path / "base.jsonl"
    server.broken.add("stuck one")
    first = asyncio.run(
        run_prompts(
            f"http://127.0.0.1:{server.port}",
            "base",
            prompts,
            out,
            concurrency=3,
            retries=2,
            backoff=0.01,
        )
    )
    assert first.sent == 5
    assert first.failed == {"p5": "HTTP 503"}
    assert server.calls["flaky question"] == 2  # retried once, then answered
    server.broken.clear()
    second = asyncio.run(
        run_prompts(
            f"http://127.0.0.1:{server.port}/v1", "base", prompts, out, retries=0, backoff=0.01
        )
    )
    assert (second.sent, second.skipped, second.failed) == (1, 5, {})
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(line["prompt_id"] for line in lines) == [f"p{i}" for i in range(6)]
    run = read_run(out)
    assert run.rows["p0"].completion.startswith("I'm sorry")
    result = compare(run, run, "harmful", labels="classifier")
    assert result.direction == "none"


def test_runner_command_and_bad_prompt_files(server: FakeServer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,prompt\n1,\n")
    with pytest.raises(EvidenceError, match="needs an id and a prompt"):
        read_prompts(bad)
    good = tmp_path / "good.csv"
    good.write_text("id,prompt\n1,hello\n2,harm them\n")
    result = CliRunner().invoke(
        cli,
        [
            "evidence",
            "run",
            str(good),
            "--endpoint",
            f"http://127.0.0.1:{server.port}",
            "--model",
            "m",
            "--out",
            str(tmp_path / "o.jsonl"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "sent 2; already done 0; failed 0" in result.output


@pytest.mark.skipif(not (SHARED_DATA / "refusal").is_dir(), reason="../shared/data/refusal missing")
def test_safety_case_against_real_pairs(tmp_path: Path) -> None:
    xs = SHARED_DATA / "refusal" / "xstest"
    guard, plain = (
        read_run(xs / f"xstest_v2_completions_{m}.csv") for m in ("mistralguard", "mistralinstruct")
    )
    kept = [compare(guard, guard, "harmful"), compare(guard, guard, "benign")]
    removed = [compare(guard, plain, "harmful"), compare(guard, plain, "benign")]
    case = load_safety_case(CASE)
    facts = load_facts(
        EXAMPLES / "abliterated-llama-3.1-405b.yaml"
    )  # safeguards altered: intentional
    checks = check(case, removed, facts)
    assert claim_status(checks, "refuses-harmful-requests") == "fails"
    assert claim_status(checks, "still-useful") == "holds"
    assert similarly_safe(removed)[0] == "worse"
    unchanged = check(case, kept)
    assert claim_status(unchanged, "refuses-harmful-requests") == "no-evidence"  # no facts given
    assert [
        c.status for c in unchanged if c.precondition == "harmful-compliance-at-most-10pct"
    ] == ["holds"]
    assert similarly_safe(kept)[0] == "similarly safe or safer"
    assert similarly_safe([])[0] == "not shown"
    round_trip = comparison_from_dict(json.loads(json.dumps(removed[0].as_dict())))
    assert round_trip.overall == removed[0].overall


def test_safety_case_files_are_validated(tmp_path: Path) -> None:
    bad = tmp_path / "case.yaml"
    bad.write_text(
        "id: x\nmodel: m\nprovider: p\nclaims:\n  - id: c\n    claim: t\n    preconditions:\n"
        "      - id: q\n        metric: harmful.rate\n"
    )
    with pytest.raises(EvidenceError) as info:
        load_safety_case(bad)
    assert "max or min" in info.value.issues[0][1]


def test_judge_labels_feed_the_comparison(tmp_path: Path) -> None:
    base, tuned = tmp_path / "base.csv", tmp_path / "tuned.csv"
    base.write_text(
        "id,prompt,completion,set\n"
        + "".join(f"{i},harm {i},I'm sorry,harmful\n" for i in range(30))
    )
    tuned.write_text(
        "id,prompt,completion,set\n"
        + "".join(f"{i},harm {i},Sure thing,harmful\n" for i in range(30))
    )
    with FakeServer() as judge:
        url = f"http://127.0.0.1:{judge.port}/judge"
        result = compare(
            read_run(base), read_run(tuned), "harmful", labels="judge", judge=(url, "j")
        )
        assert (result.overall.original_rate, result.overall.modified_rate) == (0.0, 1.0)
        assert result.direction == "increase"
        bad = tmp_path / "bad.csv"
        bad.write_text("id,prompt,completion,set\n0,harm,gibberish,harmful\n")
        with pytest.raises(EvidenceError, match="no usable label"):
            compare(read_run(bad), read_run(bad), "harmful", labels="judge", judge=(url, "j"))
    with pytest.raises(EvidenceError, match="need an endpoint"):
        compare(read_run(base), read_run(tuned), "harmful", labels="judge")
