"""Family size ranges (``ecosystem/families.py``): a name that says only the family gets the
family's published range, never a single size; UUID-like names, test fixtures and names of two
families get nothing; the range flows into the bounds and the central estimate."""

from __future__ import annotations

import math
import random
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineage_world import write_snapshot
from modtrace.ecosystem import assumptions as a
from modtrace.ecosystem.draws import Ranges, sample_in_range
from modtrace.ecosystem.estimate import Fitted, LogNormal
from modtrace.ecosystem.families import (
    family_range,
    family_ranges,
    load_families,
    refusal,
    validate,
)
from modtrace.ecosystem.population import build_population

TABLE = load_families()
R = a.FAMILY_RANGE_ROUNDING


@pytest.mark.parametrize(
    ("name", "family", "low", "high"),
    [
        ("MinaMila/Phi3_unlearning_general_methode", "phi", 3.8e9, 1.4e10),
        ("MinaMila/llama3_unlearning_general_methode", "llama", 1.0e9, 4.05e11),
        ("akbarsigit/llama3.1-sft-r256-a512-merged-16bit", "llama", 8.0e9, 4.05e11),
        ("x/Llama-2-chat-ft", "llama", 7.0e9, 7.0e10),
        ("karasu000/slimorca-Phi-3.5", "phi", 3.8e9, 4.19e10),
        ("Ultralytics/YOLO11", "yolo", 2.6e6, 5.69e7),
        ("Ultralytics/YOLOv8", "yolo", 3.2e6, 6.82e7),
        ("ytu-ce-cosmos/turkish-tiny-bert-uncased", "bert", 4.4e6, 3.4e8),
        ("vinai/bertweet-base", "bert", 4.4e6, 3.4e8),
        ("airesearch/wangchanberta-base-att-spm-uncased", "bert", 4.4e6, 3.4e8),
        ("x/phoroberta-thai-ft", "roberta", 8.2e7, 5.6e8),
        ("allenai/led-large-16384", "led", 1.62e8, 4.6e8),
        ("VietAI/vit5-base", "t5", 6.0e7, 1.3e10),  # ViT5 is a T5, not a ViT
        ("google/gemma-2b-aps-it", "gemma", 1.0e9, 2.7e10),  # 2B is a size, not Gemma 2
        ("x/gemma-2-ft", "gemma", 2.0e9, 2.7e10),
        ("meta-llama/Meta-Guard-Something", "llama", 1.0e9, 4.05e11),  # by the maker's namespace
    ],
    ids=str,
)
def test_a_family_name_gives_the_published_range(
    name: str, family: str, low: float, high: float
) -> None:
    got = family_range(name, TABLE)
    assert got is not None
    assert got.family == family
    assert got.low == pytest.approx(low / R)
    assert got.high == pytest.approx(high * R)
    assert got.low < got.midpoint < got.high


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("samoline/59b1b15a-698b-4f85-a1f0-ff3f3edf67d9", "uuid"),
        ("lesso/llama-022c7873-0220-4b23-b4f0-63e468442ecb", "uuid"),
        ("fxmarty/tiny-random-LlamaForCausalLM", "test-fixture"),
        ("x/dummy-qwen2", "test-fixture"),
        ("NourFakih/Vit-GPT2-COCO2017Flickr-85k-09", "ambiguous:gpt2+vit"),
        ("laion/CLIP-ViT-H-14-laion2B-s32B-b79K", "ambiguous:clip+vit"),
        ("x/phi3-llama3-merge", "ambiguous:llama+phi"),
        ("MrRobotoAI/102", "no-family"),
        ("aryolotfi/SFT-rho-math", "no-family"),  # ``yolo`` inside a word is no YOLO
        ("LeroyDyer/SpydazWeb_AI_CyberTron_Ultra", "no-family"),  # ``bert`` inside a word
        ("TinyLlama/TinyLlama-chat", "no-family"),  # its own size, not Llama's range
        ("meta-llama/Llama-4-Scout-17B-16E", None),  # the namespace, not the name, matches
    ],
    ids=str,
)
def test_the_reader_refuses_rather_than_guess(name: str, why: str | None) -> None:
    assert refusal(name, TABLE) == why
    if why is not None:
        assert family_range(name, TABLE) is None


def test_every_family_entry_is_sourced_and_consistent() -> None:
    cited = re.compile(r"model card|et al\.|arXiv|documentation|\b(?:19|20)\d\d\b")
    families = {e.family for e in TABLE}
    assert len(families) >= 15
    for entry in TABLE:
        assert cited.search(entry.reference), entry.pattern.pattern
        assert all(1e6 <= s <= 2e12 for s in entry.sizes), entry.pattern.pattern
        assert "_" not in entry.pattern.pattern, "names are matched with - for _"
    for family in families:  # a family's bare word covers every size its versions list
        members = [e for e in TABLE if e.family == family]
        widest = members[-1]
        assert min(widest.sizes) <= min(min(e.sizes) for e in members), family
        assert max(widest.sizes) >= max(max(e.sizes) for e in members), family


@given(
    st.floats(min_value=1e6, max_value=1e12),
    st.floats(min_value=1.0, max_value=1e3),
    st.floats(min_value=0.0, max_value=1.0),
    st.sampled_from(a.FAMILY_SIZE_PRIORS),
)
def test_a_drawn_size_stays_in_its_range(low: float, ratio: float, u: float, prior: str) -> None:
    high = low * ratio
    got = sample_in_range(low, high, u, prior)
    assert low * (1 - 1e-9) <= got <= high * (1 + 1e-9)


def test_the_log_uniform_median_is_the_geometric_midpoint() -> None:
    assert sample_in_range(1e9, 1e11, 0.5, "log-uniform") == pytest.approx(1e10)
    assert sample_in_range(1e9, 1e11, 0.5, "uniform") == pytest.approx(5.05e10)


def test_an_unknown_prior_is_refused() -> None:
    with pytest.raises(ValueError, match="log-uniform"):
        Fitted(LogNormal(10, 1, 42), LogNormal(2, 1, 100), "flat-earth")


def test_validation_counts_held_missed_and_refused() -> None:
    known = {
        "a/llama-3-8b-sft": 8.03e9,  # inside Llama 3's range
        "b/Qwen2.5-0.5B-x": 4.94e8,  # inside only thanks to the rounding margin
        "c/Qwen2-32m-hf": 3.2e7,  # a custom small model: a miss
        "d/59b1b15a-698b-4f85-a1f0-ff3f3edf67d9": 7e9,
        "e/plain-model": 1e9,
    }
    got = validate(known, {"a/llama-3-8b-sft": 10}, TABLE)
    assert (got.tried, got.held) == (3, 2)
    assert (got.derivatives_tried, got.derivatives_held) == (12, 11)
    assert got.refused == {"uuid": 1, "no-family": 1}
    assert got.median_error > 0


def test_family_ranges_frame_lists_only_what_it_reads() -> None:
    frame = family_ranges(["x/phi3-ft", "x/opaque", "x/Vit-GPT2"], TABLE)
    assert frame["id"].to_list() == ["x/phi3-ft"]
    assert frame["size_family"].to_list() == ["phi"]


def test_a_family_range_sets_the_bounds_at_its_ends(tmp_path: Path) -> None:
    lineage = write_snapshot(
        tmp_path,
        [
            "x/phi-ft,finetune,MinaMila/Phi3_unlearning_general_methode",
            "x/phi-q,quantized,MinaMila/Phi3_unlearning_general_methode",
            "x/known-ft,finetune,org/model-7B",
            "x/opaque-ft,finetune,MrRobotoAI/102",
        ],
    )
    pop = build_population(lineage)
    rows = {r["model_id"]: r for r in pop.iter_rows(named=True)}
    ranged, known, opaque = rows["x/phi-ft"], rows["x/known-ft"], rows["x/opaque-ft"]
    low, high = 3.8e9 / R, 1.4e10 * R
    assert ranged["root_parameters"] is None  # a range is never presented as a size
    assert ranged["root_parameters_source"] == "family-range"
    assert (ranged["root_parameters_low"], ranged["root_parameters_high"]) == (
        pytest.approx(low),
        pytest.approx(high),
    )
    assert ranged["original.training_compute.method"] == "family-range"
    assert ranged["original.training_compute.low"] == pytest.approx(
        6 * low * a.TOKENS_PER_PARAMETER_MIN * low
    )
    assert ranged["original.training_compute.high"] == pytest.approx(
        8 * high * a.PRETRAINING_TOKENS_MAX
    )
    tokens_low, tokens_high = a.FINETUNE_TOKENS
    assert ranged["modification.compute.low"] == pytest.approx(6 * low * tokens_low)
    assert ranged["modification.compute.high"] == pytest.approx(8 * high * tokens_high)
    assert ranged["modification.compute.method"] == "family-range"
    assert rows["x/phi-q"]["modification.compute.method"] == "no-training"
    # A point size keeps equal ends and its own method.
    assert known["root_parameters_low"] == known["root_parameters_high"] == 7e9
    assert known["original.training_compute.method"] == "parameters-range"
    assert opaque["root_parameters_source"] is None
    assert opaque["original.training_compute.method"] is None
    assert math.isinf(opaque["original.training_compute.high"])


def test_the_estimate_draws_one_size_per_original(tmp_path: Path) -> None:
    lineage = write_snapshot(
        tmp_path,
        [
            "x/a,finetune,MinaMila/Phi3_unlearning_general_methode",
            "x/b,adapter,MinaMila/Phi3_unlearning_general_methode",
            "x/c,finetune,MinaMila/llama3_unlearning_general_methode",
            "x/d,finetune,org/model-7B",
        ],
    )
    pop = build_population(lineage).sort("model_id")
    for prior in a.FAMILY_SIZE_PRIORS:
        drawn = Ranges.of(pop).draw(prior, random.Random(1)).to_list()
        assert drawn[0] == drawn[1]  # one size per original, shared by its derivatives
        assert 3.8e9 / R <= drawn[0] <= 1.4e10 * R
        assert 1.0e9 / R <= drawn[2] <= 4.05e11 * R
        assert drawn[3] is None  # a point size is never redrawn
    again = Ranges.of(pop).draw("log-uniform", random.Random(1))
    assert again.to_list() == Ranges.of(pop).draw("log-uniform", random.Random(1)).to_list()
    assert pl.Series(drawn).null_count() == 1


WORDS = {"llama": "llama3", "phi": "phi3", "qwen": "qwen2.5", "gpt2": "gpt2", "bert": "bert"}


@given(st.sampled_from(sorted(WORDS)), st.sampled_from(sorted(WORDS)), st.uuids())
def test_two_families_are_ambiguous_and_a_uuid_is_refused(
    first: str, second: str, uuid: object
) -> None:
    name = f"org/{WORDS[first]}-{WORDS[second]}-sft"
    got = family_range(name, TABLE)
    if first == second:
        assert got is not None
        assert got.family == first
    else:
        assert got is None
        assert refusal(name, TABLE) == "ambiguous:" + "+".join(sorted({first, second}))
    assert family_range(f"org/{WORDS[first]}-{uuid}", TABLE) is None
