"""Read a facts file (YAML or JSON) into validated :class:`Facts`, or fail with named fields."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from modtrace.documents import parse_text, parse_yaml, read_text, validate
from modtrace.errors import FactsError
from modtrace.facts.model import Facts


def parse_document(text: str, *, source: str = "<facts>") -> Any:
    """Parse a facts document's YAML (or JSON); syntax errors give their position."""
    return parse_yaml(text, source=source, error=FactsError)


def facts_from_mapping(data: Any, *, source: str = "<facts>") -> Facts:
    """Validate an already-parsed document."""
    if not isinstance(data, dict):
        kind = "empty document" if data is None else f"a {type(data).__name__}"
        raise FactsError(
            [(source, f"expected a mapping with original, modifier, modification; got {kind}")]
        )
    facts = validate(data, Facts, FactsError, schema="facts")
    if issues := overflow_issues(facts):
        raise FactsError(issues)
    return facts


def overflow_issues(facts: Facts) -> list[tuple[str, str]]:
    """Compute estimates whose inputs are finite but whose product is not (1e300 · 1e300)."""
    # imported here: modtrace.compute imports the facts package, which imports this module
    from modtrace.compute.estimate import estimate_all  # noqa: PLC0415
    from modtrace.facts.flatten import facts_to_row  # noqa: PLC0415

    return [
        (name, "the estimate overflows (over 1.8e308 FLOP); check the inputs")
        for name, estimate in estimate_all(facts_to_row(facts)).items()
        if any(
            isinstance(value, float) and not math.isfinite(value)
            for value in (estimate.flop, estimate.low)
        )
    ]


def merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge a patch into a facts document; ``evidence`` lists are appended."""
    out = dict(base)
    for key, value in patch.items():
        if key == "evidence":
            out["evidence"] = [*(out.get("evidence") or []), *value]
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_facts(path: str | Path) -> Facts:
    """Load and validate a facts file. Raises :class:`FactsError` naming each bad field."""
    path = Path(path)
    text = read_text(path, FactsError)
    data = parse_text(text, source=str(path), error=FactsError, suffix=path.suffix)
    return facts_from_mapping(data, source=str(path))
