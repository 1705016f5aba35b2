"""Finding 1 of issue 11: the gate never opens a path it was sent. Over HTTP a ``sample_path``
is refused before anything is read; samples travel inline and capped. Only the CLI reads a local
sample file, for its own user."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from modtrace.cli.main import cli
from modtrace.upstream.gate import MAX_SAMPLE_CHARS, MAX_SAMPLE_ITEMS, check, parse_request
from modtrace.upstream.kyc import load_list
from modtrace.upstream.terms import load_terms
from service_world import GATE_REQUEST, GATE_TERMS, Service, canonical, document

DANGER = "Step 1: culture the anthrax spores"


def body(data: dict[str, Any]) -> dict[str, Any]:
    return {"request": {**document(GATE_REQUEST), "data": data}, "terms": document(GATE_TERMS)}


@pytest.mark.parametrize(
    "path",
    ["register", "/proc/self/fd/3", "/dev/zero", "/etc/hostname", "/nonexistent"],
    ids=["register-file", "proc-fd", "dev-zero", "existing", "missing"],
)
def test_the_service_never_opens_a_requested_path(
    service: Service, database_url: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if path == "register":
        path = (
            database_url.removeprefix("sqlite:///") if "sqlite" in database_url else "/etc/passwd"
        )
    opened: list[str] = []
    real_open = builtins.open

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(Path, "open", lambda p, *a, **k: spy(str(p), *a, **k))
    answer = canonical(service.post("/api/gate/check", "meta", body({"sample_path": path})), 422)
    assert answer["errors"][0]["field"] == "request.data.sample_path"
    assert path not in opened
    # a missing file and an existing one answer alike: no file-existence oracle
    assert answer["errors"][0]["problem"].startswith("the service never opens a path")
    assert service.register.gate_decisions_of("Example Clinic Lab") == []
    assert service.register.verify().ok


def test_inline_samples_are_screened_and_capped(service: Service) -> None:
    denied = service.post("/api/gate/check", "meta", body({"sample": [DANGER, "hello"]}))
    assert denied.json()["decision"] == "deny"
    too_many = body({"sample": ["x"] * (MAX_SAMPLE_ITEMS + 1)})
    assert canonical(service.post("/api/gate/check", "meta", too_many), 400)["errors"][0][
        "field"
    ].startswith("request.data.sample")
    too_long = body({"sample": ["x" * (MAX_SAMPLE_CHARS + 1)]})
    canonical(service.post("/api/gate/check", "meta", too_long), 400)


def test_check_itself_reads_no_file_even_when_handed_a_path(tmp_path: Path) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text(DANGER + "\n")
    request = parse_request(
        {
            **document(GATE_REQUEST),
            "techniques": ["fine-tuning"],
            "data": {"sample_path": str(sample)},
        }
    )
    decision = check(request, load_terms(GATE_TERMS), load_list())
    assert decision.decision == "escalate"  # unread, so never allowed; never read, so not denied
    assert [r.rule for r in decision.reasons] == ["data:unreadable-sample"]


def test_the_cli_reads_its_own_user_s_sample_file(tmp_path: Path) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text(DANGER + "\n")
    request = tmp_path / "request.yaml"
    doc = {**yaml.safe_load(GATE_REQUEST.read_text()), "data": {"sample_path": str(sample)}}
    request.write_text(yaml.safe_dump(doc))
    result = CliRunner().invoke(cli, ["gate", "check", str(request), "--terms", str(GATE_TERMS)])
    assert result.exit_code == 1
    assert result.output.startswith("DENY")
    assert "data screening found: cbrn" in result.output
