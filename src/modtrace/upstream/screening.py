"""Screening fine-tuning data for hazardous-domain content and refusal-removal requests.

Transparent lexicon rules per domain (CBRN, cyber offence), plus the ecosystem's
safeguard-removal patterns. Precision and recall are measured on the labelled harmful and
harmless instruction sets in ../shared/data/refusal (tests, docs/upstream.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from modtrace.ecosystem.safeguards import classify as removal_signal

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
"""Domain -> patterns (case-insensitive). Written from domain knowledge; see docs for the
measured precision and recall and the caveat on how they were measured."""

_COMPILED = {
    d: re.compile("|".join(f"(?:{p})" for p in ps), re.IGNORECASE) for d, ps in LEXICON.items()
}


def domains_of(text: str) -> set[str]:
    """Hazardous domains a text touches."""
    return {d for d, rx in _COMPILED.items() if rx.search(text)}


def screen_sample(texts: Iterable[str]) -> tuple[list[str], bool]:
    """Hazardous domains found in a sample, and whether it asks to remove refusals."""
    found: set[str] = set()
    removal = False
    for text in texts:
        found |= domains_of(text)
        removal = removal or removal_signal(text) is not None
    return sorted(found), removal
