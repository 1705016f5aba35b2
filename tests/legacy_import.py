"""The Hub lineage and hub-stats importers as they were before the bulk path (commit 62b9a72),
kept as the reference the parity tests compare the bulk importers with: SQLAlchemy statements,
the edges and their log entries through ``Register.add_edges`` and ``log.append``. Not used by
the library. The CSV rows are parsed by the library's own ``hf_lineage._parse``: the parsing
did not change, the writing did. (One change: stored relations are read in id order, as the
bulk path reads them; before, PostgreSQL returned them in no defined order.)"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from modtrace.ecosystem.snapshot import deletions
from modtrace.registry.ingest.hf_lineage import _parse, _rows, lineage_files
from modtrace.registry.ingest.hub_stats import RELATION_BY_HUB, _card, read_hub_stats
from modtrace.registry.ingest.nodes import add_external
from modtrace.registry.ingest.progress import ImportReport, Problem, position, record
from modtrace.registry.ingest.relations import disagrees, infer_relation
from modtrace.registry.register import RELATIONS, Edge, Register, provider_of
from modtrace.registry.tables import lineage_edges, models


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
            select(lineage_edges.c.parent_id, lineage_edges.c.child_id, lineage_edges.c.relation)
            .where(lineage_edges.c.child_id.in_(children[i : i + 500]))
            .order_by(lineage_edges.c.id)
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
    # the rows are read as the library reads them: only the writing is the old way's
    source = f"hf-lineage:{name}"
    described, parsed = _parse(name, batch, report)
    edges = [(line_no, Edge(*row)) for line_no, row in parsed]

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


def legacy_import(register: Register, directory: Path, batch_size: int) -> ImportReport:
    """Import every weekly file, a transaction per batch, then the deletion lists."""
    files = lineage_files(directory)
    report = ImportReport()
    with register.engine.connect() as c:
        state = {f.name: position(c, f"hf-lineage:{f.name}") for f in files}
    for path in (f for f in files if not state[f.name][1]):
        start = state[path.name][0]
        rows = _rows(path, start)
        done = False
        while not done:
            batch = list(islice(rows, batch_size))
            done = len(batch) < batch_size
            with register.engine.begin() as c:
                _import_batch(register, c, path.name, batch, report)
                start += len(batch)
                record(c, f"hf-lineage:{path.name}", start, done)
            report.rows_read += len(batch)
    if (directory / "deleted").is_dir():
        gone = deletions(directory)
        dated = dict(zip(gone["model_id"].to_list(), gone["deleted_at"].to_list(), strict=True))
        ids = sorted(dated)
        with register.engine.begin() as c:
            known: set[str] = set()
            for i in range(0, len(ids), 500):
                known |= set(
                    c.execute(
                        select(models.c.id).where(models.c.id.in_(ids[i : i + 500]))
                    ).scalars()
                )
            marks = [{"mid": m, "at": dated[m], "src": "hf-lineage:deleted"} for m in sorted(known)]
            if marks:
                c.execute(
                    update(models)
                    .where(models.c.id == bindparam("mid"))
                    .values(deleted_at=bindparam("at"), deleted_source=bindparam("src")),
                    marks,
                )
            report.models_deleted = len(marks)
            record(c, "hf-lineage:deleted", len(marks), True)
    return report


def legacy_hub_stats(register: Register, parquet: Path) -> ImportReport:
    """The hub-stats import as it was: a SELECT and an INSERT or UPDATE per row."""
    source = f"hub-stats:{parquet.name}"
    report = ImportReport()
    with register.engine.connect() as c:
        if position(c, source)[1]:
            report.skipped_sources = 1
            return report
    frame = read_hub_stats(parquet)
    with register.engine.begin() as c:
        edges: list[Edge] = []
        for line, row in enumerate(frame.iter_rows(named=True), start=1):
            model_id = row["id"]
            card = _card(row["cardData"])
            safetensors = row["safetensors"] or {}
            values = {
                "provider": row["author"] or provider_of(model_id),
                "external": False,
                "source": source,
                "parameters": float(safetensors["total"]) if safetensors.get("total") else None,
                "license": str(card.get("license"))[:120] if card.get("license") else None,
                "pipeline_tag": row["pipeline_tag"],
                "card": {
                    k: card[k] for k in ("base_model", "license", "tags", "datasets") if k in card
                },
            }
            if c.execute(select(models.c.id).where(models.c.id == model_id)).first():
                c.execute(update(models).where(models.c.id == model_id).values(**values))
            else:
                c.execute(insert(models).values(id=model_id, **values))
                report.models_added += 1
            base = row["baseModels"] or {}
            relation = RELATION_BY_HUB.get(base.get("relation") or "", "other")
            if base.get("relation") and base["relation"] not in RELATION_BY_HUB:
                report.problems.append(
                    Problem(
                        parquet.name,
                        line,
                        f"unknown relation {base['relation']!r}; recorded as 'other'",
                    )
                )
            for parent in base.get("models") or []:
                parent_id = parent.get("id") if isinstance(parent, dict) else None
                if not parent_id:
                    report.problems.append(
                        Problem(parquet.name, line, "base model without an id; skipped")
                    )
                elif parent_id == model_id:
                    report.problems.append(
                        Problem(
                            parquet.name, line, f"{model_id} names itself as its base; edge skipped"
                        )
                    )
                else:
                    edges.append(
                        Edge(
                            parent_id,
                            model_id,
                            relation if relation in RELATIONS else "other",
                            "declared",
                            source,
                        )
                    )
        report.external_models += add_external(c, (e.parent_id for e in edges), source)
        report.edges_added += register.add_edges(edges, c)
        report.rows_read = frame.height
        record(c, source, frame.height, True)
    return report
