"""The ``modtrace`` command line: a thin layer over the library.

Each command builds its inputs, calls the library, and renders the result; a library
``InputError`` becomes ``error: <field>: <problem>`` on stderr and exit code 2.
Exit codes: 0 decided, 3 indeterminate, 2 bad input.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from modtrace import __version__
from modtrace.cli.lazy import LazyGroup
from modtrace.cli.options import (
    database_option,
    format_option,
    open_catalog,
    open_register,
    regime_file_option,
)
from modtrace.errors import FactsError, ParameterError

EXIT_DECIDED = 0
EXIT_BAD_INPUT = 2
EXIT_INDETERMINATE = 3


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str, allow_nan=False)


LAZY_COMMANDS = {
    "compute": "modtrace.cli.compute_cmds:compute_group",
    "db": "modtrace.cli.register_cmds:db_group",
    "ecosystem": "modtrace.cli.ecosystem_cmds:ecosystem_group",
    "evidence": "modtrace.cli.evidence_cmds:evidence_group",
    "export": "modtrace.cli.register_cmds:export_group",
    "filing": "modtrace.cli.register_cmds:filing_group",
    "gate": "modtrace.cli.gate_cmds:gate_group",
    "import": "modtrace.cli.import_cmds:import_group",
    "incident": "modtrace.cli.register_cmds:incident_group",
    "log": "modtrace.cli.log_cmds:log_group",
    "regimes": "modtrace.cli.regime_cmds:regimes_group",
    "schema": "modtrace.cli.schema_cmds:schema_group",
    "serve": "modtrace.cli.service_cmds:serve",
    "token": "modtrace.cli.service_cmds:token_group",
    "trace": "modtrace.cli.trace_cmds:trace_cmd",
}
"""Every command but ``assess``, by name: its module is imported only when the command runs,
so one assessment loads neither SQLAlchemy nor Polars. A new command group adds its line here,
and its summary below."""

LAZY_SUMMARIES = {
    "compute": "Training-compute estimates.",
    "db": "The register's database.",
    "ecosystem": "The downstream ecosystem on the Hub: who each regime would catch.",
    "evidence": "Turn evaluation results into facts.",
    "export": "Documentation for a derived model (paper Table 5).",
    "filing": "Registrations (the paper's registration obligation) and their review.",
    "gate": "Apply a provider's terms to modification requests (paper Table 6).",
    "import": "Import real data into the register (idempotent, resumable).",
    "incident": "Incidents and their recall lists.",
    "log": "The register's tamper-evident log.",
    "regimes": "List and describe the regimes modtrace knows.",
    "schema": "Published JSON Schemas.",
    "serve": "Start the web service (API, pages) on the register.",
    "token": "API tokens for the web service: create, list, revoke.",
    "trace": "Trace a model one step back or forward, or its whole ancestry or descendants.",
}
"""The first paragraph of each lazy command's help, so that ``modtrace --help`` lists them
without importing their modules (tested equal to the commands' own help)."""


@click.group(
    cls=LazyGroup,
    lazy_commands=LAZY_COMMANDS,
    summaries=LAZY_SUMMARIES,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="modtrace")
def cli() -> None:
    """Assess downstream modifications of foundation models under several regimes.

    Example: modtrace assess examples/meditron-70b.yaml --all-regimes
    """


@cli.command()
@click.argument("facts_file", type=click.Path(path_type=Path))
@click.option("--regime", "regime_id", default="govai-2025", show_default=True, help="Regime id.")
@click.option("--all-regimes", is_flag=True, help="Assess under every regime, side by side.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a regime parameter; repeatable.",
)
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Apply the regime version in force on this date (default: today).",
)
@click.option(
    "--evidence",
    "evidence_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A facts patch from `modtrace evidence compare --patch`; repeatable.",
)
@click.option(
    "--terms",
    "terms_file",
    type=click.Path(path_type=Path),
    default=None,
    help="The provider's terms: their published warnings set modification.upstream_warned, "
    "their restrictions original.upstream.permits_significant_modifications.",
)
@regime_file_option
@click.option(
    "--register",
    "use_register",
    is_flag=True,
    help="Read the register's provider notices: a shown-safe notice records the fn 91 showing.",
)
@database_option
@format_option
def assess(
    facts_file: Path,
    regime_id: str,
    all_regimes: bool,
    params: tuple[str, ...],
    at: dt.datetime | None,
    evidence_files: tuple[Path, ...],
    terms_file: Path | None,
    regime_files: tuple[Path, ...],
    use_register: bool,
    database: str | None,
    fmt: str,
) -> None:
    """Assess one facts file; explain who owes what, and why.

    Exit code 0 when decided, 3 when indeterminate, 2 on bad input.

    With --regime-file, a draft regime can be named with --regime and is included in
    --all-regimes.

    Example: modtrace assess examples/meditron-70b.yaml --param upstream_threshold_flop=1e23
    """
    plain = not (params or evidence_files or terms_file or regime_files or use_register)
    if plain and fmt == "text":  # the lean path, without pydantic (docs/scale.md, "Start-up")
        from modtrace.determination.lean import assess_text

        lean = assess_text(facts_file, regime_id=regime_id, all_regimes=all_regimes, at=_date(at))
        if lean is not None:
            click.echo(lean[0])
            sys.exit(EXIT_DECIDED if lean[1] else EXIT_INDETERMINATE)
    from modtrace.determination.assess import assess as run_assessment
    from modtrace.determination.explain import comparison_table, determination_text
    from modtrace.documents import parse_text, read_text
    from modtrace.facts.loader import facts_from_mapping, load_facts, merge
    from modtrace.regimes.loader import parse_param_options, with_overrides

    catalog = open_catalog(regime_files)
    facts = load_facts(facts_file)
    if evidence_files:
        document = facts.model_dump(mode="json")
        for path in evidence_files:
            patch = parse_text(
                read_text(path, FactsError), source=str(path), error=FactsError, suffix=path.suffix
            )
            if not isinstance(patch, dict):
                raise FactsError([(str(path), "a facts patch must be a mapping")])
            document = merge(document, patch)
        facts = facts_from_mapping(document, source="facts with evidence")
    if terms_file is not None:
        from modtrace.upstream.permissions import permissions_patch
        from modtrace.upstream.terms import load_terms
        from modtrace.upstream.warnings import warning_patch

        terms = load_terms(terms_file)
        for patch in (warning_patch(facts, terms), permissions_patch(facts, terms)):
            if patch is not None:
                facts = facts_from_mapping(
                    merge(facts.model_dump(mode="json"), patch), source="facts"
                )
    if use_register:
        from modtrace.determination.notices import with_notices

        facts = with_notices(facts, open_register(database).notices(facts.original.id))
    overrides = parse_param_options(params)
    day = _date(at)
    if all_regimes:
        regimes = catalog.in_force(day)
        unknown = [n for n in overrides if not any(n in r.parameters for r in regimes)]
        if unknown:
            raise ParameterError(
                [(f"--param {n}", "no regime has this parameter") for n in unknown]
            )
        results = [
            run_assessment(
                facts,
                with_overrides(r, {k: v for k, v in overrides.items() if k in r.parameters}),
                at=day,
            )
            for r in regimes
        ]
        if fmt == "json":
            click.echo(_dump([d.model_dump(mode="json") for d in results]))
        else:
            click.echo(comparison_table(results))
        sys.exit(EXIT_DECIDED if all(d.decided for d in results) else EXIT_INDETERMINATE)
    regime = with_overrides(catalog.get(regime_id, day), overrides)
    determination = run_assessment(facts, regime, at=day)
    if fmt == "json":
        click.echo(determination.model_dump_json(indent=2))
    else:
        click.echo(determination_text(determination))
    sys.exit(EXIT_DECIDED if determination.decided else EXIT_INDETERMINATE)


def main() -> None:
    """Entry point of the ``modtrace`` script."""
    cli(prog_name="modtrace")
