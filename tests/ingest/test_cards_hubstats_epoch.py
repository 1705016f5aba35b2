"""Model cards, hub-stats and Epoch resolution on the real shared data."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from conftest import SHARED_DATA
from modtrace.registry.ingest.cards import card_paths, import_cards, parse_card
from modtrace.registry.ingest.epoch import (
    EpochModel,
    import_epoch,
    load_aliases,
    normalise,
    numbers,
    read_epoch,
    resolve,
)
from modtrace.registry.ingest.hub_stats import import_hub_stats
from modtrace.registry.register import Register
from modtrace.registry.tables import lineage_edges, models

CARDS = SHARED_DATA / "model-cards" / "leliuga"
EPOCH = SHARED_DATA / "epoch"
HUB_STATS = SHARED_DATA / "hub-stats" / "hub_stats_frozen.parquet"

needs_data = pytest.mark.skipif(
    not CARDS.is_dir(), reason="../shared/data is not beside this checkout"
)


@needs_data
def test_every_real_card_parses_or_is_reported() -> None:
    paths = card_paths(CARDS)
    assert len(paths) == 1008
    declared = 0
    problems = 0
    for path in paths:
        data, found = parse_card(path)
        problems += bool(found)
        declared += "base_model" in data
    assert declared == 87  # cards whose front matter names a base model
    assert problems == 43  # 40 without front matter, 3 with a malformed model-index


@needs_data
def test_card_import_sample_and_its_problems(register: Register, tmp_path: Path) -> None:
    sample = tmp_path / "leliuga"
    for name in ["meditron-70B", "Pandalyst-7B-V1.1", "Athena-v1", "vicuna-13B-v1.5"]:
        shutil.copytree(CARDS / name, sample / name)
    report = import_cards(register, sample, progress=False)
    assert report.models_added == 4
    found = {str(p) for p in report.problems}
    assert "leliuga/Athena-v1/README.md:1: no YAML front matter; card body only" in found
    assert any(
        p.startswith("leliuga/Pandalyst-7B-V1.1/README.md:1: malformed metadata") for p in found
    )
    with register.engine.connect() as c:
        edge = (
            c.execute(
                select(lineage_edges).where(lineage_edges.c.child_id == "leliuga/meditron-70B")
            )
            .mappings()
            .one()
        )
        row = (
            c.execute(select(models).where(models.c.id == "leliuga/meditron-70B")).mappings().one()
        )
    assert (edge["parent_id"], edge["relation"], edge["status"]) == (
        "meta-llama/Llama-2-70b",
        "finetune",
        "inferred",
    )
    assert row["license"] == "llama2"
    assert "medical" in row["card"]["tags"]
    again = import_cards(register, sample, progress=False)
    assert again.skipped_sources == 1


@needs_data
def test_hub_stats_import_matches_the_parquet(register: Register) -> None:
    frame = pl.read_parquet(HUB_STATS, columns=["id", "baseModels", "safetensors"])
    report = import_hub_stats(register, HUB_STATS)
    assert report.models_added == frame["id"].n_unique()
    with register.engine.connect() as c:
        described = c.execute(
            select(func.count())
            .select_from(models)
            .where(models.c.source.like("hub-stats%"), models.c.external.is_(False))
        ).scalar_one()
        with_params = c.execute(
            select(func.count()).select_from(models).where(models.c.parameters.is_not(None))
        ).scalar_one()
    assert described == frame["id"].n_unique()
    expected_params = frame.filter(pl.col("safetensors").struct.field("total").is_not_null())[
        "id"
    ].n_unique()
    assert with_params == expected_params
    assert register.verify().ok


def test_normalising_names() -> None:
    assert normalise("Llama 3.1-405B") == normalise("meta-llama/Llama-3.1-405B") == "llama 3 1 405b"
    assert normalise("Meta-Llama-3-70B") == normalise("Llama 3-70B")
    assert numbers("Llama 3.2 11B") == ["3.2", "11"]
    assert numbers("stablelm-2-1_6b") == ["2", "1.6"]


def test_resolution_order_and_the_number_guard() -> None:
    epoch = [
        EpochModel("Llama 3.1-405B", "Meta AI", 3.8e25, 405e9),
        EpochModel("Qwen2.5-72B", "Alibaba", 7.8e24, 72.7e9),
        EpochModel("Llama 3.2 11B", "Meta AI", 5.79e23, 10.6e9),
        EpochModel("Hunyuan Video", "Tencent", 1e24, None),
        EpochModel("SSA", "x", 1e20, None),
    ]
    candidates = [
        "Qwen/Qwen2.5-72B",
        "unsloth/Qwen2.5-72B",
        "meta-llama/Llama-3.2-1B",
        "tencent/HunyuanVideo",
        "someone/SSA",
    ]
    report = resolve(epoch, candidates, {"Llama 3.1-405B": ["meta-llama/Llama-3.1-405B"]})
    got = {(m.epoch_name, m.hub_id): (m.method, m.confidence) for m in report.matches}
    assert got[("Llama 3.1-405B", "meta-llama/Llama-3.1-405B")] == ("alias", 1.0)
    assert got[("Qwen2.5-72B", "Qwen/Qwen2.5-72B")][0] == "exact"
    assert got[("Hunyuan Video", "tencent/HunyuanVideo")][0] == "fuzzy"
    assert ("Llama 3.2 11B", "meta-llama/Llama-3.2-1B") not in got  # 11B is not 1B
    assert set(report.unmatched) == {"Llama 3.2 11B", "SSA"}


def test_namesakes_are_refused_and_aliases_leave_mirrors_to_the_name_step() -> None:
    epoch = [
        EpochModel("RoBERTa Large", "Facebook", 4.15e21, 355e6),
        EpochModel("Gemma 2 9B", "Google DeepMind", 4.32e23, 9.24e9),
    ]
    candidates = ["klue/roberta-large", "unsloth/gemma-2-9b", "google/gemma-2-9b"]
    report = resolve(epoch, candidates, {"Gemma 2 9B": ["google/gemma-2-9b"]})
    got = {(m.epoch_name, m.hub_id): m.method for m in report.matches}
    assert ("RoBERTa Large", "klue/roberta-large") not in got  # KLUE's own Korean model
    assert "RoBERTa Large" in report.unmatched
    assert got[("Gemma 2 9B", "google/gemma-2-9b")] == "alias"
    assert got[("Gemma 2 9B", "unsloth/gemma-2-9b")] == "exact"  # a reviewed mirror namespace
    assert len([m for m in report.matches if m.hub_id == "google/gemma-2-9b"]) == 1


@needs_data
def test_every_alias_names_a_real_epoch_model() -> None:
    names = {m.name for m in read_epoch(EPOCH)}
    assert set(load_aliases()) <= names


@needs_data
def test_epoch_import_records_compute_with_its_source(register: Register) -> None:
    report = import_epoch(register, EPOCH)
    assert report.epoch_models == len(read_epoch(EPOCH))
    assert len(report.unmatched) == report.epoch_models - len(
        {m.epoch_name for m in report.matches}
    )
    with register.engine.connect() as c:
        row = (
            c.execute(select(models).where(models.c.id == "meta-llama/Llama-3.1-405B"))
            .mappings()
            .one()
        )
    assert row["training_compute_flop"] == 3.8e25
    assert row["training_compute_source"] == "epoch:Llama 3.1-405B (alias, confidence 1.00)"
    assert row["parameters"] == 405e9
