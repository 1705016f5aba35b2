"""The decision itself, without the trace: step answers, scope and role for one case.

Shared by :func:`modtrace.determination.assess.assess_row` (which adds the trace) and by the batch
path, which settles with it the rows whose comparisons floats cannot decide exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from modtrace.regimes.model import Regime, Role, Step
from modtrace.regimes.scalar import Env, Tri, eval_bool, kleene_all


def step_answer(step: Step, env: Env) -> tuple[Tri, list[Tri]]:
    """A step's answer (its rule, lifted by each exception) and each exception's answer."""
    base = eval_bool(step.when, env)
    lifted = [eval_bool(e.when, env) for e in step.exceptions]
    return kleene_all([base, *(None if v is None else not v for v in lifted)]), lifted


def pick_role(regime: Regime, env: Env, scope: Tri) -> tuple[str | None, Role | None]:
    """The first role whose condition holds (only when in scope), or the role left undecided."""
    if scope is False:
        return None, None
    for candidate in regime.roles:
        value = True if candidate.when is None else eval_bool(candidate.when, env)
        if value is None:
            return None, candidate
        if value:
            return (candidate.id if scope else None), None
    return None, None


@dataclass
class Decision:
    """Step answers, scope and role for one case."""

    steps: dict[str, Tri] = field(default_factory=dict)
    scope: Tri = None
    role: str | None = None


def decide(regime: Regime, env: Env) -> Decision:
    """Evaluate every step, the scope and the role; ``env.steps`` is filled in as it goes."""
    for step in regime.steps:
        env.steps[step.id], _ = step_answer(step, env)
    scope = eval_bool(regime.scope, env)
    role, _ = pick_role(regime, env, scope)
    return Decision(dict(env.steps), scope, role)
