"""Exceptions raised by modtrace.

The hierarchy, so that callers can catch at the level they care about::

    ModtraceError
    ├── InputError            bad input from a user: a field, and what is wrong with it
    │   ├── FactsError        a facts file that cannot be read or does not validate
    │   ├── ParameterError    an unknown regime parameter, or a value of the wrong kind
    │   ├── UnknownRegimeError a regime id that no regime file defines
    │   └── RegisterError     a register request that cannot be done (unknown id, bad transition)
    │       └── ConflictError a concurrent change got there first (e.g. two reviews of one filing)
    └── RegimeDefinitionError a regime file shipped with (or given to) modtrace is malformed

Every ``InputError`` carries ``issues``: a list of ``(field, problem)`` pairs that the CLI prints
as ``error: <field>: <problem>`` and that the API will return in its JSON error body.
"""

from __future__ import annotations

from collections.abc import Sequence


class ModtraceError(Exception):
    """Base class of every error modtrace raises on purpose."""


class InputError(ModtraceError):
    """Input from a user is wrong; ``issues`` names each field and its problem."""

    def __init__(self, issues: Sequence[tuple[str, str]]) -> None:
        self.issues: list[tuple[str, str]] = list(issues)
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in self.issues))


class FactsError(InputError):
    """A facts file cannot be parsed or does not match the facts schema."""


class ParameterError(InputError):
    """A parameter override names an unknown parameter or has a value of the wrong kind."""


class UnknownRegimeError(InputError):
    """No regime with this id exists."""


class RegimeDefinitionError(ModtraceError):
    """A regime definition file is malformed (a bug in the regime data, not user input)."""


class RegisterError(InputError):
    """A register request names an unknown record or asks for an impossible change."""


class ConflictError(RegisterError):
    """Another write changed the record first; nothing was written, read it again and retry."""
