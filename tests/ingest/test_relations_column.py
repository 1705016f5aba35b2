"""The relation evidence read for a whole column gives :func:`infer_relation`'s answers."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED_DATA
from modtrace.registry.ingest.relations import _RUST, infer_relation, infer_relations

# Pieces of the evidence the rules look for, glued with separators and digits, so that the
# generated names hit every rule and its edges (``-lora-merged``, ``_4bit``, ``14bit``).
# fmt: off
EVIDENCE = [
    "gguf", "GPTQ", "awq", "exl2", "mlx-4bit", "Q4_K", "iq2_0", "imatrix", "int8", "fp8", "nf4",
    "4.5bpw", "bnb-4bit", "4bit", "14bit", "8-bits", "slerp", "ties", "dare", "della",
    "MergeKit", "model_stock", "passthrough", "lora", "QLoRA", "peft", "adapter", "merged",
    "no_lora", "Llama", "3.1", "8B",
]
# fmt: on
PIECES = st.sampled_from([*EVIDENCE, "ſ", "K", "İ", "ı", "\n", "é"])  # letters re folds
NAME = st.lists(
    st.one_of(PIECES, st.text(alphabet="-_./0123456789aZ", max_size=3)), max_size=6
).map("".join)


def _check(ids: list[str], bases: list[int]) -> None:
    column = pl.Series(ids, dtype=pl.String)
    got = infer_relations(column, pl.Series(bases, dtype=pl.UInt32))
    assert got.to_list() == [infer_relation(m, (), b) for m, b in zip(ids, bases, strict=True)]
    names = column.str.split("/").list.last()  # as the population hands them over
    assert infer_relations(column, pl.Series(bases, dtype=pl.UInt32), names).equals(got)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAME, NAME, st.integers(0, 3)), max_size=30))
def test_the_same_answer_as_one_name_at_a_time(rows: list[tuple[str, str, int]]) -> None:
    _check([f"{org}/{name}" for org, name, _ in rows], [b for _, _, b in rows])


def test_the_edges_of_each_rule() -> None:
    ids = ["a/x-lora-merged", "a/x-lora", "a/x_4bit", "a/x-14bit", "a/x.gguf", "a/b/x-slerp"]
    ids += ["nonamespace-ties-x", "a/x-qlora", "a/x-merged-16bit", "a/mergekıt", "a/x"]
    _check(ids, [1] * len(ids))
    _check(["a/x", "a/x-lora"], [2, 0])  # several bases make a merge; none is no evidence
    assert (
        infer_relations(pl.Series([], dtype=pl.String), pl.Series([], dtype=pl.UInt32)).len() == 0
    )


@pytest.mark.skipif(
    not (SHARED_DATA / "hf-lineage").is_dir(), reason="../shared/data is not beside this checkout"
)
def test_every_model_of_the_snapshot() -> None:
    frame = (
        pl.scan_csv(SHARED_DATA / "hf-lineage" / "*" / "*.csv", infer_schema=False)
        .select(
            pl.col("Model ID").alias("id"),
            pl.col("Base Model").fill_null("").str.split(",").list.len().alias("bases"),
        )
        .drop_nulls("id")
        .unique("id")
        .sort("id")
        .gather_every(4)  # a quarter of the snapshot's ~490,000 names, every kind of them
        .collect()
    )
    assert frame.height > 100_000
    _check(frame["id"].to_list(), frame["bases"].to_list())


def test_the_column_patterns_read_lower_case_text() -> None:
    """The column form searches the name in lower case without a case-blind flag: that is the
    case-blind search only while every letter of the patterns is lower case."""
    for pattern in _RUST.values():
        assert "(?i)" not in pattern
        assert pattern == pattern.lower(), pattern
    _check(["a/X-LoRA", "a/Model-GGUF", "a/X-SLERP", "a/X-LoRA-Merged", "a/X_4BIT"], [1] * 5)
