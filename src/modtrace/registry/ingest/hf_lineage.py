"""Import the Hub lineage snapshot (``Model ID,Type,Base Model`` CSVs, one file per week).

When the folder also holds ``deleted/`` lists, the models they name are marked deleted (with
the week) once every ``added`` file is in (:mod:`modtrace.registry.ingest.deletions`).

Each batch of rows — models, edges, their log entries and the file position — is committed in
one transaction, so a crash leaves no half-written batch and a re-run resumes where it stopped.
The rows go through the database driver (:mod:`modtrace.registry.ingest.bulk`), a batch's
lookups as a few set-wise queries; batches are large (100,000 rows), since each commit rewrites
the index pages the batch touched (docs/scale.md, "Import").
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from tqdm import tqdm

from modtrace.registry.ingest import bulk
from modtrace.registry.ingest.bulk import EdgeRow, ModelRow, Writer
from modtrace.registry.ingest.deletions import import_deletions
from modtrace.registry.ingest.ids import CONTROL
from modtrace.registry.ingest.progress import (
    ImportInputError,
    ImportReport,
    Problem,
    csv_header,
    position,
)
from modtrace.registry.ingest.relations import disagrees, infer_relation
from modtrace.registry.register import Register

RELATION_BY_TYPE = {
    "finetune": "finetune",
    "adapter": "adapter",
    "quantized": "quantized",
    "merge": "merge",
    "": "other",
}
BATCH = 100_000
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


def _parse(
    name: str, batch: list[tuple[int, list[str]]], report: ImportReport
) -> tuple[dict[str, int], list[tuple[int, EdgeRow]]]:
    """The models a batch describes (id: line) and the edges it declares, problems reported."""
    source = f"hf-lineage:{name}"
    described: dict[str, int] = {}
    edges: list[tuple[int, EdgeRow]] = []
    for line_no, row in batch:
        if len(row) < 1 or not row[0].strip():
            report.problems.append(Problem(name, line_no, "row without a model id; skipped"))
            continue
        if bad := CONTROL.search("".join(row[:3])):  # one search a row: this is the hot loop
            report.problems.append(
                Problem(
                    name,
                    line_no,
                    f"control character U+{ord(bad.group()):04X} in the row; skipped",
                )
            )
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
            edges.append((line_no, (base, model_id, relation, "declared", source)))
    return described, edges


def _import_batch(
    writer: Writer, name: str, batch: list[tuple[int, list[str]]], report: ImportReport
) -> None:
    source = f"hf-lineage:{name}"
    described, edges = _parse(name, batch, report)
    parents = {e[0] for _, e in edges}
    known = writer.known_models(sorted(described.keys() | parents))
    new_models: list[ModelRow] = []
    now_described = []
    for model_id, line_no in described.items():
        if model_id not in known:
            new_models.append((model_id, model_id.partition("/")[0], False, source))
        elif known[model_id]:
            now_described.append(model_id)
        else:
            report.problems.append(
                Problem(name, line_no, f"{model_id} was already imported; kept the earlier record")
            )
    externals = sorted(parents - known.keys() - described.keys())
    writer.mark_described(now_described, source)
    # provider_of, inlined (it is called for every model of every row)
    writer.insert_models(new_models + [(m, m.partition("/")[0], True, source) for m in externals])
    report.models_added += len(new_models)
    report.external_models += len(externals)

    stored = writer.edges_of(sorted({e[1] for _, e in edges}))
    relations = {(p, c): r for p, c, r in stored}  # the newest stored relation of each pair
    accepted: list[EdgeRow] = []
    for line_no, edge in edges:
        key = (edge[0], edge[1])
        earlier = relations.get(key)
        if earlier is not None and earlier != edge[2]:
            report.problems.append(
                Problem(
                    name,
                    line_no,
                    f"conflicting relation {edge[2]!r} for {edge[0]} -> "
                    f"{edge[1]} (already {earlier!r}); kept the first",
                )
            )
            continue
        relations[key] = edge[2]
        accepted.append(edge)
    keys = set(stored)
    declared = bulk.new_edges(accepted, keys)
    bases_of: dict[str, int] = {}
    for edge in accepted:
        bases_of[edge[1]] = bases_of.get(edge[1], 0) + 1
    contradicted: list[EdgeRow] = []
    for parent, child, relation, _, _ in accepted:
        shown = infer_relation(child, (), bases_of[child])
        if shown is not None and disagrees(relation, shown):
            contradicted.append((parent, child, shown, "inferred", source))
    inferred = bulk.new_edges(contradicted, keys)
    writer.add_edges(declared + inferred)  # the declared first, as the log has always had them
    report.edges_added += len(declared)
    report.edges_inferred += len(inferred)


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
    try:
        with bulk.writer(register.engine) as writer:
            batches = 0
            for path in todo:
                for _ in _import_file(writer, path, state[path.name][0], batch_size, report, bar):
                    batches += 1
                    if limit_batches is not None and batches >= limit_batches:
                        return report
    finally:
        bar.close()
    if (directory / "deleted").is_dir():
        report.models_deleted = import_deletions(register, directory).models_deleted
    return report


def _import_file(
    writer: Writer, path: Path, start: int, batch_size: int, report: ImportReport, bar: tqdm[Any]
) -> Iterator[None]:
    """Import one file from row ``start``, a transaction per batch; yields after each batch."""
    rows = _rows(path, start)
    done = False
    while not done:
        try:
            batch = list(islice(rows, batch_size))
        except (UnicodeDecodeError, csv.Error) as exc:
            # the batches before this one are imported; a re-run resumes here
            raise ImportInputError(
                [(f"{path}:{start + 2}", f"cannot be read after this line: {exc}")]
            ) from None
        done = len(batch) < batch_size
        with writer.transaction():
            _import_batch(writer, path.name, batch, report)
            start += len(batch)
            writer.record(f"hf-lineage:{path.name}", start, done)
        report.rows_read += len(batch)
        bar.update(len(batch))
        yield
