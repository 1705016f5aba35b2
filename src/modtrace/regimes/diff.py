"""What differs between two regime versions: parameters, steps, scope, roles and obligations.

Conditions are compared in the file's expression form (:func:`modtrace.regimes.expr.to_data`),
so a reordering inside YAML that parses to the same tree is not a difference.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from modtrace.regimes.expr import to_data
from modtrace.regimes.model import Obligation, Regime, Role, Step

T = TypeVar("T")


@dataclass(frozen=True)
class Difference:
    """One difference: which part, which item, what changed, and the two values."""

    part: str  # parameter | step | exception | scope | role | obligation | regime
    item: str
    change: str  # added | removed | changed
    before: str = ""
    after: str = ""

    def as_dict(self) -> dict[str, str]:
        """JSON-friendly form."""
        return {
            "part": self.part,
            "item": self.item,
            "change": self.change,
            "before": self.before,
            "after": self.after,
        }


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _cond(node: Any) -> Any:
    return None if node is None else to_data(node)


def _by_id(
    part: str,
    before: Iterable[T],
    after: Iterable[T],
    key: Callable[[T], str],
    fields: Callable[[T], dict[str, Any]],
) -> list[Difference]:
    """Items matched by id; an added or removed item is shown by its first field (its title)."""
    a = {key(x): x for x in before}
    b = {key(x): x for x in after}
    out: list[Difference] = []

    def headline(x: T) -> str:
        return _show(next(iter(fields(x).values())))

    for item in [*a, *(k for k in b if k not in a)]:
        if item not in b:
            out.append(Difference(part, item, "removed", headline(a[item]), ""))
        elif item not in a:
            out.append(Difference(part, item, "added", "", headline(b[item])))
        else:
            fa, fb = fields(a[item]), fields(b[item])
            for name in fa:
                if fa[name] != fb.get(name):
                    out.append(
                        Difference(
                            part, f"{item}.{name}", "changed", _show(fa[name]), _show(fb.get(name))
                        )
                    )
    return out


def _step_fields(step: Step) -> dict[str, Any]:
    return {
        "question": step.question,
        "when": _cond(step.when),
        "source": step.source.as_dict(),
        "exceptions": [
            {"id": e.id, "when": _cond(e.when), "source": e.source.as_dict()}
            for e in step.exceptions
        ],
    }


def _role_fields(role: Role) -> dict[str, Any]:
    return {"title": role.title, "when": _cond(role.when), "source": role.source.as_dict()}


def _obligation_fields(ob: Obligation) -> dict[str, Any]:
    return {
        "title": ob.title,
        "when": _cond(ob.when),
        "deadline": ob.deadline,
        "source": ob.source.as_dict(),
    }


def diff_regimes(a: Regime, b: Regime) -> list[Difference]:
    """Every difference from ``a`` to ``b``, in the order of the regime file's parts."""
    out: list[Difference] = []
    for name in ("status", "effective_from", "effective_until", "jurisdiction"):
        va, vb = getattr(a, name), getattr(b, name)
        if va != vb:
            out.append(Difference("regime", name, "changed", _show(va), _show(vb)))
    out += _by_id(
        "parameter",
        a.parameters.values(),
        b.parameters.values(),
        lambda p: p.name,
        lambda p: {"value": f"{p.effective} {p.unit}".strip(), "kind": p.kind},
    )
    out += _by_id("step", a.steps, b.steps, lambda s: s.id, _step_fields)
    if _cond(a.scope) != _cond(b.scope):
        out.append(
            Difference("scope", "when", "changed", _show(_cond(a.scope)), _show(_cond(b.scope)))
        )
    out += _by_id("role", a.roles, b.roles, lambda r: r.id, _role_fields)
    out += _by_id("obligation", a.obligations, b.obligations, lambda o: o.id, _obligation_fields)
    return out
