"""``modtrace trace`` prints the same bytes on each of its paths (issue #15).

On a SQLite register at the head of its schema the command reads through the standard library's
``sqlite3``, and the script starts it without click; everywhere else it goes through click and
SQLAlchemy. Every option combination is run each way over every lineage world
(``tests/lineage_world.py``) and the outputs compared; the errors (an unknown model, an empty
register, a bad URL, a register behind its schema) are the same too.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from sqlalchemy import text

from lineage_world import WORLDS
from modtrace.cli.entry import trace_plainly
from modtrace.cli.main import cli
from modtrace.registry import reading
from modtrace.registry.address import MIGRATIONS, head_revisions
from modtrace.registry.db import make_engine
from modtrace.registry.register import Register

SOURCES: list[list[str]] = [[], ["hf-lineage"], ["hub-stats", "card"], ["manual"], ["filing"]]


def _build(world: str, url: str) -> list[str]:
    """Fill the register at ``url`` with ``world``; every model id it mentions."""
    register = Register.open(url)
    WORLDS[world](register)
    with register.engine.connect() as c:
        ids = {
            row[0]
            for row in c.execute(
                text("SELECT parent_id FROM lineage_edges UNION SELECT child_id FROM lineage_edges")
            )
        }
    register.engine.dispose()
    return sorted(ids)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    """Each world in its own SQLite register: its URL and its model ids."""
    folder = tmp_path_factory.mktemp("worlds")
    out = {}
    for world in WORLDS:
        url = f"sqlite:///{folder / f'{world}.sqlite3'}"
        out[world] = (url, _build(world, url))
    return out


class Paths:
    """Runs ``modtrace trace`` three ways: without click (the script's entry,
    :func:`trace_plainly`), through click reading with sqlite3, and through click with
    :func:`open_sqlite` refused (SQLAlchemy). ``opened`` says, for each time the register was
    opened, whether sqlite3 read it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        self.runner = CliRunner()
        self.capsys = capsys
        self.opened: list[bool] = []
        self.refuse = False
        self.bare: tuple[int, str, str] | None = None
        real = reading.open_sqlite

        def spy(url: str) -> sqlite3.Connection | None:
            connection = None if self.refuse else real(url)
            self.opened.append(connection is not None)
            return connection

        monkeypatch.setattr(reading, "open_sqlite", spy)

    def run(self, args: list[str], *, plain: bool = True) -> Result:
        """``modtrace trace ARGS`` through click; ``plain=False`` refuses the sqlite3 path."""
        self.refuse = not plain
        self.opened.clear()
        return self.runner.invoke(cli, ["trace", *args])

    def entry(self, args: list[str]) -> tuple[int, str, str] | None:
        """``modtrace trace ARGS`` as the script starts it, without click: exit status, stdout
        and stderr; ``None`` where it leaves the command to click."""
        self.refuse = False
        self.opened.clear()
        self.capsys.readouterr()
        code = trace_plainly(args)
        out, err = self.capsys.readouterr()
        return None if code is None else (code, out, err)

    def both(self, args: list[str], *, read_plainly: bool = True) -> tuple[Result, Result]:
        """Click's sqlite3 run and its SQLAlchemy run; the first read with sqlite3 when
        ``read_plainly`` (and the register was opened at all: bad options are refused first).
        The run without click, where it takes the command (``bare``), printed what click's
        sqlite3 run printed, to the same streams."""
        plain = self.run(args)
        assert self.opened in ([read_plainly], []), (args, self.opened)
        self.bare = self.entry(args)
        if self.bare is not None:
            assert self.bare == (plain.exit_code, plain.stdout, plain.stderr), args
        alchemy = self.run(args, plain=False)
        assert self.opened in ([False], []), (args, self.opened)
        return plain, alchemy


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Paths:
    return Paths(monkeypatch, capsys)


def _same(plain: Result, alchemy: Result, args: list[str]) -> None:
    assert plain.exception is None or isinstance(plain.exception, SystemExit), (
        args,
        plain.exception,
    )
    assert (plain.exit_code, plain.output) == (alchemy.exit_code, alchemy.output), args


DIRECTIONS = ["back", "forward", "ancestry", "descendants"]
DEPTHS: list[list[str]] = [[], ["--depth", "1"], ["--depth", "2"], ["--depth", "3"]]
DELETED: list[list[str]] = [[], ["--include-deleted"]]


def _depths(direction: str) -> list[list[str]]:
    return DEPTHS if direction in ("ancestry", "descendants") else [[]]


def option_grid(model_id: str) -> Iterator[list[str]]:
    """Every combination of the trace options for one model: what is read (direction, depth,
    sources, deleted models) in JSON, which prints every field of every row; and how it is
    printed (text, cut by --limit or not) for each direction, depth and deleted-model choice."""
    for direction, sources, deleted in itertools.product(DIRECTIONS, SOURCES, DELETED):
        for depth in _depths(direction):
            source_args = [x for s in sources for x in ("--source", s)]
            yield [model_id, "--direction", direction, *depth, *source_args, *deleted,
                   "--format", "json"]  # fmt: skip
    for direction, deleted, limit in itertools.product(DIRECTIONS, DELETED, [[], ["--limit", "1"]]):
        for depth in _depths(direction):
            yield [model_id, "--direction", direction, *depth, *deleted, *limit]


@pytest.mark.parametrize("world", list(WORLDS))
def test_every_option_prints_the_same_on_both_paths(
    world: str, worlds: dict[str, tuple[str, list[str]]], paths: Paths
) -> None:
    url, ids = worlds[world]
    runs = 0
    for model_id in ids:
        for args in option_grid(model_id):
            plain, alchemy = paths.both([*args, "--database", url])
            _same(plain, alchemy, args)
            assert plain.exit_code == 0, (args, plain.output)
            assert paths.bare is not None, f"{args}: the script left a plain trace to click"
            runs += 1
    assert runs == len(ids) * (100 + 40)  # per model: 100 readings in JSON, 40 in text


@pytest.mark.parametrize("world", list(WORLDS))
def test_paths_between_every_pair_print_the_same_on_both_paths(
    world: str, worlds: dict[str, tuple[str, list[str]]], paths: Paths
) -> None:
    url, ids = worlds[world]
    found = 0
    for start, end in itertools.permutations(ids, 2):
        for extra in ([], ["--format", "json"], ["--limit", "1"]):
            args = [start, "--path-to", end, *extra, "--database", url]
            plain, alchemy = paths.both(args)
            _same(plain, alchemy, args)
            assert paths.bare is not None, args
            found += "no path" not in plain.output
    assert found, "some pair is joined by a path"


def test_the_worlds_hold_what_the_grid_is_meant_to_cover(
    worlds: dict[str, tuple[str, list[str]]], paths: Paths
) -> None:
    """The comparisons above are only worth something if the worlds have cycles, deleted models,
    external models, merges and several source kinds."""
    cycle = paths.run(["a/x", "--direction", "descendants", "--database", worlds["cycle"][0]])
    assert "cycle in the data" in cycle.output
    assert "deleted from the Hub, left out: 1" in cycle.output
    merged = paths.run(["m/merged", "--direction", "back", "--database", worlds["merge"][0]])
    assert "m/merged: 3 parents" in merged.output
    lora = paths.run(["m/merged", "--database", worlds["merge"][0]])
    assert "(external: not described in the register)" in lora.output
    kinds = paths.run(
        [
            "org/base",
            "--direction",
            "descendants",
            "--include-deleted",
            "--database",
            worlds["sources"][0],
        ],
        plain=True,
    )
    for kind in ("[hf-lineage]", "[hub-stats]", "[card]", "(deleted 2025-04-02)"):
        assert kind in kinds.output


def backend_grid(model_id: str) -> Iterator[list[str]]:
    """A smaller grid for comparing databases: each direction, with and without deleted models,
    in both formats; a depth and a source filter on the walks."""
    for direction, deleted, fmt in itertools.product(DIRECTIONS, DELETED, ["text", "json"]):
        yield [model_id, "--direction", direction, *deleted, "--format", fmt]
    for direction in ("ancestry", "descendants"):
        yield [model_id, "--direction", direction, "--depth", "2", "--source", "hf-lineage"]
        yield [model_id, "--direction", direction, "--source", "manual", "--format", "json"]


@pytest.mark.parametrize("world", list(WORLDS))
def test_each_database_prints_what_the_sqlite3_path_prints(
    world: str, database_url: str, worlds: dict[str, tuple[str, list[str]]], paths: Paths
) -> None:
    """The same world in a second register (PostgreSQL, read through SQLAlchemy; or another
    SQLite file) traces to the same lines as the first one read through sqlite3."""
    url, ids = worlds[world]
    assert _build(world, database_url) == ids
    postgres = database_url.startswith("postgresql")
    for model_id in ids:
        for args in [*backend_grid(model_id), [model_id, "--path-to", ids[-1]]]:
            ours = paths.run([*args, "--database", url])
            assert paths.opened == [True]
            theirs = paths.run([*args, "--database", database_url])
            assert paths.opened == [not postgres], args
            assert (ours.exit_code, ours.output) == (theirs.exit_code, theirs.output), args


# --- errors: the same on both paths ---------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["nobody/nothing"], id="unknown-model"),
        pytest.param(["org/base", "--path-to", "nobody/nothing"], id="unknown-path-to"),
        pytest.param(["org/base", "--source", "web"], id="unknown-source"),
        pytest.param(["org/base", "--depth", "0"], id="depth-zero"),
        pytest.param(["org/base", "--direction", "sideways"], id="bad-direction"),
    ],
)
def test_errors_are_the_same_on_both_paths(
    args: list[str], worlds: dict[str, tuple[str, list[str]]], paths: Paths
) -> None:
    plain, alchemy = paths.both([*args, "--database", worlds["sources"][0]])
    _same(plain, alchemy, args)
    assert plain.exit_code == 2
    assert plain.output.startswith("error: ") or "Error:" in plain.output


@pytest.mark.parametrize(
    "form",
    [
        pytest.param("sqlite:///{absolute}", id="absolute"),
        pytest.param("sqlite:///{relative}", id="relative"),
        pytest.param("sqlite+pysqlite:///{absolute}", id="driver"),
    ],
)
def test_an_empty_register_is_named_alike_on_both_paths(
    form: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: Paths
) -> None:
    monkeypatch.chdir(tmp_path)
    url = form.format(absolute=tmp_path / "empty.sqlite3", relative="empty.sqlite3")
    Register.open(url).engine.dispose()
    plain, alchemy = paths.both(["org/base", "--database", url])
    _same(plain, alchemy, [url])
    assert plain.output == (
        f"error: register: the register at {url} is empty; fill it with `bash scripts/demo.sh` "
        "or `modtrace import hf-lineage DIR`\n"
    )


def _behind(url: str) -> None:
    """A register made by the previous release (its schema one migration behind the head),
    holding one edge."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    (head,) = head_revisions()
    down = ScriptDirectory.from_config(config).get_revision(head).down_revision
    assert isinstance(down, str)
    engine = make_engine(url)
    with engine.begin() as c:
        config.attributes["connection"] = c
        command.upgrade(config, down)
        c.execute(
            text(
                "INSERT INTO lineage_edges (parent_id, child_id, relation, status, source) "
                "VALUES ('acme/base', 'user/tune', 'finetune', 'declared', 'manual')"
            )
        )
    engine.dispose()


def test_a_register_behind_its_schema_is_upgraded_then_traced(tmp_path: Path, paths: Paths) -> None:
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    _behind(url)
    first = paths.runner.invoke(cli, ["trace", "acme/base", "--database", url])
    assert paths.opened == [False]  # the read path declined: the register had to be migrated
    assert first.exit_code == 0, first.output
    assert "user/tune" in first.output
    again = paths.run(["acme/base", "--database", url])
    assert paths.opened == [True]  # at the head now: read with sqlite3
    assert again.output == first.output


@pytest.mark.parametrize(
    "database",
    [
        pytest.param("sqlite:///{tmp}", id="a-folder"),
        pytest.param("sqlite:///{tmp}/not-a-database.sqlite3", id="not-a-database"),
        pytest.param("mysql://nobody@nowhere/x", id="no-driver"),
        pytest.param("oracle+nothing://x", id="unknown-kind"),
        pytest.param("not a url", id="not-a-url"),
    ],
)
def test_bad_urls_give_the_same_errors_on_both_paths(
    database: str, tmp_path: Path, paths: Paths
) -> None:
    (tmp_path / "not-a-database.sqlite3").write_text("hello, I am text\n" * 100)
    url = database.format(tmp=tmp_path)
    plain, alchemy = paths.both(["org/base", "--database", url], read_plainly=False)
    _same(plain, alchemy, [url])
    assert plain.exit_code == 2
    assert plain.output.startswith("error: --database: "), plain.output


# --- the read path's own rules --------------------------------------------------------------


def test_the_read_path_opens_only_a_plain_sqlite_file_at_the_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.sqlite3'}"
    Register.open(url).engine.dispose()
    connection = reading.open_sqlite(url)
    assert connection is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        connection.execute("DELETE FROM models")
    connection.close()
    declined = [
        f"sqlite:///{tmp_path / 'missing.sqlite3'}",
        f"sqlite:///{tmp_path}",
        "sqlite:///:memory:",
        "sqlite://",
        f"sqlite:///{tmp_path / 'current.sqlite3'}?mode=ro",
        f"sqlite:///{tmp_path / 'current%2Esqlite3'}",
        "postgresql://postgres@127.0.0.1:1/x",
    ]
    for other in declined:
        assert reading.open_sqlite(other) is None, other
    assert not (tmp_path / "missing.sqlite3").exists(), "declining creates nothing"


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        pytest.param("SELECT :a, :b", {"a": 1, "b": "x"}, id="named"),
        pytest.param("SELECT 1 WHERE 2 IN (:id_0, :id_1)", {"id_0": 1, "id_1": 2}, id="in-list"),
    ],
)
def test_rows_runs_one_text_on_both_kinds_of_connection(
    sql: str, params: dict[str, Any], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    register = Register.open(url)
    plain = sqlite3.connect(tmp_path / "r.sqlite3")
    with register.engine.connect() as c:
        assert [tuple(r) for r in reading.rows(c, sql, params)] == list(
            reading.rows(plain, sql, params)
        )
    plain.close()
    register.engine.dispose()


def test_marks_names_one_parameter_per_value() -> None:
    assert reading.marks("id", ["a", "b", "c"]) == (
        ":id_0, :id_1, :id_2",
        {"id_0": "a", "id_1": "b", "id_2": "c"},
    )
