"""``modtrace evidence``: paired comparisons of an original and a modified model."""

from __future__ import annotations

import json
from pathlib import Path

import click

from modtrace.cli.options import ROW_ID, database_option, open_register


@click.group("evidence")
def evidence_group() -> None:
    """Turn evaluation results into facts."""


@evidence_group.command("compare")
@click.argument("original", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("modified", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--set", "prompt_set", type=click.Choice(["harmful", "benign", "capability"]), required=True
)
@click.option(
    "--labels",
    type=click.Choice(["human", "classifier", "learned", "judge"]),
    default="human",
    show_default=True,
    help="Human labels, the rules, the rules with a learned second look, or a judge model. "
    "Machine labels are corrected for the labeller's measured error.",
)
@click.option("--judge-endpoint", default=None, help="OpenAI-compatible server for --labels judge.")
@click.option("--judge-model", default=None, help="Judge model name for --labels judge.")
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
    "--record",
    "record_for",
    type=ROW_ID,
    default=None,
    metavar="MODIFICATION_ID",
    help="Keep the comparison in the register with this modification.",
)
@database_option
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
    judge_endpoint: str | None,
    judge_model: str | None,
    alpha: float,
    min_change: float,
    json_out: Path | None,
    html_out: Path | None,
    patch_out: Path | None,
    record_for: int | None,
    database: str | None,
) -> None:
    """Paired comparison on the same prompts: rates, interval, McNemar's exact test, conclusion.

    Example: modtrace evidence compare base.csv tuned.csv --set harmful --patch patch.json
    """
    from modtrace.evidence.compare import compare, facts_patch
    from modtrace.evidence.report import comparison_html, comparison_text
    from modtrace.evidence.runs import read_run

    judge = (judge_endpoint, judge_model) if judge_endpoint and judge_model else None
    result = compare(
        read_run(original),
        read_run(modified),
        prompt_set,
        labels=labels,
        parameters={"alpha": alpha, "min_change": min_change},
        judge=judge,
    )
    click.echo(comparison_text(result))
    if json_out:
        json_out.write_text(json.dumps(result.as_dict(), indent=2), encoding="utf-8")
        click.echo(f"wrote {json_out}")
    if html_out:
        html_out.write_text(comparison_html(result), encoding="utf-8")
        click.echo(f"wrote {html_out}")
    if record_for is not None:
        summary = facts_patch(result)["evidence"][0]["summary"]
        evidence_id = open_register(database).record_evidence(
            record_for, f"comparison:{prompt_set}", summary, result.as_dict()
        )
        click.echo(f"recorded as evidence {evidence_id} of modification {record_for}")
    if patch_out:
        patch_out.write_text(json.dumps(facts_patch(result), indent=2), encoding="utf-8")
        click.echo(f"wrote {patch_out}")


@evidence_group.command("safety-case")
@click.argument("case_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument(
    "comparisons", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--facts",
    "facts_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Facts of the modification, for fact preconditions.",
)
def safety_case_cmd(
    case_file: Path, comparisons: tuple[Path, ...], facts_file: Path | None
) -> None:
    """Which preconditions of a safety case still hold for the modified model.

    COMPARISONS are JSON files from `modtrace evidence compare --json`. Exit code 0 when every
    claim holds, 1 when one fails, 3 when evidence is missing.

    Example: modtrace evidence safety-case case.yaml harmful.json --facts facts.yaml
    """
    import sys

    from modtrace.evidence.compare import load_comparison
    from modtrace.evidence.safety_case import check, claim_status, load_safety_case, similarly_safe
    from modtrace.facts.loader import load_facts

    case = load_safety_case(case_file)
    loaded = [load_comparison(p) for p in comparisons]
    facts = load_facts(facts_file) if facts_file else None
    checks = check(case, loaded, facts)
    click.echo(f"safety case {case.id} ({case.provider}, {case.model})")
    statuses = []
    for claim in case.claims:
        status = claim_status(checks, claim.id)
        statuses.append(status)
        click.echo(f"  claim {claim.id}: {status.upper()} — {claim.claim}")
        for c in (c for c in checks if c.claim == claim.id):
            click.echo(
                f"    {c.status:<11} {c.precondition}: observed {c.observed!r} [{c.evidence}]"
            )
    verdict, reasons = similarly_safe(loaded)
    click.echo(f"  Code of Practice comparison: {verdict} ({'; '.join(reasons)})")
    sys.exit(1 if "fails" in statuses else 3 if "no-evidence" in statuses else 0)


@evidence_group.command("run")
@click.argument("prompts", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--endpoint", required=True, help="Base URL of an OpenAI-compatible server.")
@click.option("--model", required=True)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="JSONL file; re-running resumes where it stopped.",
)
@click.option("--concurrency", type=click.IntRange(1, 256), default=8, show_default=True)
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True)
@click.option("--system", default=None, help="A system prompt (a prompting modification).")
@click.option(
    "--api-key-env",
    default="OPENAI_API_KEY",
    show_default=True,
    help="Environment variable holding the API key, if the server needs one.",
)
def run_cmd(
    prompts: Path,
    endpoint: str,
    model: str,
    out: Path,
    concurrency: int,
    retries: int,
    system: str | None,
    api_key_env: str,
) -> None:
    """Complete a prompt set on an OpenAI-compatible endpoint (concurrent, retried, resumable).

    Example: modtrace evidence run p.csv --endpoint http://127.0.0.1:8001 --model m --out m.jsonl
    """
    import asyncio
    import os
    import sys

    from modtrace.evidence.runner import read_prompts, run_prompts

    report = asyncio.run(
        run_prompts(
            endpoint,
            model,
            read_prompts(prompts),
            out,
            concurrency=concurrency,
            retries=retries,
            api_key=os.environ.get(api_key_env),
            system=system,
        )
    )
    click.echo(f"sent {report.sent}; already done {report.skipped}; failed {len(report.failed)}")
    for prompt_id, error in list(report.failed.items())[:10]:
        click.echo(f"  {prompt_id}: {error}")
    sys.exit(1 if report.failed else 0)
