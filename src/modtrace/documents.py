"""Input documents at the edge: YAML (or JSON) text in, validated models out.

Every failure is an :class:`InputError` (or the subclass the caller names) whose issues say
which file or field is wrong and why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from modtrace.errors import InputError

try:  # the C loader is several times faster; fall back when libyaml is absent
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

M = TypeVar("M", bound=BaseModel)


def parse_yaml(text: str, *, source: str, error: type[InputError] = InputError) -> Any:
    """Parse YAML (a superset of JSON) and report syntax errors with their position."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise error([(source, f"malformed YAML at {where}: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise error([(source, f"malformed YAML: {exc}")]) from None


def read_yaml(path: Path, error: type[InputError] = InputError) -> Any:
    """Read and parse one YAML or JSON file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error([(str(path), f"cannot be read: {exc}")]) from None
    return parse_yaml(text, source=str(path), error=error)


def validation_issues(exc: ValidationError) -> list[tuple[str, str]]:
    """Turn pydantic's errors into ``(dotted.field, problem)`` pairs."""
    issues = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(part) for part in err["loc"]) or "<root>"
        problem = err["msg"]
        if err["type"] == "extra_forbidden":
            problem = "unknown field (check its spelling against `modtrace schema facts`)"
        issues.append((field, problem))
    return issues


def load_model(path: Path, model: type[M], error: type[InputError] = InputError) -> M:
    """Read a file and validate it as ``model``; every problem names its field."""
    data = read_yaml(path, error)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(validation_issues(exc)) from None
