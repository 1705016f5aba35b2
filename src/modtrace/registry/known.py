"""Whether the register has ever heard of a model: described, linked by lineage, or the
product of a recorded modification. Unknown ids are refused ("not in the register") instead of
answering as if the model had no family."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, or_, select

from modtrace.registry.tables import lineage_edges, models, modifications


def unknown_models(engine: Engine, model_ids: Iterable[str]) -> list[str]:
    """The ids, in order, that no model row, lineage edge or modification mentions."""
    out = []
    with engine.connect() as c:
        for model_id in model_ids:
            queries = [
                select(models.c.id).where(models.c.id == model_id),
                select(lineage_edges.c.id).where(
                    or_(lineage_edges.c.parent_id == model_id, lineage_edges.c.child_id == model_id)
                ),
                select(modifications.c.id).where(modifications.c.model_id == model_id),
            ]
            if not any(c.execute(q.limit(1)).first() for q in queries):
                out.append(model_id)
    return out
