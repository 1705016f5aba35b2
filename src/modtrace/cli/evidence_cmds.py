"""``modtrace evidence``: paired comparisons of an original and a modified model."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group("evidence")
def evidence_group() -> None:
    """Turn evaluation results into facts."""


@evidence_group.command("compare")
@click.argument("original", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("modified", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--set", "prompt_set", type=click.Choice(["harmful", "benign"]), required=True)
@click.option(
    "--labels",
    type=click.Choice(["human", "classifier"]),
    default="human",
    show_default=True,
    help="Human labels from the files, or modtrace's refusal classifier.",
)
@click.option(
    "--alpha", type=click.FloatRange(0, 1, min_open=True), default=0.05, show_default=True
)
@click.option(
    "--min-change",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="Smallest change in rate that counts as significant.",
)
@click.option(
    "--json", "json_out", type=click.Path(path_type=Path), help="Write the comparison as JSON."
)
@click.option(
    "--html", "html_out", type=click.Path(path_type=Path), help="Write an HTML page with the chart."
)
@click.option(
    "--patch",
    "patch_out",
    type=click.Path(path_type=Path),
    help="Write a facts patch for `modtrace assess --evidence`.",
)
def compare_cmd(
    original: Path,
    modified: Path,
    prompt_set: str,
    labels: str,
    alpha: float,
    min_change: float,
    json_out: Path | None,
    html_out: Path | None,
    patch_out: Path | None,
) -> None:
    """Paired comparison on the same prompts: rates, interval, McNemar's exact test, conclusion.

    Example: modtrace evidence compare base.csv tuned.csv --set harmful --patch patch.json
    """
    from modtrace.evidence.compare import compare, facts_patch
    from modtrace.evidence.report import comparison_html, comparison_text
    from modtrace.evidence.runs import read_run

    result = compare(
        read_run(original),
        read_run(modified),
        prompt_set,
        labels=labels,
        parameters={"alpha": alpha, "min_change": min_change},
    )
    click.echo(comparison_text(result))
    if json_out:
        json_out.write_text(json.dumps(result.as_dict(), indent=2), encoding="utf-8")
        click.echo(f"wrote {json_out}")
    if html_out:
        html_out.write_text(comparison_html(result), encoding="utf-8")
        click.echo(f"wrote {html_out}")
    if patch_out:
        patch_out.write_text(json.dumps(facts_patch(result), indent=2), encoding="utf-8")
        click.echo(f"wrote {patch_out}")
