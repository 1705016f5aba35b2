"""``modtrace gate``: a provider's modification gate."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from modtrace.cli.options import database_option, format_option, open_register


@click.group("gate")
def gate_group() -> None:
    """Apply a provider's terms to modification requests (paper Table 6)."""


@gate_group.command("check")
@click.argument("request_file", type=click.Path(path_type=Path))
@click.option(
    "--terms",
    "terms_file",
    required=True,
    type=click.Path(path_type=Path),
    help="The provider's terms for the model (YAML).",
)
@click.option(
    "--list",
    "lists",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Screening list CSV (sanctions, breaches); repeatable. Default: the shipped sample.",
)
@click.option("--record", is_flag=True, help="Record the decision in the register's log.")
@database_option
@format_option
def check_cmd(
    request_file: Path,
    terms_file: Path,
    lists: tuple[Path, ...],
    record: bool,
    database: str | None,
    fmt: str,
) -> None:
    """Answer allow, allow-with-conditions, escalate or deny, with every reason and its source.

    Exit code 0 allow (with or without conditions), 3 escalate, 1 deny, 2 bad input.

    Example: modtrace gate check request.yaml --terms examples/terms/llama-3.1-8b-instruct.yaml
    """
    from modtrace.upstream.gate import check, load_request, record_decision
    from modtrace.upstream.kyc import SAMPLE_LIST, load_list
    from modtrace.upstream.terms import load_terms

    request = load_request(request_file)
    terms = load_terms(terms_file)
    entries = [e for path in (lists or (SAMPLE_LIST,)) for e in load_list(path)]
    verdicts: dict[str, str] = {}
    register = open_register(database) if record or database else None
    if register is not None:
        from modtrace.upstream.monitor import breach_entries

        verdicts = register.kyc_verdicts(request.requester.name)
        entries += breach_entries(register)  # the register of past breaches (fn 70)
    decision = check(request, terms, entries, verdicts)
    if record and register is not None:
        decision_id = record_decision(register, request, terms, decision)
    if fmt == "json":
        click.echo(json.dumps(decision.as_dict(), indent=2))
    else:
        click.echo(
            f"{decision.decision.upper()} — {request.requester.name} asks to modify "
            f"{request.model} "
            f"({', '.join(request.techniques)}) under {terms.provider}'s terms v{terms.version}"
        )
        for r in decision.reasons:
            click.echo(f"  {r.effect:<10} {r.rule}: {r.description}  [{r.source}]")
        for c in decision.conditions:
            click.echo(f"  condition: {c}")
        if decision.screened_domains:
            click.echo(f"  data screening found: {', '.join(decision.screened_domains)}")
        if not decision.reasons:
            click.echo("  no term applies")
    if record:
        click.echo(f"recorded as gate decision {decision_id}")
    sys.exit({"allow": 0, "allow-with-conditions": 0, "escalate": 3, "deny": 1}[decision.decision])


@gate_group.command("checklist")
@click.argument("filled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--terms",
    "terms_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The provider's terms, counted as evidence for licences and restrictions.",
)
@click.option(
    "--database",
    default=None,
    metavar="URL",
    help="Register with recorded gate decisions, counted as evidence for vetting.",
)
@click.option("--requester", default=None, help="Count only this requester's gate decisions.")
def checklist_cmd(
    filled: Path, terms_file: Path | None, database: str | None, requester: str | None
) -> None:
    """The provider obligations checklist (Table 6, §IV.1): status, evidence, gaps.

    Exit code 0 when there is no gap among the obligations, 1 otherwise.

    Example: modtrace gate checklist examples/terms/checklist.yaml --terms terms.yaml
    """
    from modtrace.upstream.checklist import load_filled, report
    from modtrace.upstream.terms import load_terms

    decisions = 0
    if database:
        decisions = len(open_register(database).gate_decisions_of(requester))
    lines = report(
        load_filled(filled),
        terms=load_terms(terms_file) if terms_file else None,
        gate_decisions=decisions,
    )
    for line in lines:
        mark = "GAP " if line.gap else "ok  "
        click.echo(
            f"{mark}{line.duty.kind:<10} {line.duty.id:<36} {line.status:<8} [{line.duty.source}]"
        )
        for item in line.evidence:
            click.echo(f"        evidence: {item}")
        if line.gap:
            click.echo(f"        gap: {line.gap}")
    gaps = [ln for ln in lines if ln.gap and ln.duty.kind == "obligation"]
    guidance_gaps = sum(1 for ln in lines if ln.gap and ln.duty.kind == "guidance")
    click.echo(f"{len(gaps)} obligation gap(s); {guidance_gaps} guidance gap(s)")
    sys.exit(1 if gaps else 0)


@gate_group.command("kyc-review")
@click.option("--requester", required=True)
@click.option("--entry", required=True, help="The listed name the requester matched.")
@click.option("--list-name", required=True, help="Which list the entry is on.")
@click.option("--verdict", required=True, type=click.Choice(["confirmed", "false-positive"]))
@click.option("--reviewer", required=True)
@click.option("--note", default=None)
@database_option
def kyc_review_cmd(
    requester: str,
    entry: str,
    list_name: str,
    verdict: str,
    reviewer: str,
    note: str | None,
    database: str | None,
) -> None:
    """Record a reviewer's verdict on a screening match; later checks remember it.

    Example: modtrace gate kyc-review --requester X --entry Y --list-name L
             --verdict confirmed --reviewer me
    """
    judgement = open_register(database).record_kyc_judgement(
        requester=requester,
        entry=entry,
        list_name=list_name,
        verdict=verdict,
        reviewer=reviewer,
        note=note,
    )
    click.echo(f"recorded KYC judgement {judgement}: {requester} ~ {entry}: {verdict}")


@gate_group.command("monitor")
@database_option
@format_option
def monitor_cmd(database: str | None, fmt: str) -> None:
    """The provider's report of monitored requesters: signals, and whether to revoke or report.

    Example: modtrace gate monitor --database sqlite:///register.sqlite3
    """
    from dataclasses import asdict

    from modtrace.upstream.monitor import monitor

    report = monitor(open_register(database))
    if fmt == "json":
        click.echo(json.dumps([asdict(m) for m in report], indent=2))
        return
    for m in report:
        action = ", ".join(
            a for a, on in (("REVOKE", m.revoke), ("NOTIFY REGULATOR", m.notify_regulator)) if on
        )
        counts = (
            ", ".join(f"{k} {v}" for k, v in sorted(m.decisions.items())) or "no gate decisions"
        )
        click.echo(f"{m.requester}: {action or 'no action'} ({counts})")
        for signal in m.signals:
            click.echo(f"    signal: {signal}")
        for rule in m.rules:
            click.echo(f"    because: {rule}")
    if not report:
        click.echo("no requester in the register")


def _add_breach_commands() -> None:
    from modtrace.cli.breach_cmds import breach_group

    gate_group.add_command(breach_group)


_add_breach_commands()
