"""``modtrace ecosystem``: build the Hub population, simulate regimes, sweep, report, digest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from modtrace.cli.output import dump, rich_table
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


def _population(data: Path):  # type: ignore[no-untyped-def]
    from modtrace.ecosystem.population import build_population

    if not (data / "hf-lineage").is_dir():
        raise ParameterError([("--data", f"{data} has no hf-lineage/ folder")])
    return build_population(
        data / "hf-lineage", data / "hub-stats" / "hub_stats_frozen.parquet", data / "epoch"
    )


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
@data_option
@scenario_option
def simulate_cmd(
    regime_id: str, params: tuple[str, ...], by: str, top: int, data: Path, scenario: str
) -> None:
    """Run one regime over every Hub derivative; counts with lower and upper bounds.

    Example: modtrace ecosystem simulate --regime eu-ai-act-gpai --by root
    """
    from modtrace.ecosystem.simulate import SCENARIOS, breakdown, counts, run
    from modtrace.regimes.loader import default_catalog, parse_param_options, with_overrides

    regime = with_overrides(default_catalog().get(regime_id), parse_param_options(params))
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
    help="A parameter and its values; give one or two.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the curve as CSV.")
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
    fmt: str,
    data: Path,
    scenario: str,
) -> None:
    """Who is caught as one or two parameters move.

    Example: modtrace ecosystem sweep --range upstream_threshold_flop=23:26:50:log
    """
    from modtrace.ecosystem.report import log_range
    from modtrace.ecosystem.simulate import SCENARIOS, sweep
    from modtrace.regimes.loader import default_catalog

    grid: dict[str, list[float]] = {}
    for spec in ranges:
        name, _, values = spec.partition("=")
        parts = values.split(":")
        try:
            start, stop, n = float(parts[0]), float(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            raise ParameterError(
                [("--range", f"expected NAME=START:STOP:N[:log], got {spec!r}")]
            ) from None
        if n < 2:
            raise ParameterError([("--range", "N must be at least 2")])
        log = len(parts) > 3 and parts[3] == "log"
        grid[name] = (
            log_range(start, stop, n)
            if log
            else [start + i * (stop - start) / (n - 1) for i in range(n)]
        )
    if len(grid) > 2:
        raise ParameterError([("--range", "give one or two parameters")])
    regime = default_catalog().get(regime_id)
    unknown = [name for name in grid if name not in regime.parameters]
    if unknown:  # before loading the population, which takes seconds
        known = ", ".join(sorted(regime.parameters))
        raise ParameterError(
            [("--range", f"{regime.id} has no parameter {n!r}; it has: {known}") for n in unknown]
        )
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
@data_option
@scenario_option
def report_cmd(out: Path, data: Path, scenario: str) -> None:
    """Write the HTML report, the rows (Parquet, CSV) and the threshold curve.

    Example: modtrace ecosystem report --out out/ecosystem
    """
    from tqdm import tqdm

    from modtrace.ecosystem.report import build_report, summary_text, write_report

    with tqdm(total=8, desc="ecosystem report", unit="step") as bar:
        bar.set_postfix_str("building the population")
        population = _population(data)
        bar.update(1)

        def step(label: str) -> None:
            bar.set_postfix_str(label)
            bar.update(1)

        report = build_report(population, scenario, step)
        files = write_report(report, out)
        bar.update(8 - bar.n)
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

    population = _population(data)
    outcomes = run(population, default_catalog().get("govai-2025")).join(
        population.select("derived_model", "root"),
        on="derived_model",
        how="left",
        suffix="_population",
    )
    click.echo(digest_text(digest(data / "hf-lineage", outcomes, since.date(), until.date())))
