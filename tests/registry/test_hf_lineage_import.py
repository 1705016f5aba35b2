"""Importing the Hub lineage snapshot: exact figures, idempotence, problems, crash and resume."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from modtrace.registry.ingest.hf_lineage import data_rows, import_hf_lineage, lineage_files
from modtrace.registry.register import Register
from modtrace.registry.tables import import_progress, lineage_edges, models


def oracle(directory: Path) -> tuple[set[str], set[tuple[str, str]], set[str]]:
    """Independent reading of the CSVs: described ids, (parent, child) pairs, self-loops."""
    ids: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    loops: set[str] = set()
    for path in lineage_files(directory):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                model = row["Model ID"].strip()
                ids.add(model)
                for base in filter(None, (b.strip() for b in row["Base Model"].split(","))):
                    (loops.add(model) if base == model else pairs.add((base, model)))
    return ids, pairs, loops


def counts(register: Register) -> tuple[int, int, int]:
    with register.engine.connect() as c:
        described = c.execute(
            select(func.count()).select_from(models).where(models.c.external.is_(False))
        ).scalar_one()
        external = c.execute(
            select(func.count()).select_from(models).where(models.c.external.is_(True))
        ).scalar_one()
        edges = c.execute(
            text(
                "SELECT COUNT(*) FROM (SELECT DISTINCT parent_id, child_id FROM lineage_edges) AS e"
            )
        ).scalar_one()
    return int(described), int(external), int(edges)


def test_import_matches_an_independent_reading(register: Register, lineage_extract: Path) -> None:
    ids, pairs, loops = oracle(lineage_extract)
    report = import_hf_lineage(register, lineage_extract, progress=False)
    parents = {p for p, _ in pairs}
    assert counts(register) == (len(ids), len(parents - ids), len(pairs))
    assert (report.models_added, report.edges_added) == (len(ids), len(pairs))
    loop_lines = [p for p in report.problems if "names itself" in p.problem]
    assert {p.problem.split(" ")[0] for p in loop_lines} == loops
    assert all(p.file.startswith("added_model_") and p.line > 1 for p in report.problems)
    assert register.verify().ok


def test_import_is_idempotent(register: Register, lineage_extract: Path) -> None:
    import_hf_lineage(register, lineage_extract, progress=False)
    before, head = counts(register), register.head()
    again = import_hf_lineage(register, lineage_extract, progress=False)
    assert again.skipped_sources == len(lineage_files(lineage_extract))
    assert again.rows_read == 0
    with register.engine.begin() as c:  # forget progress: re-reading adds nothing either
        c.execute(import_progress.delete())
    third = import_hf_lineage(register, lineage_extract, progress=False)
    assert (third.models_added, third.edges_added) == (0, 0)
    assert counts(register) == before
    assert register.head() == head


def test_bad_rows_are_reported_and_the_rest_goes_on(register: Register, tmp_path: Path) -> None:
    folder = tmp_path / "added"
    folder.mkdir()
    (folder / "added_model_0101.csv").write_text(
        "Model ID,Type,Base Model\n"
        "org/a,finetune,base/x\n"
        "org/a,finetune,base/y\n"  # duplicate id
        "org/b,merge,org/b\n"  # self-loop
        "org/c,weird,base/x\n"  # unknown type
        ",finetune,base/x\n"  # no id
        "org/d,adapter,\n",  # relation without base
        encoding="utf-8",
    )
    (folder / "added_model_0108.csv").write_text(
        'Model ID,Type,Base Model\norg/a2,finetune,org/a\norg/e,quantized,"org/a, base/x"\n'
        "org/a,adapter,base/x\n",
        encoding="utf-8",
    )
    report = import_hf_lineage(register, tmp_path, progress=False)
    found = [str(p) for p in report.problems]
    assert any("added_model_0101.csv:3: duplicate id org/a" in p for p in found)
    assert any("added_model_0101.csv:4: org/b names itself" in p for p in found)
    assert any("added_model_0101.csv:5: unknown relation type 'weird'" in p for p in found)
    assert any("added_model_0101.csv:6: row without a model id" in p for p in found)
    assert any("added_model_0101.csv:7: relation 'adapter' without a base" in p for p in found)
    assert any("added_model_0108.csv:4: org/a was already imported" in p for p in found)
    with register.engine.connect() as c:
        external = set(c.execute(select(models.c.id).where(models.c.external.is_(True))).scalars())
        merged = c.execute(
            select(func.count())
            .select_from(lineage_edges)
            .where(lineage_edges.c.child_id == "org/e")
        ).scalar_one()
    assert external == {"base/x"}
    assert merged == 2


def test_a_killed_import_leaves_no_half_batch_and_resumes(
    database_url: str, lineage_extract: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big" / "added"
    big.mkdir(parents=True)
    real = Path(__file__).resolve().parents[3] / "shared" / "data" / "hf-lineage" / "added"
    for path in sorted(real.glob("added_model_*.csv"))[:2]:
        (big / path.name).write_bytes(path.read_bytes())
    register = Register.open(database_url)  # migrated before the importer starts
    env = {**os.environ, "MODTRACE_DATABASE_URL": database_url}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "modtrace",
            "import",
            "hf-lineage",
            str(big.parent),
            "--quiet",
            "--batch-size",
            "500",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with register.engine.connect() as c:
            done = c.execute(
                select(func.coalesce(func.sum(import_progress.c.position), 0))
            ).scalar_one()
        if done >= 2000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else "importer ended early"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.stderr:
        proc.stderr.close()
    with register.engine.connect() as c:
        positions = dict(
            c.execute(select(import_progress.c.source, import_progress.c.position)).all()
        )
    assert positions
    sizes = {f"hf-lineage:{p.name}": data_rows(p) for p in lineage_files(big.parent)}
    assert all(pos % 500 == 0 or pos == sizes[src] for src, pos in positions.items())
    assert register.verify().ok  # whatever was committed is whole
    described, _, _ = counts(register)
    assert described <= sum(positions.values())
    report = import_hf_lineage(register, big.parent, progress=False)
    ids, pairs, _ = oracle(big.parent)
    assert counts(register)[0] == len(ids)
    assert counts(register)[2] == len(pairs)
    assert report.rows_read + sum(positions.values()) == sum(
        data_rows(p) for p in lineage_files(big.parent)
    )
    assert register.verify().ok
    register.engine.dispose()
