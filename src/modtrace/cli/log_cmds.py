"""``modtrace log``: the register's tamper-evident log, its signed checkpoints and proofs.

Each command builds one object from the library (``registry/log.py``, ``registry/checkpoint.py``)
and prints it; a tampered log is exit code 1 with every problem named, bad input exit code 2.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from modtrace.cli.options import database_option, format_option, open_register
from modtrace.errors import RegisterError
from modtrace.registry.checkpoint import (
    CheckpointError,
    Verifier,
    default_key_path,
    parse_verifier,
    read_signer,
)
from modtrace.registry.log import TRACKED_BY_KIND, Head

key_file_option = click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The log's signing key (default: $MODTRACE_LOG_KEY, else log-signing.key in the "
    "user's data directory).",
)
verifier_option = click.option(
    "--verifier-key",
    default=None,
    metavar="KEY|FILE",
    help="The log's published verifier key, or a file holding it (default: the local key's).",
)


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str)


def _verifier(value: str | None) -> Verifier:
    """The verifier key given, else the public half of the local signing key or its .pub file."""
    if value is not None:
        path = Path(value)
        return parse_verifier(path.read_text(encoding="utf-8") if path.is_file() else value)
    key = default_key_path()
    public = key.with_name(key.name + ".pub")
    if key.is_file():
        return read_signer(key).verifier()
    if public.is_file():
        return parse_verifier(public.read_text(encoding="utf-8"))
    raise CheckpointError([("--verifier-key", "give the log's published verifier key")])


def _report(problems: list[str], ok_line: str) -> None:
    if not problems:
        click.echo(ok_line)
        return
    click.echo(f"FAILED: {len(problems)} problem(s); the first:")
    for problem in problems:
        click.echo(f"  {problem}")
    sys.exit(1)


@click.group("log")
def log_group() -> None:
    """The register's tamper-evident log."""


@log_group.command("head")
@database_option
@format_option
def log_head(database: str | None, fmt: str) -> None:
    """Print the log's tree head (size and root) for publication.

    Example: modtrace log head
    """
    head = open_register(database).head()
    click.echo(_dump(asdict(head)) if fmt == "json" else f"size {head.size}\nroot {head.root}")


@log_group.command("verify")
@click.option("--expect", default=None, metavar="SIZE:ROOT", help="A previously published head.")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A signed checkpoint the log must still extend (its signature is checked first).",
)
@verifier_option
@database_option
def log_verify(
    expect: str | None,
    checkpoint_file: Path | None,
    verifier_key: str | None,
    database: str | None,
) -> None:
    """Recompute the log and compare every record with it; exit 1 naming what was altered.

    With --checkpoint, the checkpoint's signature must verify and the log must extend its head.

    Example: modtrace log verify --checkpoint checkpoint.txt
    """
    from modtrace.registry import checkpoint

    if expect and checkpoint_file:
        raise RegisterError([("--expect", "give --expect or --checkpoint, not both")])
    expected, problems = None, []
    if expect:
        size, _, root = expect.partition(":")
        if not size.isascii() or not size.isdigit() or len(root) != 64:
            raise RegisterError([("--expect", "expected SIZE:ROOT with a 64-character hex root")])
        expected = Head(int(size), root)
    if checkpoint_file:
        point = checkpoint.read(checkpoint_file)
        verifier = _verifier(verifier_key)
        if not point.signed_by(verifier):
            problems.append(
                f"the checkpoint is not signed by {verifier.name}'s key "
                f"{verifier.key_id.hex()}: forged or altered"
            )
        expected = point.head
    audit = open_register(database).verify(expected)
    click.echo(f"size {audit.size}\nroot {audit.root}")
    _report([*problems, *audit.problems], "verified: the log and the register agree")


@log_group.command("prove")
@click.argument("kind", type=click.Choice(sorted(TRACKED_BY_KIND)))
@click.argument("ref")
@database_option
def log_prove(kind: str, ref: str, database: str | None) -> None:
    """An inclusion proof (RFC 6962 audit path) for a record's latest log entry.

    Example: modtrace log prove filing 1
    """
    proof = open_register(database).prove(kind, ref)
    click.echo(_dump({**asdict(proof), "verified": proof.verify()}))


@log_group.command("consistency")
@click.argument("first", type=click.IntRange(min=0))
@click.option("--second", type=click.IntRange(min=0), default=None, help="Default: the log now.")
@database_option
def log_consistency(first: int, second: int | None, database: str | None) -> None:
    """An RFC 9162 consistency proof that the head of FIRST entries is a prefix of the log.

    Example: modtrace log consistency 120 > proof.json
    """
    click.echo(_dump(asdict(open_register(database).consistency(first, second))))


@log_group.command("keygen")
@click.option(
    "--origin",
    required=True,
    help="The log's name, first line of every checkpoint (e.g. register.example.eu/log).",
)
@key_file_option
def log_keygen(origin: str, key_file: Path | None) -> None:
    """Create the Ed25519 key that signs checkpoints; print the verifier key to publish.

    The key file is readable by its owner only and never overwritten; the verifier key is also
    written beside it (``.pub``).

    Example: modtrace log keygen --origin register.example.eu/log
    """
    from modtrace.registry import checkpoint

    path = key_file or default_key_path()
    signer = checkpoint.generate(origin)
    checkpoint.write_signer(signer, path)
    path.with_name(path.name + ".pub").write_text(signer.verifier().text() + "\n", "utf-8")
    click.echo(f"wrote {path} (secret) and {path.name}.pub; publish this verifier key:")
    click.echo(signer.verifier().text())


@log_group.command("checkpoint")
@key_file_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout."
)
@database_option
def log_checkpoint(key_file: Path | None, output: Path | None, database: str | None) -> None:
    """Sign the log's current head as a checkpoint (C2SP tlog-checkpoint, Ed25519).

    Example: modtrace log checkpoint -o checkpoint.txt
    """
    from modtrace.registry import checkpoint

    signer = read_signer(key_file or default_key_path())
    note = checkpoint.sign(open_register(database).head(), signer)
    if output is None:
        click.echo(note, nl=False)
    else:
        output.write_text(note, encoding="utf-8")
        click.echo(f"wrote {output}")


@log_group.command("audit")
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--proof",
    "proof_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The consistency proof from OLD's size to NEW's (`modtrace log consistency`, or "
    "GET /api/log/consistency).",
)
@verifier_option
def log_audit(old: Path, new: Path, proof_file: Path, verifier_key: str | None) -> None:
    """An outsider's check, without the database: NEW extends OLD, both signed by the log.

    Exit code 1 names a forged checkpoint or a rewritten or truncated history.

    Example: modtrace log audit old.txt new.txt --proof proof.json --verifier-key KEY
    """
    from modtrace.registry import checkpoint
    from modtrace.registry.log import Consistency

    verifier = _verifier(verifier_key)
    before, after = checkpoint.read(old), checkpoint.read(new)
    try:
        data = json.loads(proof_file.read_text(encoding="utf-8"))
        proof = Consistency(
            int(data["first"]), int(data["second"]), str(data["second_root"]), list(data["path"])
        )
    except (ValueError, KeyError, TypeError):
        raise RegisterError([("--proof", "expected first, second, second_root and path")]) from None
    problems = [
        f"{name} checkpoint is not signed by {verifier.name}'s key: forged or altered"
        for name, point in (("the old", before), ("the new", after))
        if not point.signed_by(verifier)
    ]
    if after.head.size < before.head.size:
        problems.append(
            f"the log shrank from {before.head.size} to {after.head.size} entries: truncated"
        )
    elif (proof.first, proof.second, proof.second_root) != (
        before.head.size,
        after.head.size,
        after.head.root,
    ):
        problems.append("the proof is for other heads than these checkpoints")
    elif not proof.verify(before.head.root):
        problems.append(
            f"the new head does not extend the old one: its first {before.head.size} "
            "entries were rewritten"
        )
    _report(
        problems,
        f"consistent: {after.head.size} entries extend the {before.head.size} checkpointed",
    )
