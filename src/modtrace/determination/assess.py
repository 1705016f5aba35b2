"""Assess one case under one regime version: the scalar path, with a full trace.

The determination is built from the pydantic models of :mod:`modtrace.determination.model`,
imported when first used; the lean assessment path (:mod:`modtrace.determination.lean`) passes
light records derived from them instead (:class:`Records`), so that it never loads pydantic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from modtrace.compute.estimate import estimate_all
from modtrace.determination.decide import pick_role, step_answer
from modtrace.regimes.catalog import default_catalog
from modtrace.regimes.expr import (
    All,
    Bool,
    Not,
    comparisons,
    referenced_facts,
    referenced_params,
    referenced_quantities,
    step_refs,
)
from modtrace.regimes.model import Citation, Regime, Source
from modtrace.regimes.scalar import Env, Tri, eval_bool, eval_num, missing_facts

if TYPE_CHECKING:
    from modtrace.determination.model import (
        Answer,
        CitationOut,
        Determination,
        ExceptionTrace,
        ObligationOut,
        Outcome,
        RegimeRef,
        TraceStep,
    )
    from modtrace.facts.model import Facts

_OUTCOME: dict[Tri, Outcome] = {True: "in-scope", False: "out-of-scope", None: "indeterminate"}


@dataclass(frozen=True)
class Records:
    """The classes a determination is built from, by their model's name."""

    CitationOut: type[CitationOut]
    ExceptionTrace: type[ExceptionTrace]
    TraceStep: type[TraceStep]
    ObligationOut: type[ObligationOut]
    RegimeRef: type[RegimeRef]
    Determination: type[Determination]


@cache
def models() -> Records:
    """The pydantic models of :mod:`modtrace.determination.model` (the published schema)."""
    from modtrace.determination import model  # noqa: PLC0415 (see the module's docstring)

    return Records(
        model.CitationOut,
        model.ExceptionTrace,
        model.TraceStep,
        model.ObligationOut,
        model.RegimeRef,
        model.Determination,
    )


def answer_word(value: Tri) -> Answer:
    """Three-valued answer as published."""
    return "unknown" if value is None else ("true" if value else "false")


def _cite(citation: Citation, sources: Mapping[str, Source], out: Records) -> CitationOut:
    source = sources.get(citation.source)
    return out.CitationOut(
        source=citation.source,
        title=source.title if source else citation.source,
        ref=citation.ref,
        note=citation.note,
    )


def step_expression(regime: Regime, step_id: str) -> Bool:
    """A step's full condition: its rule, lifted by each of its exceptions."""
    step = regime.step(step_id)
    if not step.exceptions:
        return step.when
    return All((step.when, *(Not(e.when) for e in step.exceptions)))


def _sensitive(expr: Bool, env: Env) -> bool:
    """True when a comparison was settled by central values although its bounds straddle."""
    for node in comparisons(expr):
        (_, al, ah), (_, bl, bh) = eval_num(node.left, env), eval_num(node.right, env)
        settled_by_bounds = al > bh or ah <= bl
        if not settled_by_bounds and eval_bool(node, env) is not None:
            return True
    return False


def _trace_step(
    step_id: str,
    question: str,
    expr: Bool,
    answer: Tri,
    env: Env,
    regime: Regime,
    citation: CitationOut,
    out: Records,
) -> TraceStep:
    return out.TraceStep(
        id=step_id,
        question=question,
        answer=answer_word(answer),
        facts={path: env.row.get(path) for path in referenced_facts(expr)},
        figures={q: env.quantities[q].as_dict() for q in referenced_quantities(expr)},
        parameters={p: regime.parameters[p].effective for p in referenced_params(expr)},
        steps={step: answer_word(env.steps[step]) for step in step_refs(expr)},
        source=citation,
        sensitive=_sensitive(expr, env),
    )


def _case_summary(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "original": row.get("original.id"),
        "provider": row.get("original.provider"),
        "modifier": row.get("modifier.name"),
        "techniques": row.get("modification.techniques"),
        "intended_use": row.get("modification.intended_use"),
    }


def assess_row(
    row: Mapping[str, Any],
    regime: Regime,
    *,
    at: dt.date | None = None,
    records: Records | None = None,
) -> Determination:
    """Assess a flat facts row (see :func:`modtrace.facts.facts_to_row`); ``records`` are the
    classes the determination is built from (default: the pydantic models)."""
    out = records or models()
    sources = default_catalog().sources
    day = at or dt.date.today()
    env = Env(row, regime.param_values(), estimate_all(dict(row)))

    trace: list[TraceStep] = []
    for step in regime.steps:
        answer, answers = step_answer(step, env)
        lifted = list(zip(step.exceptions, answers, strict=True))
        env.steps[step.id] = answer
        entry = _trace_step(
            step.id,
            step.question,
            step.when,
            answer,
            env,
            regime,
            _cite(step.source, sources, out),
            out,
        )
        entry.note = step.note
        entry.exceptions = [
            out.ExceptionTrace(
                id=e.id,
                label=e.label,
                answer=answer_word(v),
                facts={p: row.get(p) for p in referenced_facts(e.when)},
                source=_cite(e.source, sources, out),
            )
            for e, v in lifted
        ]
        trace.append(entry)

    scope = eval_bool(regime.scope, env)
    trace.append(
        _trace_step(
            "scope",
            "Is the modifier in scope of obligations under this regime?",
            regime.scope,
            scope,
            env,
            regime,
            _cite(regime.scope_source, sources, out),
            out,
        )
    )

    def settle(expr: Bool) -> list[str]:
        return missing_facts(expr, env, lambda s: step_expression(regime, s))

    missing: dict[str, None] = dict.fromkeys(settle(regime.scope)) if scope is None else {}
    notes: list[str] = list(regime.notes)

    role, undecided = pick_role(regime, env, scope)
    if undecided is not None and scope:
        notes.append(f"The role is undecided: it depends on unknown facts ({undecided.id}).")
        missing.update(dict.fromkeys(settle(undecided.when)) if undecided.when else {})

    in_force = regime.in_force_on(day)
    applies_from = regime.effective_from if regime.can_be_in_force else None
    due, due_source, due_missing = _due(regime, env, sources, out)
    obligations: list[ObligationOut] = []
    possible: list[ObligationOut] = []
    if scope is not False:
        for duty in regime.obligations:
            applies: Tri = True if duty.when is None else eval_bool(duty.when, env)
            if applies is False:
                continue
            duty_out = out.ObligationOut(
                id=duty.id,
                title=duty.title,
                source=_cite(duty.source, sources, out),
                deadline=duty.deadline,
                in_force=in_force,
                applies_from=applies_from,
                due=due,
                due_source=due_source,
            )
            if scope and applies:
                obligations.append(duty_out)
            else:
                if applies is None and duty.when is not None:
                    duty_out.missing = settle(duty.when)
                possible.append(duty_out)

    if regime.status == "vetoed":
        notes.append(
            f"{regime.id} was never in force; this shows what it would have required, and none "
            "of its obligations is current."
        )
    elif regime.status == "proposal":
        notes.append(f"{regime.id} is a proposal, not law: none of its obligations is current.")
    elif not in_force:
        notes.append(
            f"{regime.id} version {regime.version} is not in force on {day.isoformat()}: the "
            "outcome is what it would decide; its obligations apply from "
            f"{regime.effective_from.isoformat()}."
        )
    if scope is not False and due_missing:
        notes.append(
            "When the obligations fall due depends on unknown facts: " + ", ".join(due_missing)
        )
    elif obligations and due is not None and due > day and in_force:
        where = f" ({due_source.ref})" if due_source else ""
        notes.append(f"The obligations must be met from {due.isoformat()}{where}.")
    if regime.overridden:
        notes.append("Parameters overridden by the user: " + ", ".join(regime.overridden) + ".")
    if any(t.sensitive for t in trace):
        notes.append(
            "At least one threshold lies inside a compute estimate's range; the answer "
            "relies on the central estimate (see steps marked sensitive)."
        )

    return out.Determination(
        regime=out.RegimeRef(
            id=regime.id,
            version=regime.version,
            title=regime.title,
            status=regime.status,
            effective_from=regime.effective_from,
            effective_until=regime.effective_until,
            at=day,
            in_force=in_force,
            parameters=regime.param_values(),
            overridden=list(regime.overridden),
        ),
        case=_case_summary(row),
        outcome=_OUTCOME[scope],
        role=role,
        obligations=obligations,
        possible_obligations=possible,
        trace=trace,
        missing=list(missing),
        compute={q: e.as_dict() for q, e in env.quantities.items()},
        notes=notes,
        in_force=in_force,
        applies_from=applies_from,
    )


def _due(
    regime: Regime, env: Env, sources: Mapping[str, Source], out: Records
) -> tuple[dt.date | None, CitationOut | None, list[str]]:
    """The first due-date rule that holds; undecided (with the facts it needs) when one before
    it is unknown; the regime's start when it has no rules and can be in force."""
    if not regime.due:
        return (regime.effective_from if regime.can_be_in_force else None), None, []
    for rule in regime.due:
        value: Tri = True if rule.when is None else eval_bool(rule.when, env)
        if value is None:
            assert rule.when is not None
            return None, None, missing_facts(rule.when, env, lambda s: step_expression(regime, s))
        if value:
            return rule.day, _cite(rule.source, sources, out), []
    return None, None, []


def assess(facts: Facts, regime: Regime, *, at: dt.date | None = None) -> Determination:
    """Assess validated facts under one regime version; steps cite the evidence they relied on."""
    from modtrace.facts.flatten import facts_to_row  # noqa: PLC0415 (see the docstring)

    determination = assess_row(facts_to_row(facts), regime, at=at)
    if facts.evidence:
        for step in determination.trace:
            step.evidence = [
                e.model_dump(mode="json") for e in facts.evidence if e.fact in step.facts
            ]
    return determination
