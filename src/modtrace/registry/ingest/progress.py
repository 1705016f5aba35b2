"""Import bookkeeping: per-source positions, committed with each batch, and reported problems."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from modtrace.errors import InputError

if TYPE_CHECKING:  # the database is loaded by the functions that write to it, not on import
    from sqlalchemy import Connection


class ImportInputError(InputError):
    """Import input that cannot be read at all: no files, not text, not the expected columns."""


def csv_header(path: Path, expected: tuple[str, ...]) -> list[str]:
    """The first line of a CSV file, refused unless it is UTF-8 text naming ``expected``.

    Checked before anything is imported, so that the wrong file fails at once, by name.
    """
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
    except UnicodeDecodeError:
        raise ImportInputError([(str(path), "not UTF-8 text (a binary file?)")]) from None
    except (OSError, csv.Error) as exc:
        raise ImportInputError([(str(path), f"cannot be read: {exc}")]) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [column for column in expected if column not in header]
    if missing:
        got = ",".join(header)[:120] or "an empty file"
        raise ImportInputError(
            [(str(path), f"expected a CSV header with {', '.join(expected)}; got {got!r}")]
        )
    return header


@dataclass(frozen=True)
class Problem:
    """Something wrong in the input, where it is, and what was done about it."""

    file: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.problem}"


@dataclass
class ImportReport:
    """What an import did."""

    models_added: int = 0
    external_models: int = 0
    edges_added: int = 0
    rows_read: int = 0
    skipped_sources: int = 0
    models_deleted: int = 0
    edges_inferred: int = 0  # beside a declared edge the evidence contradicts
    problems: list[Problem] = field(default_factory=list)


def position(connection: Connection, source: str) -> tuple[int, bool]:
    """Where a source's import stopped, and whether it finished."""
    from sqlalchemy import select  # noqa: PLC0415 - only the database needs it

    from modtrace.registry.tables import import_progress  # noqa: PLC0415

    row = connection.execute(
        select(import_progress.c.position, import_progress.c.done).where(
            import_progress.c.source == source
        )
    ).first()
    return (int(row[0]), bool(row[1])) if row else (0, False)


def record(connection: Connection, source: str, pos: int, done: bool) -> None:
    """Save progress inside the batch's own transaction."""
    from sqlalchemy import insert, select, update  # noqa: PLC0415 - only writing needs it

    from modtrace.registry.tables import import_progress  # noqa: PLC0415

    exists = connection.execute(
        select(import_progress.c.source).where(import_progress.c.source == source)
    ).first()
    if exists:
        connection.execute(
            update(import_progress)
            .where(import_progress.c.source == source)
            .values(position=pos, done=done)
        )
    else:
        connection.execute(insert(import_progress).values(source=source, position=pos, done=done))
