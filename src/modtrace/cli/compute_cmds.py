"""``modtrace compute``: training-compute estimates from a facts file or from options."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from modtrace.cli.options import format_option
from modtrace.errors import FactsError, ParameterError
from modtrace.facts.model import Facts, Technique, TrainingMethod


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str, allow_nan=False)


@click.group("compute")
def compute_group() -> None:
    """Training-compute estimates."""


@compute_group.command("estimate")
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
