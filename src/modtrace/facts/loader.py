"""Read a facts file (YAML or JSON) into validated :class:`Facts`, or fail with named fields."""

from __future__ import annotations

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
    return validate(data, Facts, FactsError, schema="facts")


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
