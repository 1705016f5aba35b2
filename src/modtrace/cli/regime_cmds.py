"""``modtrace regimes``: list and show the bundled regimes; check and diff drafts."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from modtrace.cli.options import format_option, open_catalog, regime_file_option


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str, allow_nan=False)


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@click.group("regimes")
def regimes_group() -> None:
    """List and describe the regimes modtrace knows."""


@regimes_group.command("list")
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


@regimes_group.command("show")
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


@regimes_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option
def check_cmd(files: tuple[Path, ...], fmt: str) -> None:
    """Check draft regime files: schema, operators, parameters, citations, version timeline.

    Every problem is printed with its file, line and column; exit 2 if there is any.

    Example: modtrace regimes check drafts/small-modifier.yaml
    """
    from modtrace.regimes.drafts import DraftError, load_drafts

    try:
        catalog = load_drafts(files)
    except DraftError as exc:
        if fmt == "json":
            click.echo(json.dumps([p.__dict__ for p in exc.problems], indent=2))
        else:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    rows = [
        {"id": r.id, "version": r.version, "file": r.file, "steps": len(r.steps)}
        for i in sorted(catalog.drafts)
        for r in catalog.versions(i)
    ]
    if fmt == "json":
        click.echo(json.dumps({"ok": True, "regimes": rows}, indent=2))
        return
    for row in rows:
        click.echo(f"ok: {row['file']}: {row['id']} v{row['version']}, {row['steps']} steps")


def _is_file(ref: str) -> bool:
    return Path(ref).suffix in (".yaml", ".yml")


@regimes_group.command("diff")
@click.argument("first")
@click.argument("second")
@regime_file_option
@format_option
def diff_cmd(first: str, second: str, regime_files: tuple[Path, ...], fmt: str) -> None:
    """List the steps, parameters, roles and obligations that differ between two regimes.

    Each of FIRST and SECOND is a regime id (bundled, or a draft given with --regime-file) or a
    draft regime file (ending in .yaml or .yml).

    Example: modtrace regimes diff govai-2025 drafts/small-modifier.yaml
    """
    from modtrace.regimes.diff import diff_regimes

    refs = [Path(r) for r in (first, second) if _is_file(r)]
    catalog = open_catalog([*regime_files, *(p for p in refs if p not in regime_files)])
    by_file = {r.file: r.id for i in catalog.drafts for r in catalog.versions(i)}
    ids = [by_file[Path(r).name] if _is_file(r) else r for r in (first, second)]
    a, b = (catalog.versions(i)[-1] for i in ids)  # unknown ids: UnknownRegimeError
    differences = diff_regimes(a, b)
    if fmt == "json":
        click.echo(json.dumps([d.as_dict() for d in differences], indent=2))
        return
    click.echo(f"{a.id} v{a.version} -> {b.id} v{b.version}: {len(differences)} differences")
    for d in differences:
        if d.change == "changed":
            click.echo(f"~ {d.part} {d.item}:\n    before: {d.before}\n    after:  {d.after}")
        elif d.change == "added":
            click.echo(f"+ {d.part} {d.item}: {d.after}")
        else:
            click.echo(f"- {d.part} {d.item}: {d.before}")
