"""Regime files from disk: a regulator's draft, checked like the bundled regimes.

A draft is data, never code. It is read with YAML's safe loader (no tags, no objects), validated
against the same file format as the bundled regimes, and its conditions are parsed by the same
expression parser, so a draft can use nothing outside the documented expression language
(docs/regimes/writing.md). Every problem is reported with the line and column of the YAML node
it concerns, and all problems are reported at once rather than the first alone.

A draft may add its own ``sources:`` mapping for its citations (same shape as the bundled
``sources.yaml``); the bundled sources stay citable. A draft's id must not be a bundled regime's:
a draft never changes a bundled regime.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from modtrace.documents import alias_issue
from modtrace.errors import InputError, RegimeDefinitionError
from modtrace.regimes.expr import ParseContext, parse_bool
from modtrace.regimes.loader import (
    Catalog,
    RegimeDoc,
    SourceDoc,
    build_regime,
    check_timeline,
    default_catalog,
)
from modtrace.regimes.model import Regime, Source

MAX_DRAFT_BYTES = 1_000_000
"""A regime file is a few kilobytes; anything over a megabyte is refused before parsing."""


class DraftDoc(RegimeDoc):
    """A regime file given by a user: the bundled format plus its own sources."""

    sources: dict[str, SourceDoc] = Field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a regime file, and where."""

    file: str
    line: int  # 1-based; 0 when the file as a whole is concerned
    column: int  # 1-based; 0 when the file as a whole is concerned
    field: str
    message: str

    def __str__(self) -> str:
        where, message = _issue(self)
        return f"{where}: {message}"


class DraftError(InputError):
    """A draft regime file has problems; ``problems`` lists each with its line and column."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__([_issue(p) for p in self.problems])


def _issue(problem: Problem) -> tuple[str, str]:
    where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
    return (f"{where}: {problem.field}" if problem.field else where), problem.message


# ---- reading YAML with positions -------------------------------------------------------------


class _Reader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys (a second value would silently win)."""


def _no_duplicates(loader: _Reader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Reader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _position(root: yaml.Node | None, path: Iterable[str | int]) -> tuple[int, int]:
    """Line and column (1-based) of the deepest node along ``path`` that exists."""
    if root is None:
        return 0, 0
    node: yaml.Node = root
    for part in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1, node.start_mark.column + 1


_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]\s]+)")


def _where_path(where: str) -> list[str | int]:
    """``steps[2] (id).when.all[0].gt`` -> ``['steps', 2, 'when', 'all', 0, 'gt']``."""
    where = re.sub(r"\s*\([^)]*\)", "", where)
    return [int(m[1]) if m[1] is not None else m[2] for m in _TOKEN.finditer(where)]


def _dotted(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---- checking --------------------------------------------------------------------------------


def _too_big(name: str, size: int) -> list[Problem]:
    return [Problem(name, 0, 0, "", f"{size:,} bytes; the limit is {MAX_DRAFT_BYTES:,}")]


def _read(path: Path) -> tuple[str | None, list[Problem]]:
    """A file's text, refused before reading when it is over the limit."""
    name = str(path)
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # /dev/zero never ends; a pipe may never answer
            return None, [Problem(name, 0, 0, "", "cannot be read: not a regular file")]
        if status.st_size > MAX_DRAFT_BYTES:
            return None, _too_big(name, status.st_size)
        with path.open("rb") as handle:
            data = handle.read(MAX_DRAFT_BYTES + 1)
        if len(data) > MAX_DRAFT_BYTES:
            return None, _too_big(name, len(data))
        return data.decode("utf-8"), []
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, 0, 0, "", f"cannot be read: {exc}")]


def _parse(text: str, name: str) -> tuple[Any, yaml.Node | None, list[Problem]]:
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_DRAFT_BYTES:
        return None, None, _too_big(name, size)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None and (problem := alias_issue(node)):  # a cycle or a billion laughs
            return None, None, [Problem(name, 1, 1, "", problem)]
        data = yaml.load(text, Loader=_Reader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        return None, None, [Problem(name, line, col, "", f"malformed YAML: {exc.problem}")]
    except yaml.YAMLError as exc:
        return None, None, [Problem(name, 0, 0, "", f"malformed YAML: {exc}")]
    except RecursionError:
        return None, None, [Problem(name, 0, 0, "", "malformed YAML: nested too deeply")]
    except ValueError as exc:  # a date that is no day (2025-02-30), an integer of 5,000 digits
        return None, None, [Problem(name, 0, 0, "", f"cannot be read: {exc}".split(";")[0])]
    if not isinstance(data, dict):
        return None, node, [Problem(name, 1, 1, "", "a regime file must be a mapping")]
    return data, node, []


def _schema_problems(exc: ValidationError, name: str, node: yaml.Node | None) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if isinstance(p, str | int)]
        line, col = _position(node, loc)
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(Problem(name, line, col, _dotted(loc) or "(file)", message))
    return problems


def _expression_problems(
    doc: DraftDoc, sources: Mapping[str, Source], name: str, node: yaml.Node | None
) -> list[Problem]:
    """Parse every condition on its own so that every bad one is reported, with its place."""
    problems: list[Problem] = []

    def record(exc: RegimeDefinitionError) -> None:
        text = str(exc)
        prefix = f"{name}: "
        text = text[len(prefix) :] if text.startswith(prefix) else text
        where, _, message = text.partition(": ")
        path = _where_path(where)
        line, col = _position(node, path)
        problems.append(Problem(name, line, col, _dotted(path), message or text))

    def cite(source: str, path: list[str | int]) -> None:
        if source not in sources:
            line, col = _position(node, [*path, "source", "source"])
            known = ", ".join(sorted(sources))
            problems.append(
                Problem(
                    name,
                    line,
                    col,
                    _dotted([*path, "source", "source"]),
                    f"unknown source {source!r}; known: {known}",
                )
            )

    kinds = {n: p.kind for n, p in doc.parameters.items()}
    for pname, p in doc.parameters.items():
        cite(p.source.source, ["parameters", pname])
    seen: set[str] = set()
    for i, step in enumerate(doc.steps):
        if step.id in seen:
            line, col = _position(node, ["steps", i, "id"])
            problems.append(
                Problem(name, line, col, f"steps[{i}].id", f"duplicate step id {step.id!r}")
            )
        ctx = ParseContext(name, kinds, frozenset(seen))
        cite(step.source.source, ["steps", i])
        for spec, where in [(step.when, f"steps[{i}].when")] + [
            (e.when, f"steps[{i}].exceptions[{j}].when") for j, e in enumerate(step.exceptions)
        ]:
            try:
                parse_bool(spec, ctx, where)
            except RegimeDefinitionError as exc:
                record(exc)
        for j, e in enumerate(step.exceptions):
            cite(e.source.source, ["steps", i, "exceptions", j])
        seen.add(step.id)
    ctx = ParseContext(name, kinds, frozenset(seen))
    parts: list[tuple[Any, str]] = [(doc.scope.when, "scope.when")]
    parts += [(r.when, f"roles[{i}].when") for i, r in enumerate(doc.roles) if r.when is not None]
    parts += [(o.when, f"obligations[{i}].when") for i, o in enumerate(doc.obligations) if o.when]
    for spec, where in parts:
        try:
            parse_bool(spec, ctx, where)
        except RegimeDefinitionError as exc:
            record(exc)
    cite(doc.scope.source.source, ["scope"])
    for i, r in enumerate(doc.roles):
        cite(r.source.source, ["roles", i])
    for i, o in enumerate(doc.obligations):
        cite(o.source.source, ["obligations", i])
    for field_name, items in (("roles", doc.roles), ("obligations", doc.obligations)):
        ids = [x.id for x in items]
        for i, item_id in enumerate(ids):
            if item_id in ids[:i]:
                line, col = _position(node, [field_name, i, "id"])
                problems.append(
                    Problem(name, line, col, f"{field_name}[{i}].id", f"duplicate id {item_id!r}")
                )
    return problems


@dataclass(frozen=True)
class CheckedDraft:
    """One checked regime file: the regime when it has no problem, its own sources, problems."""

    regime: Regime | None
    sources: dict[str, Source]
    problems: list[Problem]


def check_file(path: Path, catalog: Catalog | None = None) -> CheckedDraft:
    """Validate one regime file and report every problem with its line and column."""
    text, problems = _read(path)
    if text is None:
        return CheckedDraft(None, {}, problems)
    return check_text(text, str(path), catalog, file=path.name)


def check_text(
    text: str, name: str = "draft", catalog: Catalog | None = None, *, file: str | None = None
) -> CheckedDraft:
    """Validate a regime file's text (pasted or uploaded); problems are named by ``name``.

    Nothing is written anywhere: the checked regime exists only in the result.
    """
    catalog = catalog or default_catalog()
    data, node, problems = _parse(text, name)
    if problems:
        return CheckedDraft(None, {}, problems)
    try:
        doc = DraftDoc.model_validate(data)
    except ValidationError as exc:
        return CheckedDraft(None, {}, _schema_problems(exc, name, node))
    own: dict[str, Source] = {}
    for key, source in doc.sources.items():
        if key in catalog.sources:
            line, col = _position(node, ["sources", key])
            problems.append(
                Problem(
                    name,
                    line,
                    col,
                    f"sources.{key}",
                    "a bundled source has this id; choose another",
                )
            )
        own[key] = Source(key, source.title, source.publisher, source.date, source.url, source.kind)
    sources = {**catalog.sources, **own}
    if doc.id in catalog.ids():
        line, col = _position(node, ["id"])
        problems.append(
            Problem(
                name, line, col, "id", f"{doc.id!r} is a bundled regime; a draft needs its own id"
            )
        )
    if doc.effective_until is not None and doc.effective_until <= doc.effective_from:
        line, col = _position(node, ["effective_until"])
        problems.append(Problem(name, line, col, "effective_until", "must be after effective_from"))
    problems += _expression_problems(doc, sources, name, node)
    if problems:
        return CheckedDraft(None, own, sorted(problems, key=lambda p: (p.line, p.column)))
    try:
        regime = build_regime(doc, sources, file or name)
    except RegimeDefinitionError as exc:  # pragma: no cover - _expression_problems sees these
        return CheckedDraft(None, own, [Problem(name, 0, 0, "", str(exc))])
    return CheckedDraft(regime, own, [])


def load_drafts(paths: Iterable[Path], catalog: Catalog | None = None) -> Catalog:
    """The catalog with these draft regime files added (bundled regimes untouched).

    Several files with the same id are versions of one draft; their timeline is checked as the
    bundled regimes' is. Raises :class:`DraftError` listing every problem of every file.
    """
    catalog = catalog or default_catalog()
    regimes: list[Regime] = []
    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    for path in paths:
        checked = check_file(path, catalog)
        problems += checked.problems
        sources.update(checked.sources)
        if checked.regime is not None:
            regimes.append(checked.regime)
    if problems:
        raise DraftError(problems)
    by_id: dict[str, list[Regime]] = {}
    for regime in regimes:
        by_id.setdefault(regime.id, []).append(regime)
    for versions in by_id.values():
        try:
            check_timeline(versions)
        except RegimeDefinitionError as exc:
            raise DraftError([Problem(versions[0].file, 0, 0, "version", str(exc))]) from None
    return catalog.extended(regimes, sources)
