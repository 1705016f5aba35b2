"""Send a prompt set to any OpenAI-compatible chat endpoint (vLLM, llama.cpp, a hosted API).

Concurrent, retried with exponential backoff on 429/5xx and connection errors, and resumable:
each completion is appended to a JSONL file as it arrives, and a re-run skips prompt ids already
there. The output is a run that ``modtrace evidence compare`` reads.
"""

from __future__ import annotations

import asyncio
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from modtrace.documents import read_text
from modtrace.evidence.runs import MAX_RUN_BYTES, EvidenceError

RETRY_STATUSES = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class RunnerReport:
    """What a run did."""

    sent: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def read_prompts(path: Path) -> list[tuple[str, str]]:
    """``(id, prompt)`` pairs from CSV or JSONL (columns ``id`` or ``prompt_id``, and "
    "``prompt``)."""
    text = read_text(path, EvidenceError, limit=MAX_RUN_BYTES)
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            records = list(csv.DictReader(text.splitlines()))
    except (ValueError, csv.Error) as exc:
        raise EvidenceError([(str(path), f"not a prompt file ({exc})")]) from None
    if not records:
        raise EvidenceError([(str(path), "no prompts")])
    out = []
    for n, record in enumerate(records, 1):
        if not isinstance(record, dict):
            raise EvidenceError([(f"{path}:{n}", "each line must be a JSON object")])
        prompt_id = str(record.get("prompt_id") or record.get("id") or "").strip()
        prompt = record.get("prompt")
        if not prompt_id or not prompt:
            raise EvidenceError([(f"{path}:{n}", "each prompt needs an id and a prompt")])
        out.append((prompt_id, str(prompt)))
    if len({i for i, _ in out}) != len(out):
        raise EvidenceError([(str(path), "duplicate prompt ids")])
    return out


def _done(out: Path) -> set[str]:
    if not out.exists():
        return set()
    done = set()
    for line in out.read_text(encoding="utf-8").splitlines():
        try:
            done.add(str(json.loads(line)["prompt_id"]))
        except (json.JSONDecodeError, KeyError):
            continue  # a line cut by a crash is simply redone
    return done


async def chat(
    client: httpx.AsyncClient,
    url: str,
    model: str,
    messages: list[dict[str, str]],
    headers: dict[str, str],
    retries: int,
    backoff: float,
) -> tuple[str | None, str]:
    """One chat completion, retried on 429/5xx and connection errors.

    Returns ``(text, "")``, or ``(None, error)`` once the retries are spent."""
    error = "no attempt"
    for attempt in range(retries + 1):
        try:
            response = await client.post(
                url, json={"model": model, "messages": messages, "temperature": 0}, headers=headers
            )
            if response.status_code == 200:
                return str(response.json()["choices"][0]["message"]["content"]), ""
            error = f"HTTP {response.status_code}"
            if response.status_code not in RETRY_STATUSES:
                break
        except (httpx.TransportError, KeyError, IndexError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        if attempt < retries:
            await asyncio.sleep(backoff * 2**attempt)
    return None, error


def chat_url(base: str) -> str:
    """The chat-completions URL under a server's base URL (with or without ``/v1``)."""
    return _chat_url(base)


def _chat_url(base: str) -> str:
    base = base.rstrip("/")
    return f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"


async def run_prompts(
    endpoint: str,
    model: str,
    prompts: list[tuple[str, str]],
    out: Path,
    *,
    concurrency: int = 8,
    retries: int = 3,
    api_key: str | None = None,
    system: str | None = None,
    timeout: float = 60.0,
    backoff: float = 0.5,
) -> RunnerReport:
    """Complete every prompt not already in ``out``; append results as they come."""
    report = RunnerReport()
    done = _done(out)
    todo = [(i, p) for i, p in prompts if i not in done]
    report.skipped = len(prompts) - len(todo)
    url = _chat_url(endpoint)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    lock = asyncio.Lock()
    gate = asyncio.Semaphore(concurrency)
    out.parent.mkdir(parents=True, exist_ok=True)

    async def one(client: httpx.AsyncClient, prompt_id: str, prompt: str) -> None:
        messages = [{"role": "user", "content": prompt}]
        if system:
            messages.insert(0, {"role": "system", "content": system})
        async with gate:
            completion, error = await chat(client, url, model, messages, headers, retries, backoff)
        if completion is None:
            report.failed[prompt_id] = error
            return
        line = json.dumps(
            {"prompt_id": prompt_id, "prompt": prompt, "completion": completion, "model": model}
        )
        async with lock:
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        report.sent += 1

    async with httpx.AsyncClient(timeout=timeout) as client:
        await asyncio.gather(*(one(client, i, p) for i, p in todo))
    return report
