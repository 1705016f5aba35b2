"""Per-prompt results of one model run, from CSV or JSONL, paired with another run by prompt id."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

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


def read_run(path: Path) -> Run:
    """Read a run; unusable rows are excluded with a reason, duplicates refused."""
    run = Run(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EvidenceError([(str(path), f"cannot be read: {exc}")]) from None
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
