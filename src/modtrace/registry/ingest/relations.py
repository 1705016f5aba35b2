"""Check a declared relation against what the model's name and tags show.

Uploaders declare the relation by hand and the Hub sometimes guesses it; both go wrong (a GGUF
declared as an adapter, a merge declared as one fine-tune). :func:`infer_relation` reads the
evidence with labelled rules; where it contradicts the declaration the importer records an
``inferred`` edge beside the declared one, and reports count the disagreements. Accuracy is
measured on a hand-labelled sample (``tests/data/relation_sample.csv``, docs/ecosystem.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import polars as pl

QUANTIZED: Final = re.compile(
    r"gguf|gptq|awq|exl[23]|mlx-[2-8]-?bits?|[-_.]i?q[1-8]_(?:k|[0-9])|imatrix|"
    r"[-_](?:int[48]|fp8|nf4)(?:$|[-_])|\d(?:\.\d+)?bpw|(?:bnb[-_])?(?<![0-9])[2-8][-_]?bits?$",
    re.IGNORECASE,
)
"""Quantization formats and bit widths; ``…-unsloth-bnb-4bit-ft`` (a fine-tune trained on a
quantized base) does not count, nor ``…-merged-16bit`` (merged adapter weights)."""
MERGE: Final = re.compile(
    r"slerp|[-_]ties(?:$|[-_])|[-_]dare(?:$|[-_])|[-_]della(?:$|[-_])|mergekit|model[-_]?stock|"
    r"passthrough",
    re.IGNORECASE,
)
"""Merge methods; ``…-merged`` alone usually means an adapter merged into its base (a
fine-tune), so it is no evidence of a model merge."""
ADAPTER: Final = re.compile(r"(?:^|[-_.])q?lora(?:$|[-_.])|[-_]peft(?:$|[-_])|adapter", re.I)
NOT_ADAPTER: Final = re.compile(r"merged|no[-_]lora", re.IGNORECASE)
"""``…-lora-merged`` is an adapter merged into its base: full weights, a fine-tune."""


def infer_relation(model_id: str, tags: Sequence[str] = (), bases: int = 1) -> str | None:
    """The relation the evidence shows, or ``None`` when it shows nothing in particular.

    Quantization wins over the rest (a GGUF of a merge is a quantization of it); several
    declared bases make a merge.
    """
    name = model_id.rsplit("/", 1)[-1]
    lowered = {t.lower() for t in tags}
    if QUANTIZED.search(name) or "gguf" in lowered:
        return "quantized"
    if bases > 1 or MERGE.search(name) or "mergekit" in lowered:
        return "merge"
    if (ADAPTER.search(name) and not NOT_ADAPTER.search(name)) or "peft" in lowered:
        return "adapter"
    return None


_NO_DIGIT_BEFORE = "(?<![0-9])"
_RUST = {  # the same patterns in Polars' regex dialect, for ASCII text on one line, lower case
    # Whether ``(?<![0-9])X`` matches somewhere is whether ``(?:^|[^0-9])X`` does; the optional
    # ``(?:bnb[-_])?`` before it changes no answer, as a yes/no, either way. Every letter of
    # the patterns is lower case, so on ASCII text a case-blind search is a plain search of
    # the text in lower case (which is cheaper than a case-blind one).
    "quantized": QUANTIZED.pattern.replace(_NO_DIGIT_BEFORE, "(?:^|[^0-9])"),
    "merge": MERGE.pattern,
    "adapter": ADAPTER.pattern,
    "not_adapter": NOT_ADAPTER.pattern,
}


def infer_relations(
    model_ids: pl.Series, bases: pl.Series, names: pl.Series | None = None
) -> pl.Series:
    """:func:`infer_relation` (no tags) for many models at once: ``bases`` counts each model's
    declared bases. The same answers, row for row: the rules run as Polars regexes on the name
    in lower case, which read ASCII text on one line as Python's case-blind ``re`` does (the
    quantization rule's one lookbehind written as a character before it, or the start); a row
    outside that (non-ASCII, a line break) is passed to :func:`infer_relation` itself.
    ``names`` is each id's name (after its last slash) when the caller has split the ids."""
    frame = pl.DataFrame({"id": model_ids, "bases": bases})
    frame = frame.with_columns(
        pl.col("id").str.split("/").list.last().alias("name")
        if names is None
        else names.alias("name")
    )
    name = pl.col("name")
    # ASCII exactly when each character is one byte
    by_python = (name.str.len_bytes() != name.str.len_chars()) | name.str.contains(
        "\n", literal=True
    )
    lower = pl.col("lower")
    vectored = (
        pl.when(lower.str.contains(_RUST["quantized"]))
        .then(pl.lit("quantized"))
        .when((pl.col("bases") > 1) | lower.str.contains(_RUST["merge"]))
        .then(pl.lit("merge"))
        .when(lower.str.contains(_RUST["adapter"]) & ~lower.str.contains(_RUST["not_adapter"]))
        .then(pl.lit("adapter"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    frame = frame.with_columns(by_python.alias("by_python"), name.str.to_lowercase().alias("lower"))
    frame = frame.with_columns(vectored.alias("relation"))
    rows = frame["by_python"].arg_true()
    picked = frame[rows]
    exact = pl.Series(
        [
            infer_relation(m, (), b)
            for m, b in zip(picked["id"].to_list(), picked["bases"].to_list(), strict=True)
        ],
        dtype=pl.String,
    )
    return frame["relation"].scatter(rows, exact).alias("relation_inferred")


def disagrees(declared: str, inferred: str | None) -> bool:
    """Does the evidence contradict the declaration? No evidence contradicts nothing, an
    undeclared relation (``other``) is completed, not contradicted, and a quantization that
    lists several bases (its source and the source's own base) is still a quantization."""
    if inferred is None or declared in (inferred, "other"):
        return False
    return not (declared == "quantized" and inferred == "merge")
