"""Signed checkpoints of the log: a tree head an outsider can keep and later hold the log to.

The format is the transparency-log checkpoint of C2SP (``tlog-checkpoint``) inside a signed note
(``signed-note``), as Go's ``golang.org/x/mod/sumdb/note`` and the Sigstore and Go checksum logs
write it, so existing tools read it::

    <origin>
    <size>
    <base64 root hash>

    — <key name> <base64(key id ‖ Ed25519 signature over the three lines above)>

Keys are Ed25519 (via ``cryptography``). A signer key is one line,
``PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ 32-byte seed)>``, kept in a file only its owner can
read; the matching verifier key, ``<name>+<key id>+<base64(0x01 ‖ public key)>``, is what the
regulator publishes and what outsiders pin. The key id is the first four bytes of
SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from platformdirs import user_data_dir

from modtrace.errors import InputError
from modtrace.registry.log import Head

ENV_KEY = "MODTRACE_LOG_KEY"
ED25519 = b"\x01"
DASH = "\u2014 "


class CheckpointError(InputError):
    """A key or checkpoint file that cannot be read (not one whose signature fails)."""


def default_key_path() -> Path:
    """``MODTRACE_LOG_KEY``, else ``log-signing.key`` in the user's data directory."""
    if path := os.environ.get(ENV_KEY):
        return Path(path)
    return Path(user_data_dir("modtrace")) / "log-signing.key"


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError([(what, "is not valid base64")]) from None


def _key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519 + public).digest()[:4]


def _check_name(name: str, what: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise CheckpointError([(what, "a key name is non-empty, without spaces or '+'")])


@dataclass(frozen=True)
class Verifier:
    """A public key that checkpoints are checked against."""

    name: str
    key_id: bytes
    public: Ed25519PublicKey

    def text(self) -> str:
        """The verifier key line, for publication."""
        raw = self.public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(ED25519 + raw).decode()}"


@dataclass(frozen=True)
class Signer:
    """A private key that signs checkpoints under a name (the log's origin)."""

    name: str
    private: Ed25519PrivateKey

    def verifier(self) -> Verifier:
        """The matching public key."""
        public = self.private.public_key()
        raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, _key_id(self.name, raw), public)

    def text(self) -> str:
        """The signer key line (secret)."""
        seed = self.private.private_bytes_raw()
        return (
            f"PRIVATE+KEY+{self.name}+{self.verifier().key_id.hex()}+"
            f"{base64.b64encode(ED25519 + seed).decode()}"
        )


def generate(name: str) -> Signer:
    """A new Ed25519 signer named ``name`` (the log's origin, e.g. ``register.example.eu/log``)."""
    _check_name(name, "origin")
    return Signer(name, Ed25519PrivateKey.generate())


def parse_signer(text: str) -> Signer:
    """Read a signer key line."""
    parts = text.strip().split("+", 4)  # base64 may hold '+' too
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise CheckpointError([("key", "expected PRIVATE+KEY+<name>+<key id>+<base64 key>")])
    name, key_id, raw = parts[2], parts[3], _b64decode(parts[4], "key")
    if len(raw) != 33 or raw[:1] != ED25519:
        raise CheckpointError([("key", "not an Ed25519 key")])
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.verifier().key_id.hex() != key_id:
        raise CheckpointError([("key", "its key id does not match the key")])
    return signer


def parse_verifier(text: str) -> Verifier:
    """Read a verifier key line (or a file holding one, for convenience of the edges)."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise CheckpointError([("verifier_key", "expected <name>+<key id>+<base64 key>")])
    name, key_id, raw = parts[0], parts[1], _b64decode(parts[2], "verifier_key")
    _check_name(name, "verifier_key")
    if len(raw) != 33 or raw[:1] != ED25519:
        raise CheckpointError([("verifier_key", "not an Ed25519 key")])
    if _key_id(name, raw[1:]).hex() != key_id:
        raise CheckpointError([("verifier_key", "its key id does not match the key")])
    return Verifier(name, bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(raw[1:]))


def write_signer(signer: Signer, path: Path) -> None:
    """Write a new key file readable by its owner only; an existing key is never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CheckpointError(
            [("key_file", f"{path} exists; a signing key is never replaced")]
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(signer.text() + "\n")


def read_signer(path: Path) -> Signer:
    """Read a key file."""
    try:
        return parse_signer(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(
            [("key_file", f"{path}: no such file; create the key with `modtrace log keygen`")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError([("key_file", f"{path}: cannot be read ({_why(exc)})")]) from None


def sign(head: Head, signer: Signer) -> str:
    """A signed checkpoint of ``head``."""
    body = f"{signer.name}\n{head.size}\n{base64.b64encode(bytes.fromhex(head.root)).decode()}\n"
    signature = signer.private.sign(body.encode("utf-8"))
    stamp = base64.b64encode(signer.verifier().key_id + signature).decode()
    return f"{body}\n{DASH}{signer.name} {stamp}\n"


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as read: its origin, head and signature lines (not yet checked)."""

    origin: str
    head: Head
    body: str
    signatures: tuple[tuple[str, bytes], ...]

    def signed_by(self, verifier: Verifier) -> bool:
        """Whether a signature line carries a valid signature by ``verifier`` over the body."""
        for name, blob in self.signatures:
            if name != verifier.name or blob[:4] != verifier.key_id:
                continue
            try:
                verifier.public.verify(blob[4:], self.body.encode("utf-8"))
            except InvalidSignature:
                continue
            return True
        return False


def parse(text: str) -> Checkpoint:
    """Read a checkpoint note; its fields are checked, its signatures are not."""
    body, sep, tail = text.partition("\n\n")
    if not sep or not tail.endswith("\n"):
        raise CheckpointError([("checkpoint", "not a signed note: no signature block")])
    lines = body.split("\n")
    if len(lines) < 3:
        raise CheckpointError([("checkpoint", "expected origin, size and root hash lines")])
    origin, size, root = lines[0], lines[1], _b64decode(lines[2], "checkpoint")
    if not size.isascii() or not size.isdigit() or (size != "0" and size.startswith("0")):
        raise CheckpointError([("checkpoint", f"size {size!r} is not a decimal number")])
    if len(root) != 32:
        raise CheckpointError([("checkpoint", "the root hash is not 32 bytes")])
    signatures = []
    for line in tail.rstrip("\n").split("\n"):
        name, _, stamp = line.removeprefix(DASH).partition(" ")
        if not line.startswith(DASH) or len(blob := _b64decode(stamp, "checkpoint")) < 5:
            raise CheckpointError([("checkpoint", f"malformed signature line {line[:40]!r}")])
        signatures.append((name, blob))
    return Checkpoint(origin, Head(int(size), root.hex()), body + "\n", tuple(signatures))


def read(path: Path) -> Checkpoint:
    """Read a checkpoint file."""
    try:
        return parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError([("checkpoint", f"{path}: cannot be read ({_why(exc)})")]) from None


def _why(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, IsADirectoryError):
        return "a folder, not a file"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return exc.__class__.__name__
