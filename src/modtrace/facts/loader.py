"""Read a facts file (YAML or JSON) into validated :class:`Facts`, or fail with named fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from modtrace.errors import FactsError
from modtrace.facts.model import Facts

try:  # the C loader is several times faster; fall back when libyaml is absent
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


def parse_document(text: str, *, source: str = "<facts>") -> Any:
    """Parse YAML (a superset of JSON) and report syntax errors with their position."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise FactsError([(source, f"malformed YAML at {where}: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise FactsError([(source, f"malformed YAML: {exc}")]) from None


def validation_issues(exc: ValidationError) -> list[tuple[str, str]]:
    """Turn pydantic's errors into ``(dotted.field, problem)`` pairs."""
    issues = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"]) or "<root>"
        problem = error["msg"]
        if error["type"] == "extra_forbidden":
            problem = "unknown field (check its spelling against `modtrace schema facts`)"
        issues.append((field, problem))
    return issues


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
