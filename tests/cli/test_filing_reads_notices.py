"""``modtrace filing submit`` records determinations with the register's notices (paper fn 91),
as ``modtrace assess --register`` and the API assess them (found by the audit: it filed without
them, so one modification was recorded in-scope from the CLI and out-of-scope from the API)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from modtrace.cli.main import cli
from modtrace.determination.notices import SHOWN_SAFE
from modtrace.registry.register import Register
from modtrace.registry.tables import determinations
from notice_facts import safeguard_removal

FACTS = safeguard_removal(intended_use="research")


def _govai_outcomes(url: str) -> list[str]:
    register = Register.open(url)
    with register.engine.connect() as c:
        found = c.execute(
            select(determinations.c.outcome)
            .where(determinations.c.regime_id == "govai-2025")
            .order_by(determinations.c.id)
        ).scalars()
        outcomes = [str(o) for o in found]
    register.engine.dispose()
    return outcomes


def test_filing_submit_records_the_providers_showing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(json.dumps(FACTS), encoding="utf-8")
    args = ["filing", "submit", str(facts_file), "--database", url]
    runner = CliRunner()
    assert runner.invoke(cli, args).exit_code == 0
    register = Register.open(url)
    register.publish_notice(
        model_id="org/big", provider="Org|org", kind=SHOWN_SAFE, description="ablation study"
    )
    register.engine.dispose()
    assert runner.invoke(cli, args).exit_code == 0
    assert _govai_outcomes(url) == ["in-scope", "out-of-scope"]
