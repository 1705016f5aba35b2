"""Mark models the snapshot lists as deleted (``deleted/deleted_model_MMDD.csv``).

A model keeps the week it was last listed as deleted, unless it was listed as added again
after that week (a re-upload under the same id is live). Models the register does not know
are counted, not inserted: the deletion lists describe what went away, and edges of models the
register never held add nothing a trace could follow. One transaction,
through the bulk writer (:mod:`modtrace.registry.ingest.bulk`); re-running is harmless.
"""

from __future__ import annotations

from pathlib import Path

from modtrace.ecosystem.snapshot import deletions
from modtrace.registry.ingest import bulk
from modtrace.registry.ingest.ids import CONTROL
from modtrace.registry.ingest.progress import ImportReport
from modtrace.registry.register import Register

SOURCE = "hf-lineage:deleted"


def import_deletions(register: Register, directory: Path) -> ImportReport:
    """Set ``deleted_at`` on every known model the deletion lists name; clear it on re-uploads."""
    gone = deletions(directory)
    report = ImportReport(rows_read=gone.height)
    dated = {
        model: when
        for model, when in zip(
            gone["model_id"].to_list(), gone["deleted_at"].to_list(), strict=True
        )
        if not CONTROL.search(model)  # never a model the import kept (and no NUL reaches SQL)
    }
    with bulk.writer(register.engine) as writer, writer.transaction():
        known = sorted(writer.known_models(sorted(dated)))
        writer.mark_deleted([(m, dated[m], SOURCE) for m in known])
        report.models_deleted = len(known)
        report.external_models = len(dated) - len(known)  # deleted, never described here
        writer.record(SOURCE, len(known), True)
    return report
