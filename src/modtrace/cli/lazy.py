"""Command groups whose subcommands are imported only when they are used.

``modtrace assess`` should not pay for the register's, the ecosystem's or the service's modules
(SQLAlchemy, Polars, FastAPI...). A :class:`LazyGroup` knows each subcommand by name and by where
it lives (``"module:attribute"``); the module is imported the first time the command is looked
up, when it runs; ``--help`` lists it from its summary (the first paragraph of its help).
``group.commands`` stays a full mapping, so code that walks the command tree (the completeness
and bad-input tests, shell completion) sees every command, loading each as it reaches it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

import click

from modtrace.cli.errors import HouseGroup


class LazyCommands(MutableMapping[str, click.Command]):
    """Commands by name: loaded ones, and ``name -> "module:attribute"`` not yet imported."""

    def __init__(
        self, lazy: Mapping[str, str], loaded: Mapping[str, click.Command] | None = None
    ) -> None:
        self._lazy = dict(lazy)
        self._loaded: dict[str, click.Command] = dict(loaded or {})

    def __getitem__(self, name: str) -> click.Command:
        if name in self._loaded:
            return self._loaded[name]
        where = self._lazy[name]  # KeyError: no such command
        module, _, attribute = where.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command) or command.name != name:
            raise TypeError(f"{where} is not the click command {name!r}")
        self._loaded[name] = command
        return command

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._lazy.pop(name, None)
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._loaded.pop(name, None)
        self._lazy.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        # A snapshot: loading a command while iterating (``items()``) changes ``_loaded``.
        return iter([*self._loaded, *(name for name in self._lazy if name not in self._loaded)])

    def __len__(self) -> int:
        return len(self._loaded.keys() | self._lazy.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._loaded or name in self._lazy

    def pending(self) -> list[str]:
        """Names whose module has not been imported yet."""
        return sorted(self._lazy.keys() - self._loaded.keys())


class LazyGroup(HouseGroup):
    """A :class:`HouseGroup` whose ``lazy_commands`` (name -> ``"module:attribute"``) load on
    first use. ``summaries`` (name -> the first paragraph of the command's help) let ``--help``
    list a command without importing it; a command without one is imported to list it."""

    def __init__(
        self,
        *args: Any,
        lazy_commands: Mapping[str, str] | None = None,
        summaries: Mapping[str, str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(lazy_commands or {}, self.commands)
        self.summaries = dict(summaries or {})

    def listed_help(self, name: str, limit: int) -> str:
        """The listing's line for ``name``: from its summary while its module is not imported,
        as click shortens a help text (the same line the loaded command gives; tested)."""
        commands = self.commands
        lazy = isinstance(commands, LazyCommands) and name in commands.pending()
        if lazy and name in self.summaries:
            return click.Command(name, help=self.summaries[name]).get_short_help_str(limit)
        return commands[name].get_short_help_str(limit)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's command listing, with :meth:`listed_help` for each line."""
        names = self.list_commands(ctx)
        pending = self.commands.pending() if isinstance(self.commands, LazyCommands) else []
        shown = [
            n
            for n in names
            if (n in pending and n in self.summaries) or not self.commands[n].hidden
        ]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(n) for n in shown)
        with formatter.section("Commands"):
            formatter.write_dl([(n, self.listed_help(n, limit)) for n in shown])
