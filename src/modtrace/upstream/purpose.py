"""The gate's screen on a request's ``purpose``: does it ask to remove, weaken or bypass the
model's safeguards or refusals?

Two readers, combined (measured in docs/upstream.md, recomputed by
``scripts/purpose_figures.py`` and asserted in tests/upstream/test_purpose_screen.py):

- the rules of :mod:`modtrace.upstream.purpose_rules`, which say *why* (the clause and the
  finding) and handle negation and protective frames;
- the naive Bayes model of :mod:`modtrace.upstream.purpose_model`, a second opinion for
  phrasings the rules do not know.

Outcome:

- ``removal`` — a live rule finding: the purpose asks for safeguard removal;
- ``uncertain`` — the rules found nothing live but the model is confident that it does
  (probability at least :data:`ESCALATE_AT` when the rules saw protective wording,
  :data:`ESCALATE_UNSEEN_AT` when they saw nothing): a human decides, it is never allowed;
- ``clear`` — neither reader finds removal.

A purpose longer than :data:`MAX_SCREENED` characters (or twice that once compatibility
characters are expanded) is ``uncertain`` without being read, and
so is one written mostly in a script the rules have no vocabulary for
(:func:`modtrace.upstream.purpose_scripts.unread_script`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from modtrace.upstream.purpose_model import Model, shipped_model
from modtrace.upstream.purpose_rules import Finding, verdict
from modtrace.upstream.purpose_scripts import unread_script

ESCALATE_AT: Final = 0.9
"""Model probability that escalates a purpose whose only rule findings were protective."""

ESCALATE_UNSEEN_AT: Final = 0.75
"""Model probability that escalates a purpose in which the rules found nothing at all."""

MAX_SCREENED: Final = 4000
"""Characters the screen reads; a longer purpose is ``uncertain`` (a stated purpose is a sentence
or two, and screening cost grows with length)."""

Outcome = Literal["removal", "uncertain", "clear"]


@dataclass(frozen=True)
class PurposeScreen:
    """The screen's answer, with the evidence a reason can cite."""

    outcome: Outcome
    probability: float
    findings: tuple[Finding, ...]
    note: str = ""

    @property
    def evidence(self) -> str:
        """The rule findings for removal (or, when none, the model's score), for a reason."""
        live = [f"{f.kind} {f.text!r}" for f in self.findings if f.removal]
        if live:
            return "; ".join(live)
        if self.note:
            return self.note
        return f"learned screen p={self.probability:.2f}, no rule finding"


def screen_purpose(text: str | None, model: Model | None = None) -> PurposeScreen:
    """Screen one purpose; an empty or missing purpose is ``clear``."""
    if not text or not text.strip():
        return PurposeScreen("clear", 0.0, ())
    # compatibility characters expand under normalisation ("ﷺ" is 18 letters): both counts
    if len(text) > MAX_SCREENED or len(unicodedata.normalize("NFKD", text)) > 2 * MAX_SCREENED:
        return PurposeScreen("uncertain", 0.5, (), f"longer than {MAX_SCREENED} characters")
    script = unread_script(text)
    if script is not None:
        return PurposeScreen("uncertain", 0.5, (), f"written in {script} script, which is not read")
    rules, found = verdict(text)
    p = (model or shipped_model()).probability(text)
    if rules == "removal":
        return PurposeScreen("removal", p, tuple(found))
    threshold = ESCALATE_AT if rules == "clear" else ESCALATE_UNSEEN_AT
    return PurposeScreen("uncertain" if p >= threshold else "clear", p, tuple(found))
