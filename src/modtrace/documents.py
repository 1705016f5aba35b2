"""Input documents at the edge: YAML (or JSON) text in, validated models out.

Every failure is an :class:`InputError` (or the subclass the caller names) whose issues say
which file or field is wrong and why. Beyond syntax and the model's own rules, every document
is refused, naming the field, when it has

- a key given twice in one mapping (``original.provider: duplicate key``),
- a date that does not exist (``2025-02-30``),
- a number that is not finite (``.inf``, ``1e400``, ``"Infinity"``, NaN),

and a file larger than :data:`MAX_DOCUMENT_BYTES` is refused by its size before it is read.
The limits are listed in docs/limits.md.
"""

from __future__ import annotations

import json
import math
import re
import stat
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from modtrace.errors import InputError

if TYPE_CHECKING:  # pydantic loads when a document is validated, not when one is parsed
    from pydantic import BaseModel, ValidationError

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
"""The largest facts, terms, request, checklist or safety-case file read (5 MiB)."""

NOT_FINITE = "must be a finite number"
NUL = "contains a NUL character"
SURROGATE = "contains a lone surrogate (an escape such as \\ud800 that is no character)"
_SURROGATES = re.compile("[\ud800-\udfff]")


def bad_text(text: str) -> str | None:
    """Why a string cannot be stored, if it cannot: a NUL (PostgreSQL refuses it) or a lone
    surrogate, which JSON's ``\\ud800`` escapes can carry but UTF-8 cannot encode."""
    if "\x00" in text:
        return NUL
    if _SURROGATES.search(text):
        return SURROGATE
    return None


M = TypeVar("M", bound="BaseModel")
_MERGE_TAG = "tag:yaml.org,2002:merge"

try:  # the C loader is several times faster; fall back when libyaml is absent
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _Mapping(dict[Any, Any]):
    """A parsed mapping that remembers the keys its source gave more than once."""

    duplicates: tuple[Any, ...] = ()


class _BadDate:
    """A YAML timestamp that names no real day; reported with its field, never constructed."""

    def __init__(self, text: str, reason: str) -> None:
        self.text, self.reason = text, reason


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, remembering duplicate keys and keeping impossible dates as markers."""


def _construct_map(loader: Any, node: yaml.MappingNode) -> Iterator[_Mapping]:
    data = _Mapping()
    yield data
    counts = Counter(
        key.value
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE_TAG
    )
    data.duplicates = tuple(k for k, n in counts.items() if n > 1)
    data.update(loader.construct_mapping(node))


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        return _BadDate(str(node.value), str(exc))


def _construct_bool(loader: Any, node: yaml.ScalarNode) -> Any:
    """YAML 1.2's booleans: only true and false. YAML 1.1 also reads yes/no/on/off/y/n as
    booleans, which turns Norway's country code ``NO`` into ``false``; those words stay text
    here, and a true/false field still accepts them (pydantic reads "yes" and "no")."""
    text = str(node.value)
    return {"true": True, "false": False}.get(text.lower(), text)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def json_object(pairs: list[tuple[str, Any]]) -> _Mapping:
    """``json.loads``'s ``object_pairs_hook``: a mapping that remembers duplicate keys."""
    data = _Mapping(pairs)
    if len(data) < len(pairs):
        counts = Counter(key for key, _ in pairs)
        data.duplicates = tuple(k for k, n in counts.items() if n > 1)
    return data


def _shown(key: str) -> str:
    """A key as it can be printed: NULs and lone surrogates as escapes."""
    return key.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def _dotted(path: tuple[Any, ...], source: str) -> str:
    return ".".join(_shown(p) if isinstance(p, str) else str(p) for p in path) or source


def document_issues(data: Any, *, source: str = "<document>") -> list[tuple[str, str]]:
    """Duplicate keys, impossible dates, non-finite numbers and NUL characters anywhere in parsed
    data (a NUL cannot be stored in a PostgreSQL text column, and the service refuses it too)."""
    issues: list[tuple[str, str]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:  # iterative: a deeply nested document must not exhaust the Python stack
        path, value = stack.pop()
        if isinstance(value, dict):
            issues.extend(
                (_dotted((*path, k), source), "duplicate key")
                for k in getattr(value, "duplicates", ())
            )
            issues.extend(
                (_dotted((*path, k), source), problem)
                for k in value
                if isinstance(k, str) and (problem := bad_text(k))
            )
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list | tuple):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, str) and (problem := bad_text(value)):
            issues.append((_dotted(path, source), problem))
        elif isinstance(value, float) and not math.isfinite(value):
            issues.append((_dotted(path, source), NOT_FINITE))
        elif isinstance(value, _BadDate):
            issues.append(
                (_dotted(path, source), f"{value.text!r} is not a valid date ({value.reason})")
            )
    return issues


def _checked(data: Any, source: str, error: type[InputError]) -> Any:
    if issues := document_issues(data, source=source):
        raise error(issues)
    return data


MAX_EXPANDED_VALUES = 1_000_000
"""Values a YAML document may hold once its aliases are expanded (``*a`` repeats ``&a``)."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def alias_issue(root: yaml.Node, limit: int = MAX_EXPANDED_VALUES) -> str | None:
    """Why a composed document cannot be read safely: an alias inside the node it names (a
    cycle no walk ends), or aliases of aliases that expand it past ``limit`` values (a "billion
    laughs"). Sizes are counted once per node, so the check costs what the text does."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()  # nodes whose children are still being counted: the current path
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, counted = stack.pop()
        key = id(node)
        if counted:
            open_.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[key] > limit:
                return f"its aliases expand it to more than {limit:,} values"
            continue
        if key in sizes:
            continue
        open_.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_:
                return "an alias refers to a node that contains it"
            if id(child) not in sizes:
                stack.append((child, False))
    return None


def _load_yaml(text: str, source: str, error: type[InputError]) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if problem := alias_issue(node):
            raise error([(source, problem)])
        return loader.construct_document(node)
    finally:
        loader.dispose()


def parse_yaml(text: str, *, source: str, error: type[InputError] = InputError) -> Any:
    """Parse YAML (a superset of JSON) and report syntax errors with their position."""
    try:
        data = _load_yaml(text, source, error)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise error([(source, f"malformed YAML at {where}: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise error([(source, f"malformed YAML: {exc}")]) from None
    except RecursionError:
        raise error([(source, "nested too deeply")]) from None
    except ValueError as exc:  # an integer past Python's 4,300-digit conversion limit
        raise error([(source, f"cannot be read: {exc}".split(";")[0])]) from None
    return _checked(data, source, error)


def parse_json(text: str, *, source: str, error: type[InputError] = InputError) -> Any:
    """Parse JSON; syntax errors give their line and column."""
    try:
        data = json.loads(text, object_pairs_hook=json_object)
    except json.JSONDecodeError as exc:
        raise error(
            [(source, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]
        ) from None
    except RecursionError:
        raise error([(source, "nested too deeply")]) from None
    except ValueError as exc:  # an integer past Python's 4,300-digit conversion limit
        raise error([(source, f"cannot be read: {exc}".split(";")[0])]) from None
    return _checked(data, source, error)


def read_text(
    path: Path, error: type[InputError] = InputError, *, limit: int = MAX_DOCUMENT_BYTES
) -> str:
    """A file's text, refused by its size (over ``limit`` bytes) before it is read."""
    try:
        status = path.stat()
        size = status.st_size
        if path.is_dir():
            raise error([(str(path), "is a folder, not a file")])
        if not stat.S_ISREG(status.st_mode):  # /dev/zero never ends; a pipe may never answer
            raise error([(str(path), "is not a regular file (a device or a pipe?)")])
    except FileNotFoundError:
        raise error([(str(path), "no such file")]) from None
    except OSError as exc:
        raise error([(str(path), f"cannot be read: {exc.strerror or exc}")]) from None
    if size > limit:
        raise error(
            [
                (
                    str(path),
                    f"is {size / 2**20:.1f} MiB; such files are limited to "
                    f"{limit / 2**20:g} MiB (docs/limits.md)",
                )
            ]
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # a file that grew since its size was read
    except OSError as exc:
        raise error([(str(path), f"cannot be read: {exc.strerror or exc}")]) from None
    if len(data) > limit:
        raise error([(str(path), f"grew past {limit / 2**20:g} MiB while it was read")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error([(str(path), "cannot be read: not UTF-8 text (a binary file?)")]) from None


def parse_text(
    text: str, *, source: str, error: type[InputError] = InputError, suffix: str = ""
) -> Any:
    """JSON when the name ends in ``.json``, else YAML."""
    if suffix.lower() == ".json":
        return parse_json(text, source=source, error=error)
    return parse_yaml(text, source=source, error=error)


def read_yaml(path: Path, error: type[InputError] = InputError) -> Any:
    """Read and parse one YAML or JSON file."""
    return parse_text(read_text(path, error), source=str(path), error=error, suffix=path.suffix)


def _not_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, str):
        try:
            return not math.isfinite(float(value))
        except ValueError:
            return False
    return False


def validation_issues(exc: ValidationError, schema: str | None = None) -> list[tuple[str, str]]:
    """Turn pydantic's errors into ``(dotted.field, problem)`` pairs.

    ``schema`` names the ``modtrace schema`` command that lists the fields (None: no hint).
    """
    issues = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(part) for part in err["loc"]) or "<root>"
        problem = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            problem = "unknown field" + (
                f" (check its spelling against `modtrace schema {schema}`)" if schema else ""
            )
        elif err["type"].startswith(("float", "greater", "less", "finite")) and _not_finite(
            err.get("input")
        ):
            problem = NOT_FINITE
        issues.append((field, problem))
    return issues


def _model_issues(value: BaseModel) -> list[tuple[str, str]]:
    """Non-finite floats a model accepted (pydantic reads ``"Infinity"`` and ``1e400`` as inf)."""
    return [(f, p) for f, p in document_issues(value.model_dump()) if p == NOT_FINITE]


def validate(
    data: Any,
    model: type[M],
    error: type[InputError] = InputError,
    *,
    schema: str | None = None,
) -> M:
    """Validate parsed data as ``model``; every problem, non-finite numbers too, names its field."""
    from pydantic import ValidationError  # noqa: PLC0415 (see the imports above)

    try:
        value = model.model_validate(data)
    except ValidationError as exc:
        raise error(validation_issues(exc, schema)) from None
    if issues := _model_issues(value):
        raise error(issues)
    return value


def in_file(path: Path, exc: InputError) -> list[tuple[str, str]]:
    """``exc``'s issues with each field prefixed by the file it is in."""
    return [
        (field if field == str(path) else f"{path}: {field}", problem)
        for field, problem in exc.issues
    ]


def load_model(
    path: Path,
    model: type[M],
    error: type[InputError] = InputError,
    *,
    schema: str | None = None,
) -> M:
    """Read a file and validate it as ``model``; every problem names the file and its field."""
    try:
        data = read_yaml(path, error)
        if not isinstance(data, dict):
            kind = "an empty document" if data is None else f"a {type(data).__name__}"
            raise error([(str(path), f"expected a mapping; got {kind}")])
        return validate(data, model, error, schema=schema)
    except InputError as exc:
        raise error(in_file(path, exc)) from None
