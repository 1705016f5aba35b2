"""The provider obligations checklist: every Table 6 duty and §IV.1 item, gaps listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from modtrace.cli.main import cli
from modtrace.upstream.checklist import duties, load_filled, report
from modtrace.upstream.terms import TermsError, load_terms

ROOT = Path(__file__).resolve().parents[2]
FILLED = ROOT / "examples" / "terms" / "checklist.yaml"
TERMS = ROOT / "examples" / "terms" / "llama-3.1-8b-instruct.yaml"
SEED = ROOT.parent / "shared" / "seed" / "000_1d56db7fb9a51452.txt"


def test_checklist_covers_table_6_and_the_voluntary_guidance() -> None:
    all_duties = duties()
    assert sum(d.kind == "obligation" for d in all_duties) == 7  # Table 6 rows
    assert sum(d.kind == "guidance" for d in all_duties) == 8  # §IV.1 (i)-(viii)
    if SEED.exists():
        text = SEED.read_text(encoding="utf-8")
        for word in (
            "Testing & evaluation",
            "Monitoring",
            "Modification restrictions",
            "Buffers",
            "Licenses and agreements",
            "Information sharing",
        ):
            assert word in text, word


def test_gaps_from_entries_and_seen_evidence() -> None:
    lines = {
        ln.duty.id: ln
        for ln in report(load_filled(FILLED), terms=load_terms(TERMS), gate_decisions=3)
    }
    assert lines["monitoring"].gap is None
    assert lines["buffers"].gap == "not met"
    assert lines["licences-agreements"].status == "partial"  # seen in the terms, not yet confirmed
    assert "3 gate decisions" in lines["kyc-vetting"].evidence[0]
    assert lines["guidance-incident-reporting"].gap == "no entry and no evidence"
    assert lines["guidance-versioning"].gap is None


def test_bad_checklists_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("monitoring: {status: done}\n")
    with pytest.raises(TermsError) as info:
        load_filled(bad)
    assert info.value.issues[0][0] == f"{bad}: monitoring.status"  # the file, then the field
    unknown = tmp_path / "u.yaml"
    unknown.write_text("telepathy: {status: met}\n")
    with pytest.raises(TermsError, match="not a duty"):
        load_filled(unknown)


def test_checklist_command_exits_1_on_obligation_gaps() -> None:
    result = CliRunner().invoke(cli, ["gate", "checklist", str(FILLED), "--terms", str(TERMS)])
    assert result.exit_code == 1
    assert "GAP obligation buffers" in result.output
