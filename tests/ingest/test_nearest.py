"""The batched fuzzy search gives what one ``process.extract`` per name gives."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from conftest import SHARED_DATA
from modtrace.registry.ingest.epoch import normalise, read_epoch
from modtrace.registry.ingest.nearest import nearest

# Letters a real name might repeat, separators, digits, and whitespace Python and rapidfuzz
# both split on (so token sorting is exercised on more than plain spaces).
NAME = st.text(alphabet="aabbcd12 _-.\t\u00a0\u3000é", max_size=14)


def one_at_a_time(
    queries: list[str], choices: list[str], cutoff: float, limit: int
) -> list[list[tuple[str, float, int]]]:
    """The search as it was: one extract per query over every choice."""
    return [
        [
            (c, s, int(i))
            for c, s, i in process.extract(
                q, choices, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, limit=limit
            )
        ]
        for q in queries
    ]


@settings(max_examples=200, deadline=None)
@given(
    queries=st.lists(NAME, max_size=8),
    choices=st.lists(NAME, max_size=40),
    cutoff=st.sampled_from([0.5, 50.0, 80.0, 95.0, 100.0]),
    limit=st.integers(1, 4),
)
def test_the_same_choices_scores_and_order_as_one_search_per_name(
    queries: list[str], choices: list[str], cutoff: float, limit: int
) -> None:
    assert nearest(queries, choices, cutoff, limit) == one_at_a_time(
        queries, choices, cutoff, limit
    )


def test_ties_keep_the_choices_order_and_the_limit_cuts_after_ranking() -> None:
    choices = ["gemma 2 9b it", "llama 3 8b", "2 gemma 9b it", "gemma 2 9b it", "gemma 2 9b"]
    got = nearest(["gemma 2 9b it"], choices, 80.0, limit=3)
    assert [(c, i) for c, _, i in got[0]] == [
        ("gemma 2 9b it", 0),
        ("2 gemma 9b it", 2),  # token order does not matter: a tie, kept in place
        ("gemma 2 9b it", 3),
    ]
    assert nearest(["nothing alike"], choices, 95.0) == [[]]
    assert nearest([], choices, 95.0) == []
    with pytest.raises(ValueError, match="above 0"):
        nearest(["gemma"], choices, 0.0)


@pytest.mark.skipif(
    not (SHARED_DATA / "hf-lineage").is_dir(), reason="../shared/data is not beside this checkout"
)
@pytest.mark.parametrize(("cutoff", "every", "least_hits"), [(95.0, 3, 5), (85.0, 9, 20)])
def test_every_epoch_name_against_the_snapshots_bases(
    cutoff: float, every: int, least_hits: int
) -> None:
    """Every Epoch name against a third of the base models the snapshot names (~4,000) at the
    threshold the resolution uses, and against a ninth at a lower one that finds more ties."""
    bases = (
        pl.scan_csv(SHARED_DATA / "hf-lineage" / "added" / "*.csv", infer_schema=False)
        .select(pl.col("Base Model").drop_nulls().unique().sort())
        .collect()
        .to_series()
        .to_list()
    )
    choices = list(dict.fromkeys(normalise(b) for b in bases[::every]))
    queries = list(dict.fromkeys(normalise(m.name) for m in read_epoch(SHARED_DATA / "epoch")))
    assert len(queries) > 1000
    assert len(choices) > 12_000 // every
    got = nearest(queries, choices, cutoff)
    assert got == one_at_a_time(queries, choices, cutoff, 10)
    assert sum(map(bool, got)) > least_hits  # the test compares hits, not only empty lists
