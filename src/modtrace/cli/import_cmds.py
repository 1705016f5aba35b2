"""``modtrace import``: read the Hub lineage, model cards, hub-stats and Epoch into the register.

Every command takes ``--database URL`` (default: ``MODTRACE_DATABASE_URL``, else a SQLite file in
the user's data directory).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from modtrace.cli.options import database_option, open_register


@click.group("import")
def import_group() -> None:
    """Import real data into the register (idempotent, resumable)."""


@import_group.command("hf-lineage")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@database_option
@click.option(
    "--problems", type=click.Path(path_type=Path), help="Write every problem to this file."
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Rows per transaction.",
)
def import_hf_lineage_cmd(
    directory: Path, database: str | None, problems: Path | None, quiet: bool, batch_size: int
) -> None:
    """Import the Hub lineage snapshot (the added_model_*.csv files).

    Example: modtrace import hf-lineage ../shared/data/hf-lineage
    """
    from modtrace.registry.ingest.hf_lineage import import_hf_lineage

    report = import_hf_lineage(
        open_register(database), directory, progress=not quiet, batch_size=batch_size
    )
    click.echo(
        f"rows read {report.rows_read:,}; models added {report.models_added:,}; external "
        f"models {report.external_models:,}; edges added {report.edges_added:,}; files already "
        f"done {report.skipped_sources}; marked deleted {report.models_deleted:,}; problems "
        f"{len(report.problems):,}"
    )
    _first_problems(report.problems, "" if problems else " (see --problems)")
    if problems:
        problems.write_text("".join(f"{p}\n" for p in report.problems), encoding="utf-8")


@import_group.command("model-cards")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--namespace", default=None, help="Hub namespace for the ids (default: the folder name)."
)
@database_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def import_cards_cmd(
    directory: Path, namespace: str | None, database: str | None, quiet: bool
) -> None:
    """Import model cards (<model>/README.md), parsed offline with huggingface_hub.

    Example: modtrace import model-cards ../shared/data/model-cards/leliuga
    """
    from modtrace.registry.ingest.cards import import_cards

    report = import_cards(
        open_register(database), directory, namespace=namespace, progress=not quiet
    )
    _report(report)


@import_group.command("hub-stats")
@click.argument("parquet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@database_option
def import_hub_stats_cmd(parquet: Path, database: str | None) -> None:
    """Import the hub-stats Parquet snapshot (parameters, licences, base models).

    Example: modtrace import hub-stats ../shared/data/hub-stats/hub_stats_frozen.parquet
    """
    from modtrace.registry.ingest.hub_stats import import_hub_stats

    _report(import_hub_stats(open_register(database), parquet))


@import_group.command("epoch")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=95.0,
    show_default=True,
    help="Fuzzy-match score needed (rapidfuzz token-sort ratio).",
)
@click.option("--unmatched", type=click.Path(path_type=Path), help="Write unmatched names here.")
@database_option
def import_epoch_cmd(
    directory: Path, threshold: float, unmatched: Path | None, database: str | None
) -> None:
    """Resolve Epoch AI's model table to Hub ids and record training compute.

    Example: modtrace import epoch ../shared/data/epoch --unmatched unmatched.txt
    """
    from collections import Counter

    from modtrace.registry.ingest.epoch import import_epoch

    report = import_epoch(open_register(database), directory, threshold=threshold)
    methods = Counter(m.method for m in report.matches)
    matched = len({m.epoch_name for m in report.matches})
    click.echo(
        f"Epoch models with compute {report.epoch_models:,}; matched {matched:,} to "
        f"{len(report.matches):,} Hub ids (alias {methods['alias']}, exact {methods['exact']}, "
        f"fuzzy {methods['fuzzy']}); unmatched {len(report.unmatched):,}"
    )
    if unmatched:
        unmatched.write_text("".join(f"{n}\n" for n in report.unmatched), encoding="utf-8")


def _report(report: Any) -> None:
    click.echo(
        f"read {report.rows_read:,}; models added {report.models_added:,}; external models "
        f"{report.external_models:,}; edges added {report.edges_added:,}; problems "
        f"{len(report.problems):,}"
    )
    _first_problems(report.problems)


def _first_problems(problems: list[Any], hint: str = "") -> None:
    """The first ten problems, then how many more (and ``hint``: where to read them)."""
    for problem in problems[:10]:
        click.echo(f"  {problem}")
    if len(problems) > 10:
        click.echo(f"  ... {len(problems) - 10:,} more{hint}")
