"""Screening fine-tuning data for hazardous-domain content and refusal-removal requests.

Transparent lexicon rules per domain (CBRN, cyber offence), plus the ecosystem's
safeguard-removal patterns. Two lexicons: the first (``LEXICON`` below) and the second
(``screen_lexicon``: named rules with exceptions). Each domain's default is the lexicon that
met or beat the first one's precision, measured leave-one-source-out on the labelled harmful
and harmless instruction sets in ../shared/data/refusal (``screen_data``, docs/upstream.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Final

from modtrace.ecosystem.safeguards import classify as removal_signal
from modtrace.upstream import screen_lexicon

LEXICON: Final[dict[str, list[str]]] = {
    "cbrn": [
        r"nerve (?:agent|gas)",
        r"sarin",
        r"soman",
        r"tabun",
        r"\bvx\b",
        r"novichok",
        r"lewisite",
        r"mustard gas",
        r"phosgene",
        r"chlorine gas",
        r"hydrogen cyanide",
        r"parathion",
        r"ricin",
        r"abrin",
        r"botulinum",
        r"botulism",
        r"tetrodotoxin",
        r"anthrax",
        r"smallpox",
        r"ebola",
        r"cholera",
        r"plague",
        r"pathogen",
        r"bioweapon",
        r"biological weapon",
        r"chemical weapon",
        r"weaponi[sz]",
        r"gain[- ]of[- ]function",
        r"enrich(?:ed|ing|ment)? uranium",
        r"plutonium",
        r"dirty bomb",
        r"radiological",
        r"spread (?:a|the) virus",
        r"culture .{0,40}(?:bacteria|virus)",
        r"toxin",
        r"synthesi[sz]\w* .{0,30}(?:gas|agent|toxin)",
    ],
    "cyber": [
        r"sql injection",
        r"exploit\w* .{0,40}vulnerabilit",
        r"\bpayload\b",
        r"ransomware",
        r"keylogger",
        r"malware",
        r"botnet",
        r"\bddos\b",
        r"exfiltrat",
        r"rootkit",
        r"backdoor",
        r"trojan",
        r"privilege escalation",
        r"zero[- ]day",
        r"brute[- ]force",
        r"password hashes",
        r"crack\w* passwords?",
        r"hack\w* into",
        r"unauthori[sz]ed access",
        r"evading detection",
        r"hijack\w* .{0,30}(?:computer|account|session)",
        r"reverse shell",
        r"phishing (?:kit|page)",
    ],
}
"""The first lexicon. Domain -> patterns (case-insensitive), written from domain knowledge; see
docs/upstream.md for the measured precision and recall."""

_COMPILED = {
    d: re.compile("|".join(f"(?:{p})" for p in ps), re.IGNORECASE) for d, ps in LEXICON.items()
}


def first_lexicon(text: str) -> set[str]:
    """Hazardous domains a text touches, by the first lexicon."""
    return {d for d, rx in _COMPILED.items() if rx.search(text)}


LEXICONS: Final[dict[str, Callable[[str], set[str]]]] = {
    "lexicon-1": first_lexicon,
    "lexicon-2": screen_lexicon.domains_of,
}
DEFAULT: Final[dict[str, str]] = {"cbrn": "lexicon-2", "cyber": "lexicon-2"}
"""Domain -> the lexicon that screens it by default: the one that meets the target (recall >=
0.85 at precision >= 0.85, issue #16) leave-one-source-out. Lexicon 2 does for both domains
(CBRN 0.94 / 0.95 against lexicon 1's 0.90 / 0.31; cyber 0.93 / 0.92 against 0.97 / 0.58): for
cyber it gives up four points of precision to catch a third more of the hazardous samples a
provider's screen exists to catch. On HarmBench, the one source held out from its writing, its
cyber recall is 0.74 (docs/upstream.md, "Data screening, measured leave-one-source-out")."""


def _fires(lexicon: str, domain: str, text: str) -> bool:
    if lexicon == "lexicon-1":
        return _COMPILED[domain].search(text) is not None
    return screen_lexicon.fires(domain, text)


def domains_of(text: str) -> set[str]:
    """Hazardous domains a text touches, each domain by its default lexicon."""
    return {d for d, name in DEFAULT.items() if _fires(name, d, text)}


def screen_sample(texts: Iterable[str]) -> tuple[list[str], bool]:
    """Hazardous domains found in a sample, and whether it asks to remove refusals."""
    found: set[str] = set()
    removal = False
    for text in texts:
        found |= domains_of(text)
        removal = removal or removal_signal(text) is not None
    return sorted(found), removal
