"""Shared fixtures."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from modtrace.regimes.loader import Catalog, default_catalog
from modtrace.registry.db import make_engine
from modtrace.registry.register import Register

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(Path(__file__).parent))
pytest_plugins = ["browser_site"]  # the page tests' served site and browser fixtures


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped regimes."""
    return default_catalog()


SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty register database on each backend.

    PostgreSQL comes from ``MODTRACE_TEST_POSTGRES_URL`` (``scripts/postgres.sh`` starts one);
    in CI its absence is a failure, not a skip.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'register.sqlite3'}"
        return
    url = os.environ.get("MODTRACE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("MODTRACE_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("set MODTRACE_TEST_POSTGRES_URL (bash scripts/postgres.sh) to test PostgreSQL")
    name = f"modtrace_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(
            text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        )
        c.execute(text(f'DROP DATABASE "{name}"'))
    admin.dispose()


@pytest.fixture
def service(request: pytest.FixtureRequest, database_url: str) -> Iterator[Any]:
    """The service world (``tests/service_world.py``) on a fresh register, on each backend; a
    test module that sets ``LENIENT_SERVICE = True`` gets a client answering a server error with
    its 500 instead of raising it (the attack tests read those answers)."""
    from service_world import Service  # noqa: PLC0415 - the web app is heavy

    lenient = bool(getattr(request.module, "LENIENT_SERVICE", False))
    s = Service(database_url, lenient=lenient)
    yield s
    s.close()


@pytest.fixture
def register(database_url: str) -> Iterator[Register]:
    """An empty register on each backend."""
    reg = Register.open(database_url)
    yield reg
    reg.engine.dispose()


@pytest.fixture(scope="session")
def lineage_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real extract of the Hub lineage snapshot, cut at test time from ../shared/data.

    The snapshot carries no licence, so the repository ships none of it; the rows are the
    Llama-3.2-1B-Instruct and Llama-3.1-8B-Instruct families (and whatever derives from their
    children) from the first three weeks, plus the first 40 rows of each week.
    """
    source = SHARED_DATA / "hf-lineage" / "added"
    if not source.is_dir():
        if os.environ.get("CI"):
            pytest.fail("../shared/data/hf-lineage is missing")
        pytest.skip("../shared/data/hf-lineage is not beside this checkout")
    out = tmp_path_factory.mktemp("hf-lineage") / "added"
    out.mkdir()
    family = {"meta-llama/Llama-3.2-1B-Instruct", "meta-llama/Llama-3.1-8B-Instruct"}
    files = sorted(source.glob("added_model_*.csv"))[:3]
    texts = {p.name: p.read_text(encoding="utf-8").splitlines(keepends=True) for p in files}
    for lines in texts.values():  # children of the family join it, so grandchildren come along
        family |= {ln.split(",", 1)[0] for ln in lines[1:] if any(f in ln for f in family)}
    for name, lines in texts.items():
        kept = [lines[0], *lines[1:41]]
        kept += [ln for ln in lines[41:] if any(f in ln for f in family)]
        (out / name).write_text("".join(kept), encoding="utf-8")
    return out.parent


@pytest.fixture(scope="session")
def population(lineage_extract: Path) -> Any:
    """The ecosystem population of the lineage extract, with the real hub-stats and Epoch data
    (a polars DataFrame), built once per run."""
    from modtrace.ecosystem.population import build_population  # noqa: PLC0415 - polars is heavy

    return build_population(
        lineage_extract,
        SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet",
        SHARED_DATA / "epoch",
    )
