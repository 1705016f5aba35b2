"""The size sources added to close issue #13's gap: sizes glued to a family word, the
architecture table read with ``_`` as ``-`` and in specific-first order, and every table entry
carrying a public reference."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineage_world import write_snapshot
from modtrace.ecosystem.population import build_population
from modtrace.ecosystem.sizes import (
    FAMILY_VERSIONS,
    architecture_size,
    load_architectures,
    parse_size,
)

TABLE = load_architectures()


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("jhflow/mistral7b-lora-multi-turn-v2", 7e9),
        ("mnoukhov/pythia410m-sft-tldr", 4.1e8),
        ("mnoukhov/pythia2.8b-sft-tldr", 2.8e9),
        ("ahmedheakl/asm2asm-deepseek1.3b-xtokenizer-arm", 1.3e9),
        ("FluxiIA/Agentic-Qwen7b", 7e9),
        ("kadirnar/turkish-gemma9b-v0", 9e9),
        ("erythropygia/Gemma2b-Turkish-Instruction", None),  # Gemma 2 or 2B: unread
        ("ZMC2019/Qwen1.5B-L44-Flat-tuned", None),  # Qwen1.5 is a version
        ("DelVecchioAndrea/Llama3.8B-prova", None),  # Llama 3, 8B: not 3.8B
        ("zjuxhl/Qwen2.5Math1.5B-NuminaMath", None),
        ("x/superqwen7b", None),  # the family word must start a token
        ("lesso/mistral7b-022c7873-0220-4b23-b4f0-63e468442ecb", None),
    ],
    ids=str,
)
def test_sizes_glued_to_a_family_word(name: str, params: float | None) -> None:
    assert parse_size(name) == (pytest.approx(params) if params else None)


@given(
    st.sampled_from(["mistral", "Mistral", "pythia", "deepseek"]),
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["b", "B", "m", "M"]),
)
def test_a_glued_size_reads_as_written(family: str, number: int, unit: str) -> None:
    scale = 1e9 if unit.lower() == "b" else 1e6
    assert parse_size(f"org/{family}{number}{unit}-sft") == pytest.approx(number * scale)


@given(st.sampled_from(sorted(FAMILY_VERSIONS)), st.data())
def test_a_version_is_never_read_as_a_size(family: str, data: st.DataObject) -> None:
    version = data.draw(st.sampled_from(sorted(FAMILY_VERSIONS[family])))
    assert parse_size(f"org/{family}{version}b-chat") is None


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("Hartunka/bert_base_rand_5_v1", 1.1e8),  # ``_`` read as ``-``
        ("emilyalsentzer/Bio_ClinicalBERT", 1.1e8),
        ("huawei-noah/TinyBERT_General_4L_312D", 1.45e7),
        ("google/bert_uncased_L-4_H-256_A-4", 4.1e7),
        ("LyliaEngine/Pony_Diffusion_V6_XL", 3.5e9),
        ("SG161222/Realistic_Vision_V6.0_B1_noVAE", 9.8e8),
        ("albert/albert-base-v2", 1.2e7),  # no longer BERT-base's size
        ("facebook/hubert-base-ls960", 9.5e7),
        ("google/t5-v1_1-xxl", 1.13e10),
        ("google/t5-v1_1-base", 2.48e8),
        ("google/t5-large", 7.7e8),
        ("google/umt5-xxl", 1.3e10),
        ("google/mt5-large", 1.2e9),
        ("bigscience/mt0-base", 5.8e8),
        ("microsoft/DialoGPT-medium", 3.45e8),
        ("unsloth/Phi-3-medium-4k-instruct", 1.4e10),
        ("abacaj/phi-2-super", 2.7e9),
        ("microsoft/Phi-3.5-mini-instruct", 3.8e9),
        ("CohereForAI/c4ai-command-a-03-2025", 1.11e11),
        ("nvidia/mit-b3", 4.4e7),
        ("microsoft/layoutlmv3-base", 1.33e8),  # v3 keeps its own entry
        ("microsoft/layoutlm-base-uncased", 1.13e8),
        ("fxmarty/really-tiny-falcon-testing", 1.0e6),
        ("Ultralytics/YOLO11", None),  # several sizes in one repository: unknown
        ("MinaMila/Phi3_unlearning_general_methode", None),  # which Phi-3? unknown
        ("Hartunka/tiny_bert_rand_50_v1", None),
    ],
    ids=str,
)
def test_reviewed_architectures(name: str, params: float | None) -> None:
    assert architecture_size(name, TABLE) == params


def test_every_architecture_entry_is_sourced_and_plausible() -> None:
    cited = re.compile(r"model card|et al\.|arXiv|\b(?:19|20)\d\d\b|test fixtures")
    for pattern, parameters, reference in TABLE:
        assert cited.search(reference), f"{pattern.pattern}: no paper or model card"
        assert 1e5 <= parameters <= 2e12, pattern.pattern
        assert "_" not in pattern.pattern, f"{pattern.pattern}: names are matched with - for _"


def test_a_stated_active_count_makes_a_mixture_of_experts(tmp_path: Path) -> None:
    lineage = write_snapshot(
        tmp_path,
        [
            "x/ling-ft,finetune,inclusionAI/Ling-lite",
            "x/bert-ft,finetune,google-bert/bert-base-uncased",
            "x/yolo-ft,finetune,Ultralytics/YOLO11",
        ],
    )
    pop = build_population(lineage).sort("model_id")
    rows = {r["model_id"]: r for r in pop.iter_rows(named=True)}
    ling, bert, yolo = rows["x/ling-ft"], rows["x/bert-ft"], rows["x/yolo-ft"]
    assert ling["root_parameters"] == 1.68e10
    assert ling["root_moe"]
    assert ling["root_active_parameters"] == 2.75e9
    assert ling["root_parameters_source"] == "architecture"
    assert not bert["root_moe"]
    assert bert["root_active_parameters"] == 1.1e8
    # The lower bound trains only the active parameters: 6 * N_active * (1 token * N_active).
    assert ling["original.training_compute.low"] == pytest.approx(6 * 2.75e9**2)
    assert yolo["root_parameters"] is None  # several sizes: a range, never one size
    assert yolo["original.training_compute.method"] == "family-range"
