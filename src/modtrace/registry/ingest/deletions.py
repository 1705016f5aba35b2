"""Mark models the snapshot lists as deleted (``deleted/deleted_model_MMDD.csv``).

A model keeps the week it was last listed as deleted, unless it was listed as added again
after that week (a re-upload under the same id is live). Models the register does not know
are counted, not inserted: the deletion lists describe what went away, and edges of models the
register never held add nothing a trace could follow. One transaction; re-running is harmless.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import bindparam, select, update

from modtrace.ecosystem.snapshot import deletions
from modtrace.registry.ingest.progress import ImportReport, record
from modtrace.registry.register import Register
from modtrace.registry.tables import models

CHUNK = 500


def import_deletions(register: Register, directory: Path) -> ImportReport:
    """Set ``deleted_at`` on every known model the deletion lists name; clear it on re-uploads."""
    gone = deletions(directory)
    report = ImportReport(rows_read=gone.height)
    dated = dict(zip(gone["model_id"].to_list(), gone["deleted_at"].to_list(), strict=True))
    ids = sorted(dated)
    with register.engine.begin() as c:
        known: set[str] = set()
        for i in range(0, len(ids), CHUNK):
            known |= set(
                c.execute(select(models.c.id).where(models.c.id.in_(ids[i : i + CHUNK]))).scalars()
            )
        rows = [{"mid": m, "at": dated[m], "src": "hf-lineage:deleted"} for m in sorted(known)]
        if rows:
            c.execute(
                update(models)
                .where(models.c.id == bindparam("mid"))
                .values(deleted_at=bindparam("at"), deleted_source=bindparam("src")),
                rows,
            )
        report.models_deleted = len(rows)
        report.external_models = len(ids) - len(known)  # deleted, never described here
        record(c, "hf-lineage:deleted", len(rows), True)
    return report
