"""The register's schema check: one query against the head read from the migration files.

Alembic runs only for a new or outdated register; the head is read from the files' text, so a
migration added on another branch is the head after a merge without anyone editing a constant.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from modtrace.registry.db import (
    MIGRATIONS,
    head_revisions,
    make_engine,
    migrate,
    schema_is_current,
    stored_revisions,
)
from modtrace.registry.register import Register
from modtrace.registry.tables import metadata

MIGRATION = '''"""{doc}"""
revision = "{revision}"
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass
'''


def _alembic_heads(versions: Path) -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(_config(versions.parent)).get_heads())


def _config(folder: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(folder))
    return config


def _migrations(tmp_path: Path, files: dict[str, tuple[str, str]]) -> Path:
    """A copy of the migrations folder whose versions/ holds ``files``: name -> (id, down)."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder, ignore=shutil.ignore_patterns("versions", "__pycache__"))
    versions = folder / "versions"
    versions.mkdir()
    for name, (revision, down) in files.items():
        source = MIGRATION.format(doc=name, revision=revision, down=down)
        (versions / f"{name}.py").write_text(source, encoding="utf-8")
    return versions


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    versions = MIGRATIONS / "versions"
    assert head_revisions(versions) == _alembic_heads(versions)
    assert len(head_revisions()) == 1


def test_two_branches_merged_have_two_heads_until_a_merge_migration(tmp_path: Path) -> None:
    files = {
        "a": ("0001_a", "None"),
        "b": ("0002_b", '"0001_a"'),
        "c": ("0002_c", "'0001_a'"),
    }
    versions = _migrations(tmp_path / "branched", files)
    assert head_revisions(versions) == {"0002_b", "0002_c"} == _alembic_heads(versions)
    files["m"] = ("0003_merge", '("0002_b", "0002_c")')
    versions = _migrations(tmp_path / "merged", files)
    assert head_revisions(versions) == {"0003_merge"} == _alembic_heads(versions)


def test_a_file_it_cannot_read_leaves_the_answer_to_alembic(tmp_path: Path) -> None:
    versions = _migrations(tmp_path, {"a": ("0001_a", "None")})
    (versions / "b.py").write_text("revision = make_id()\ndown_revision = '0001_a'\n")
    assert head_revisions(versions) == frozenset()


def test_a_new_register_is_migrated_and_then_checked_with_one_query(database_url: str) -> None:
    engine = make_engine(database_url)
    assert stored_revisions(engine) is None
    assert not schema_is_current(engine)
    migrate(engine)
    assert stored_revisions(engine) == head_revisions()
    assert schema_is_current(engine)
    engine.dispose()


def _before_head() -> str:
    """The revision just before the (single) head."""
    (head,) = head_revisions()
    down = ScriptDirectory.from_config(_config()).get_revision(head).down_revision
    assert isinstance(down, str)
    return down


def test_a_register_behind_the_head_is_upgraded_when_opened(database_url: str) -> None:
    engine = make_engine(database_url)
    config = _config()
    with engine.begin() as c:  # a register made by the previous release
        config.attributes["connection"] = c
        command.upgrade(config, _before_head())
    assert stored_revisions(engine) == frozenset({_before_head()})
    assert not schema_is_current(engine)
    tables_before = set(inspect(engine).get_table_names())
    register = Register.open(database_url)
    assert schema_is_current(register.engine)
    assert set(inspect(register.engine).get_table_names()) >= tables_before
    assert set(inspect(register.engine).get_table_names()) >= set(metadata.tables)
    register.engine.dispose()
    engine.dispose()


def test_opening_a_current_register_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    Register.open(url).engine.dispose()
    code = (
        "import sys\n"
        "from modtrace.registry.db import make_engine, migrate\n"
        f"migrate(make_engine({url!r}))\n"
        "print('alembic' in sys.modules, 'mako' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("behind", [True, False])
def test_the_check_and_alembic_agree_on_whether_to_migrate(tmp_path: Path, behind: bool) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    if behind:
        with engine.begin() as c:
            c.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": _before_head()})
    with engine.connect() as c:
        alembic_current = frozenset(MigrationContext.configure(c).get_current_heads())
    assert schema_is_current(engine) == (alembic_current == head_revisions())
    engine.dispose()
