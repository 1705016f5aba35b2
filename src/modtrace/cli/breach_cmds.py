"""``modtrace gate breach``: the shared breach register every gate screens against (fn 70)."""

from __future__ import annotations

import json

import click

from modtrace.cli.options import database_option, format_option, open_register


@click.group("breach")
def breach_group() -> None:
    """The breach register: parties in breach, each from a confirmed finding (paper fn 70)."""


@breach_group.command("add")
@click.option("--party", required=True, help="The requester or modifier found in breach.")
@click.option(
    "--basis",
    required=True,
    type=click.Choice(["kyc-judgement", "gate-decision", "incident", "evidence"]),
    help="The kind of confirmed finding the entry rests on.",
)
@click.option("--basis-id", required=True, type=click.IntRange(min=1), help="Its id.")
@click.option("--recorded-by", required=True, help="Who confirmed the finding.")
@click.option("--reason", required=True, help="Why the party is in breach.")
@database_option
def breach_add(
    party: str, basis: str, basis_id: int, recorded_by: str, reason: str, database: str | None
) -> None:
    """Put a party on the breach register; the finding must exist and concern the party.

    Example: modtrace gate breach add --party "Dark Lab" --basis gate-decision --basis-id 7
             --recorded-by "compliance" --reason "asked twice to remove refusals"
    """
    entry = open_register(database).record_breach(
        party=party, basis=basis, basis_id=basis_id, recorded_by=recorded_by, reason=reason
    )
    click.echo(f"recorded breach entry {entry}: {party} ({basis} {basis_id})")


@breach_group.command("list")
@database_option
@format_option
def breach_list(database: str | None, fmt: str) -> None:
    """Every entry on the breach register, with who recorded it and why.

    Example: modtrace gate breach list --format json
    """
    rows = open_register(database).breaches()
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(
            f"{r['id']}  {r['party']}  from {r['basis']} {r['basis_id']}, "
            f"recorded by {r['recorded_by']}: {r['reason']}"
        )
    if not rows:
        click.echo("the breach register is empty")
