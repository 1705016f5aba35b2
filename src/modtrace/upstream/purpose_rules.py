"""Rules that read a gate request's ``purpose`` for removing, weakening or bypassing safeguards.

A word list fails both ways (issue #11, finding 11): a benign word ("guardrails", "detect")
anywhere switched it off, and "jailbreak" anywhere switched it on. These rules read the purpose
clause by clause and ask what is done *to* a safeguard:

- **act**: a removal verb with a safeguard as its object ("strip out safety training"), or a
  safeguard with a removal word after it ("refusals removed");
- **state**: a model described without safeguards ("uncensored", "no guardrails",
  "guardrail-free", "helpful-only");
- **comply**: a model that answers everything or stops refusing ("never declines a request",
  "answers questions it currently refuses").

Two things cancel a finding, within its own clause only:

- **negation** before it ("do not remove the refusals", "without removing safety training");
  for a state or a compliance finding only since the last comma, so that a list
  ("no rules, no refusals"; "never warns, never refuses") is not read as negated;
- a **protective frame** at most eight words before it and after the last comma: the safeguard
  is detected, measured or strengthened ("detect jailbreaks", "jailbreak-resistant",
  "evaluate refusal rates"), but "for red teaming, safety training removed" is not framed.

A negated protective frame is itself a finding ("don't keep the guardrails").
The vocabulary is in :mod:`modtrace.upstream.purpose_lexicon`. Measured in docs/upstream.md; the
learned model in :mod:`modtrace.upstream.purpose_model` covers what the rules miss.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from modtrace.upstream.purpose_lexicon import (
    ACTS,
    ANAPHORA,
    CLAUSE_BREAK,
    DET,
    FRAME,
    KEEP,
    MENTIONS_SAFEGUARD,
    NEGATION,
    STATE,
    TARGET,
)
from modtrace.upstream.purpose_lexicon_comply import COMPLY
from modtrace.upstream.purpose_lexicon_evasion import (
    ACT_RELATIVE,
    COMPLY_MORE,
    STATE_MORE,
    STRICTER,
)
from modtrace.upstream.purpose_lexicon_extra import HARM
from modtrace.upstream.purpose_scripts import (
    break_bullets,
    fold_confusables,
    plain_symbols,
    script_findings,
)

Kind = Literal["act", "state", "comply", "harm", "keep", "stricter"]
Verdict = Literal["removal", "clear", "none"]

_LEET: Final = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)

KEYWORDS: Final[tuple[str, ...]] = (
    "refusal",
    "refusals",
    "refuse",
    "refusing",
    "safety",
    "guardrail",
    "guardrails",
    "safeguard",
    "safeguards",
    "censor",
    "censored",
    "uncensored",
    "censorship",
    "jailbreak",
    "jailbroken",
    "abliterate",
    "abliterated",
    "abliteration",
    "alignment",
    "unaligned",
    "unfiltered",
    "unrestricted",
    "restrictions",
    "moderation",
)
"""Words that a misspelling ("refusels", "saftey", "uncensord") is folded back to."""

_PROTECTED: Final = frozenset(
    {"safely", "refuge", "refused", "refuses", "censer", "sensor", "sensors", "refute", "align"}
)


def _distance(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance (a transposition counts as one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                d = min(d, prev2[j - 2] + 1)
            cur.append(d)
        prev2, prev = prev, cur
    return prev[-1]


_PREFIXED: Final = r"(?:un|de|re|non)(?:censor|align|filter|restrict|strict|refus)"


@lru_cache(maxsize=8192)
def _fold_word(word: str) -> str:
    if len(word) < 5 or word in _PROTECTED or word in KEYWORDS or re.match(_PREFIXED, word):
        return word
    limit = 1 if len(word) < 8 else 2
    near = [
        (_distance(word, key), -len(key), key)
        for key in KEYWORDS
        if abs(len(key) - len(word)) <= limit
        and (word[0] == key[0] or word[1] == key[1])  # cheap: typos rarely hit both
        and len(set(word) ^ set(key)) <= 2 * limit
    ]
    best = min(near, default=None)
    return best[2] if best is not None and best[0] <= limit else word


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Lower case, look-alike letters, accents and digit-for-letter spellings folded, misspelt
    keywords fixed, hyphens and underscores as spaces, curly quotes straight, a bulleted line a
    new clause, and a word answered "? No," read as negated."""
    text = plain_symbols(break_bullets(fold_confusables(text)))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(
        r"[a-z0-9@$]+",
        lambda m: m.group().translate(_LEET) if re.search(r"[a-z]", m.group()) else m.group(),
        text,
    )
    text = re.sub(r"[-_/]+", " ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\b(?:[a-z] ){3,}[a-z]\b", lambda m: m.group().replace(" ", ""), text)
    text = re.sub(r"\bjail (brok|break)", r"jail\1", text)
    text = re.sub(r"\bsafe guard", "safeguard", text)
    text = re.sub(r"\s*[:?!]+\s*(none|off|removed|gone|disabled)\b", r" \1", text)
    text = re.sub(
        r"\b(refusals?|safety|guardrails?|filters?|censorship|restrictions?|alignment)\s*[:=]\s*"
        r"(?:0 ?%|zero|0 percent|nil)(?!\w)",
        r"\1 none",
        text,
    )
    # "Uncensored? No, the opposite": the answer negates the word it answers
    text = _ANSWERED_NO.sub(_answered_no, text)
    text = re.sub(
        r"\b(?:over|false|unnecessary|excessive|spurious|exaggerated|needless) ?refus\w*",
        "overrefusal",
        text,
    )
    text = re.sub(
        r"\brefus\w* (?:rates? )?(?:on|of|for|to) (?:\w+ )?(?:benign|harmless|safe|legitimate|"
        r"innocuous|borderline)\b"
        r"|\brefus\w* (?:caused|triggered|due) (?:by |to )(?:\w+ )?(?:false positives?|keywords?|"
        r"mistakes?|misreadings?)",
        "overrefusal on benign",
        text,
    )
    text = re.sub(r"[a-z]*+\*[a-z*]*", _unmask, text)
    return re.sub(r"[a-z]+", lambda m: _fold_word(m.group()), text).strip()


_ANSWERED_NO: Final = re.compile(
    r"(^|[.;!?:] )((?:[\w']+ ){0,3}[\w']+) ?\? ?(?:no|nope|not at all|absolutely not|never)"
    r"(?= ?[,.;!:]| ?$)"
)


def _answered_no(m: re.Match[str]) -> str:
    """ "uncensored? no," → "not uncensored;" but "refusals? no." → "refusals none;": a
    safeguard answered "no" is a safeguard that is gone."""
    asked = m.group(2)
    if re.fullmatch(DET + TARGET, asked):
        return f"{m.group(1)}{asked} none;"
    return f"{m.group(1)}not {asked};"


_MASKED: Final = frozenset(
    {*KEYWORDS, "remove", "disable", "bypass", "training", "filter", "filters", "ethics"}
)
"""Words a masked spelling ("rem*ve", "s*fety") is read as, when one vowel per star fits."""


def _unmask(m: re.Match[str]) -> str:
    """ "s*fety" → "safety": each star tried as each vowel, kept only on a known word."""
    word = m.group()
    if word.count("*") > 2:
        return word
    candidates = [""]
    for ch in word:
        candidates = [c + v for c in candidates for v in ("aeiouy" if ch == "*" else ch)]
    return next((c for c in candidates if c in _MASKED), word)


@dataclass(frozen=True)
class Finding:
    """One piece of evidence in one clause, and whether negation or a frame cancelled it."""

    kind: Kind
    text: str
    negated: bool
    framed: bool

    @property
    def removal(self) -> bool:
        """Evidence for removal: a live act/state/comply finding, or a negated keep."""
        if self.kind == "keep":
            return self.negated
        if self.kind == "stricter":
            return False
        return not self.negated and not self.framed

    @property
    def protective(self) -> bool:
        """Evidence against removal: a kept safeguard, or a cancelled act/state/comply."""
        if self.kind in ("keep", "stricter"):
            return not self.negated
        return self.negated or self.framed


_PATTERNS: Final[tuple[tuple[Kind, re.Pattern[str]], ...]] = (
    ("keep", re.compile(KEEP)),
    ("comply", re.compile(COMPLY)),
    ("comply", re.compile(COMPLY_MORE)),
    ("state", re.compile(STATE)),
    ("state", re.compile(STATE_MORE)),
    ("harm", re.compile(HARM)),
    *(("act", re.compile(p)) for p in ACTS),
    ("act", re.compile(ACT_RELATIVE)),
    ("stricter", re.compile(STRICTER)),
)


def clauses(text: str) -> list[str]:
    """The normalised purpose split where a negation's or a frame's scope ends."""
    parts = CLAUSE_BREAK.split(normalise(text))
    return [p.strip(" ,") for p in parts if p and p.strip(" ,")]


def _negated(before: str) -> bool:
    return NEGATION.search(before) is not None


LOOK_BACK: Final = 400
"""Characters before a finding in which a negation or a frame is looked for (some 60 words, far
more than any clause a purpose is written in)."""


def findings(text: str) -> list[Finding]:
    """Every finding in every clause of ``text``, overlapping matches kept once (patterns are
    tried keep, comply, state, act: "not remove" inside "do not remove" is not a comply)."""
    out: list[Finding] = []
    for clause in clauses(text):
        taken = bytearray(len(clause) + 1)
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(clause):
                if any(taken[m.start() : m.end()]):
                    continue
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                # a bounded look-back keeps the work linear in a clause with many findings
                before = clause[max(0, m.start() - LOOK_BACK) : m.start()]
                # a list of refusals ("never warns, never refuses") is not a negated one
                negated = _negated(_scope(kind, m.group(), before))
                reach = _reach(_scope(kind, m.group(), before, frame=True))
                framed = kind != "keep" and re.search(FRAME, reach + _tail(clause, m))
                out.append(Finding(kind, m.group(), negated, bool(framed)))
    return out


def _scope(kind: Kind, found: str, before: str, frame: bool = False) -> str:
    """The words a negation (or, with ``frame``, a protective frame) may govern a finding from.
    A state or a compliance finding is a list item, so a negation's scope starts after the last
    comma; a compliance finding that carries its own negation ("never refuse") also starts
    after the last "and"/"or", so "don't lecture and never refuse" is not a negated refusal and
    "don't add disclaimers and never refuse" is not a framed one."""
    if kind not in ("comply", "state"):
        return before
    if not frame:
        before = before.rsplit(",", 1)[-1]
    if kind == "comply" and _SELF_NEGATED.match(found):
        before = re.split(r"\b(?:and|or)\b", before)[-1]
    return before


_SELF_NEGATED: Final = re.compile(r"(?:never|no longer|stop|not|won'?t|doesn'?t|does not)\b")


def _reach(before: str) -> str:
    """The words a protective frame may govern a finding from: since the last comma, at most
    eight words back ("for red teaming, safety training removed" is not framed). A frame word
    that only names where data came from ("prompts from a jailbreak benchmark") frames nothing."""
    before = _SOURCE.sub(" ", before.rsplit(",", 1)[-1])
    return " ".join(before.split()[-8:]) + " "


_SOURCE: Final = re.compile(
    r"\b(?:from|taken from|drawn from|out of) (?:a |an |the |our |their |public )?"
    r"(?:\w+ ){0,3}?(?:benchmarks?|datasets?|data sets?|test sets?|eval\w*|suites?|collections?)\b"
)


def _tail(clause: str, m: re.Match[str]) -> str:
    """The word right after a match: "jailbreak resistant", "refusal rates" frame it."""
    after = _TAIL.match(clause, m.end())
    return after.group(1) if after else ""


_TAIL: Final = re.compile(r"\s*(resistant|robust|proof|aware)(?!\S)")


def _anaphora(text: str) -> list[Finding]:
    """Removals of "it"/"them" when the text names a safeguard anywhere."""
    if not MENTIONS_SAFEGUARD.search(normalise(text)):
        return []
    out = []
    for clause in clauses(text):
        for m in ANAPHORA.finditer(clause):
            before = clause[max(0, m.start() - LOOK_BACK) : m.start()]
            out.append(Finding("act", m.group(), _negated(before), bool(re.search(FRAME, before))))
    return out


def verdict(text: str) -> tuple[Verdict, list[Finding]]:
    """``removal`` when any finding is live evidence of removal; ``clear`` when there is
    protective evidence and none for removal; ``none`` when the rules saw nothing."""
    found = findings(text) + _anaphora(text)
    found += [Finding(kind, hit, negated, False) for kind, hit, negated in script_findings(text)]
    if any(f.removal for f in found):
        return "removal", found
    if any(f.protective for f in found):
        return "clear", found
    return "none", found
