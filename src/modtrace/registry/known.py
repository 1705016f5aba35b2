"""Whether the register has ever heard of a model: described, linked by lineage, or the
product of a recorded modification. Unknown ids are refused ("not in the register") instead of
answering as if the model had no family.

Plain SQL text, run by :func:`modtrace.registry.reading.rows` on a ``sqlite3`` or a SQLAlchemy
connection (or an engine), so ``modtrace trace`` asks the same questions on either path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from modtrace.registry.reading import Readable, reading, rows

if TYPE_CHECKING:
    from sqlalchemy import Engine

DESCRIBED = "SELECT 1 FROM models WHERE id = :id LIMIT 1"
LINKED = "SELECT 1 FROM lineage_edges WHERE parent_id = :id OR child_id = :id LIMIT 1"
MODIFIED = "SELECT 1 FROM modifications WHERE model_id = :id LIMIT 1"
ANY_MODEL = "SELECT 1 FROM models LIMIT 1"
ANY_EDGE = "SELECT 1 FROM lineage_edges LIMIT 1"


def _any(connection: Readable, sql: str, model_id: str | None = None) -> bool:
    return any(True for _ in rows(connection, sql, {} if model_id is None else {"id": model_id}))


def in_lineage(connection: Readable, model_id: str) -> bool:
    """Whether a model row or a lineage edge names ``model_id``."""
    return _any(connection, DESCRIBED, model_id) or _any(connection, LINKED, model_id)


def is_empty(connection: Readable) -> bool:
    """Whether the register holds no model and no lineage edge."""
    return not _any(connection, ANY_MODEL) and not _any(connection, ANY_EDGE)


def unknown_models(source: Engine | Readable, model_ids: Iterable[str]) -> list[str]:
    """The ids, in order, that no model row, lineage edge or modification mentions."""
    with reading(source) as connection:
        return [
            model_id
            for model_id in model_ids
            if not (in_lineage(connection, model_id) or _any(connection, MODIFIED, model_id))
        ]
