"""``modtrace assess`` says the same, byte for byte, on the lean path and on the full path.

The lean path (:mod:`modtrace.determination.lean`) answers a plain text assessment of a facts
file its reader vouches for, without pydantic; everything else goes the full way. These tests
run the command both ways on generated documents and on every example, check what the lean
path leaves to the full path (errors keep their messages), and that it loads no pydantic.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from modtrace.cli.main import cli
from modtrace.determination import lean
from modtrace.determination.assess import models
from modtrace.determination.lean import Record, assess_text, records
from startup_probe import loaded_by, top_level
from strategies import documents

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
OPTIONS = [[], ["--all-regimes"], ["--regime", "eu-ai-act-gpai"], ["--regime", "ca-sb53"]]
OPTIONS += [["--at", "2024-01-01", "--all-regimes"], ["--regime", "nope"]]


def run(args: list[str], *, lean_path: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """``modtrace assess ARGS``: exit code and everything printed (stdout, then stderr)."""
    with monkeypatch.context() as m:
        if not lean_path:
            m.setattr(lean, "assess_text", lambda *a, **k: None)
        done = CliRunner().invoke(cli, ["assess", *args])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.stdout + done.stderr


def both(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    full = run(args, lean_path=False, monkeypatch=monkeypatch)
    assert run(args, lean_path=True, monkeypatch=monkeypatch) == full
    return full


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("options", OPTIONS, ids=" ".join)
def test_every_example_reads_the_same_both_ways(
    path: Path, options: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _ = both([str(path), *options], monkeypatch)
    assert code in (0, 2, 3)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_takes_the_lean_path(path: Path) -> None:
    done = assess_text(path, regime_id="govai-2025", all_regimes=True, at=None)
    assert done is not None
    assert "govai-2025" in done[0]


def write(folder: Path, document: Any, suffix: str) -> Path:
    path = folder / f"facts{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(document, default=str))
    else:
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    document=documents(),
    suffix=st.sampled_from([".yaml", ".json"]),
    options=st.sampled_from(OPTIONS[:5]),
)
def test_a_generated_document_reads_the_same_both_ways(
    document: dict[str, Any],
    suffix: str,
    options: list[str],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write(tmp_path_factory.mktemp("facts"), document, suffix)
    both([str(path), *options], monkeypatch)


BASE = {"original": {"id": "org/m", "provider": "Org"}, "modifier": {"name": "Lab"}}


@pytest.mark.parametrize(
    ("document", "error"),
    [
        ({**BASE, "modifier": {"name": "Lab", "jurisdiction": "Narnia"}}, "modifier.jurisdiction"),
        ({**BASE, "original": {"id": "o/m", "provider": "O", "parmeters": 1}}, "unknown field"),
        ({**BASE, "modification": {"compute_flop": -1}}, "modification.compute_flop"),
        ({**BASE, "modification": {"date": "2024-02-30"}}, "modification.date"),
        ({"original": {"id": "o/m", "provider": "O"}}, "modifier: Field required"),
        ([1, 2], "expected a mapping"),
    ],
)
def test_errors_keep_their_messages(
    document: Any, error: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, document, ".json")
    assert assess_text(path, regime_id="govai-2025", all_regimes=False, at=None) is None
    code, printed = both([str(path)], monkeypatch)
    assert code == 2
    assert printed.startswith("error: ")
    assert error in printed


def test_a_document_with_evidence_goes_the_full_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evidence = [{"fact": "modification.upstream_warned", "method": "log", "summary": "read"}]
    document = {**BASE, "modification": {"upstream_warned": False}, "evidence": evidence}
    path = write(tmp_path, document, ".yaml")
    assert assess_text(path, regime_id="govai-2025", all_regimes=False, at=None) is None
    _, printed = both([str(path)], monkeypatch)
    assert "evidence: read [log]" in printed


@pytest.mark.parametrize(
    "options",
    [["--format", "json"], ["--param", "upstream_threshold_flop=1e23"], ["--register"]],
    ids=" ".join,
)
def test_options_the_lean_path_does_not_take_go_the_full_way(
    options: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(lean, "assess_text", lambda *a, **k: calls.append(a))
    CliRunner().invoke(cli, ["assess", str(EXAMPLES / "meditron-70b.yaml"), *options])
    assert calls == []


def test_the_records_have_the_models_fields_and_defaults() -> None:
    made: Any = records()  # light records: no validation, so mypy need not follow
    for name, model in vars(models()).items():
        record = getattr(made, name)
        assert issubclass(record, Record)
        assert [f[0] for f in record.fields] == list(model.model_fields)
    step = made.TraceStep(id="s", question="q?", answer="true", facts={}, source=None)
    assert (step.figures, step.exceptions, step.sensitive, step.note) == ({}, [], False, None)
    other = made.TraceStep(id="t", question="q", answer="true", facts={}, source=None)
    assert other.steps == {}
    assert other.steps is not step.steps
    with pytest.raises(TypeError, match="required"):
        made.TraceStep(id="s")
    with pytest.raises(TypeError, match="unknown"):
        made.CitationOut(source="s", title="t", ref="r", page=1)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([str(EXAMPLES / "meditron-70b.yaml")], id="one-regime"),
        pytest.param([str(EXAMPLES / "deepseek-r1.yaml"), "--all-regimes"], id="all-regimes"),
    ],
)
def test_a_lean_assessment_loads_neither_pydantic_nor_pycountry(
    args: list[str], tmp_path: Path
) -> None:
    env = {**os.environ, "MODTRACE_CACHE_DIR": str(tmp_path)}
    env.pop("MODTRACE_NO_CACHE", None)
    first, built = loaded_by(["assess", *args], env)  # builds the cache: pydantic loads here
    assert "pydantic" in top_level(built)
    code, modules = loaded_by(["assess", *args], env)
    assert code == first
    assert not top_level(modules) & {"pydantic", "pydantic_core", "pycountry"}, top_level(modules)


def test_the_lean_kit_lives_in_the_regime_cache(tmp_path: Path) -> None:
    env = {**os.environ, "MODTRACE_CACHE_DIR": str(tmp_path)}
    loaded_by(["assess", str(EXAMPLES / "meditron-70b.yaml")], env)
    names = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.pickle"))
    assert names == ["catalog", "lean"]


def test_a_date_and_no_date_agree(tmp_path: Path) -> None:
    path = EXAMPLES / "meditron-70b.yaml"
    today = assess_text(path, regime_id="ca-sb53", all_regimes=False, at=None)
    fixed = assess_text(path, regime_id="ca-sb53", all_regimes=False, at=dt.date.today())
    assert today == fixed


def test_with_the_cache_turned_off_the_full_path_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODTRACE_NO_CACHE", "1")
    path = EXAMPLES / "meditron-70b.yaml"
    assert assess_text(path, regime_id="govai-2025", all_regimes=False, at=None) is None
    code, printed = both([str(path)], monkeypatch)
    assert code == 0
    assert "OUT OF SCOPE" in printed
