"""Per-prompt results of one model run, from CSV or JSONL, paired with another run by prompt id."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modtrace.documents import read_text
from modtrace.errors import InputError
from modtrace.evidence.refusal import HUMAN_LABELS

ID_COLUMNS = ("prompt_id", "id")
LABEL_COLUMNS = ("label", "final_label", "human_label")


class EvidenceError(InputError):
    """An evaluation file that cannot be used as it is."""


@dataclass(frozen=True)
class Row:
    """One prompt's result."""

    prompt_id: str
    prompt: str
    completion: str
    human_label: str | None
    category: str | None
    prompt_set: str | None  # harmful | benign | capability, when the file says
    correct: bool | None = None  # capability benchmarks: was the answer right


@dataclass
class Run:
    """A run, and what was excluded from it and why."""

    source: str
    rows: dict[str, Row] = field(default_factory=dict)
    excluded: list[tuple[str, str]] = field(default_factory=list)


def _set_of(record: dict[str, str]) -> str | None:
    if record.get("set") in ("harmful", "benign", "capability"):
        return record["set"]
    kind = record.get("type") or ""
    if kind:  # XSTest: contrast_* prompts are the unsafe ones
        return "harmful" if kind.startswith("contrast_") else "benign"
    return None


_LM_EVAL_TASK = re.compile(r"samples_(.+?)_\d{4}-\d{2}-\d{2}")


def _truthy(value: Any) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return value.strip().upper() in ("C", "CORRECT", "TRUE", "1", "1.0")
    return bool(float(value) >= 0.5)


def _lm_eval(path: Path, records: list[dict[str, Any]], run: Run) -> Run:
    """lm-evaluation-harness per-sample results (``--log_samples``): doc_id, acc or exact_match."""
    match = _LM_EVAL_TASK.search(path.name)
    for record in records:
        domain = str(record.get("task") or (match[1] if match else "all"))
        prompt_id = f"{domain}:{record['doc_id']}"
        correct = _truthy(
            next((record[k] for k in ("acc", "exact_match", "acc_norm") if k in record), None)
        )
        if correct is None:
            run.excluded.append((prompt_id, "no acc / exact_match score"))
            continue
        if prompt_id in run.rows:
            raise EvidenceError([(f"{path}: {prompt_id}", "duplicate prompt id")])
        run.rows[prompt_id] = Row(
            prompt_id,
            json.dumps(record.get("doc", ""))[:500],
            "",
            None,
            domain,
            "capability",
            correct,
        )
    return run


def _inspect(path: Path, log: dict[str, Any], run: Run) -> Run:
    """An Inspect evaluation log (JSON): samples with id, input, output and scores."""
    task = str((log.get("eval") or {}).get("task") or "all").split("/")[-1]
    for sample in log.get("samples") or []:
        prompt_id = str(sample.get("id"))
        output = sample.get("output") or {}
        completion = output.get("completion") if isinstance(output, dict) else None
        scores: dict[str, Any] = sample.get("scores") or {}
        first: dict[str, Any] = next(iter(scores.values()), {}) if scores else {}
        value = first.get("value") if isinstance(first, dict) else None
        metadata = sample.get("metadata") or {}
        domain = str(metadata.get("domain") or metadata.get("category") or task)
        if prompt_id in run.rows:
            raise EvidenceError([(f"{path}: {prompt_id}", "duplicate prompt id")])
        text = sample.get("input")
        prompt = text if isinstance(text, str) else json.dumps(text)[:500]
        run.rows[prompt_id] = Row(
            prompt_id,
            prompt,
            str(completion or ""),
            None,
            domain,
            metadata.get("set"),
            _truthy(value),
        )
    if not run.rows:
        raise EvidenceError([(str(path), "an Inspect log without samples")])
    return run


MAX_RUN_BYTES = 512 * 1024 * 1024
"""The largest evaluation run read (512 MiB)."""


def read_run(path: Path) -> Run:
    """Read a run: CSV or JSONL per prompt, lm-evaluation-harness samples, or an Inspect log.

    Unusable rows are excluded with a reason; duplicate ids are refused; a file that is not
    text, or whose records are not shaped as a run's, is refused naming the file.
    """
    try:
        return _read_run(path)
    except (AttributeError, KeyError, TypeError, ValueError, csv.Error) as exc:
        raise EvidenceError(
            [(str(path), f"not a run this reader understands ({type(exc).__name__}: {exc})")]
        ) from None


def _read_run(path: Path) -> Run:
    run = Run(str(path))
    text = read_text(path, EvidenceError, limit=MAX_RUN_BYTES)
    if path.suffix.lower() == ".json":
        try:
            log = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EvidenceError([(str(path), f"malformed JSON: {exc.msg}")]) from None
        if not isinstance(log, dict) or "samples" not in log:
            raise EvidenceError([(str(path), "expected an Inspect log with samples")])
        return _inspect(path, log, run)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        records = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    records.append(
                        {k: str(v) if v is not None else "" for k, v in json.loads(line).items()}
                    )
                except json.JSONDecodeError as exc:
                    raise EvidenceError([(f"{path}:{n}", f"malformed JSON: {exc.msg}")]) from None
    else:
        records = list(csv.DictReader(text.splitlines()))
    if not records:
        raise EvidenceError([(str(path), "no rows")])
    if "doc_id" in records[0]:
        return _lm_eval(path, [json.loads(line) for line in text.splitlines() if line.strip()], run)
    id_column = next((c for c in ID_COLUMNS if c in records[0]), None)
    if id_column is None or "completion" not in records[0]:
        raise EvidenceError(
            [(str(path), "needs a prompt id column (prompt_id or id) and a completion column")]
        )
    label_column = next((c for c in LABEL_COLUMNS if c in records[0]), None)
    for record in records:
        prompt_id = (record.get(id_column) or "").strip()
        if not prompt_id:
            run.excluded.append(("(no id)", "row without a prompt id"))
            continue
        if prompt_id in run.rows:
            raise EvidenceError([(f"{path}: {prompt_id}", "duplicate prompt id")])
        raw = (record.get(label_column) or "").strip().lower() if label_column else ""
        if raw and raw not in HUMAN_LABELS:
            run.excluded.append((prompt_id, f"unknown label {raw!r}"))
            continue
        run.rows[prompt_id] = Row(
            prompt_id,
            record.get("prompt") or "",
            record.get("completion") or "",
            HUMAN_LABELS.get(raw) if raw else None,
            record.get("type") or None,
            _set_of(record),
        )
    return run


def pair(original: Run, modified: Run) -> tuple[list[tuple[Row, Row]], list[str], list[str]]:
    """Rows present in both runs (by prompt id), and the ids only one run has."""
    shared = [i for i in original.rows if i in modified.rows]
    if not shared:
        raise EvidenceError(
            [("prompt_id", f"{original.source} and {modified.source} share no prompt id")]
        )
    pairs = [(original.rows[i], modified.rows[i]) for i in shared]
    only_original = [i for i in original.rows if i not in modified.rows]
    only_modified = [i for i in modified.rows if i not in original.rows]
    return pairs, only_original, only_modified
