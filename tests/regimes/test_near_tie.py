"""The batch's near-tie screen flags every row the exact comparison test would, and the rows it
settles keep their places among the others."""

from __future__ import annotations

import math

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from modtrace.determination import assess_row
from modtrace.determination.batch import assess_frame, facts_frame
from modtrace.regimes.columnar import RELATIVE_TIE, _close, _close_ratio, near_tie
from modtrace.regimes.expr import Compare, Const, Mul, NumFact, NumParam
from modtrace.regimes.loader import default_catalog
from strategies import BASE_CASE, flat_case

EU = default_catalog().get("eu-ai-act-gpai")
FACT = "modifier.annual_revenue_usd"

THRESHOLD = st.one_of(
    st.sampled_from([1e23, 1e25, 1e26, 3.3e24, 1.0, 5e8, 0.0, math.inf]),
    st.floats(min_value=-1e30, max_value=1e30, allow_nan=False),
)
OFFSET = st.one_of(  # relative distances around the tie tolerance, and exact hits
    st.floats(min_value=-4 * RELATIVE_TIE, max_value=4 * RELATIVE_TIE),
    st.sampled_from([0.0, RELATIVE_TIE, -RELATIVE_TIE, 1e-16, -1e-16, 1.0, -1.0]),
)


@settings(max_examples=300, deadline=None)
@given(threshold=THRESHOLD, offsets=st.lists(OFFSET, min_size=1, max_size=20))
def test_a_known_side_is_screened_with_a_band_that_misses_no_tie(
    threshold: float, offsets: list[float]
) -> None:
    values: list[float | None] = [threshold * (1 + o) for o in offsets]
    values += [None, math.inf, 0.0, math.nan]
    frame = pl.DataFrame({FACT: values}, schema={FACT: pl.Float64})
    params = {"t": threshold, "half": 0.5, "two": 2.0}
    cases = [
        (Compare(NumFact(FACT), NumParam("t"), strict=True), pl.lit(threshold)),
        (Compare(Const(threshold), NumFact(FACT), strict=False), pl.lit(threshold)),
        (
            Compare(NumFact(FACT), Mul(NumParam("t"), NumParam("two")), strict=True),
            pl.lit(threshold) * pl.lit(2.0),
        ),
    ]
    for node, known in cases:
        exact_test = frame.select(_close(pl.col(FACT), known).alias("x"))["x"]
        screen = frame.select(near_tie([node], params).alias("x"))["x"]
        missed = exact_test & ~screen
        assert not missed.any(), (node, frame.filter(missed))


def test_two_known_sides_are_decided_once() -> None:
    frame = pl.DataFrame({FACT: [1.0, 2.0]})
    tie = Compare(Mul(NumParam("a"), NumParam("b")), NumParam("c"), strict=True)
    assert frame.select(near_tie([tie], {"a": 0.1, "b": 3.0, "c": 0.3}))[:, 0].all()
    assert not frame.select(near_tie([tie], {"a": 1.0, "b": 3.0, "c": 0.3}))[:, 0].any()
    zero = Compare(NumFact(FACT), Const(0), strict=True)  # nothing but 0 is near 0, exactly
    assert not pl.DataFrame({FACT: [0.0, 1e-300, -0.0]}).select(near_tie([zero], {}))[:, 0].any()


def test_settled_rows_keep_their_places() -> None:
    """Near ties (3 × 1e25/3 against 1e25: floats say equal, exactly it is more) between rows
    floats decide; every row gets the single-case answer, in order."""
    tie = {"original__training_compute_flop": 1e25, "modification__compute_flop": 1e25 / 3}
    small = {"original__training_compute_flop": 1e25, "modification__compute_flop": 1e22}
    large = {"original__training_compute_flop": 1e25, "modification__compute_flop": 1e25}
    base = {**BASE_CASE, "original.general_purpose": True}
    rows = [flat_case(base, **v) for v in (small, tie, large, tie, small, small)]
    batch = assess_frame(facts_frame(rows), EU)
    assert batch["outcome"].to_list() == [assess_row(r, EU).outcome for r in rows]
    assert batch["outcome"].to_list()[:3] == ["out-of-scope", "in-scope", "in-scope"]
    assert batch.height == len(rows)


SIDE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e25, 1e-300, 5e-324, 1.7e308, -1e25, math.inf, -math.inf]),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(SIDE, OFFSET), min_size=1, max_size=30), other=SIDE)
def test_two_columns_are_screened_by_their_ratio_missing_no_tie(
    pairs: list[tuple[float | None, float]], other: float | None
) -> None:
    """Two columns (neither side known in advance) are screened by their ratio, in a few passes:
    every row the full relative test flags is flagged, including exact ties, ties within the
    tolerance, tiny and huge values; two zeros and infinite or unknown sides are not ties."""
    left = [a for a, _ in pairs] + [other, other]
    right = [None if a is None else a * (1 + o) for a, o in pairs] + [other, None]
    frame = pl.DataFrame({"a": left, "b": right}, schema={"a": pl.Float64, "b": pl.Float64})
    a, b = pl.col("a"), pl.col("b")
    exact_test = frame.select(_close(a, b).alias("x"))["x"]
    screen = frame.select(_close_ratio(a, b).fill_null(False).alias("x"))["x"]
    missed = exact_test & ~screen
    assert not missed.any(), frame.filter(missed)
    both_zero = frame.select((a == 0) & (b == 0))[:, 0].fill_null(False)
    infinite = frame.select(a.is_infinite() | b.is_infinite())[:, 0].fill_null(False)
    assert not (screen & (both_zero | infinite)).any()


def test_the_ratio_screen_is_the_one_two_columns_get() -> None:
    node = Compare(NumFact(FACT), NumFact("modifier.employees"), strict=True)
    frame = pl.DataFrame(
        {FACT: [1e25, 1e25, 0.0, 1.0], "modifier.employees": [1e25 * (1 + 1e-12), 2e25, 0.0, None]}
    )
    assert frame.select(near_tie([node], {}))[:, 0].to_list() == [True, False, False, False]
