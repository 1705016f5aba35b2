"""What a command loads: one assessment, or one trace, imports only what it needs.

Each check runs the CLI's ``main`` in a fresh interpreter and lists the modules it left loaded.
No timings here: ``bench/startup.py`` measures them against ``python -c pass`` and a sqlite3
script.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

import modtrace
from conftest import EXAMPLES
from modtrace.cli.lazy import LazyCommands, LazyGroup
from modtrace.cli.main import LAZY_COMMANDS, LAZY_SUMMARIES, cli
from modtrace.registry.register import Edge, Register
from startup_probe import loaded_by, top_level

HEAVY = ["sqlalchemy", "alembic", "mako", "polars", "fastapi", "uvicorn", "huggingface_hub", "rich"]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([str(EXAMPLES / "meditron-70b.yaml")], id="one-regime"),
        pytest.param([str(EXAMPLES / "meditron-70b.yaml"), "--all-regimes"], id="all-regimes"),
        pytest.param([str(EXAMPLES / "meditron-70b.yaml"), "--format", "json"], id="json"),
    ],
)
def test_an_assessment_loads_no_database_dataframe_or_web_library(args: list[str]) -> None:
    code, modules = loaded_by(["assess", *args])
    assert code in (0, 3)
    assert not top_level(modules) & set(HEAVY), sorted(top_level(modules) & set(HEAVY))
    command_modules = {m for m in modules if m.startswith("modtrace.cli.") and "_cmds" in m}
    assert not command_modules, "other command groups were imported"
    assert "modtrace.registry.register" not in modules


def test_help_lists_every_command_without_importing_any_command_group() -> None:
    code, modules = loaded_by(["--help"])
    assert code == 0
    assert not {m for m in modules if m.startswith("modtrace.cli.") and "_cmds" in m}
    assert not top_level(modules) & set(HEAVY)


@pytest.mark.parametrize("limit", [20, 45, 62, 200])
def test_each_summary_lists_as_its_command_does(limit: int) -> None:
    """The summaries ``--help`` lists without importing a command are the commands' own
    listing lines at every width: a command whose help changes fails here until its summary
    does."""
    assert LAZY_SUMMARIES.keys() == LAZY_COMMANDS.keys()
    unloaded = LazyGroup(lazy_commands=LAZY_COMMANDS, summaries=LAZY_SUMMARIES)
    for name in LAZY_COMMANDS:
        assert isinstance(unloaded.commands, LazyCommands)
        assert name in unloaded.commands.pending()  # listed from its summary
        own = cli.commands[name].get_short_help_str(limit)
        assert unloaded.listed_help(name, limit) == own, name


def test_version_loads_neither_pydantic_nor_yaml() -> None:
    code, modules = loaded_by(["--version"])
    assert code == 0
    assert not top_level(modules) & {"pydantic", "yaml", *HEAVY}


def _small_register(url: str) -> None:
    register = Register.open(url)
    register.upsert_model("acme/base")
    register.add_edges([Edge("acme/base", "user/tune", "finetune")])
    register.engine.dispose()


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="one-step"),
        pytest.param(["--direction", "descendants"], id="descendants"),
        pytest.param(["--direction", "ancestry", "--depth", "1"], id="ancestry-depth"),
        pytest.param(["--path-to", "user/tune", "--format", "json"], id="path-to"),
        pytest.param(["--source", "manual", "--include-deleted"], id="filters"),
    ],
)
def test_a_sqlite_trace_loads_neither_sqlalchemy_nor_click(tmp_path: Path, args: list[str]) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    _small_register(url)
    code, modules = loaded_by(["trace", "acme/base", *args, "--database", url])
    assert code == 0
    top = top_level(modules)
    assert not top & {"click", *HEAVY, "pydantic", "yaml"}, sorted(top & {"click", *HEAVY})
    assert "sqlite3" in top
    assert "modtrace.registry.register" not in modules


def test_a_sqlite_trace_with_an_error_loads_neither_sqlalchemy_nor_click(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    _small_register(url)
    code, modules = loaded_by(["trace", "nobody/nothing", "--database", url])
    assert code == 2
    assert not top_level(modules) & {"sqlalchemy", "click"}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--help"], id="help"),
        pytest.param(["--depth=2"], id="equals-form"),
        pytest.param(["--depth", "0"], id="refused-value"),
    ],
)
def test_other_trace_forms_are_left_to_click(tmp_path: Path, args: list[str]) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    _small_register(url)
    code, modules = loaded_by(["trace", "acme/base", *args, "--database", url])
    assert code in (0, 2)
    assert "click" in top_level(modules)
    assert "sqlalchemy" not in top_level(modules)  # click's path reads SQLite with sqlite3 too


def test_a_new_sqlite_register_is_created_through_sqlalchemy(tmp_path: Path) -> None:
    """A file that does not exist yet is made (and migrated) as before: SQLAlchemy and Alembic."""
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    code, modules = loaded_by(["trace", "acme/base", "--database", url])
    assert code == 2  # the register is empty
    assert {"sqlalchemy", "alembic"} <= top_level(modules)
    assert (tmp_path / "new.sqlite3").is_file()


def test_only_a_postgresql_trace_loads_sqlalchemy(database_url: str) -> None:
    _small_register(database_url)
    code, modules = loaded_by(["trace", "acme/base", "--database", database_url])
    assert code == 0
    top = top_level(modules)
    assert ("sqlalchemy" in top) == ("click" in top) == database_url.startswith("postgresql")
    assert not top & {"alembic", "mako", "pydantic", "yaml", "polars", "fastapi"}


def test_every_lazy_command_loads_and_has_its_name() -> None:
    for name, where in LAZY_COMMANDS.items():
        command = cli.commands[name]
        assert command.name == name, where
    assert set(cli.list_commands(None)) == {"assess", *LAZY_COMMANDS}  # type: ignore[arg-type]


def test_lazy_commands_are_a_full_mapping() -> None:
    commands = LazyCommands({"trace": "modtrace.cli.trace_cmds:trace_cmd"})
    assert list(commands) == ["trace"]
    assert commands.pending() == ["trace"]
    assert "trace" in commands
    assert commands.get("nope") is None
    assert commands["trace"].name == "trace"
    assert commands.pending() == []
    del commands["trace"]
    assert len(commands) == 0
    with pytest.raises(KeyError):
        del commands["trace"]


def test_a_lazy_entry_naming_the_wrong_command_is_refused() -> None:
    commands = LazyCommands({"trace": "modtrace.cli.trace_cmds:open_for_reading"})
    with pytest.raises(TypeError, match="not the click command 'trace'"):
        commands["trace"]


def test_the_version_printed_is_the_installed_one() -> None:
    assert modtrace.__version__ == importlib.metadata.version("modtrace")
