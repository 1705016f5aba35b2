"""Finding 8 of issue 11: tokens expire, are listed without their secrets and can be revoked
(ending their page sessions), through the library and the CLI. Both backends."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text, update

from modtrace.cli.main import cli
from modtrace.cli.service_cmds import parse_lifetime
from modtrace.errors import RegisterError
from modtrace.registry import db
from modtrace.registry.db import make_engine, migrate
from modtrace.registry.register import Register
from modtrace.registry.sessions import session_of, start_session
from modtrace.registry.tables import api_tokens
from modtrace.registry.tokens import (
    DEFAULT_LIFETIME,
    create_token,
    digest,
    list_tokens,
    now_utc,
    resolve,
    revoke_id,
)


def test_a_token_lives_until_its_expiry(register: Register) -> None:
    token = create_token(register, "modifier", "Lab", lifetime=dt.timedelta(days=2))
    assert resolve(register, token) is not None
    (info,) = list_tokens(register)
    assert info.expires_at is not None
    assert info.created_at is not None
    assert info.expires_at - info.created_at == dt.timedelta(days=2)
    assert info.state() == "active"
    assert info.state(info.expires_at) == "expired"
    with register.engine.begin() as c:
        c.execute(update(api_tokens).values(expires_at=now_utc() - dt.timedelta(seconds=1)))
    assert resolve(register, token) is None
    assert list_tokens(register)[0].state() == "expired"


def test_default_lifetime_and_bounds(register: Register) -> None:
    create_token(register, "regulator", "AI Office")
    info = list_tokens(register)[0]
    assert info.expires_at is not None
    assert info.created_at is not None
    assert info.expires_at - info.created_at == DEFAULT_LIFETIME
    for bad in (dt.timedelta(0), dt.timedelta(days=4000)):
        with pytest.raises(RegisterError, match="expires_in"):
            create_token(register, "regulator", "AI Office", lifetime=bad)


def test_revoking_ends_sessions(register: Register) -> None:
    token = create_token(register, "regulator", "AI Office")
    started = start_session(register, token)
    assert started is not None
    secret, session = started
    assert session_of(register, secret) == session
    assert revoke_id(register, list_tokens(register)[0].id)
    assert session_of(register, secret) is None
    assert start_session(register, token) is None
    assert not revoke_id(register, 999)


def test_token_commands(database_url: str) -> None:
    runner = CliRunner()
    db = ["--database", database_url]
    made = runner.invoke(
        cli,
        ["token", "create", "--role", "provider", "--subject", "Meta", "--expires-in", "12h", *db],
    )
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    listed = runner.invoke(cli, ["token", "list", "--format", "json", *db])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert secret not in listed.output
    assert (row["role"], row["subject"], row["state"]) == ("provider", "Meta", "active")
    expires = dt.datetime.fromisoformat(row["expires_at"]) - dt.datetime.fromisoformat(
        row["created_at"]
    )
    assert expires == dt.timedelta(hours=12)
    text = runner.invoke(cli, ["token", "list", *db]).output
    assert "active" in text
    assert "Meta" in text
    assert runner.invoke(cli, ["token", "revoke", str(row["id"]), *db]).exit_code == 0
    assert (
        json.loads(runner.invoke(cli, ["token", "list", "--format", "json", *db]).output)[0][
            "state"
        ]
        == "revoked"
    )
    register = Register.open(database_url)
    assert resolve(register, secret) is None
    register.engine.dispose()
    missing = runner.invoke(cli, ["token", "revoke", "999", *db])
    assert missing.exit_code == 2
    assert "error: token_id: no token with id 999" in missing.output
    bad = runner.invoke(
        cli,
        ["token", "create", "--role", "modifier", "--subject", "x", "--expires-in", "forever", *db],
    )
    assert bad.exit_code == 2
    assert "error: expires_in:" in bad.output


@given(st.integers(1, 999_999), st.sampled_from("hdw"))
def test_lifetimes_parse(n: int, unit: str) -> None:
    hours = {"h": 1, "d": 24, "w": 168}[unit]
    assert parse_lifetime(f"{n}{unit}") == dt.timedelta(hours=n * hours)


def test_tokens_made_before_expiry_existed_get_one(database_url: str) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    with engine.begin() as c:
        config.attributes["connection"] = c
        command.upgrade(config, "0006_kyc_judgements")
        c.execute(
            text(
                "INSERT INTO api_tokens (token_hash, role, subject, revoked) "
                "VALUES (:h, 'regulator', 'AI Office', false)"
            ),
            {"h": digest("mt_old")},
        )
    migrate(engine)
    register = Register(engine)
    (info,) = list_tokens(register)
    assert info.expires_at is not None
    assert info.created_at is not None
    assert info.expires_at - info.created_at == DEFAULT_LIFETIME
    assert resolve(register, "mt_old") is not None
    engine.dispose()
