"""Command groups whose subcommands are imported only when they are used.

``modtrace assess`` should not pay for the register's, the ecosystem's or the service's modules
(SQLAlchemy, Polars, FastAPI...). A :class:`LazyGroup` knows each subcommand by name and by where
it lives (``"module:attribute"``); the module is imported the first time the command is looked
up: when it runs, or when ``--help`` lists it. ``group.commands`` stays a full mapping, so code
that walks the command tree (the completeness and bad-input tests, shell completion) sees every
command, loading each as it reaches it.
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
    first use."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(lazy_commands or {}, self.commands)
