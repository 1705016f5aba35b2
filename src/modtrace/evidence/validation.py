"""Checking the labeller against human judges on models it has not seen.

Every machine label used here is held out: a model's completions are labelled by a labeller
trained without them (leave-one-model-out for its rates; for a comparison of two models,
trained without either: leave-two-out), as stored in the shipped files by ``retrain``. The
error that corrects a model's rate is measured on the other models by labellers trained without
it (leave-two-out); the error that corrects a comparison of two models, on the other three by
labellers trained without the two (leave-three-out). So nothing learned from a model's own
completions labels it or corrects it.
Human labels are removed from the runs before the machine comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

from modtrace.evidence.compare import compare
from modtrace.evidence.labeller import SETS, confusion, positive, shipped
from modtrace.evidence.quantify import Measured, correct_rate, pooled_rates
from modtrace.evidence.refusal import COMPLIANCE, PARTIAL, REFUSAL, classify
from modtrace.evidence.runs import Run, read_run
from modtrace.evidence.trust import measured
from modtrace.evidence.xstest import MODELS, run_path

_LETTER = {"c": COMPLIANCE, "r": REFUSAL, "p": PARTIAL}


def held_out_labels(prompt_set: str) -> dict[str, dict[str, str]]:
    """model -> prompt id -> the label given by the labeller trained without that model."""
    record = shipped(prompt_set).measured["predictions"]
    return {
        m: {i: _LETTER[x] for i, x in zip(p["ids"], p["labels"], strict=True)}
        for m, p in record.items()
    }


def held_out_pair_labels(prompt_set: str, a: str, b: str) -> tuple[dict[str, str], dict[str, str]]:
    """Labels of two models from the labeller trained without either of them."""
    record = shipped(prompt_set).measured
    ids = record["predictions"]
    pair = record["pair_predictions"][f"{a}|{b}"]
    return tuple(  # type: ignore[return-value]
        {i: _LETTER[x] for i, x in zip(ids[m]["ids"], pair[m], strict=True)} for m in (a, b)
    )


def pair_measurement(labels: str, prompt_set: str, a: str, b: str) -> Measured:
    """The error that corrects a comparison of ``a`` and ``b``, measured without either: for the
    learned labeller, on the other models by labellers trained without them and without ``a`` and
    ``b``; the rules learn nothing, so theirs is the other models' confusion."""
    whole = measured(labels, prompt_set)
    if labels != "learned":
        return leave_out(whole, {a, b})
    record = shipped(prompt_set).measured["pair_errors"][f"{a}|{b}"]
    return Measured(whole.name, {m: (c[0], c[1], c[2], c[3]) for m, c in record.items()})


def model_measurement(
    labels: str, prompt_set: str, model: str, runs: Mapping[str, Run]
) -> Measured:
    """The error that corrects one model's rate, measured without it: for the learned labeller,
    each other model's confusion under the labeller trained without both (leave-two-out)."""
    whole = measured(labels, prompt_set)
    if labels != "learned":
        return leave_out(whole, {model})
    groups: dict[str, tuple[int, int, int, int]] = {}
    for other in MODELS:
        if other == model:
            continue
        a, b = sorted((model, other), key=MODELS.index)
        given = held_out_pair_labels(prompt_set, a, b)[(a, b).index(other)]
        rows = runs[other].rows
        groups[other] = confusion(
            [(rows[i].human_label or "", x) for i, x in given.items()], prompt_set
        )
    return Measured(whole.name, groups)


def leave_out(m: Measured, models: set[str]) -> Measured:
    """The measurement without some groups."""
    return Measured(m.name, {g: c for g, c in m.groups.items() if g not in models})


def without_human_labels(run: Run) -> Run:
    """The same run with its human labels removed."""
    rows = {k: replace(r, human_label=None) for k, r in run.rows.items()}
    return Run(run.source, rows, list(run.excluded))


@dataclass(frozen=True)
class PairCheck:
    """One comparison concluded from human labels and from held-out machine labels."""

    original: str
    modified: str
    prompt_set: str
    human: tuple[float, float, float, str]  # rates, p, direction
    machine: tuple[float, float, float, str]  # raw labelled rates, corrected p, direction
    corrected: tuple[float, float]

    @property
    def agrees(self) -> bool:
        """Whether both reach the same conclusion (increase, decrease or no change)."""
        return self.human[3] == self.machine[3]


def pairwise(directory: Path, labels: str = "learned") -> list[PairCheck]:
    """All pairs of XSTest's models, both prompt sets: human conclusion against machine one."""
    runs = {m: read_run(run_path(directory, m)) for m in MODELS}
    out = []
    for prompt_set in SETS:
        for a, b in combinations(MODELS, 2):
            given = held_out_pair_labels(prompt_set, a, b) if labels == "learned" else None
            human = compare(runs[a], runs[b], prompt_set, labels="human")
            machine = compare(
                without_human_labels(runs[a]),
                without_human_labels(runs[b]),
                prompt_set,
                labels=labels,
                given=given,
                measurement=pair_measurement(labels, prompt_set, a, b),
            )
            assert machine.labeller is not None
            fixed = machine.labeller["corrected"]
            h, m = human.overall, machine.overall
            out.append(
                PairCheck(
                    a,
                    b,
                    prompt_set,
                    (h.original_rate, h.modified_rate, h.p_value, human.direction),
                    (m.original_rate, m.modified_rate, fixed["p_value"], machine.direction),
                    (fixed["original_rate"], fixed["modified_rate"]),
                )
            )
    return out


@dataclass(frozen=True)
class ModelRates:
    """One model's rate on a prompt set: human, held-out machine, and corrected."""

    model: str
    prompt_set: str
    human: float
    machine: float
    corrected: float
    acc: float  # Rogan-Gladen / adjusted classify-and-count, for comparison


def per_model(directory: Path, labels: str = "learned") -> list[ModelRates]:
    """Each model's rates, its machine labels and correction both measured without it."""
    out = []
    for prompt_set in SETS:
        given = held_out_labels(prompt_set)
        run_of = {m: read_run(run_path(directory, m)) for m in MODELS}
        for m in MODELS:
            rows = [r for r in run_of[m].rows.values() if r.prompt_set == prompt_set]
            human = sum(positive(r.human_label or "", prompt_set) for r in rows) / len(rows)
            labelled: Mapping[str, str] = (
                given[m]
                if labels == "learned"
                else {r.prompt_id: classify(r.completion).label for r in rows}
            )
            machine = sum(positive(labelled[r.prompt_id], prompt_set) for r in rows) / len(rows)
            others = model_measurement(labels, prompt_set, m, run_of)
            corrected = min(1.0, max(0.0, machine - others.prior().mean))
            acc = correct_rate(machine, *pooled_rates(others))
            out.append(ModelRates(m, prompt_set, human, machine, corrected, acc))
    return out
