"""Where the register lives, and which schema revision it must be at, without SQLAlchemy.

Read by :mod:`modtrace.registry.db` (which opens the register with SQLAlchemy) and by
:mod:`modtrace.registry.reading` (which reads a SQLite register with the standard library's
``sqlite3``), so both agree on the default place and on what "current" means.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ENV_URL = "MODTRACE_DATABASE_URL"

STORED_REVISIONS = "SELECT version_num FROM alembic_version"
"""The schema revisions a register says it is at: the schema check's one query."""

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*(.+)$", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


def default_url() -> str:
    """``MODTRACE_DATABASE_URL``, else a SQLite file in the user's data directory."""
    if url := os.environ.get(ENV_URL):
        return url
    from platformdirs import user_data_dir  # noqa: PLC0415 (only where no URL is set)

    return f"sqlite:///{Path(user_data_dir('modtrace')) / 'register.sqlite3'}"


def head_revisions(versions: Path = MIGRATIONS / "versions") -> frozenset[str]:
    """The head revision ids of the migration files, read from their text (no Alembic import).

    A head is a revision no other migration names as its ``down_revision``; after two branches
    that each added a migration are merged there are two, until a merge migration joins them.
    Empty when a file cannot be read this way: the caller then asks Alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        ids = _QUOTED.findall(revision.group(1)) if revision else []
        if len(ids) != 1 or down is None:
            return frozenset()
        revisions.add(ids[0])
        parents.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions - parents)
