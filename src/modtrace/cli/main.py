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

from modtrace.cli.errors import HouseGroup
from modtrace.cli.options import (
    database_option,
    format_option,
    open_catalog,
    open_register,
    regime_file_option,
)
from modtrace.errors import FactsError, ParameterError
from modtrace.facts.model import Facts, Technique, TrainingMethod

EXIT_DECIDED = 0
EXIT_BAD_INPUT = 2
EXIT_INDETERMINATE = 3


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str, allow_nan=False)


@click.group(cls=HouseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="modtrace")
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


@cli.group()
def regimes() -> None:
    """List and describe the regimes modtrace knows."""


@regimes.command("list")
@format_option
def regimes_list(fmt: str) -> None:
    """List every regime with its versions and effective dates.

    Example: modtrace regimes list
    """
    from modtrace.regimes.loader import default_catalog

    rows = default_catalog().summary()
    if fmt == "json":
        click.echo(_dump(rows))
        return
    for row in rows:
        click.echo(
            f"{row['id']:<16} v{row['version']}  {row['status']:<9} from "
            f"{row['effective_from']}  {row['jurisdiction']:<8} {row['title']}"
        )


@regimes.command("show")
@click.argument("regime_id")
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Show the version in force on this date.",
)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Show with overrides.")
@format_option
def regimes_show(regime_id: str, at: dt.datetime | None, params: tuple[str, ...], fmt: str) -> None:
    """Describe one regime: parameters, steps, roles, obligations and their sources.

    Example: modtrace regimes show eu-ai-act-gpai
    """
    from modtrace.determination.explain import regime_text
    from modtrace.regimes.loader import default_catalog, parse_param_options, with_overrides
    from modtrace.regimes.model import regime_to_data

    catalog = default_catalog()
    regime = with_overrides(catalog.get(regime_id, _date(at)), parse_param_options(params))
    if fmt == "json":
        click.echo(_dump(regime_to_data(regime)))
    else:
        click.echo(regime_text(regime, catalog.sources))


@cli.group()
def compute() -> None:
    """Training-compute estimates."""


@compute.command("estimate")
@click.argument("facts_file", required=False, type=click.Path(path_type=Path))
@click.option("--parameters", type=float, help="Parameters of the original (N).")
@click.option("--tokens", type=float, help="Training tokens per epoch (D).")
@click.option("--epochs", type=float, help="Epochs.")
@click.option(
    "--method", type=click.Choice([m.value for m in TrainingMethod]), help="Training method."
)
@click.option(
    "--technique",
    "techniques",
    multiple=True,
    type=click.Choice([t.value for t in Technique]),
    help="Technique; repeatable.",
)
@click.option("--hours", type=float, help="Accelerator-hours.")
@click.option("--peak", type=float, help="Peak FLOP/s of one accelerator.")
@click.option("--utilization", type=float, help="Model FLOP utilization (0-1].")
@click.option("--measured", type=float, help="Measured modification compute in FLOP.")
@format_option
def compute_estimate(
    facts_file: Path | None,
    parameters: float | None,
    tokens: float | None,
    epochs: float | None,
    method: str | None,
    techniques: tuple[str, ...],
    hours: float | None,
    peak: float | None,
    utilization: float | None,
    measured: float | None,
    fmt: str,
) -> None:
    """Estimate modification (and original) compute from a facts file or from options.

    Example: modtrace compute estimate --parameters 70e9 --tokens 48.1e9 --epochs 1 --method full
    """
    from modtrace.compute.estimate import estimate_all
    from modtrace.determination.explain import estimate_line
    from modtrace.facts.flatten import facts_to_row
    from modtrace.facts.loader import load_facts

    given = [parameters, tokens, epochs, method, hours, peak, utilization, measured]
    if facts_file is not None:
        facts: Facts = load_facts(facts_file)
    elif all(v is None for v in given) and not techniques:
        raise ParameterError(
            [
                (
                    "FACTS_FILE",
                    "nothing to estimate: give a facts file, or --parameters and "
                    "--tokens, or --hours and --peak (see --help)",
                )
            ]
        )
    else:
        training = {"method": method, "tokens": tokens, "epochs": epochs}
        hardware = {"accelerator_hours": hours, "peak_flop_per_s": peak, "utilization": utilization}
        facts = _facts_from_options(
            {
                "original": {
                    "id": "(not given)",
                    "provider": "(not given)",
                    "parameters": parameters,
                },
                "modifier": {"name": "(not given)"},
                "modification": {
                    "techniques": list(techniques) or None,
                    "compute_flop": measured,
                    "training": training,
                    "hardware": hardware,
                },
            }
        )
    estimates = estimate_all(facts_to_row(facts))
    if fmt == "json":
        click.echo(_dump({k: e.as_dict() for k, e in estimates.items()}))
        return
    for name, estimate in estimates.items():
        click.echo(f"{name}: {estimate_line(estimate.as_dict())}")


_OPTION_OF_FIELD = {
    "original.parameters": "--parameters",
    "modification.training.tokens": "--tokens",
    "modification.training.epochs": "--epochs",
    "modification.training.method": "--method",
    "modification.techniques": "--technique",
    "modification.hardware.accelerator_hours": "--hours",
    "modification.hardware.peak_flop_per_s": "--peak",
    "modification.hardware.utilization": "--utilization",
    "modification.compute_flop": "--measured",
}


def _facts_from_options(document: dict[str, Any]) -> Facts:
    """Facts built from ``compute estimate``'s options; errors name the option, not the field."""
    from modtrace.facts.loader import facts_from_mapping

    try:
        return facts_from_mapping(document, source="options")
    except FactsError as exc:
        raise FactsError([(_OPTION_OF_FIELD.get(f, f), p) for f, p in exc.issues]) from None


@cli.group()
def schema() -> None:
    """Published JSON Schemas."""


@schema.command("facts")
def schema_facts() -> None:
    """Print the JSON Schema of a facts file.

    Example: modtrace schema facts > facts.schema.json
    """
    click.echo(_dump(Facts.model_json_schema()))


@schema.command("terms")
def schema_terms() -> None:
    """Print the JSON Schema of a provider's terms file (`gate check --terms`).

    Example: modtrace schema terms > terms.schema.json
    """
    from modtrace.upstream.terms import Terms

    click.echo(_dump(Terms.model_json_schema()))


@schema.command("gate-request")
def schema_gate_request() -> None:
    """Print the JSON Schema of a modification request (`gate check REQUEST`).

    Example: modtrace schema gate-request > request.schema.json
    """
    from modtrace.upstream.gate import GateRequest

    click.echo(_dump(GateRequest.model_json_schema()))


def _register_commands() -> None:
    from modtrace.cli.ecosystem_cmds import ecosystem_group
    from modtrace.cli.evidence_cmds import evidence_group
    from modtrace.cli.gate_cmds import gate_group
    from modtrace.cli.log_cmds import log_group
    from modtrace.cli.regime_cmds import COMMANDS as REGIME_COMMANDS
    from modtrace.cli.register_cmds import COMMANDS
    from modtrace.cli.service_cmds import SERVICE_COMMANDS

    for command in [
        *COMMANDS,
        *SERVICE_COMMANDS,
        log_group,
        ecosystem_group,
        evidence_group,
        gate_group,
    ]:
        cli.add_command(command)
    for command in REGIME_COMMANDS:
        regimes.add_command(command)


_register_commands()


def main() -> None:
    """Entry point of the ``modtrace`` script."""
    cli(prog_name="modtrace")
