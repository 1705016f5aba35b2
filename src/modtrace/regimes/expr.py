"""The small expression language in which regime steps are written, and its parser.

A regime file writes each condition as a YAML tree (see docs/regimes/README.md)::

    any:
      - gt: [{quantity: original.training_compute}, {param: upstream_threshold_flop}]
      - fact: original.designated_in_scope

Boolean nodes take three values (true, false, unknown) with Kleene's rules; numeric nodes are
intervals ``(central or None, low, high)`` over non-negative quantities. The same tree is
evaluated for one case by :mod:`modtrace.regimes.scalar` and compiled for a batch by
:mod:`modtrace.regimes.columnar`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from modtrace.compute.estimate import QUANTITY_INPUTS
from modtrace.errors import RegimeDefinitionError
from modtrace.facts.enums import Kind

# ---- numeric nodes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Const:
    """A literal number."""

    value: float | int


@dataclass(frozen=True)
class NumFact:
    """A numeric fact, e.g. ``modifier.annual_revenue_usd``."""

    path: str


@dataclass(frozen=True)
class Declared:
    """A numeric fact read closed-world: absent means none was declared, i.e. 0.

    For additions to a total that a person declares or does not (earlier runs, synthetic-data
    compute, planned compute); an unknown addition would otherwise leave every total unknown.
    """

    path: str


@dataclass(frozen=True)
class NumParam:
    """A numeric regime parameter."""

    name: str


@dataclass(frozen=True)
class Quantity:
    """A derived quantity: ``modification.compute`` or ``original.training_compute``."""

    name: str


@dataclass(frozen=True)
class Sum:
    """Interval sum of non-negative quantities."""

    items: tuple[Num, ...]


@dataclass(frozen=True)
class Mul:
    """Interval product of two non-negative quantities."""

    left: Num
    right: Num


Num = Const | NumFact | Declared | NumParam | Quantity | Sum | Mul

# ---- boolean nodes -------------------------------------------------------------------------


@dataclass(frozen=True)
class BoolFact:
    """A true/false fact; unknown when absent."""

    path: str


@dataclass(frozen=True)
class Recorded:
    """A true/false fact that only counts when recorded as true (absent = not recorded).

    For public acts such as an authority's designation: an unrecorded act has not happened.
    Regime files must say why they use it; everywhere else absent facts stay unknown.
    """

    path: str


@dataclass(frozen=True)
class BoolParam:
    """A true/false regime parameter."""

    name: str


@dataclass(frozen=True)
class StepRef:
    """The answer of an earlier step."""

    step: str


@dataclass(frozen=True)
class All:
    """Kleene conjunction: false if any is false, else unknown if any is unknown."""

    items: tuple[Bool, ...]


@dataclass(frozen=True)
class AnyOf:
    """Kleene disjunction: true if any is true, else unknown if any is unknown."""

    items: tuple[Bool, ...]


@dataclass(frozen=True)
class Not:
    """Kleene negation (unknown stays unknown)."""

    item: Bool


@dataclass(frozen=True)
class In:
    """A text fact equals one of the values."""

    path: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class HasAny:
    """A list fact contains at least one of the values (false for an empty list)."""

    path: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Compare:
    """``left > right`` (``strict``) or ``left >= right`` over intervals.

    Decided by the bounds when they settle it, else by the central values, else unknown.
    """

    left: Num
    right: Num
    strict: bool


@dataclass(frozen=True)
class Known:
    """Whether a quantity has a central value (never unknown itself)."""

    item: Num


@dataclass(frozen=True)
class Stated:
    """Whether a fact has a value at all (never unknown itself)."""

    path: str


@dataclass(frozen=True)
class FactOr:
    """A true/false fact when stated; else the fallback expression (a rebuttable presumption)."""

    path: str
    otherwise: Bool


@dataclass(frozen=True)
class Before:
    """A date fact falls before a fixed day (unknown when the date is)."""

    path: str
    day: dt.date


Bool = (
    BoolFact
    | Recorded
    | BoolParam
    | StepRef
    | All
    | AnyOf
    | Not
    | In
    | HasAny
    | Compare
    | Known
    | Stated
    | FactOr
    | Before
)

Node = Num | Bool


# ---- parsing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParseContext:
    """What names a regime file may refer to while one expression is parsed."""

    source: str
    parameters: Mapping[str, str]  # name -> "number" | "bool"
    steps: frozenset[str]


def _fail(ctx: ParseContext, where: str, problem: str) -> RegimeDefinitionError:
    return RegimeDefinitionError(f"{ctx.source}: {where}: {problem}")


def _single_key(obj: Any, ctx: ParseContext, where: str) -> tuple[str, Any]:
    if not isinstance(obj, dict) or len(obj) != 1:
        raise _fail(ctx, where, f"expected a mapping with exactly one operator, got {obj!r}")
    ((key, value),) = obj.items()
    return str(key), value


def _fact_path(path: Any, kinds: tuple[Kind, ...], ctx: ParseContext, where: str) -> str:
    # imported here: the schema's models load only when a regime is parsed, never when a
    # compiled (cached) regime is evaluated
    from modtrace.facts.flatten import FACT_COLUMNS  # noqa: PLC0415

    if not isinstance(path, str) or path not in FACT_COLUMNS:
        raise _fail(ctx, where, f"unknown fact {path!r}")
    if FACT_COLUMNS[path] not in kinds:
        wanted = " or ".join(k.value for k in kinds)
        raise _fail(ctx, where, f"fact {path} is a {FACT_COLUMNS[path].value}, expected {wanted}")
    return path


def _pair(value: Any, ctx: ParseContext, where: str) -> tuple[Any, Any]:
    if not isinstance(value, list) or len(value) != 2:
        raise _fail(ctx, where, f"expected a list of two operands, got {value!r}")
    return value[0], value[1]


def _strings(values: Any, ctx: ParseContext, where: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _fail(ctx, where, f"expected a list of strings, got {values!r}")
    return tuple(values)


def parse_num(obj: Any, ctx: ParseContext, where: str = "expression") -> Num:
    """Parse a numeric node."""
    if isinstance(obj, bool):
        raise _fail(ctx, where, "expected a number, got a boolean")
    if isinstance(obj, int | float):
        return Const(obj)
    op, value = _single_key(obj, ctx, where)
    here = f"{where}.{op}"
    if op == "fact":
        return NumFact(_fact_path(value, (Kind.NUMBER,), ctx, here))
    if op == "declared":
        return Declared(_fact_path(value, (Kind.NUMBER,), ctx, here))
    if op == "param":
        if ctx.parameters.get(value) != "number":
            raise _fail(ctx, here, f"no numeric parameter {value!r}")
        return NumParam(value)
    if op == "quantity":
        if value not in QUANTITY_INPUTS:
            raise _fail(ctx, here, f"unknown quantity {value!r}; known: {sorted(QUANTITY_INPUTS)}")
        return Quantity(value)
    if op == "sum":
        if not isinstance(value, list) or not value:
            raise _fail(ctx, here, "expected a non-empty list")
        return Sum(tuple(parse_num(v, ctx, f"{here}[{i}]") for i, v in enumerate(value)))
    if op == "mul":
        left, right = _pair(value, ctx, here)
        return Mul(parse_num(left, ctx, f"{here}[0]"), parse_num(right, ctx, f"{here}[1]"))
    raise _fail(ctx, here, f"unknown numeric operator {op!r}")


def parse_bool(obj: Any, ctx: ParseContext, where: str = "expression") -> Bool:
    """Parse a boolean node."""
    op, value = _single_key(obj, ctx, where)
    here = f"{where}.{op}"
    if op == "fact":
        return BoolFact(_fact_path(value, (Kind.BOOL,), ctx, here))
    if op == "recorded":
        return Recorded(_fact_path(value, (Kind.BOOL,), ctx, here))
    if op == "param":
        if ctx.parameters.get(value) != "bool":
            raise _fail(ctx, here, f"no true/false parameter {value!r}")
        return BoolParam(value)
    if op == "step":
        if value not in ctx.steps:
            raise _fail(ctx, here, f"step {value!r} is not defined before this point")
        return StepRef(value)
    if op in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise _fail(ctx, here, "expected a non-empty list")
        items = tuple(parse_bool(v, ctx, f"{here}[{i}]") for i, v in enumerate(value))
        return All(items) if op == "all" else AnyOf(items)
    if op == "not":
        return Not(parse_bool(value, ctx, here))
    if op in ("eq", "in"):
        path, values = _pair(value, ctx, here)
        wanted = [values] if op == "eq" else values
        return In(_fact_path(path, (Kind.TEXT,), ctx, here), _strings(wanted, ctx, here))
    if op == "has_any":
        path, values = _pair(value, ctx, here)
        return HasAny(_fact_path(path, (Kind.LIST,), ctx, here), _strings(values, ctx, here))
    if op in ("gt", "ge"):
        left, right = _pair(value, ctx, here)
        return Compare(
            parse_num(left, ctx, f"{here}[0]"), parse_num(right, ctx, f"{here}[1]"), op == "gt"
        )
    if op == "known":
        return Known(parse_num(value, ctx, here))
    if op == "stated":
        from modtrace.facts.flatten import FACT_COLUMNS  # noqa: PLC0415 (as in _fact_path)

        if not isinstance(value, str) or value not in FACT_COLUMNS:
            raise _fail(ctx, here, f"unknown fact {value!r}")
        return Stated(value)
    if op == "fact_or":
        path, otherwise = _pair(value, ctx, here)
        return FactOr(
            _fact_path(path, (Kind.BOOL,), ctx, here), parse_bool(otherwise, ctx, f"{here}[1]")
        )
    if op == "before":
        path, day = _pair(value, ctx, here)
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day)
            except ValueError:
                raise _fail(ctx, here, f"expected a date YYYY-MM-DD, got {day!r}") from None
        if not isinstance(day, dt.date):
            raise _fail(ctx, here, f"expected a date YYYY-MM-DD, got {day!r}")
        return Before(_fact_path(path, (Kind.DATE,), ctx, here), day)
    raise _fail(ctx, here, f"unknown boolean operator {op!r}")


# ---- inspection ----------------------------------------------------------------------------


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of a node."""
    match node:
        case Sum(items) | All(items) | AnyOf(items):
            return items
        case Mul(left, right) | Compare(left, right, _):
            return (left, right)
        case Not(item) | Known(item):
            return (item,)
        case FactOr(_, otherwise):
            return (otherwise,)
        case _:
            return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, depth first."""
    yield node
    for child in children(node):
        yield from walk(child)


_MEMO: dict[tuple[str, int], tuple[Node, tuple[Any, ...]]] = {}


def _memo(kind: str, node: Node, compute: Callable[[Node], tuple[Any, ...]]) -> list[Any]:
    """Per-tree results of a pure walk, kept by identity (regime trees live as long as the
    catalog); the stored node guards against a reused id."""
    key = (kind, id(node))
    hit = _MEMO.get(key)
    if hit is None or hit[0] is not node:
        hit = (node, compute(node))
        _MEMO[key] = hit
    return list(hit[1])


def _facts_of(node: Node) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for sub in walk(node):
        if isinstance(sub, FactOr | Before):
            seen[sub.path] = None
        if isinstance(sub, BoolFact | Recorded | NumFact | Declared | In | HasAny | Stated):
            seen[sub.path] = None
    return tuple(seen)


def referenced_facts(node: Node) -> list[str]:
    """Fact paths a tree reads directly (not through step references), in order, unique."""
    return _memo("facts", node, _facts_of)


def referenced_params(node: Node) -> list[str]:
    """Parameter names a tree reads, in order, unique."""
    return _memo(
        "params",
        node,
        lambda n: tuple(
            dict.fromkeys(s.name for s in walk(n) if isinstance(s, BoolParam | NumParam))
        ),
    )


def comparisons(node: Node) -> list[Compare]:
    """Every comparison in a tree, depth first."""
    return _memo("compares", node, lambda n: tuple(s for s in walk(n) if isinstance(s, Compare)))


def step_refs(node: Node) -> list[str]:
    """Steps a tree refers to, in order, unique."""
    return _memo(
        "steps",
        node,
        lambda n: tuple(dict.fromkeys(s.step for s in walk(n) if isinstance(s, StepRef))),
    )


def closed_world_facts(node: Node) -> list[str]:
    """Facts a tree reads closed-world (absent = not recorded / none declared)."""
    return list(dict.fromkeys(s.path for s in walk(node) if isinstance(s, Recorded | Declared)))


def referenced_quantities(node: Node) -> list[str]:
    """Derived quantities a tree reads, in order, unique."""
    return _memo(
        "quantities",
        node,
        lambda n: tuple(dict.fromkeys(s.name for s in walk(n) if isinstance(s, Quantity))),
    )


def to_data(node: Node) -> Any:
    """The YAML/JSON form of a tree (inverse of the parsers)."""
    match node:
        case Const(value):
            return value
        case NumFact(path) | BoolFact(path):
            return {"fact": path}
        case Declared(path):
            return {"declared": path}
        case Stated(path):
            return {"stated": path}
        case FactOr(path, otherwise):
            return {"fact_or": [path, to_data(otherwise)]}
        case Before(path, day):
            return {"before": [path, day.isoformat()]}
        case Recorded(path):
            return {"recorded": path}
        case NumParam(name) | BoolParam(name):
            return {"param": name}
        case Quantity(name):
            return {"quantity": name}
        case Sum(items):
            return {"sum": [to_data(i) for i in items]}
        case Mul(left, right):
            return {"mul": [to_data(left), to_data(right)]}
        case StepRef(step):
            return {"step": step}
        case All(items):
            return {"all": [to_data(i) for i in items]}
        case AnyOf(items):
            return {"any": [to_data(i) for i in items]}
        case Not(item):
            return {"not": to_data(item)}
        case In(path, values):
            return {"in": [path, list(values)]}
        case HasAny(path, values):
            return {"has_any": [path, list(values)]}
        case Compare(left, right, strict):
            return {"gt" if strict else "ge": [to_data(left), to_data(right)]}
        case Known(item):
            return {"known": to_data(item)}
    raise TypeError(f"not a node: {node!r}")  # pragma: no cover
