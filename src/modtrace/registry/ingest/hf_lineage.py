"""Import the Hub lineage snapshot (``Model ID,Type,Base Model`` CSVs, one file per week).

When the folder also holds ``deleted/`` lists, the models they name are marked deleted (with
the week) once every ``added`` file is in (:mod:`modtrace.registry.ingest.deletions`).

Each batch of rows — models, edges, their log entries and the file position — is committed in
one transaction, so a crash leaves no half-written batch and a re-run resumes where it stopped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update
from tqdm import tqdm

from modtrace.registry.ingest.deletions import import_deletions
from modtrace.registry.ingest.progress import (
    ImportInputError,
    ImportReport,
    Problem,
    csv_header,
    position,
    record,
)
from modtrace.registry.ingest.relations import disagrees, infer_relation
from modtrace.registry.register import Edge, Register, provider_of
from modtrace.registry.tables import lineage_edges, models

RELATION_BY_TYPE = {
    "finetune": "finetune",
    "adapter": "adapter",
    "quantized": "quantized",
    "merge": "merge",
    "": "other",
}
BATCH = 5000
HEADER = ("Model ID", "Type", "Base Model")


def lineage_files(directory: Path) -> list[Path]:
    """The weekly ``added_model_*.csv`` files, in date order."""
    folder = directory / "added" if (directory / "added").is_dir() else directory
    return sorted(folder.glob("added_model_*.csv"))


def data_rows(path: Path) -> int:
    """Rows in a CSV file, not counting its header."""
    with path.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


def _rows(path: Path, start: int) -> Iterator[tuple[int, list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        yield from enumerate(islice(reader, start, None), start=start + 2)


def _existing(connection: Connection, ids: list[str]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for i in range(0, len(ids), 500):
        for model_id, external in connection.execute(
            select(models.c.id, models.c.external).where(models.c.id.in_(ids[i : i + 500]))
        ):
            out[model_id] = bool(external)
    return out


def _existing_relations(connection: Connection, children: list[str]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for i in range(0, len(children), 500):
        for parent, child, relation in connection.execute(
            select(
                lineage_edges.c.parent_id, lineage_edges.c.child_id, lineage_edges.c.relation
            ).where(lineage_edges.c.child_id.in_(children[i : i + 500]))
        ):
            out[(parent, child)] = relation
    return out


def _import_batch(
    register: Register,
    connection: Connection,
    name: str,
    batch: list[tuple[int, list[str]]],
    report: ImportReport,
) -> None:
    source = f"hf-lineage:{name}"
    described: dict[str, int] = {}
    edges: list[tuple[int, Edge]] = []
    for line_no, row in batch:
        if len(row) < 1 or not row[0].strip():
            report.problems.append(Problem(name, line_no, "row without a model id; skipped"))
            continue
        model_id = row[0].strip()
        kind = row[1].strip() if len(row) > 1 else ""
        bases = [b.strip() for b in (row[2] if len(row) > 2 else "").split(",") if b.strip()]
        if model_id in described:
            report.problems.append(
                Problem(
                    name,
                    line_no,
                    f"duplicate id {model_id} (first on line {described[model_id]}); "
                    "kept the first",
                )
            )
            continue
        described[model_id] = line_no
        if kind and kind not in RELATION_BY_TYPE:
            report.problems.append(
                Problem(name, line_no, f"unknown relation type {kind!r}; recorded as 'other'")
            )
        relation = RELATION_BY_TYPE.get(kind, "other")
        if kind and not bases:
            report.problems.append(
                Problem(name, line_no, f"relation {kind!r} without a base model")
            )
        for base in bases:
            if base == model_id:
                report.problems.append(
                    Problem(name, line_no, f"{model_id} names itself as its base; edge skipped")
                )
                continue
            edges.append((line_no, Edge(base, model_id, relation, "declared", source)))

    known = _existing(connection, sorted(described | {e.parent_id: 0 for _, e in edges}))
    new_models = []
    for model_id, line_no in described.items():
        if model_id not in known:
            new_models.append(
                {
                    "id": model_id,
                    "provider": provider_of(model_id),
                    "external": False,
                    "source": source,
                }
            )
        elif known[model_id]:
            connection.execute(
                update(models).where(models.c.id == model_id).values(external=False, source=source)
            )
        else:
            report.problems.append(
                Problem(name, line_no, f"{model_id} was already imported; kept the earlier record")
            )
    externals = sorted({e.parent_id for _, e in edges} - set(known) - set(described))
    rows: list[dict[str, Any]] = new_models + [
        {"id": m, "provider": provider_of(m), "external": True, "source": source} for m in externals
    ]
    if rows:
        connection.execute(insert(models), rows)
    report.models_added += len(new_models)
    report.external_models += len(externals)

    relations = _existing_relations(connection, sorted({e.child_id for _, e in edges}))
    accepted: list[Edge] = []
    for line_no, edge in edges:
        key = (edge.parent_id, edge.child_id)
        earlier = relations.get(key)
        if earlier is not None and earlier != edge.relation:
            report.problems.append(
                Problem(
                    name,
                    line_no,
                    f"conflicting relation {edge.relation!r} for {edge.parent_id} -> "
                    f"{edge.child_id} (already {earlier!r}); kept the first",
                )
            )
            continue
        relations[key] = edge.relation
        accepted.append(edge)
    report.edges_added += register.add_edges(accepted, connection)
    bases_of: dict[str, int] = {}
    for edge in accepted:
        bases_of[edge.child_id] = bases_of.get(edge.child_id, 0) + 1
    inferred = []
    for edge in accepted:
        shown = infer_relation(edge.child_id, (), bases_of[edge.child_id])
        if shown is not None and disagrees(edge.relation, shown):
            inferred.append(Edge(edge.parent_id, edge.child_id, shown, "inferred", source))
    report.edges_inferred += register.add_edges(inferred, connection)


def import_hf_lineage(
    register: Register,
    directory: Path,
    *,
    progress: bool = True,
    batch_size: int = BATCH,
    limit_batches: int | None = None,
) -> ImportReport:
    """Import every weekly file under ``directory``; resumes unfinished files, skips done ones."""
    files = lineage_files(directory)
    if not files:
        raise ImportInputError(
            [(str(directory), "no added_model_*.csv files here or in its added/ folder")]
        )
    for path in files:  # every file's header, before the first row is imported
        csv_header(path, HEADER)
    report = ImportReport()
    with register.engine.connect() as c:
        state = {f.name: position(c, f"hf-lineage:{f.name}") for f in files}
    todo = [f for f in files if not state[f.name][1]]
    report.skipped_sources = len(files) - len(todo)
    total = sum(max(0, data_rows(f) - state[f.name][0]) for f in todo)
    bar = tqdm(total=total, unit="rows", desc="hf-lineage", disable=not progress)
    batches = 0
    for path in todo:
        start = state[path.name][0]
        rows = _rows(path, start)
        done = False
        while not done:
            try:
                batch = list(islice(rows, batch_size))
            except (UnicodeDecodeError, csv.Error) as exc:
                bar.close()  # the batches before this one are imported; a re-run resumes here
                raise ImportInputError(
                    [(f"{path}:{start + 2}", f"cannot be read after this line: {exc}")]
                ) from None
            done = len(batch) < batch_size
            with register.engine.begin() as c:
                _import_batch(register, c, path.name, batch, report)
                start += len(batch)
                record(c, f"hf-lineage:{path.name}", start, done)
            report.rows_read += len(batch)
            bar.update(len(batch))
            batches += 1
            if limit_batches is not None and batches >= limit_batches:
                bar.close()
                return report
    bar.close()
    if (directory / "deleted").is_dir():
        report.models_deleted = import_deletions(register, directory).models_deleted
    return report
