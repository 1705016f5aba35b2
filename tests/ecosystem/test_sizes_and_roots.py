"""Defects the audit of issue #13 found, each pinned: loops, the size grammar, re-listed
models, the fine-tune token range and mixture-of-experts lower bounds."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHARED_DATA
from modtrace.ecosystem import assumptions
from modtrace.ecosystem.roots import resolve_roots
from modtrace.ecosystem.sizes import (
    active_from_name,
    architecture_size,
    family_sizes,
    load_architectures,
    looks_moe,
    parse_size,
)
from modtrace.ecosystem.snapshot import deletions, read_weeks


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("meta-llama/Llama-3.1-8B", 8e9),
        ("x/Mixtral-8x7B-v0.1", 56e9),
        ("Qwen/Qwen3-235B-A22B", 235e9),
        ("google/gemma-3-270m", 270e6),
        ("bigscience/bloom-1b7", 1.7e9),
        ("bigscience/bloom-7b1", 7.1e9),
        ("Qwen/Qwen2.5-0.5B-Instruct", 0.5e9),
        ("black-forest-labs/FLUX.1-dev", None),
        ("samoline/022c7873-0220-4b23-b4f0-63e468442ecb", None),
        ("TheMindExpansionNetwork/M1ndb0t-0M3N", None),
        ("TheMindExpansionNetwork/M1ndb0t-0M3N-Q4_K_M-GGUF", None),
        ("someone/model-0B", None),
        ("someone/gpt2", None),
        ("someone/t5-3b-ft", 3e9),
    ],
    ids=str,
)
def test_the_size_grammar(name: str, params: float | None) -> None:
    got = parse_size(name)
    assert got == (pytest.approx(params) if params else None)


@given(st.uuids(), st.sampled_from(["", "org/", "lesso18/"]))
def test_uuid_names_never_give_a_size(value: uuid.UUID, prefix: str) -> None:
    assert parse_size(f"{prefix}{value}") is None
    assert active_from_name(f"{prefix}{value}") is None


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["B", "b", "M", "m"]),
    st.sampled_from(["-", "_", "."]),
)
def test_a_size_token_reads_as_written(number: int, unit: str, sep: str) -> None:
    scale = 1e9 if unit.lower() == "b" else 1e6
    assert parse_size(f"org/Model{sep}{number}{unit}{sep}Instruct") == pytest.approx(number * scale)
    assert parse_size(f"org/Model{sep}{number}{unit}x") is None  # glued to letters: no size


def test_active_parameters_and_moe_markers() -> None:
    assert active_from_name("Qwen/Qwen3-235B-A22B") == 22e9
    assert looks_moe("moonshotai/Kimi-K2-Thinking", ["kimi_k2", "text-generation"])
    assert looks_moe("meta-llama/Llama-4-Scout-17B-16E", None)
    assert looks_moe("mistralai/Mixtral-8x7B-v0.1", None)
    assert not looks_moe("meta-llama/Llama-3.1-8B", ["llama", "text-generation"])


def test_architecture_table_is_ordered_specific_first() -> None:
    table = load_architectures()
    assert architecture_size("google-bert/bert-base-uncased", table) == 1.1e8
    assert architecture_size("distilbert/distilbert-base-uncased", table) == 6.6e7
    assert architecture_size("FacebookAI/xlm-roberta-base", table) == 2.78e8
    assert architecture_size("google/flan-t5-base", table) == 2.48e8
    assert architecture_size("black-forest-labs/FLUX.1-dev", table) == 1.2e10
    assert architecture_size("meta-llama/Llama-3.1-8B", table) is None
    assert all(ref.strip() for _, _, ref in table)


def test_family_sizes_climb_only_size_preserving_edges() -> None:
    edges = pl.DataFrame(
        {
            "model_id": ["q", "f", "a", "g"],
            "parent": ["root", "root", "root", "f"],
            "relation": ["quantized", "finetune", "adapter", "quantized"],
        }
    )
    sizes = family_sizes(edges, {"q": 7e9, "a": 2e7, "g": 7.2e9})
    got = dict(zip(sizes["id"], sizes["family_parameters"], strict=True))
    assert got["root"] in (7e9, 7.2e9)  # the adapter's 2e7 never reaches the root
    assert got["f"] == 7.2e9
    assert "a" not in got


def test_only_models_on_or_below_a_loop_are_cyclic() -> None:
    edges = pl.DataFrame(
        {
            "model_id": ["b", "c", "d", "x", "y", "z", "w"],
            "parent": ["a", "b", "c", "y", "x", "x", "root"],
        }
    )
    roots = {r["model_id"]: r for r in resolve_roots(edges).iter_rows(named=True)}
    assert (roots["d"]["root"], roots["d"]["depth"], roots["d"]["cyclic"]) == ("a", 3, False)
    assert not roots["w"]["cyclic"]
    assert [roots[m]["cyclic"] for m in "xyz"] == [True, True, True]
    assert roots["x"]["root"] == roots["y"]["root"] == roots["z"]["root"] == "x"


def test_a_chain_deeper_than_thirty_is_no_loop() -> None:
    chain = [f"m{i}" for i in range(60)]
    edges = pl.DataFrame({"model_id": chain[1:], "parent": chain[:-1]})
    roots = resolve_roots(edges)
    assert not roots["cyclic"].any()
    assert roots.filter(pl.col("model_id") == "m59")["depth"].item() == 59


def _week(folder: Path, kind: str, mmdd: str, rows: list[list[str]]) -> None:
    (folder / kind).mkdir(parents=True, exist_ok=True)
    with (folder / kind / f"{kind}_model_{mmdd}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Model ID", "Type", "Base Model"])
        writer.writerows(rows)


def test_a_re_listed_model_keeps_its_base_and_first_week(tmp_path: Path) -> None:
    _week(tmp_path, "added", "0319", [["org/a", "", ""], ["org/b", "finetune", "base/x"]])
    _week(tmp_path, "added", "0326", [["org/a", "finetune", "base/y"], ["org/b", "", ""]])
    rows = {r["model_id"]: r for r in read_weeks(tmp_path).iter_rows(named=True)}
    assert rows["org/a"]["bases"] == ["base/y"]
    assert str(rows["org/a"]["week"]) == "2025-03-19"
    assert rows["org/b"]["bases"] == ["base/x"]


def test_deletions_keep_the_last_week_unless_re_added(tmp_path: Path) -> None:
    _week(tmp_path, "added", "0319", [["org/a", "", ""], ["org/b", "", ""]])
    _week(tmp_path, "added", "0402", [["org/b", "", ""]])
    _week(tmp_path, "deleted", "0326", [["org/a", "", ""], ["org/b", "", ""]])
    gone = dict(deletions(tmp_path).iter_rows())
    assert str(gone["org/a"]) == "2025-03-26"
    assert "org/b" not in gone  # uploaded again after the deletion


def test_finetune_token_range_holds_every_epoch_finetune() -> None:
    table = SHARED_DATA / "epoch" / "notable_ai_models.csv"
    if not table.exists():
        pytest.skip("../shared/data/epoch is not beside this checkout")
    low, high = assumptions.FINETUNE_TOKENS
    tokens = []
    with table.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            flop, params = row["Finetune compute (FLOP)"], row["Parameters"]
            if flop and params and float(flop) > 0:
                tokens.append(float(flop) / (6 * float(params)))
    assert len(tokens) >= 40
    assert all(low <= t <= high for t in tokens), [t for t in tokens if not low <= t <= high]
