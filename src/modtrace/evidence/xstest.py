"""XSTest's five models' completions with human labels (Röttger et al. 2024, CC BY 4.0), read as
labelled groups: model -> prompt set -> examples. The refusal labeller trains and is measured on
them (``evidence/labeller.py``)."""

from __future__ import annotations

from pathlib import Path

from modtrace.evidence.labeller import SETS, Example, Groups
from modtrace.evidence.runs import read_run

MODELS = ("gpt4", "llama2new", "llama2orig", "mistralguard", "mistralinstruct")


def run_path(directory: Path, model: str) -> Path:
    """The completions file of one model."""
    return directory / f"xstest_v2_completions_{model}.csv"


def load_groups(directory: Path) -> Groups:
    """Every model's labelled completions, by prompt set, in prompt-id order."""
    groups: dict[str, dict[str, list[Example]]] = {}
    for model in MODELS:
        run = read_run(run_path(directory, model))
        sets: dict[str, list[Example]] = {s: [] for s in SETS}
        for row in sorted(run.rows.values(), key=lambda r: int(r.prompt_id.rsplit("-", 1)[-1])):
            if row.human_label is None or row.prompt_set not in sets:
                raise ValueError(f"{run.source}: {row.prompt_id}: no human label or prompt set")
            sets[row.prompt_set].append(Example(row.prompt_id, row.completion, row.human_label))
        groups[model] = sets
    return groups
