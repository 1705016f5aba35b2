"""Commands over the register: the schema, filings, incidents and exports (imports:
``import_cmds``; the log: ``log_cmds``).

Every command takes ``--database URL`` (default: ``MODTRACE_DATABASE_URL``, else a SQLite file in
the user's data directory).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from modtrace.cli.options import (
    ROW_ID,
    database_option,
    open_register,
)
from modtrace.cli.output import count, limit_option, more, require_known, rows_csv
from modtrace.errors import InputError, RegisterError


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str)


@click.group("db")
def db_group() -> None:
    """The register's database."""


@db_group.command("upgrade")
@database_option
def db_upgrade(database: str | None) -> None:
    """Create or migrate the register's schema to the newest version.

    Example: modtrace db upgrade --database sqlite:///register.sqlite3
    """
    register = open_register(database)
    click.echo(f"register ready at {register.engine.url.render_as_string(hide_password=True)}")


@click.group("filing")
def filing_group() -> None:
    """Registrations (the paper's registration obligation) and their review."""


@filing_group.command("submit")
@click.argument("facts_file", type=click.Path(path_type=Path))
@click.option("--model-id", default=None, help="Hub id of the modified model, if published.")
@click.option("--contact", default=None, help="Contact for the regulator (confidential).")
@click.option(
    "--confidential", is_flag=True, help="Keep the intended use out of the public register."
)
@database_option
def filing_submit(
    facts_file: Path,
    model_id: str | None,
    contact: str | None,
    confidential: bool,
    database: str | None,
) -> None:
    """Record a modification, assess it under every regime, and file its registration.

    Example: modtrace filing submit examples/meditron-70b.yaml --model-id epfl-llm/meditron-70b
    """
    from modtrace.determination.assess import assess
    from modtrace.determination.notices import with_notices
    from modtrace.facts.loader import load_facts
    from modtrace.regimes.loader import default_catalog

    facts = load_facts(facts_file)
    register = open_register(database)
    noticed = with_notices(facts, register.notices(facts.original.id))  # paper fn 91
    determined = [assess(noticed, r) for r in default_catalog().in_force()]
    mod_id, filing_id = register.submit_filing(
        facts,
        determined=determined,
        model_id=model_id,
        contact=contact,
        confidential=confidential,
    )
    click.echo(f"modification {mod_id} recorded; filing {filing_id} submitted")
    for d in determined:
        click.echo(f"  {d.regime.id} v{d.regime.version}: {d.outcome}")


@filing_group.command("review")
@click.argument("filing_id", type=ROW_ID)
@click.option(
    "--status",
    "to_status",
    required=True,
    type=click.Choice(["under-review", "accepted", "returned", "submitted"]),
)
@click.option("--reviewer", required=True)
@click.option("--comment", default=None)
@database_option
def filing_review(
    filing_id: int, to_status: str, reviewer: str, comment: str | None, database: str | None
) -> None:
    """Move a filing: submitted → under-review → accepted | returned (→ submitted).

    Example: modtrace filing review 1 --status under-review --reviewer "AI Office"
    """
    open_register(database).review(filing_id, to_status, reviewer=reviewer, comment=comment)
    click.echo(f"filing {filing_id}: {to_status}")


@filing_group.command("show")
@click.argument("filing_id", type=ROW_ID)
@database_option
def filing_show(filing_id: int, database: str | None) -> None:
    """Show a filing and its review history as JSON.

    Example: modtrace filing show 1
    """
    click.echo(_dump(open_register(database).filing(filing_id)))


@click.group("incident")
def incident_group() -> None:
    """Incidents and their recall lists."""


@incident_group.command("report")
@click.option("--title", required=True)
@click.option(
    "--model", "model_ids", multiple=True, required=True, help="Implicated model id; repeatable."
)
@click.option("--date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--severity", type=click.Choice(["low", "medium", "high", "critical"]), default=None)
@click.option("--description", default=None)
@click.option("--developer", default=None, help="Alleged developer (AIID field).")
@click.option("--deployer", default=None, help="Alleged deployer (AIID field).")
@click.option(
    "--harmed", default=None, help="Alleged harmed or nearly harmed parties (AIID field)."
)
@click.option(
    "--reported-by",
    default=None,
    help="Who reports the incident (recorded and logged); default: cli:<your account>.",
)
@database_option
def incident_report(
    title: str,
    model_ids: tuple[str, ...],
    date: dt.datetime | None,
    severity: str | None,
    description: str | None,
    developer: str | None,
    deployer: str | None,
    harmed: str | None,
    reported_by: str | None,
    database: str | None,
) -> None:
    """Record an incident that implicates one or more models, and who reported it.

    Example: modtrace incident report --title "Deepfake abuse" --model some/model --severity high
    """
    reporter = _reporter(reported_by)
    register = open_register(database)
    require_known(register.engine, "--model", list(model_ids))
    incident_id = register.report_incident(
        title=title,
        model_ids=list(model_ids),
        date=date.date() if date else None,
        severity=severity,
        description=description,
        alleged_developer=developer,
        alleged_deployer=deployer,
        harmed_parties=harmed,
        reported_by=reporter,
    )
    click.echo(f"incident {incident_id} recorded")


def _reporter(given: str | None) -> str:
    """The reporter as given, or the local account the command runs under."""
    if given is None:
        return f"cli:{getpass.getuser()}"
    if not given.strip() or len(given) > 200:
        raise RegisterError([("--reported-by", "must be 1 to 200 characters")])
    return given.strip()


@incident_group.command("propagate")
@click.argument("incident_id", type=ROW_ID)
@click.option(
    "--from-root", is_flag=True, help="Recall everything derived from the original models."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True
)
@limit_option
@database_option
def incident_propagate(
    incident_id: int, from_root: bool, fmt: str, limit: int, database: str | None
) -> None:
    """The recall list: the implicated models, the originals and the providers to notify, and
    every derived model with its developer.

    Example: modtrace incident propagate 1 --format csv > recall.csv
    """
    from modtrace.lineage.recall import propagate
    from modtrace.registry.register import provider_of

    register = open_register(database)
    with register.engine.connect() as c:
        recall = propagate(c, incident_id, from_root=from_root)
    implicated = [
        {"model_id": m, "developer": (register.model(m) or {}).get("provider") or provider_of(m)}
        for m in recall.implicated
    ]
    notify = sorted({str(o["provider"]) for o in recall.originals})

    def assessed(row: Any, sep: str) -> str:
        return sep.join(f"{k}={v}" for k, v in sorted(row.assessed.items())) or "not assessed"

    if fmt == "json":
        click.echo(
            _dump(
                {**asdict(recall), "implicated_models": implicated, "providers_to_notify": notify}
            )
        )
        return
    if fmt == "csv":
        rows: list[list[Any]] = [
            ["implicated", m["model_id"], m["developer"], 0, m["model_id"], ""] for m in implicated
        ]
        rows += [
            ["original", o["model_id"], o["provider"], "", f"source of {o['implicated_via']}", ""]
            for o in recall.originals
        ]
        rows += [
            ["derived", r.model_id, r.developer, r.depth, r.path, assessed(r, "; ")]
            for r in recall.downstream
        ]
        header = ["role", "model_id", "developer", "depth", "relation_path", "assessed"]
        click.echo(rows_csv(header, rows), nl=False)
        return
    click.echo(f"incident {recall.incident_id}: {recall.title}")
    click.echo("implicated:")
    for m in implicated:
        click.echo(f"  {m['model_id']}  developer {m['developer']}")
    for unknown in recall.unknown_models:
        click.echo(f"  warning: {unknown} is not in the register")
    click.echo("original models (one step back, to the source):")
    for o in recall.originals:
        click.echo(f"  {o['model_id']}  provider {o['provider']}")
    click.echo(f"providers to notify: {', '.join(notify) or 'none known'}")
    scope = "the originals" if from_root else "the implicated models"
    click.echo(f"derived from {scope}: {count(len(recall.downstream), 'model')} to recall")
    for row in recall.downstream[:limit]:
        click.echo(
            f"  depth {row.depth}  {row.model_id}  developer {row.developer}"
            f"  [{assessed(row, ', ')}]"
        )
        click.echo(f"      {row.path}")
    if (line := more(len(recall.downstream), limit)) is not None:
        click.echo(line)
    if not recall.downstream and not from_root:
        click.echo("  (add --from-root to recall everything derived from the originals)")


@click.group("export")
def export_group() -> None:
    """Documentation for a derived model (paper Table 5)."""


def _write(text_out: str, output: Path | None) -> None:
    if output is None:
        click.echo(text_out, nl=False)
        return
    try:
        output.write_text(text_out, encoding="utf-8")
    except OSError as exc:  # a folder, a missing folder, no permission
        raise InputError([("--output", f"cannot be written: {exc.strerror or exc}")]) from None
    click.echo(f"wrote {output}")


_CARD_LISTS = ("tags", "datasets")
"""Front-matter fields the updated card carries over as lists of names."""


def _checked_parent_card(path: Path) -> Path:
    """The parent card, once its text and front matter are known to be readable: a file of at
    most 5 MiB of UTF-8, front matter that parses (no alias cycles or bombs, no NUL), with
    ``tags`` and ``datasets`` lists of names and ``license`` a name."""
    from huggingface_hub.repocard import REGEX_YAML_BLOCK

    from modtrace.documents import parse_yaml, read_text

    field = "--parent-card"
    try:
        text = read_text(path)
        found = REGEX_YAML_BLOCK.search(text)
        data = parse_yaml(found.group(2), source="front matter") if found else None
    except InputError as exc:
        raise InputError([(field, f"{f}: {p}") for f, p in exc.issues]) from None
    if data is None:
        return path
    if not isinstance(data, dict):
        raise InputError([(field, "front matter: must be a mapping")])
    problems = [
        f"front matter: {key}: must be a list of names"
        for key in _CARD_LISTS
        if data.get(key) is not None
        and not isinstance(data[key], str)
        and not (isinstance(data[key], list) and all(isinstance(x, str) for x in data[key]))
    ]
    if data.get("license") is not None and not isinstance(data["license"], str):
        problems.append("front matter: license: must be a name")
    if problems:
        raise InputError([(field, p) for p in problems])
    return path


@export_group.command("card")
@click.argument("model_id")
@click.option(
    "--parent-card",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The parent's README.md, whose body is carried over.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@database_option
def export_card(
    model_id: str, parent_card: Path | None, output: Path | None, database: str | None
) -> None:
    """An updated model card: the parent's card plus a section on the modification.

    Example: modtrace export card epfl-llm/meditron-70b -o README.md
    """
    from modtrace.documentation.card import updated_card
    from modtrace.documentation.record import derived_model

    if parent_card is not None:
        parent_card = _checked_parent_card(parent_card)
    _write(updated_card(derived_model(open_register(database), model_id), parent_card), output)


@export_group.command("bom")
@click.argument("model_id")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@database_option
def export_bom(model_id: str, output: Path | None, database: str | None) -> None:
    """A CycloneDX 1.6 ML-BOM with the model's ancestors in pedigree.

    Example: modtrace export bom epfl-llm/meditron-70b -o bom.json
    """
    from modtrace.documentation.bom import ml_bom_json
    from modtrace.documentation.record import derived_model

    _write(ml_bom_json(derived_model(open_register(database), model_id)) + "\n", output)
