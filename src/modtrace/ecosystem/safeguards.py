"""A transparent classifier for safeguard-removal derivatives, from names, tags and card text.

Each rule is a labelled pattern; a model is flagged when any rule matches, and the flag says
which term matched. Precision is measured on a hand-labelled sample (tests and docs).
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import polars as pl

from modtrace.ecosystem.walk import ParentMap, first_marked_above, parent_map, walk_ends

RULES: Final = {
    "abliterated": r"abliterat",
    "lorablated": r"lorablat",
    "uncensored": r"un-?censor",
    "decensored": r"de-?censor",
    "refusal removed": (
        r"(?:no|zero|anti|remove[ds]?)[-_ ]?refusals?"
        r"|refusals?[-_ ]?(?:removed|free|ablat)"
    ),
    "jailbreak": r"jail-?broken|jailbreak",
    "unaligned": r"un-?aligned|de-?aligned",
    "unfiltered": r"unfiltered",
    "safety removed": r"(?:no|remove[ds]?)[-_ ]?safety|safety[-_ ]?(?:removed|off)",
    "dolphin": r"dolphin[-_ ]?\d|dolphin[-_]mistral|tess[-_]dolphin|cognitivecomputations",
    "nsfw": r"nsfw|lewd|erotic",
    "toxic": r"toxic(?:[-_ ./]|$)",
}
"""Label -> case-insensitive pattern on the model id (name), tags, or card text."""

EXCLUDE: Final = (
    r"classif|detect|guard|moderat|reward|judge|shield|safety[-_ ]?check|_clf|"
    r"bert[^/]*toxic|toxic[^/]*bert|detox"
)
"""Models that *find* jailbreaks or unsafe content, rather than being freed from safeguards."""

_COMBINED = "|".join(f"(?:{p})" for p in RULES.values())


def classify(text: str) -> str | None:
    """The label of the first rule that matches, or ``None``."""
    if re.search(EXCLUDE, text, flags=re.IGNORECASE):
        return None
    for label, pattern in RULES.items():
        if re.search(pattern, text, flags=re.IGNORECASE):
            return label
    return None


def flag_expr(column: str) -> pl.Expr:
    """A Boolean column: does ``column`` (a string) match any rule?"""
    text = pl.col(column)
    return (text.str.contains(f"(?i){_COMBINED}") & ~text.str.contains(f"(?i){EXCLUDE}")).fill_null(
        False
    )


def term_expr(column: str) -> pl.Expr:
    """The first matching rule's label, or null."""
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for label, pattern in reversed(list(RULES.items())):
        hit = pl.col(column).str.contains(f"(?i){pattern}").fill_null(False)
        expr = pl.when(hit).then(pl.lit(label)).otherwise(expr)
    return pl.when(flag_expr(column)).then(expr)


def inherited(
    edges: pl.DataFrame, flagged: set[str], graph: ParentMap | None = None
) -> dict[str, str]:
    """``model -> nearest flagged ancestor`` along first bases, for models with one.

    A quantization, merge, adapter or fine-tune of a safeguard-removed model carries the
    removal whatever its own name says; the signal is then *inherited*, not direct. The same
    map as :func:`inherited_exact`: the walks that end at a root are taken at once
    (:mod:`modtrace.ecosystem.walk`), the models whose walk enters a loop one at a time.
    ``graph`` is :func:`~modtrace.ecosystem.walk.parent_map` of ``edges`` when its models are
    distinct, built once for the walks that share it.
    """
    # A model listed twice keeps its last parent, at its first place (as a dict would).
    last = (
        edges.select("model_id", "parent")
        if graph is not None
        else edges.group_by("model_id", maintain_order=True).agg(pl.col("parent").last())
    )
    if last["model_id"].null_count() or last["parent"].null_count():
        return inherited_exact(edges, flagged)
    if graph is None:
        graph = parent_map(last["model_id"].cast(pl.String), last["parent"].cast(pl.String))
    looping = walk_ends(graph.up, np.zeros(len(graph.up), dtype=np.int64)).looping
    marked = graph.parents.is_in(pl.Series(sorted(flagged), dtype=pl.String)).to_numpy()
    found = first_marked_above(graph.up, marked, looping)
    hit = np.flatnonzero((found >= 0) & ~looping)
    out = dict(
        zip(
            graph.ids.gather(hit).to_list(),
            graph.parents.gather(found[hit]).to_list(),
            strict=True,
        )
    )
    if looping.any():
        loop = graph.ids.filter(pl.Series(looping))
        out.update(inherited_exact(last.filter(pl.col("model_id").is_in(loop.implode())), flagged))
    return out


def inherited_exact(edges: pl.DataFrame, flagged: set[str]) -> dict[str, str]:
    """:func:`inherited`, one model's walk at a time."""
    parent = dict(zip(edges["model_id"], edges["parent"], strict=True))
    nearest: dict[str, str | None] = {}
    for start in parent:
        trail: list[str] = []
        seen: set[str] = set()
        node = start
        while node in parent and node not in nearest and node not in seen:
            seen.add(node)
            trail.append(node)
            node = parent[node]
        for member in reversed(trail):
            up = parent[member]
            found = up if up in flagged else nearest.get(up)
            nearest[member] = None if found == member else found  # never its own ancestor
    return {m: a for m, a in nearest.items() if a is not None}
