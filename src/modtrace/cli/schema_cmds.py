"""``modtrace schema``: the published JSON Schemas of the files modtrace reads."""

from __future__ import annotations

import json
from typing import Any

import click


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str, allow_nan=False)


@click.group("schema")
def schema_group() -> None:
    """Published JSON Schemas."""


@schema_group.command("facts")
def schema_facts() -> None:
    """Print the JSON Schema of a facts file.

    Example: modtrace schema facts > facts.schema.json
    """
    from modtrace.facts.model import Facts

    click.echo(_dump(Facts.model_json_schema()))


@schema_group.command("terms")
def schema_terms() -> None:
    """Print the JSON Schema of a provider's terms file (`gate check --terms`).

    Example: modtrace schema terms > terms.schema.json
    """
    from modtrace.upstream.terms import Terms

    click.echo(_dump(Terms.model_json_schema()))


@schema_group.command("gate-request")
def schema_gate_request() -> None:
    """Print the JSON Schema of a modification request (`gate check REQUEST`).

    Example: modtrace schema gate-request > request.schema.json
    """
    from modtrace.upstream.gate import GateRequest

    click.echo(_dump(GateRequest.model_json_schema()))
