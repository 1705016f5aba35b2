"""The bulk import path (DB-API executemany on SQLite, COPY on PostgreSQL, one hash per log entry).

It must write what the register's own path wrote (the same rows, ids, log bytes and heads, on
both backends), leave the register as it was when a batch fails, and leave a log that verifies,
extends earlier heads and proves inclusion like one written entry by entry.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.pool import QueuePool

from conftest import SHARED_DATA
from legacy_import import legacy_hub_stats, legacy_import
from lineage_world import write_snapshot
from modtrace.cli.main import cli
from modtrace.registry import log, merkle
from modtrace.registry.ingest import bulk
from modtrace.registry.ingest.hf_lineage import data_rows, import_hf_lineage, lineage_files
from modtrace.registry.ingest.hub_stats import RELATION_BY_HUB, import_hub_stats, read_hub_stats
from modtrace.registry.log_bulk import edge_payload
from modtrace.registry.register import Edge, Register
from modtrace.registry.tables import import_progress, lineage_edges, log_entries, models

FIXED = dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
TABLES = (models, lineage_edges, log_entries, import_progress)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every log entry is written at FIXED, so two imports can give the same heads."""
    monkeypatch.setattr(log, "clock", lambda: FIXED)


@pytest.fixture
def sample(lineage_extract: Path, tmp_path: Path) -> Path:
    """The real extract plus a week of awkward rows (duplicates, self-loops, an unknown type, a
    base described only later, a GGUF declared as an adapter, two bases) and deletion lists."""
    folder = tmp_path / "sample"
    shutil.copytree(lineage_extract, folder)
    (folder / "added" / "added_model_0409.csv").write_text(
        "Model ID,Type,Base Model\n"
        "z/late-base,finetune,z/root\n"  # z/late-base was an external base in week 0405
        "z/a,finetune,z/root\n"
        "z/a,finetune,z/other\n"
        "z/loop,merge,z/loop\n"
        "z/odd,weird,z/root\n"
        ",finetune,z/root\n"
        'z/two,finetune,"z/root, z/other"\n'
        "z/x-Q4_K_M-GGUF,adapter,z/root\n"
        "z/naïve-“quoted”\\,quantized,z/root\n",
        encoding="utf-8",
    )
    (folder / "added" / "added_model_0405.csv").write_text(
        "Model ID,Type,Base Model\nz/child,finetune,z/late-base\n", encoding="utf-8"
    )
    deleted = folder / "deleted"
    deleted.mkdir()
    (deleted / "deleted_model_0416.csv").write_text(
        "Model ID,Type,Base Model\nz/a,,\nz/never-here,,\n", encoding="utf-8"
    )
    return folder


def dump(register: Register) -> dict[str, list[tuple[Any, ...]]]:
    """Every row an import writes, in key order, times in UTC."""
    out = {}
    with register.engine.connect() as c:
        for table in TABLES:
            key = list(table.primary_key.columns)
            rows = c.execute(select(table).order_by(*key)).all()
            out[table.name] = [
                tuple(log._iso(v) if isinstance(v, dt.date) else v for v in row) for row in rows
            ]
    return out


def without_ids(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows, edges without their ids and log entries as (seq, kind, ref)."""
    return rows | {
        "lineage_edges": [row[1:] for row in rows["lineage_edges"]],
        "log_entries": [row[:3] for row in rows["log_entries"]],
    }


def wipe(register: Register) -> None:
    """Empty the tables an import writes, edge ids starting again at 1."""
    with register.engine.begin() as c:
        for table in reversed(TABLES):
            c.execute(table.delete())
        if c.dialect.name == "postgresql":
            c.execute(
                text("SELECT setval(pg_get_serial_sequence('lineage_edges', 'id'), 1, false)")
            )


def forget_progress(register: Register) -> None:
    with register.engine.begin() as c:
        c.execute(import_progress.delete())


def figures(report: Any) -> tuple[Any, ...]:
    return (
        report.rows_read,
        report.models_added,
        report.external_models,
        report.edges_added,
        report.edges_inferred,
        report.models_deleted,
        [str(p) for p in report.problems],
    )


@pytest.mark.parametrize("batch_size", [13, 100_000], ids=["small-batches", "one-batch"])
@pytest.mark.usefixtures("frozen")
def test_bulk_import_writes_what_the_register_path_wrote(
    register: Register, sample: Path, batch_size: int
) -> None:
    old = legacy_import(register, sample, batch_size)
    old_rows, old_head = dump(register), register.head()
    forget_progress(register)  # a second reading meets every row already stored
    old_again = legacy_import(register, sample, batch_size)
    old_again_rows = dump(register)

    wipe(register)
    new = import_hf_lineage(register, sample, progress=False, batch_size=batch_size)
    assert dump(register) == old_rows
    assert register.head() == old_head
    assert figures(new)[:-1] == figures(old)[:-1]
    assert figures(new)[-1] == figures(old)[-1]  # the same problems, on the same lines
    assert register.verify().ok
    forget_progress(register)
    again = import_hf_lineage(register, sample, progress=False, batch_size=batch_size)
    assert dump(register) == old_again_rows
    assert figures(again) == figures(old_again)
    assert (again.models_added, again.edges_added) == (0, 0)
    assert register.head() == old_head
    with register.engine.connect() as c:
        stored = dict(c.execute(select(models.c.id, models.c.external)).all())
        deleted = c.execute(select(models.c.deleted_at).where(models.c.id == "z/a")).scalar()
    assert stored["z/late-base"] is False  # described after it was met as a base
    assert deleted == dt.date(2025, 4, 16)


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)


@given(
    edge=st.tuples(texts, texts, texts, texts, texts),
    seq=st.integers(1, 2**40),
    edge_id=st.integers(1, 2**40),
    prev=st.text("0123456789abcdef", min_size=0, max_size=64),
    at=st.datetimes(timezones=st.just(dt.UTC)),
)
def test_a_bulk_log_entry_is_the_bytes_log_append_writes(
    edge: tuple[str, str, str, str, str], seq: int, edge_id: int, prev: str, at: dt.datetime
) -> None:
    parent, child, relation, status, source = edge
    ref = f"{parent}|{child}|{relation}"
    record = {"id": edge_id, "parent_id": parent, "child_id": child, "relation": relation}
    record |= {"status": status, "source": source}
    appended = merkle.canonical(  # what log.append hashes for the same write
        {
            "v": log.PAYLOAD_VERSION,
            "seq": seq,
            "prev": prev,
            "at": at.isoformat(),
            "kind": "lineage-edge",
            "ref": ref,
            "op": "insert",
            "record": log.snapshot(record),
        }
    )
    assert edge_payload(seq, prev, at.isoformat(), edge_id, edge, ref).encode() == appended


def _seed(register: Register) -> None:
    """Writes made the register's own way before an import: a manual edge, one model."""
    register.add_edges([Edge("z/root", "z/manual", "finetune", "verified", "manual")])
    with register.engine.begin() as c:
        c.execute(models.insert().values(id="z/root", external=True, source="manual"))


def _break_log_writes(monkeypatch: pytest.MonkeyPatch, after: int = 0) -> None:
    """The log write of the ``after``-th batch with edges (0: the first) writes, then fails."""
    calls = {"n": 0}
    for cls in (bulk.SQLiteWriter, bulk.PostgresWriter):
        original = cls._insert_log

        def failing(self: Any, rows: Iterator[Any], at: Any, _orig: Any = original) -> None:
            _orig(self, rows, at)
            calls["n"] += 1
            if calls["n"] > after:
                raise OSError("disk full")

        monkeypatch.setattr(cls, "_insert_log", failing)


@pytest.mark.usefixtures("frozen")
def test_a_failing_import_leaves_the_register_as_it_was(
    register: Register, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(register)
    before, head = dump(register), register.head()
    _break_log_writes(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        import_hf_lineage(register, sample, progress=False, batch_size=100_000)
    assert dump(register) == before
    assert register.head() == head
    assert register.verify().ok


@pytest.mark.usefixtures("frozen")
def test_a_failing_batch_keeps_the_batches_before_it_and_a_rerun_completes(
    register: Register, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(register)
    with monkeypatch.context() as patch:
        _break_log_writes(patch, after=2)
        with pytest.raises(OSError, match="disk full"):
            import_hf_lineage(register, sample, progress=False, batch_size=20)
    with register.engine.connect() as c:
        positions = dict(
            c.execute(select(import_progress.c.source, import_progress.c.position)).all()
        )
        logged = c.execute(select(log_entries.c.seq)).scalars().all()
    sizes = {f"hf-lineage:{p.name}": data_rows(p) for p in lineage_files(sample)}
    assert positions  # the batches before the failing one are in ...
    assert all(pos % 20 == 0 or pos == sizes[src] for src, pos in positions.items())
    assert len(logged) > 1
    assert register.verify().ok  # ... whole
    import_hf_lineage(register, sample, progress=False, batch_size=20)
    resumed, resumed_head = dump(register), register.head()

    wipe(register)
    _seed(register)
    import_hf_lineage(register, sample, progress=False, batch_size=20)
    straight = dump(register)
    if register.engine.dialect.name == "sqlite":
        assert straight == resumed
        assert register.head() == resumed_head
    # PostgreSQL does not give back sequence values a rolled-back batch took, so there the ids
    # (and the entries that record them) differ; everything else is the same
    assert without_ids(straight) == without_ids(resumed)


def test_the_log_after_an_import_verifies_extends_and_proves(
    register: Register, sample: Path
) -> None:
    _seed(register)
    earlier = register.head()
    import_hf_lineage(register, sample, progress=False)
    register.add_edges([Edge("z/manual", "z/after", "adapter", "declared", "manual")])
    assert register.verify(earlier).ok
    now = register.head()
    assert register.consistency(earlier.size).verify(earlier.root)
    with register.engine.connect() as c:
        parent, child, relation = c.execute(
            select(lineage_edges.c.parent_id, lineage_edges.c.child_id, lineage_edges.c.relation)
            .where(lineage_edges.c.source.like("hf-lineage:%"))
            .order_by(lineage_edges.c.id.desc())
        ).first() or ("", "", "")
    proof = register.prove("lineage-edge", f"{parent}|{child}|{relation}")
    assert proof.verify()
    assert (proof.size, proof.root) == (now.size, now.root)
    result = CliRunner().invoke(
        cli, ["log", "verify", "--database", register.engine.url.render_as_string(False)]
    )
    assert result.exit_code == 0, result.output
    with register.engine.begin() as c:  # an edit behind the register's back is still named
        c.execute(
            lineage_edges.update().where(lineage_edges.c.child_id == child).values(status="x")
        )
    audit = register.verify()
    assert any("differs from log entry" in p and child in p for p in audit.problems)


@pytest.fixture(scope="module")
def hub_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 300 rows of the real hub-stats file, one of them repeated with other values."""
    import polars as pl  # noqa: PLC0415 - heavy, and only these tests need it

    frame = read_hub_stats(SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet").head(300)
    again = frame.slice(7, 1).with_columns(pl.lit("text-generation").alias("pipeline_tag"))
    out = tmp_path_factory.mktemp("hub-stats") / "hub_slice.parquet"
    pl.concat([frame, again]).write_parquet(out)
    return out


@pytest.mark.usefixtures("frozen")
def test_bulk_hub_stats_import_writes_what_the_register_path_wrote(
    register: Register, hub_slice: Path
) -> None:
    frame = read_hub_stats(hub_slice)
    with_base = next(
        r for r in frame.iter_rows(named=True) if (r["baseModels"] or {}).get("models")
    )
    parent = with_base["baseModels"]["models"][0]["id"]
    relation = RELATION_BY_HUB.get(with_base["baseModels"]["relation"] or "", "other")
    declared = sum(len((r or {}).get("models") or []) for r in frame["baseModels"])

    def seed() -> None:  # a model met before as a base, and an edge the file repeats
        register.add_edges([Edge(parent, with_base["id"], relation, "declared", "manual")])
        with register.engine.begin() as c:
            c.execute(models.insert().values(id=frame["id"][3], external=True, source="manual"))

    seed()
    old = legacy_hub_stats(register, hub_slice)
    old_rows, old_head = dump(register), register.head()
    wipe(register)
    seed()
    new = import_hub_stats(register, hub_slice)
    assert dump(register) == old_rows
    assert register.head() == old_head
    assert figures(new) == figures(old)
    assert new.models_added > 0
    assert 0 < new.edges_added < declared  # the seeded edge is not added twice
    assert register.verify().ok
    assert import_hub_stats(register, hub_slice).skipped_sources == 1


def test_the_import_gives_its_connection_back_as_it_found_it(tmp_path: Path, sample: Path) -> None:
    register = Register.open(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    with register.engine.connect() as c:
        before = [c.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("cache_size", "temp_store")]
    import_hf_lineage(register, sample, progress=False)
    pool = register.engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedin() == 1  # the import's connection, back in the pool
    with register.engine.connect() as c:
        after = [c.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("cache_size", "temp_store")]
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert after == before
    register.engine.dispose()


def test_rows_with_control_characters_are_reported_and_skipped_on_both_backends(
    register: Any, tmp_path: Path
) -> None:
    """A NUL cannot be stored in PostgreSQL (it was an internal error there); no Hub id holds
    any control character, so such rows are problems on every backend, and the rest imports."""
    write_snapshot(
        tmp_path,
        [
            "lab/ok,finetune,base/a",
            "lab/n\x00ul,finetune,base/a",
            "lab/x,adapter,ba\x00se/b",
            "lab/bell\x07,finetune,base/a",
        ],
        deleted=["lab/gone\x00,finetune,base/a", "lab/ok,finetune,base/a"],
    )
    report = import_hf_lineage(register, tmp_path, progress=False)
    assert [(p.line, p.problem) for p in report.problems] == [
        (3, "control character U+0000 in the row; skipped"),
        (4, "control character U+0000 in the row; skipped"),
        (5, "control character U+0007 in the row; skipped"),
    ]
    with register.engine.connect() as c:
        ids = sorted(c.execute(text("SELECT id FROM models")).scalars())
        deleted_ids = c.execute(text("SELECT id FROM models WHERE deleted_at IS NOT NULL"))
        assert ids == ["base/a", "lab/ok"]
        assert list(deleted_ids.scalars()) == ["lab/ok"]
