"""Assess one case under one regime version: the scalar path, with a full trace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from modtrace.compute.estimate import estimate_all
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
from modtrace.facts.flatten import facts_to_row
from modtrace.facts.model import Facts
from modtrace.regimes.expr import (
    All,
    Bool,
    Compare,
    Not,
    StepRef,
    referenced_facts,
    referenced_params,
    referenced_quantities,
    walk,
)
from modtrace.regimes.loader import default_catalog
from modtrace.regimes.model import Citation, Regime, Source
from modtrace.regimes.scalar import Env, Tri, eval_bool, eval_num, kleene_all, missing_facts

_OUTCOME: dict[Tri, Outcome] = {True: "in-scope", False: "out-of-scope", None: "indeterminate"}


def answer_word(value: Tri) -> Answer:
    """Three-valued answer as published."""
    return "unknown" if value is None else ("true" if value else "false")


def _cite(citation: Citation, sources: Mapping[str, Source]) -> CitationOut:
    source = sources.get(citation.source)
    return CitationOut(
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
    for node in walk(expr):
        if isinstance(node, Compare):
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
) -> TraceStep:
    return TraceStep(
        id=step_id,
        question=question,
        answer=answer_word(answer),
        facts={path: env.row.get(path) for path in referenced_facts(expr)},
        figures={q: env.quantities[q].as_dict() for q in referenced_quantities(expr)},
        parameters={p: regime.parameters[p].effective for p in referenced_params(expr)},
        steps={
            n.step: answer_word(env.steps[n.step]) for n in walk(expr) if isinstance(n, StepRef)
        },
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
    row: Mapping[str, Any], regime: Regime, *, at: dt.date | None = None
) -> Determination:
    """Assess a flat facts row (see :func:`modtrace.facts.facts_to_row`)."""
    sources = default_catalog().sources
    day = at or dt.date.today()
    env = Env(row, regime.param_values(), estimate_all(dict(row)))

    trace: list[TraceStep] = []
    for step in regime.steps:
        base = eval_bool(step.when, env)
        lifted = [(e, eval_bool(e.when, env)) for e in step.exceptions]
        answer = kleene_all([base, *(None if v is None else not v for _, v in lifted)])
        env.steps[step.id] = answer
        entry = _trace_step(
            step.id, step.question, step.when, answer, env, regime, _cite(step.source, sources)
        )
        entry.note = step.note
        entry.exceptions = [
            ExceptionTrace(
                id=e.id,
                label=e.label,
                answer=answer_word(v),
                facts={p: row.get(p) for p in referenced_facts(e.when)},
                source=_cite(e.source, sources),
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
            _cite(regime.scope_source, sources),
        )
    )

    def settle(expr: Bool) -> list[str]:
        return missing_facts(expr, env, lambda s: step_expression(regime, s))

    missing: dict[str, None] = dict.fromkeys(settle(regime.scope)) if scope is None else {}
    notes: list[str] = list(regime.notes)

    role: str | None = None
    if scope is not False:
        for candidate in regime.roles:
            value = True if candidate.when is None else eval_bool(candidate.when, env)
            if value is None:
                if scope:
                    notes.append(
                        f"The role is undecided: it depends on unknown facts ({candidate.id})."
                    )
                    missing.update(dict.fromkeys(settle(candidate.when)) if candidate.when else {})
                break
            if value:
                role = candidate.id if scope else None
                break

    obligations: list[ObligationOut] = []
    possible: list[ObligationOut] = []
    if scope is not False:
        for duty in regime.obligations:
            applies: Tri = True if duty.when is None else eval_bool(duty.when, env)
            if applies is False:
                continue
            out = ObligationOut(
                id=duty.id,
                title=duty.title,
                source=_cite(duty.source, sources),
                deadline=duty.deadline,
            )
            if scope and applies:
                obligations.append(out)
            else:
                if applies is None and duty.when is not None:
                    out.missing = settle(duty.when)
                possible.append(out)

    in_force = regime.in_force_on(day)
    if regime.status == "vetoed":
        notes.append(f"{regime.id} was never in force; this shows what it would have required.")
    elif not in_force and regime.status != "proposal":
        notes.append(
            f"{regime.id} version {regime.version} is not in force on {day.isoformat()} "
            f"(effective from {regime.effective_from.isoformat()})."
        )
    if regime.overridden:
        notes.append("Parameters overridden by the user: " + ", ".join(regime.overridden) + ".")
    if any(t.sensitive for t in trace):
        notes.append(
            "At least one threshold lies inside a compute estimate's range; the answer "
            "relies on the central estimate (see steps marked sensitive)."
        )

    return Determination(
        regime=RegimeRef(
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
    )


def assess(facts: Facts, regime: Regime, *, at: dt.date | None = None) -> Determination:
    """Assess validated facts under one regime version; steps cite the evidence they relied on."""
    determination = assess_row(facts_to_row(facts), regime, at=at)
    if facts.evidence:
        for step in determination.trace:
            step.evidence = [
                e.model_dump(mode="json") for e in facts.evidence if e.fact in step.facts
            ]
    return determination
