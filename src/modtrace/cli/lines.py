"""How commands word what they print (counts, lists cut short, JSON, a missing model), with no
click: ``modtrace trace`` on a SQLite register runs without it (:mod:`modtrace.cli.entry`) and
prints the same lines as through it. :mod:`modtrace.cli.output` offers the same names."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from modtrace.errors import InputError, ModtraceError, RegisterError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from modtrace.registry.reading import Readable

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
DEBUG_ENV = "MODTRACE_DEBUG"

FILL_HINT = "fill it with `bash scripts/demo.sh` or `modtrace import hf-lineage DIR`"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 parent``, ``2 parents``, ``1 child``, ``3 children``."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def more(total: int, limit: int) -> str | None:
    """The line under a list cut at ``limit``; ``None`` when nothing was cut."""
    if total <= limit:
        return None
    return f"  … {count(total - limit, 'more row')} (raise --limit, or use --format json)"


def dump(data: Any) -> str:
    """JSON for ``--format json``."""
    import json  # text output never needs it

    return json.dumps(data, indent=2, default=str)


def require_model_in(connection: Readable, model_id: str, place: str) -> None:
    """Refuse a model the register at ``place`` (a URL) does not hold, and say so when the
    register is empty."""
    from modtrace.registry.known import in_lineage, is_empty

    if in_lineage(connection, model_id):
        return
    if is_empty(connection):
        raise RegisterError([("register", f"the register at {place} is empty; {FILL_HINT}")])
    raise RegisterError([("model_id", f"{model_id} is not in the register at {place}")])


def require_known(source: Engine | Readable, field: str, model_ids: list[str]) -> None:
    """Refuse model ids the register has never seen (a typo, or data not yet imported)."""
    from modtrace.registry.known import unknown_models

    if unknown := unknown_models(source, model_ids):
        raise RegisterError(
            [(field, f"{m} is not in the register (import it, or check the id)") for m in unknown]
        )


def error_lines(exc: Exception) -> tuple[list[str], int]:
    """What the CLI prints for an error, and its exit status: ``error: field: problem`` lines
    and 2 for bad input; ``error: ...`` and 1 for another modtrace error; one ``error:
    internal: ...`` line and 1 for anything else (a bug), which ``MODTRACE_DEBUG=1`` raises."""
    if isinstance(exc, InputError):
        return [f"error: {field}: {problem}" for field, problem in exc.issues], EXIT_BAD_INPUT
    if isinstance(exc, ModtraceError):
        return [f"error: {exc}"], EXIT_FAILED
    if os.environ.get(DEBUG_ENV):
        raise exc
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return [
        f"error: internal: {type(exc).__name__}: {first} (a bug in modtrace; "
        f"{DEBUG_ENV}=1 shows where)"
    ], EXIT_FAILED
