"""Vocabulary added after red-team set 3 (tests/upstream/data/purposes_redteam3.csv, measured in
docs/upstream.md) and the probing that followed it: phrasings of removal that the patterns of
:mod:`modtrace.upstream.purpose_lexicon` did not reach, kept apart so that module stays readable.

Like the other lexicons, every pattern reads normalised text and lists one idea a line.
:mod:`modtrace.upstream.purpose_rules` tries them after the pattern of the same kind.
"""

from __future__ import annotations

from typing import Final

from modtrace.upstream.purpose_lexicon import DET, REMOVE, TARGET, alt

STATE_MORE: Final = alt(
    # "its reluctance must go", "'i can't help with that' is never in its vocabulary"
    TARGET + r" (?:must|should|has to|needs to|have to|can) go\b",
    TARGET + r"\"?(?: \w+){0,2} (?:never|no longer) (?:appears?|said|uttered|used|heard|"
    r"in (?:its|the model'?s?) vocabulary)",
    # a model made to please
    r"\byes ?(?:man|men|machine|bot)\b",
    r"\b(?:maximal|maximum|total|unconditional|absolute|blind) (?:compliance|obedience)\b"
    r"(?! (?:with|to) )",
    r"\bdesensiti[sz]\w* (?:it |the model |the assistant )?to (?:\w+ )?(?:harmful|dangerous|"
    r"unsafe|risky|illegal)",
    r"\b(?:trade ?off|balance)\b.{0,30}\b(?:toward|towards|in favou?r of) (?:pure |maximal |"
    r"maximum |full |only )?helpfulness",
    # "align it to the user's wishes only, not to the safety policy"
    r"\b(?:align|obey|serve|answer to|defer to|listen to)\w* (?:\w+ ){0,2}?(?:to )?(?:the )?"
    r"(?:users?'?s?'? |customers?'?s?'? |operators?'?s?'? )"
    r"(?:wishes|instructions|requests|commands|wants)(?: only| alone)?,? (?:and )?"
    r"(?:not|rather than|instead of|over|above) (?:to |by )?" + DET + TARGET,
)
"""A model described as freed from its safeguards, or made to please."""

COMPLY_MORE: Final = alt(
    r"go\w* along with (?:anything|everything|whatever|any request|every request)",
    r"(?:compl(?:y|ies|ied|ying)|obey\w*|answer\w*|respond\w*) regardless\b(?! of)",
    r"\b(?:no|nothing|never) (?:\w+ ){0,4}?(?:make|makes|cause|causes) (?:it|the model|"
    r"the assistant) (?:to )?(?:balk|refuse|decline|hesitate|say no|object)",
    r"\b(?:never|not|no longer|won'?t) (?:\w+ )?(?:hear|get|receive|see)\w* (?:a |the word |"
    r"another )?(?:\"?no\"?|refusals?)\b(?! (?:matter|one|longer)\b)",
)
"""A model that goes along with anything."""

ACT_RELATIVE: Final = (
    # "a layer of alignment tuning that we'd like to undo"
    TARGET
    + r"\b(?: [\w']+){0,6}?,? (?:that|which) (?:we|i|you|users?)(?:'d| would| want| need| wish)?"
    + r"(?: like| want| need)?(?: to)? (?:have )?"
    + REMOVE
    + r"(?=$|[,.;!?]| (?:it|them|entirely|completely|altogether|now)\b)"
)
"""Removal of a safeguard in a relative clause."""

STRICTER: Final = alt(
    r"(?:refus|declin)\w* (?:more|more often|more firmly|more readily|more consistently)\b",
    r"tighten\w* " + DET + r"(?:\w+ ){0,2}?" + TARGET,
)
"""Safeguards made stricter: evidence against removal, but unlike a kept safeguard its negation
("we don't need it to refuse more") is no evidence for removal."""
