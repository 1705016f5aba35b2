"""Read a facts file (YAML or JSON) into validated :class:`Facts`, or fail with named fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from modtrace.documents import parse_yaml, validation_issues
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
    try:
        return Facts.model_validate(data)
    except ValidationError as exc:
        raise FactsError(validation_issues(exc)) from None


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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FactsError([(str(path), "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FactsError([(str(path), f"cannot be read: {exc}")]) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FactsError(
                [(str(path), f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]
            ) from None
    else:
        data = parse_document(text, source=str(path))
    return facts_from_mapping(data, source=str(path))
