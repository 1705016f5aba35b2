"""The one place where errors become the CLI's house format.

Every failure a user can cause ends as ``error: <field>: <problem>`` on stderr, one line per
problem, and exit code 2: a library :class:`~modtrace.errors.InputError` (its issues), and
click's own usage errors (``error: --at: '2025-13-01' is not a valid date (YYYY-MM-DD)``).
Other :class:`~modtrace.errors.ModtraceError` exit 1. Anything else is a bug: it prints one
``error: internal: ...`` line and exits 1; ``MODTRACE_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from modtrace.cli.lines import DEBUG_ENV, EXIT_BAD_INPUT, EXIT_FAILED, error_lines

__all__ = ["DEBUG_ENV", "EXIT_BAD_INPUT", "EXIT_FAILED", "HouseGroup", "fail", "usage_issue"]


def fail(issues: Sequence[tuple[str, str]]) -> NoReturn:
    """Print each ``(field, problem)`` as ``error: field: problem`` and exit 2."""
    for field, problem in issues:
        click.echo(f"error: {field}: {problem}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _sentence(text: str) -> str:
    """click's messages as a clause: first letter lower-case, no final full stop."""
    text = " ".join(text.split())
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    return text.removesuffix(".")


def _param_name(param: click.Parameter | None) -> str | None:
    if param is None:
        return None
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    return param.human_readable_name


def usage_issue(exc: click.UsageError) -> tuple[str, str]:
    """The field and problem of one of click's usage errors."""
    command = exc.ctx.command_path if exc.ctx is not None else "modtrace"
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        group = exc.ctx.command
        names = ", ".join(group.list_commands(exc.ctx)) if isinstance(group, click.Group) else ""
        return command, f"missing command; one of: {names} (see --help)"
    if isinstance(exc, click.MissingParameter):
        return _param_name(exc.param) or command, "is required" + (
            f" ({_sentence(exc.message)})" if exc.message else ""
        )
    if isinstance(exc, click.BadParameter):
        hint = exc.param_hint if isinstance(exc.param_hint, str) else _param_name(exc.param)
        message = _sentence(exc.message).replace(
            "does not match the format '%Y-%m-%d'", "is not a valid date (YYYY-MM-DD)"
        )
        return (hint or command).strip("'\""), message
    if isinstance(exc, click.NoSuchOption):
        hint = f" (did you mean {', '.join(exc.possibilities)}?)" if exc.possibilities else ""
        return exc.option_name, f"no such option{hint}; see {command} --help"
    if isinstance(exc, click.BadOptionUsage):
        return exc.option_name, _sentence(exc.message)
    return command, _sentence(exc.message) + f"; see {command} --help"


class HouseGroup(click.Group):
    """A click group whose every error, its own or the library's, is in the house format."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; in standalone mode exit with its status."""
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            fail([usage_issue(exc)])
        except click.ClickException as exc:
            click.echo(f"error: {_sentence(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(EXIT_FAILED)
        except Exception as exc:  # the library's errors, and bugs: worded in one place
            lines, code = error_lines(exc)
            for line in lines:
                click.echo(line, err=True)
            sys.exit(code)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)
