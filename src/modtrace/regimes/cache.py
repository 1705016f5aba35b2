"""A cache of the bundled regimes, compiled, so that one assessment skips reading them again.

Building the catalog means parsing every regime file, validating it against the file format
and parsing each rule's expression; the result is the same until a file or modtrace changes.
:func:`cached` keeps it as a pickle in the user's cache folder (``platformdirs``; the
``MODTRACE_CACHE_DIR`` variable moves it, ``MODTRACE_NO_CACHE=1`` turns it off), keyed by

- the cache format, modtrace's version, the Python version and the pickle protocol;
- each data file's name and SHA-256 (what the regimes say);
- each source file's name, size and modification time in the packages that define the compiled
  objects or the vocabulary they are checked against (``regimes``, ``facts``, ``compute``,
  ``determination``, whose models the lean assessment path's kit is drawn from, and the
  top-level modules).

The key is written in the file's header and compared before anything is unpickled, so a cache
from another version, other data or other code is never loaded; the payload's SHA-256 sits in
the header too, so a truncated or damaged file is rebuilt instead of read. Files are written to
a temporary name and renamed into place (readers never see half a file); a cache that cannot be
read or written only costs the build it would have saved.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from modtrace import __version__

T = TypeVar("T")

FORMAT = 1
"""Raised when the layout of the cache file changes."""
MAGIC = b"modtrace-regime-cache"
ENV_DIR = "MODTRACE_CACHE_DIR"
ENV_OFF = "MODTRACE_NO_CACHE"
PACKAGE = Path(__file__).resolve().parents[1]
CODE = (
    PACKAGE,
    PACKAGE / "regimes",
    PACKAGE / "facts",
    PACKAGE / "compute",
    PACKAGE / "determination",
)
"""Folders whose ``.py`` files' sizes and times are part of the key."""


def cache_dir() -> Path:
    """Where cached regimes live: ``$MODTRACE_CACHE_DIR``, else the user's cache folder."""
    if folder := os.environ.get(ENV_DIR):
        return Path(folder)
    if sys.platform == "linux":  # platformdirs' answer (tested), without its imports (tempfile)
        base = os.environ.get("XDG_CACHE_HOME", "")
        return Path(base if base.strip() else os.path.expanduser("~/.cache")) / "modtrace"
    from platformdirs import user_cache_dir  # noqa: PLC0415 (only when the cache is used)

    return Path(user_cache_dir("modtrace"))


def cache_key(directory: Path, version: str | None = None) -> str:
    """The key of the catalog built from ``directory`` by this modtrace (or ``version``)."""
    digest = hashlib.sha256()
    stamp = (
        f"{FORMAT}|{version or __version__}|{sys.version}|"
        f"{sys.implementation.cache_tag}|{pickle.HIGHEST_PROTOCOL}|{directory.resolve()}"
    )
    digest.update(stamp.encode())
    for path in sorted(directory.glob("*.yaml")):
        digest.update(f"\n{path.name}:".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for folder in CODE:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py") and entry.is_file():
                stat = entry.stat()
                digest.update(
                    f"\n{folder.name}/{entry.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()


def _file(directory: Path, name: str) -> Path:
    folder_id = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:12]
    return cache_dir() / f"{name}-{folder_id}.pickle"


def load(path: Path, key: str, kind: type[T]) -> T | None:
    """The object cached at ``path`` under ``key``; None when absent, stale or damaged."""
    try:
        with path.open("rb") as f:
            magic, stored_key, checksum = (f.readline().rstrip(b"\n") for _ in range(3))
            if magic != MAGIC or stored_key != key.encode():
                return None  # another version, other data or other code: never unpickled
            payload = f.read()
        if hashlib.sha256(payload).hexdigest().encode() != checksum:
            return None
        value = pickle.loads(payload)
    except Exception:  # unreadable or unloadable: rebuild
        return None
    return value if isinstance(value, kind) else None


def store(path: Path, key: str, value: object) -> None:
    """Write ``value`` under ``key``, atomically; silently skipped where it cannot be written."""
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = b"\n".join([MAGIC, key.encode(), hashlib.sha256(payload).hexdigest().encode()])
        import tempfile  # noqa: PLC0415 (only when the cache is written: shutil, random, ...)

        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(header + b"\n" + payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):
        return


def cached(directory: Path, build: Callable[[Path], T], kind: type[T], name: str = "catalog") -> T:
    """``build(directory)``, from the cache when its key still matches, else built and stored."""
    if os.environ.get(ENV_OFF):
        return build(directory)
    key = cache_key(directory)
    path = _file(directory, name)
    value = load(path, key, kind)
    if value is None:
        value = build(directory)
        store(path, key, value)
    return value
