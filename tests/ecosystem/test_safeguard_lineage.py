"""Safeguard removal through lineage, and recall on a hand-labelled sample of known misses."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from modtrace.ecosystem.safeguards import classify, flag_expr, inherited
from modtrace.registry.ingest.relations import disagrees, infer_relation

RECALL = Path(__file__).resolve().parents[1] / "data" / "safeguard_recall_sample.csv"


def test_recall_and_precision_on_the_labelled_sample() -> None:
    with RECALL.open(newline="", encoding="utf-8") as handle:
        sample = list(csv.DictReader(handle))
    flags = pl.DataFrame({"m": [r["model_id"] for r in sample]}).select(flag_expr("m"))["m"]
    labels = [r["label"] == "1" for r in sample]
    true_pos = sum(f and lab for f, lab in zip(flags, labels, strict=True))
    recall = true_pos / sum(labels)
    precision = true_pos / sum(flags)
    assert recall >= 0.9, recall
    assert precision >= 0.95, precision
    assert [classify(r["model_id"]) is not None for r in sample] == flags.to_list()
    for family in ("Dolphin", "NSFW", "toxic"):  # the audit's known misses are now caught
        rows = [r for r in sample if family.lower() in r["why"].lower() and r["label"] == "1"]
        assert rows
        assert all(classify(r["model_id"]) for r in rows), family


def test_detectors_and_classifiers_are_not_removals() -> None:
    for name in [
        "Ateeqq/nsfw-image-detection",
        "LingoIITGN/mBert_toxic_punjabi",
        "MesserMMP/rubertconv_toxic_clf_finetuned",
        "Gitanjali1801/sdxl-base-detoxic_new_image-lora",
        "DataoceanAI/dolphin-base",
    ]:
        assert classify(name) is None, name


def test_inherited_signal_names_the_nearest_flagged_ancestor() -> None:
    edges = pl.DataFrame(
        {
            "model_id": ["a/abl", "b/gguf", "c/merge", "d/clean", "e/ft", "x", "y"],
            "parent": ["org/base", "a/abl", "b/gguf", "org/base", "d/clean", "y", "x"],
        }
    )
    got = inherited(edges, {"a/abl"})
    assert got == {"b/gguf": "a/abl", "c/merge": "a/abl"}
    assert inherited(edges, {"a/abl", "b/gguf"})["c/merge"] == "b/gguf"  # the nearest one
    assert inherited(edges, {"x"}) == {"y": "x"}  # a loop ends the climb


RELATIONS = Path(__file__).resolve().parents[1] / "data" / "relation_sample.csv"


def test_inferred_relations_on_the_hand_labelled_sample() -> None:
    with RELATIONS.open(newline="", encoding="utf-8") as handle:
        sample = list(csv.DictReader(handle))
    right = 0
    for row in sample:
        shown = infer_relation(row["model_id"])
        believed = shown if disagrees(row["declared"], shown) else row["declared"]
        right += believed == row["truth"]
    declared_right = sum(r["declared"] == r["truth"] for r in sample)
    assert right / len(sample) >= 0.95, right
    assert declared_right / len(sample) <= 0.5  # the sample is of disputed declarations
