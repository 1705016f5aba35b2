"""Hypothesis strategies for facts frames with supplied compute intervals: the facts most steps
read, and compute at, just above and just below the thresholds the regimes use."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
from hypothesis import strategies as st

QUANTITIES = ("original.training_compute", "modification.compute")
EDGES = [1e23, 1e25, 1e26]
COMPUTE = [
    None,
    0.0,
    1e24,
    *EDGES,
    *(t * (1 + 1e-12) for t in EDGES),
    *(t * (1 - 1e-12) for t in EDGES),
]


@st.composite
def row(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {
        "modification.techniques": draw(st.sampled_from([None, ["lora"], ["quantization"], []])),
        "original.modalities": draw(st.sampled_from([None, ["text"], ["image", "text"]])),
        "modification.safeguards.altered": draw(st.sampled_from([None, "intentional"])),
        "modification.safeguards.significant": draw(st.sampled_from([None, True, False])),
        "modifier.acts_on_behalf_of_provider": draw(st.sampled_from([None, True, False])),
        "modification.upstream_warned": draw(st.sampled_from([None, True, False])),
        "modification.release": draw(st.sampled_from([None, "open-weights", "api"])),
    }
    for q in QUANTITIES:
        flop = draw(st.sampled_from(COMPUTE))
        out[f"{q}.flop"] = flop
        out[f"{q}.low"] = draw(st.sampled_from([None, 0.0, flop]))
        out[f"{q}.high"] = draw(st.sampled_from([None, math.inf, flop, 1e27]))
        out[f"{q}.method"] = draw(st.sampled_from([None, "epoch"]))
    return out


def frame_of(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema: dict[str, Any] = {
        "modification.techniques": pl.List(pl.String),
        "original.modalities": pl.List(pl.String),
        "modification.safeguards.altered": pl.String,
        "modification.safeguards.significant": pl.Boolean,
        "modifier.acts_on_behalf_of_provider": pl.Boolean,
        "modification.upstream_warned": pl.Boolean,
        "modification.release": pl.String,
        **{f"{q}.{p}": pl.Float64 for q in QUANTITIES for p in ("flop", "low", "high")},
        **{f"{q}.method": pl.String for q in QUANTITIES},
    }
    return pl.DataFrame(rows, schema=schema)


FRAMES = st.lists(row(), min_size=1, max_size=25).map(frame_of)
