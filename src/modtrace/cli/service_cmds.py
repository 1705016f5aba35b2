"""The web service and its tokens: ``modtrace serve`` and ``modtrace token``."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import click

from modtrace.cli.options import database_option, format_option, open_register
from modtrace.cli.output import port_free
from modtrace.errors import InputError, RegisterError

_LIFETIME = re.compile(r"^(\d{1,6})([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_lifetime(text: str) -> dt.timedelta:
    """``12h``, ``90d`` or ``8w`` as a duration."""
    match = _LIFETIME.match(text.strip())
    if not match:
        raise RegisterError([("expires_in", f"{text!r}: write a number and h, d or w, e.g. 90d")])
    return dt.timedelta(**{_UNITS[match[2]]: int(match[1])})


@click.group("token")
def token_group() -> None:
    """API tokens for the web service: create, list, revoke."""


@token_group.command("create")
@click.option("--role", required=True, type=click.Choice(["regulator", "provider", "modifier"]))
@click.option(
    "--subject",
    required=True,
    help="Who it acts for; a provider may list its names, e.g. 'Meta|meta-llama'.",
)
@click.option("--label", default=None)
@click.option(
    "--expires-in",
    default="90d",
    show_default=True,
    help="Lifetime: a number and h, d or w (at most 3650d).",
)
@database_option
def token_create(
    role: str, subject: str, label: str | None, expires_in: str, database: str | None
) -> None:
    """Create a token; it is printed once and stored only as a hash.

    Example: modtrace token create --role modifier --subject "EPFL LLM Team" --expires-in 30d
    """
    from modtrace.registry.tokens import create_token

    lifetime = parse_lifetime(expires_in)
    click.echo(create_token(open_register(database), role, subject, label, lifetime=lifetime))


@token_group.command("list")
@format_option
@database_option
def token_list(fmt: str, database: str | None) -> None:
    """Every token: id, role, subject, label, expiry and state (never the secret).

    Example: modtrace token list --format json
    """
    from modtrace.registry.tokens import list_tokens

    tokens = list_tokens(open_register(database))
    if fmt == "json":
        rows = [
            {
                "id": t.id,
                "role": t.role,
                "subject": t.subject,
                "label": t.label,
                "created_at": t.created_at.isoformat() if t.created_at else None,
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "state": t.state(),
            }
            for t in tokens
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for t in tokens:
        expires = t.expires_at.strftime("%Y-%m-%d %H:%M UTC") if t.expires_at else "never"
        label = f"  ({t.label})" if t.label else ""
        click.echo(f"{t.id:>4}  {t.state():<8} {t.role:<10} {t.subject}{label}  expires {expires}")


@token_group.command("revoke")
@click.argument("token_id", type=click.IntRange(1, 2**31 - 1))
@database_option
def token_revoke(token_id: int, database: str | None) -> None:
    """Revoke a token by the id `token list` shows; its page sessions end at once.

    Example: modtrace token revoke 3
    """
    from modtrace.registry.tokens import revoke_id

    if not revoke_id(open_register(database), token_id):
        raise RegisterError([("token_id", f"no token with id {token_id}")])
    click.echo(f"token {token_id} revoked")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    envvar="MODTRACE_PORT",
    help="TCP port, 1-65535.",
)
@click.option(
    "--ecosystem",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/ecosystem"),
    show_default=True,
    help="Folder of a built ecosystem report (for /api/ecosystem/summary).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    envvar="MODTRACE_ALLOWED_HOSTS",
    help="A host name the service answers to (repeat; default localhost, 127.0.0.1, ::1).",
)
@click.option(
    "--docs/--no-docs",
    default=False,
    show_default=True,
    help="Serve interactive API docs at /docs (loads Swagger UI from a CDN in the browser).",
)
@database_option
def serve(
    host: str,
    port: int,
    ecosystem: Path,
    allowed_hosts: tuple[str, ...],
    docs: bool,
    database: str | None,
) -> None:
    """Start the web service (API, pages) on the register.

    Example: modtrace serve --port 8000 --allowed-host modtrace.example.org
    """
    import uvicorn

    from modtrace.api.guard import DEFAULT_HOSTS
    from modtrace.api.service import build

    open_register(database).engine.dispose()  # a bad --database fails here, in the house format
    port_free(host, port)
    app = build(database, ecosystem, allowed_hosts=allowed_hosts or DEFAULT_HOSTS, docs=docs)
    register = app.state.register
    click.echo(f"register: {register.engine.url.render_as_string(hide_password=True)}")
    where = "API docs: /docs, " if docs else ""
    click.echo(f"modtrace on http://{host}:{port}/  ({where}OpenAPI: /openapi.json)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except SystemExit as exc:  # uvicorn exits 3 when it cannot start: not "indeterminate"
        if exc.code not in (0, None):
            raise InputError([("--port", f"the server could not start on {host}:{port}")]) from None


SERVICE_COMMANDS = [token_group, serve]
