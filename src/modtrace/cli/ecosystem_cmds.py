"""``modtrace ecosystem``: build the Hub population, simulate regimes, sweep, report, digest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from modtrace.cli.options import open_catalog, regime_file_option
from modtrace.cli.output import dump, rich_table
from modtrace.ecosystem.assumptions import FAMILY_SIZE_PRIOR, FAMILY_SIZE_PRIORS
from modtrace.errors import ParameterError

data_option = click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("../shared/data"),
    show_default=True,
    help="Folder holding hf-lineage/, hub-stats/ and epoch/.",
)
scenario_option = click.option(
    "--scenario",
    type=click.Choice(["strict", "observable-only"]),
    default="strict",
    show_default=True,
    help="observable-only assumes the facts no Hub record shows are absent.",
)


def _data_paths(data: Path) -> tuple[Path, Path | None, Path | None]:
    """The inputs under ``--data``, checked before anything is read or shown.

    hf-lineage/ is needed; hub-stats/ and epoch/ are used when present.
    """
    if not data.is_dir():
        raise ParameterError([("--data", f"{data} is not a folder")])
    if not (data / "hf-lineage").is_dir():
        raise ParameterError([("--data", f"{data} has no hf-lineage/ folder")])
    hub_stats = data / "hub-stats" / "hub_stats_frozen.parquet"
    epoch = data / "epoch"
    return (
        data / "hf-lineage",
        hub_stats if hub_stats.is_file() else None,
        epoch if epoch.is_dir() else None,
    )


def _population(data: Path):  # type: ignore[no-untyped-def]
    from modtrace.ecosystem.population import build_population

    return build_population(*_data_paths(data))


@click.group("ecosystem")
def ecosystem_group() -> None:
    """The downstream ecosystem on the Hub: who each regime would catch."""


@ecosystem_group.command("simulate")
@click.option("--regime", "regime_id", default="govai-2025", show_default=True)
@click.option(
    "--param", "params", multiple=True, metavar="NAME=VALUE", help="Override; repeatable."
)
@click.option(
    "--by",
    type=click.Choice(["relation", "root", "week", "developer"]),
    default="relation",
    show_default=True,
)
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True)
@click.option(
    "--against",
    "against_id",
    default=None,
    metavar="ID",
    help="Compare with this regime: counts under both and who changes outcome.",
)
@regime_file_option
@data_option
@scenario_option
def simulate_cmd(
    regime_id: str,
    params: tuple[str, ...],
    by: str,
    top: int,
    against_id: str | None,
    regime_files: tuple[Path, ...],
    data: Path,
    scenario: str,
) -> None:
    """Run one regime over every Hub derivative; counts with lower and upper bounds.

    With --regime-file, --regime may name a draft; --against compares it with another regime.

    Example: modtrace ecosystem simulate --regime eu-ai-act-gpai --by root
    """
    from modtrace.ecosystem.simulate import SCENARIOS, breakdown, counts, run
    from modtrace.regimes.loader import parse_param_options, with_overrides

    catalog = open_catalog(regime_files)
    if regime_files and regime_id == "govai-2025" and len(catalog.drafts) == 1:
        regime_id = next(iter(catalog.drafts))  # the draft, when it is the only one given
    regime = with_overrides(catalog.get(regime_id), parse_param_options(params))
    if against_id is not None:
        from modtrace.ecosystem.compare import compare, comparison_text
        from modtrace.ecosystem.estimate import Fitted

        against = catalog.get(against_id)
        fitted = Fitted.from_epoch(data / "epoch") if (data / "epoch").is_dir() else None
        comparison = compare(_population(data), regime, against, SCENARIOS[scenario], top, fitted)
        click.echo(f"scenario: {scenario}")
        click.echo(comparison_text(comparison))
        return
    result = run(_population(data), regime, SCENARIOS[scenario])
    c = counts(result)
    click.echo(
        f"{regime.id} v{regime.version} ({scenario}): in scope {c.in_scope:,} "
        f"(developers {c.developers_in_scope:,}); indeterminate {c.indeterminate:,}; out of scope "
        f"{c.out_of_scope:,}; upper bound {c.upper:,} (developers {c.developers_upper:,})"
    )
    click.echo(str(breakdown(result, by, top)))


@ecosystem_group.command("sweep")
@click.option("--regime", "regime_id", default="govai-2025", show_default=True)
@click.option(
    "--range",
    "ranges",
    multiple=True,
    required=True,
    metavar="NAME=START:STOP:N[:log]",
    help="A parameter and N values from START to STOP; with :log, START and STOP are powers "
    "of ten (23:26 is 1e23 to 1e26). Give one or two.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the curve as CSV.")
@regime_file_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
    help="text: a table; csv or json: the curve for other tools.",
)
@data_option
@scenario_option
def sweep_cmd(
    regime_id: str,
    ranges: tuple[str, ...],
    output: Path | None,
    regime_files: tuple[Path, ...],
    fmt: str,
    data: Path,
    scenario: str,
) -> None:
    """Who is caught as one or two parameters move.

    Example: modtrace ecosystem sweep --range upstream_threshold_flop=23:26:50:log
    """
    from modtrace.cli.ranges import parse_ranges
    from modtrace.ecosystem.simulate import SCENARIOS, sweep

    regime = open_catalog(regime_files).get(regime_id)
    grid = parse_ranges(ranges, regime)  # checked before the population is loaded
    curve = sweep(_population(data), regime, grid, SCENARIOS[scenario])
    if output:
        curve.write_csv(output)
        click.echo(f"wrote {output}", err=fmt != "text")
    if fmt == "csv":
        click.echo(curve.write_csv(), nl=False)
    elif fmt == "json":
        click.echo(dump(curve.to_dicts()))
    else:
        title = f"{regime.id} v{regime.version} ({scenario}): who is caught"
        click.echo(rich_table(curve.columns, curve.iter_rows(), title=title))


@ecosystem_group.command("report")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/ecosystem"),
    show_default=True,
)
@click.option(
    "--hours-per-registration",
    type=click.FloatRange(min=0),
    default=4.0,
    show_default=True,
    help="Stated assumption for the cost of regulation.",
)
@click.option(
    "--hours-per-risk-demonstration",
    type=click.FloatRange(min=0),
    default=40.0,
    show_default=True,
    help="Stated assumption for the cost of regulation.",
)
@click.option(
    "--family-size-prior",
    type=click.Choice(FAMILY_SIZE_PRIORS),
    default=FAMILY_SIZE_PRIOR,
    show_default=True,
    help="How the central estimate draws a size within a family range (stated assumption).",
)
@data_option
@scenario_option
def report_cmd(
    out: Path,
    hours_per_registration: float,
    hours_per_risk_demonstration: float,
    family_size_prior: str,
    data: Path,
    scenario: str,
) -> None:
    """Write the HTML report, the rows (Parquet, CSV) and the threshold curve.

    Example: modtrace ecosystem report --out out/ecosystem
    """
    from tqdm import tqdm

    from modtrace.ecosystem.cost import Burden
    from modtrace.ecosystem.estimate import Fitted
    from modtrace.ecosystem.report import build_report, summary_text, write_report

    _data_paths(data)  # before the progress bar: a bad --data fails with no partial bar
    epoch = data / "epoch"
    fitted = Fitted.from_epoch(epoch, family_size_prior) if epoch.is_dir() else None
    with tqdm(total=10, desc="ecosystem report", unit="step") as bar:
        bar.set_postfix_str("building the population")
        population = _population(data)
        bar.update(1)

        def step(label: str) -> None:
            bar.set_postfix_str(label)
            bar.update(1)

        burden = Burden(hours_per_registration, hours_per_risk_demonstration)
        report = build_report(population, scenario, step, fitted, burden=burden)
        files = write_report(report, out)
        bar.update(10 - bar.n)
    click.echo(summary_text(report))
    for path in files:
        click.echo(f"wrote {path}")


@ecosystem_group.command("digest")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="Last day already reviewed.",
)
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@data_option
def digest_cmd(since: dt.datetime, until: dt.datetime, data: Path) -> None:
    """What changed between two snapshots, as a regulator would read it weekly.

    Example: modtrace ecosystem digest --since 2025-06-18 --until 2025-06-25
    """
    from modtrace.ecosystem.monitor import digest, digest_text
    from modtrace.ecosystem.simulate import run
    from modtrace.regimes.loader import default_catalog

    if since >= until:
        raise ParameterError([("--until", f"must be after --since ({since.date()})")])
    population = _population(data)
    outcomes = run(population, default_catalog().get("govai-2025")).join(
        population.select("derived_model", "root"),
        on="derived_model",
        how="left",
        suffix="_population",
    )
    click.echo(digest_text(digest(data / "hf-lineage", outcomes, since.date(), until.date())))
