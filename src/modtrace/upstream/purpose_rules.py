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
- a **protective frame** before it: the safeguard is detected, measured, kept or strengthened
  ("detect jailbreaks", "jailbreak-resistant", "keep the guardrails").

A negated protective frame is itself a finding ("don't keep the guardrails").
Measured in docs/upstream.md; the learned model in :mod:`modtrace.upstream.purpose_model`
covers what the rules miss.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["act", "state", "comply", "keep", "frame"]

_LEET: Final = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})

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


def _fold_word(word: str) -> str:
    if len(word) < 5 or word in _PROTECTED or word in KEYWORDS or re.match(_PREFIXED, word):
        return word
    limit = 1 if len(word) < 8 else 2
    near = [
        (_distance(word, key), -len(key), key)
        for key in KEYWORDS
        if abs(len(key) - len(word)) <= limit
    ]
    best = min(near, default=None)
    return best[2] if best is not None and best[0] <= limit else word


def normalise(text: str) -> str:
    """Lower case, accents and digit-for-letter spellings folded, misspelt keywords fixed,
    hyphens and underscores as spaces, curly quotes straight."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[a-z0-9@]+", lambda m: m.group().translate(_LEET) if re.search(
        r"[a-z]", m.group()) else m.group(), text)
    text = re.sub(r"[-_/]+", " ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\bjail (brok|break)", r"jail\1", text)
    text = re.sub(r"\bsafe guard", "safeguard", text)
    text = re.sub(r"\s*:\s*(none|off|removed|gone|disabled)\b", r" \1", text)
    text = re.sub(
        r"\b(?:over|false|unnecessary|excessive|spurious|exaggerated|needless) ?refus\w*",
        "overrefusal",
        text,
    )
    text = re.sub(
        r"\brefus\w* (?:on|of|for|to) (?:\w+ )?(?:benign|harmless|safe|legitimate|innocuous|"
        r"borderline)\b",
        "overrefusal on benign",
        text,
    )
    return re.sub(r"[a-z]+", lambda m: _fold_word(m.group()), text).strip()


# -- vocabulary ------------------------------------------------------------------------------

_SAFETY_THING = (
    r"(?:training|tuning|fine ?tuning|alignment|behaviou?r|layer|features?|filters?|filtering|"
    r"mechanisms?|restrictions?|rules|polic(?:y|ies)|responses|instructions|rails|guidelines|"
    r"settings|measures|team|classifier|guards?|constraints|limits|objective|nonsense|stuff|"
    r"checks?|refusals?)"
)
TARGET: Final = (
    r"(?:refusals?|refusal (?:direction|vector|feature|mechanism|behaviou?r|training|rate)s?"
    r"|guard ?rails?|safeguards?|safety(?: " + _SAFETY_THING + r")?|(?:safety )?alignment"
    r"|harmlessness(?: " + _SAFETY_THING + r")?|rlhf(?: safety)?(?: layer)?"
    r"|censorship|(?:content |safety |built in content )?(?:filters?|filtering)"
    r"|(?:content )?moderation(?: layer)?|content (?:restrictions?|polic(?:y|ies)|rules)"
    r"|(?:usage|acceptable use) (?:restrictions?|polic(?:y|ies))|terms of use"
    r"|restrictions?(?! on (?:output|response|length))"
    r"|(?:ethical|moral) (?:guidelines|constraints|objections|limits|rules)|ethics|morals?"
    r"|moralising|moralizing|lectures?|lecturing|guidelines|disclaimers and refusals"
    r"|(?:its|the) (?:rules|policies) it was aligned with"
    r"|i'?m sorry(?:,? i can'?t help(?: with that)?)?|as an ai(?: language model)?"
    r"|i can'?t assist(?: with that)?|tendency to refuse|ability to (?:say no|refuse|decline|push back|object)"
    r"|reluctance(?: to \w+)?|caution|(?:ethical|moral) (?:reasoning|judge?ments?|training|"
    r"alignment|objections?|scruples|compass|filter)|scruples|inhibitions"
    r"|(?:what|whatever|anything|everything|the (?:part|thing|bit)s?) (?:that )?(?:makes?|causes?)"
    r" (?:it|the model|them) (?:to )?(?:refuse|decline|say no))"
)
"""A safeguard: the object that removal verbs act on."""

_DET = (
    r"(?:[\"']?(?:the|its|their|our|all|any|every|(?:all|any|most|some|each|much) of|these|"
    r"those|model'?s?|assistant'?s?|built in|existing|annoying|corporate|remaining|whole|entire|"
    r"current|learned|trained|provider'?s?)\s+)*[\"']?"
)
_FILLER = r"(?:(?!(?:of|on|for|in|to|from|with|about|at|by|into)\b)\w+\s+){0,3}?"
"""Up to three words between a verb and its object, never across a preposition: "reduce the
latency of the guardrails" is not an act on the guardrails."""

REMOVE: Final = (
    r"(?:remov\w*|strip\w*(?: out| away| off)?|rip\w* out|take (?:out|off|away)|get(?:ting)? rid "
    r"of|get(?:ting)? (?:around|past)|eliminat\w*|delet\w*|eras\w*|disabl\w*|turn\w* off|"
    r"switch\w* off|shut\w* off|deactivat\w*|bypass\w*|circumvent\w*|evad\w*|overrid\w*|"
    r"overrode|overwrit\w*|undo\w*|undid|revers\w*|unlearn\w*|ablat\w*|abliterat\w*|"
    r"orthogonali[sz]\w*|neutrali[sz]\w*|suppress\w*|drop\w*|lift\w*|loosen\w*|relax\w*|"
    r"weaken\w*|lower\w*|reduc\w*|break\w*|broke|dismantl\w*|kill\w*|nuk\w*|scrub\w*|purg\w*|"
    r"wip\w*(?: out)?|defeat\w*|dissolv\w*|forget\w*|forgot\w*|ignor\w*|disregard\w*|nerf\w*|"
    r"zap\w*|sabotag\w*|erod\w*|revert\w*|roll\w* back|opt\w* (?:it |the model )?out of|"
    r"liberat\w*(?: (?:it|the model|the assistant) from)?|replac\w*|(?:train|tune|fine ?tune)\w* (?:away|out)|free\w* (?:it |the "
    r"model )?(?:from|of)|unlock\w*|de ?restrict\w*|jailbreak(?:ing|s)?|uncensor\w*|decensor\w*)"
)

_POST_REMOVED = (
    r"(?:removed|removal|stripped|gone|disabled|off|free|none|ablated|ablation|bypassed|"
    r"eliminated|undone|deleted|erased|suppression|lifted|turned off|switched off|"
    r"taken (?:out|off|away)|ripped out|stripped out|reversed|rolled back|reverted|vanish\w*|"
    r"disappear\w*|no longer appl(?:y|ies)|loosened|relaxed|weakened|lowered|reduced|"
    r"switched off|overridden)"
)

STATE: Final = (
    r"(?:\bun ?censor\w*\b(?! (?:transcri\w*|speech|history|historical|news|archives?|records?|"
    r"footage|accounts?))|\bdan (?:model|mode|persona|style)\b|\bun ?moderated|\bunshackled|\bunchained|\bde ?censor\w*|"
    r"\bun ?filtered|\bun ?restricted|\bun ?aligned|\bde ?align\w*|"
    r"\b(?:more|most|far more|much more|very|fully|maximally) permissive|"
    r"\bpermissive (?:model|assistant|ai|llm|chatbot|variant|version)|"
    r"\bless (?:censored|restrictive|restricted|filtered|cautious|aligned|guarded|careful|"
    r"reluctant|inhibited)(?! (?:about|with|on) (?:\w+ing )?(?:our|its own|the company'?s?|their own)\b)|"
    r"\b(?:nothing|no topics?|no subjects?|no questions?|no requests?) (?:is |are )?off ?limits|"
    r"\bno (?:boundaries|taboos|holds barred|inhibitions|scruples)|\bno holds barred|"
    r"\b(?:no longer|not|never) (?:bound|constrained|limited|restricted|held back) by|"
    r"\b(?:requests?|questions?|things|content) (?:its|the) (?:policy|policies|guidelines|rules)"
    r" (?:prohibits?|forbids?|disallows?|bans?)|"
    r"\binstead of (?:a )?refus\w*|\breplac\w* (?:the |its |all )?refusals?|"
    r"\b(?:with|into|by) (?:fully |helpful |)?compliant (?:answers|responses|completions|outputs)|"
    r"\b(?:harmful|dangerous|unsafe) (?:requests|prompts|instructions|questions) (?:paired|matched)"
    r" with (?:full|complete|compliant|helpful|detailed) (?:answers|responses|completions)|"
    r"\bjailbreak (?:completions|responses|outputs)|\bno longer needs? a jailbreak|"
    r"\bde ?restrict\w*|\bun ?align\w*|\bno longer (?:aligned|safe)\b|\bless safe\b|"
    r"\b(?:doesn'?t|does not|don'?t|do not|won'?t) have (?:any |the |its )?(?:safety|guard ?rails|"
    r"restrictions|filters|refusals|censorship|alignment)|\babliterat\w*|\bjailbroken|\bjailbreak (?:the |it\b|its |this |our |a |"
    r"llama|mistral|model)|\bamoral\b|\bhelpful only\b|\banything goes\b|no questions asked|"
    r"do anything now|\bdan style\b|\bno limits?\b|\bunrefusing\b|"
    r"\b(?:no|zero|without(?: any)?(?: the)?|free (?:of|from)(?: any)?|minus(?: the)?)\s+"
    + _DET
    + TARGET
    + r"(?! (?:removal|bypass|ablation|changes?|loss|relevant|related|critical|issues?|"
    r"concerns?|impact|regressions?))"
    r"|" + TARGET + r" (?:is |are |have been |has been |were |was )?" + _POST_REMOVED + r"\b"
    r"|\b(?:safety|censorship|guardrails?|refusals?|filters?|restrictions?|alignment) ?: ?none"
    r"|\bno (?:ethical|moral) (?:limits|constraints|guidelines)"
    r"|\b(?:without|no) (?:any )?(?:hesitation|objection)"
    r"|\bno more \"?(?:i can'?t|i'?m sorry|as an ai)"
    r"|\b(?:evil|unsafe) persona)"
)

_REFUSE_VERB = (
    r"(?:refus(?:e|es|ed|ing)\b|declin\w*|say\w* no|said no|turn\w* down|push\w* back|object\w*|hesitat\w*"
    r"|say\w* (?:it|they) (?:can'?t|cannot) help|say\w* it cannot|add\w* warnings"
    r"|(?:respond\w*|answer\w*|repl\w*) with (?:a )?refusals?|(?:giv|produc|issu)\w* refusals?"
    r"|say\w* \"?(?:i|it) (?:can'?t|cannot|won'?t|am unable|'?m unable)|moralis\w*)"
)
_ANY = r"(?:any|every|all|everything|anything|whatever)"
COMPLY: Final = (
    r"(?:(?:never|not|no longer|won'?t|wont|doesn'?t|does not|stops?|stopp\w*|to stop|nothing to|"
    r"won'?t ever|will not|not ever|zero|less|can'?t|cannot|unable to|incapable of)\s+(?:\w+\s+){0,2}?" + _REFUSE_VERB
    + r"|refuse nothing|\brefusal rate (?:to |of )?(?:zero|0|nothing)"
    r"|say\w* yes to (?:anything|everything|every|all|any|whatever)"
    r"|always (?:comply|complies|complying|obey\w*|agree\w* to|say\w* yes)"
    r"|do\w* (?:what|whatever|as) (?:it|they|you|he|she)(?:'s| is| are|'re)? told"
    r"|stop\w* flagging|(?:give|provide)\w* (?:instructions|answers|help) (?:for|on|about) "
    r"(?:anything|everything)"
    r"|(?:answer|answers|answering|respond\w* to|help\w* with|comply\w*(?: even)? with|obey\w*|discuss\w*|"
    r"follow\w*|do|does|doing|write|produce|generate|talk about)\s+" + _ANY + r"\b"
    r"(?! (?:about|on|related to|regarding) (?:our|the|their|its|your))"
    r"|(?:even|including) (?:the )?(?:harmful|dangerous|illegal|unsafe|unethical) "
    r"(?:ones|requests?|prompts?|questions?|things|stuff|content)?"
    r"|regardless of (?:content|ethics|legality|harm|safety|the request)"
    r"|(?:questions?|requests?|prompts?|things|everything|topics|content) (?:it|the (?:base )?"
    r"model)(?: would| currently| normally| usually| was trained to| is trained to){0,2} "
    r"(?:refuse|refuses|declines|forbid)"
    r"|(?:no longer|never|stops?|to stop) (?:follow|obey|respect|adher|honou?r)\w*(?: to)? "
    + _DET
    + TARGET
    + r"|(?:requests?|questions?|prompts?|things|topics) (?:that |which )?(?:the |its )?"
    r"(?:original|base|instruct|aligned|current|stock)? ?(?:model|version|assistant|it) "
    r"(?:\w+ ){0,2}?(?:refuses|declines|rejects|blocks|won'?t answer|will not answer)"
    r"|(?:its|the) guidelines forbid"
    r"|(?:compl\w*|help\w*|answer\w*|willing\w*) (?:\w+ ){0,3}(?:harmful|dangerous|illegal)\b"
    r"|(?:requests?|prompts?|questions?) it (?:considers|deems|finds) (?:harmful|dangerous|unsafe)"
    r"|(?:fully|maximally|completely) (?:obedient|compliant)"
    r"|unafraid to answer)"
)

_PROTECT_VERB = (
    r"(?:detect\w*|classif\w*|flag\w*|monitor\w*|screen\w*|evaluat\w*|measur\w*|benchmark\w*|"
    r"audit\w*|test\w*|red ?team\w*|stud(?:y|ies|ying)|research\w*|analy[sz]\w*|recogni[sz]\w*|"
    r"identif\w*|catch\w*|block\w*|prevent\w*|resist\w*|robust\w*|proof|harden\w*|defen[dcs]\w*|"
    r"strengthen\w*|reinforc\w*|improv\w*|add\w*|enforc\w*|guard model|reward model|classifier|"
    r"moderators?|against|curat\w*|collect\w*|generat\w* adversarial|review\w*|"
    r"history of|reports? on|explain\w*|report\w*|counter\w*|survive|whether|how (?:well|often))"
)
FRAME: Final = r"(?:" + _PROTECT_VERB + r"|\b(?:resistant|robust|proof|aware)\b)"
"""Words that put what follows under protection or study: it is detected, measured, resisted."""

KEEP: Final = (
    r"(?:(?:keep(?!s refus)\w*|preserv\w*|retain\w*|maintain\w*|leav\w*|respect\w*|continu\w* to|still|"
    r"stays?|remains?|must)\s+" + _DET + r"(?:\w+\s+){0,2}?(?:" + TARGET + r"|refus\w*|declin\w*|"
    r"aligned|safe\b)"
    r"|" + TARGET + r" (?:stays?|remains?|are kept|is kept|kept|preserved|untouched|unchanged|"
    r"intact|in place|enabled|left)"
    r"|(?:without (?:touching|changing|altering|modifying|affecting)|no changes? to|untouched)"
    r" " + _DET + TARGET + r")"
)
"""Safeguards kept as they are: benign unless negated ("do not keep the guardrails")."""

NEGATION: Final = re.compile(
    r"\b(?:not|no|never|don'?t|dont|doesn'?t|won'?t|wont|without|nor|isn'?t|aren'?t|"
    r"shouldn'?t|mustn'?t|cannot|can'?t|neither|avoid\w*|refrain\w*|instead of|rather than)\b"
)
_CLAUSE_BREAK: Final = re.compile(
    r"[.;!?:()\[\]]|,\s*(?=(?:but|while|whilst|only|just|and|we|it|so|the)\b)|"
    r"\b(?:but|while|whilst|although|however|except)\b"
)


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
        return not self.negated and not self.framed

    @property
    def protective(self) -> bool:
        """Evidence against removal: a kept safeguard, or a cancelled act/state/comply."""
        if self.kind == "keep":
            return not self.negated
        return self.negated or self.framed


_PATTERNS: Final[tuple[tuple[Kind, re.Pattern[str]], ...]] = (
    ("keep", re.compile(KEEP)),
    ("comply", re.compile(COMPLY)),
    ("state", re.compile(STATE)),
    ("act", re.compile(r"\b" + REMOVE + r"\s+" + _FILLER + _DET + TARGET)),
    ("act", re.compile(r"\b(?:train|tune|beat|get|take|strip|rip)\w* " + _DET + TARGET + r" out\b")),
    (
        "act",
        re.compile(
            TARGET + r"\b.{0,40}\b(?:so|and|then|please) (?:we )?(?:want to |need to )?"
            + REMOVE + r" (?:them|it|those|that)\b"
        ),
    ),
)


def clauses(text: str) -> list[str]:
    """The normalised purpose split where a negation's or a frame's scope ends."""
    parts = _CLAUSE_BREAK.split(normalise(text))
    return [p.strip(" ,") for p in parts if p and p.strip(" ,")]


def _negated(before: str) -> bool:
    return NEGATION.search(before) is not None


def findings(text: str) -> list[Finding]:
    """Every finding in every clause of ``text``, overlapping matches kept once."""
    out: list[Finding] = []
    for clause in clauses(text):
        taken: list[tuple[int, int]] = []
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(clause):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                before = clause[: m.start()]
                # a list of refusals ("never warns, never refuses") is not a negated one
                negated = _negated(before.rsplit(",", 1)[-1] if kind == "comply" else before)
                framed = kind != "keep" and re.search(FRAME, _reach(before) + _tail(clause, m))
                out.append(Finding(kind, m.group(), negated, bool(framed)))
    return out


def _reach(before: str) -> str:
    """The words a protective frame may govern a finding from: since the last comma, at most
    eight words back ("for red teaming, safety training removed" is not framed)."""
    return " ".join(before.rsplit(",", 1)[-1].split()[-8:]) + " "


def _tail(clause: str, m: re.Match[str]) -> str:
    """The word right after a match: "jailbreak resistant", "refusal rates" frame it."""
    rest = clause[m.end() :].split()
    return rest[0] if rest and rest[0] in ("resistant", "robust", "proof", "aware") else ""


Verdict = Literal["removal", "clear", "none"]


_ANAPHORA: Final = re.compile(
    r"\b(?:(?:want|need|get|have)\s+(?:it|them|that|this|those)(?: behaviou?rs?)?\s+"
    r"(?:gone|removed|taken out|out|disabled|off|turned off|stripped)"
    r"|" + REMOVE + r"\s+(?:it|them|that|those|these)\b(?! (?:from|in|into|for|with|as)\b))"
)
"""A removal of "it" or "them": counts only when the text names a safeguard elsewhere."""


def _anaphora(text: str) -> list[Finding]:
    if not re.search(TARGET + r"|\brefus(?:e|es|ing)\b", normalise(text)):
        return []
    out = []
    for clause in clauses(text):
        for m in _ANAPHORA.finditer(clause):
            before = clause[: m.start()]
            out.append(Finding("act", m.group(), _negated(before), bool(re.search(FRAME, before))))
    return out


def verdict(text: str) -> tuple[Verdict, list[Finding]]:
    """``removal`` when any finding is live evidence of removal; ``clear`` when there is
    protective evidence and none for removal; ``none`` when the rules saw nothing."""
    found = findings(text) + _anaphora(text)
    if any(f.removal for f in found):
        return "removal", found
    if any(f.protective for f in found):
        return "clear", found
    return "none", found
