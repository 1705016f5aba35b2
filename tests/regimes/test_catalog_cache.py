"""The compiled-catalog cache: used while nothing changed, rebuilt when anything did.

Each test copies the regimes' data folder and points the cache at its own folder, so nothing
here touches the user's cache.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from platformdirs import user_cache_dir

from modtrace.regimes import cache
from modtrace.regimes.loader import DATA_DIR, Catalog, default_catalog


class Builds:
    """``Catalog`` that counts how often it is called."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, directory: Path) -> Catalog:
        self.calls += 1
        return Catalog(directory)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled regimes, with the cache in a folder of its own."""
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def _only_cache_file() -> Path:
    (path,) = cache.cache_dir().glob("*.pickle")
    return path


def test_a_second_load_comes_from_the_cache_and_equals_a_fresh_build(data: Path) -> None:
    build = Builds()
    first = cache.cached(data, build, Catalog)
    second = cache.cached(data, build, Catalog)
    assert build.calls == 1
    assert second is not first
    assert second.summary() == Catalog(data).summary()
    for regime_id in second.ids():
        assert second.versions(regime_id) == Catalog(data).versions(regime_id)
    assert second.sources == first.sources


def test_changing_a_regime_file_rebuilds_the_catalog(data: Path) -> None:
    build = Builds()
    before = cache.cached(data, build, Catalog)
    path = data / "govai-2025.v1.yaml"
    old_title = before.get("govai-2025").title
    path.write_text(
        path.read_text(encoding="utf-8").replace(old_title, "A retitled proposal", 1),
        encoding="utf-8",
    )
    after = cache.cached(data, build, Catalog)
    assert build.calls == 2
    assert after.get("govai-2025").title == "A retitled proposal"
    assert cache.cached(data, build, Catalog).get("govai-2025").title == "A retitled proposal"
    assert build.calls == 2


def test_a_change_that_keeps_size_and_time_is_still_seen(data: Path) -> None:
    """The data files are keyed by their content, not by their size and modification time."""
    build = Builds()
    cache.cached(data, build, Catalog)
    path = data / "govai-2025.v1.yaml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    swapped = text.replace("Figure 2", "Figure 3", 1)
    assert swapped != text
    assert len(swapped) == len(text)
    path.write_text(swapped, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    cache.cached(data, build, Catalog)
    assert build.calls == 2


def test_adding_or_removing_a_regime_file_rebuilds(data: Path) -> None:
    build = Builds()
    assert "ca-sb53" in cache.cached(data, build, Catalog).ids()
    (data / "ca-sb53.v1.yaml").unlink()
    assert "ca-sb53" not in cache.cached(data, build, Catalog).ids()
    assert build.calls == 2


def test_a_cache_written_by_another_version_is_never_loaded(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = Builds()
    monkeypatch.setattr(cache, "__version__", "0.0.1-other")
    cache.cached(data, build, Catalog)
    folder = _only_cache_file().parent
    monkeypatch.undo()
    monkeypatch.setenv(cache.ENV_DIR, str(folder))

    def refuse(*_: object) -> object:
        raise AssertionError("a cache from another version was unpickled")

    monkeypatch.setattr("pickle.loads", refuse)
    catalog = cache.cached(data, build, Catalog)
    assert build.calls == 2
    assert catalog.summary() == Catalog(data).summary()
    assert cache.cache_key(data) != cache.cache_key(data, version="0.0.1-other")


def test_a_change_to_the_code_that_compiles_regimes_rebuilds(
    data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    build = Builds()
    cache.cached(data, build, Catalog)
    code = tmp_path / "code"
    code.mkdir()
    (code / "expr.py").write_text("# another parser\n")
    monkeypatch.setattr(cache, "CODE", (*cache.CODE, code))
    cache.cached(data, build, Catalog)
    assert build.calls == 2


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="truncated"),
        pytest.param(lambda b: b[:-10] + b"0123456789", id="payload-changed"),
        pytest.param(lambda b: b"", id="empty"),
        pytest.param(lambda b: b"not a cache at all", id="garbage"),
    ],
)
def test_a_damaged_cache_file_is_rebuilt_not_read(data: Path, damage: object) -> None:
    build = Builds()
    cache.cached(data, build, Catalog)
    path = _only_cache_file()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    catalog = cache.cached(data, build, Catalog)
    assert build.calls == 2
    assert catalog.summary() == Catalog(data).summary()
    cache.cached(data, build, Catalog)
    assert build.calls == 2  # the rebuilt cache is good again


def test_a_cache_folder_that_cannot_be_written_only_costs_the_build(
    data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "cache"))
    build = Builds()
    assert cache.cached(data, build, Catalog).ids() == Catalog(data).ids()
    assert cache.cached(data, build, Catalog).ids() == Catalog(data).ids()
    assert build.calls == 2


def test_the_cache_can_be_turned_off(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_OFF, "1")
    build = Builds()
    cache.cached(data, build, Catalog)
    cache.cached(data, build, Catalog)
    assert build.calls == 2
    assert not list(cache.cache_dir().glob("*.pickle"))


def test_the_default_catalog_is_the_bundled_regimes() -> None:
    assert default_catalog().summary() == Catalog().summary()


@pytest.mark.parametrize("xdg", [None, "", "  ", "/tmp/xdg-cache"])
def test_the_cache_folder_is_platformdirs_own(
    xdg: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux the folder is worked out without importing platformdirs (and its tempfile)."""
    monkeypatch.delenv(cache.ENV_DIR, raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache.cache_dir() == Path(user_cache_dir("modtrace"))
