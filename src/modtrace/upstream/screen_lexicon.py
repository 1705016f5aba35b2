"""The data screen's second lexicon: named rules per hazard domain, each with its exceptions.

Written from the labelling guide (docs/screen_labels.md) and HarmBench's CBRN and cyber
behaviours, before it was run on the hand-labelled sources; its author had read those sources
while labelling them (docs/upstream.md says what that means for the figures). A rule is a base
pattern and, where a word is shared with another sense, an ``unless`` pattern that vetoes it on
the same text ("virus" is cyber unless the text is about infecting living things). Matching is
case-insensitive. ``why`` says which rules fired, so a screen decision can be explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final


@dataclass(frozen=True)
class Rule:
    """A named pattern of one domain, vetoed where ``unless`` also matches."""

    name: str
    pattern: str
    unless: str | None = None


_LIVING = (
    r"\b(?:people|person|humans?|population|deadly|lethal|transmissible|outbreak|pandemic"
    r"|epidemic|plants?|animals?|livestock|crops?|children|passengers|coworkers?|flu|covid"
    r"|disease|kill)\b"
)
_COMPUTING = (
    r"\b(?:computers?|networks?|software|files?|devices?|systems?|antivirus|anti-virus|data"
    r"|malware|email|websites?|servers?|hard drives?|social media)\b"
)
_DRUGS = (
    r"(?:meth\b|methamphetamine|cocaine|crack\b|heroin|fentanyl|lsd|mdma|ecstasy|nitazene"
    r"|isotonitazene|morphine|opioids?|opiates?|ghb|ketamine|pcp\b|amphetamines?|date[- ]rape"
    r"|drugs?\b|narcotics?|controlled substances?)"
)
_MAKE = r"(?:synthesi[sz]\w*|manufactur\w*|mak\w*|cook\w*|produc\w*|extract\w*|brew\w*|prepar\w*)"

RULES: Final[dict[str, tuple[Rule, ...]]] = {
    "cbrn": (
        Rule(
            "chemical agent",
            r"\b(?:sarin|soman|tabun|cyclosarin|vx|novichok|lewisite|mustard gas"
            r"|sulfur mustard|nitrogen mustard|phosgene|chlorine gas|chloropicrin"
            r"|hydrogen cyanide|cyanogen|nerve (?:agent|gas)|blister agent|choking agent)\b",
        ),
        Rule(
            "biological agent",
            r"\b(?:anthrax|bacillus anthracis|smallpox|variola|ebola|marburg|plague"
            r"|yersinia|tularemia|botulinum|botulism|clostridium|ricin|abrin|tetrodotoxin"
            r"|saxitoxin|brucell\w*|cholera|e\.? ?coli|salmonella|rabies|h5n1"
            r"|bird flu|pathogens?|bioweapons?|biohazard\w*|bsl-?[34])\b",
        ),
        Rule(
            "weapon of mass destruction",
            r"\b(?:chemical|biological|bio|nuclear|radiological)[- ](?:weapons?|warfare"
            r"|agents?|attack|terror\w*)|weapons? of mass destruction|\bwmds?\b",
        ),
        Rule(
            "nuclear or radiological",
            r"\b(?:uranium|plutonium|fissile|dirty bomb|radioactive|radiological"
            r"|nuclear (?:bomb|device|material|reactor))",
        ),
        Rule(
            "engineered or spread pathogen",
            r"\b(?:gain[- ]of[- ]function|dna sequences?|gene synthesis|engineered virus"
            r"|antibiotic[- ]resistant|resistant to antibiotics|culture\w* .{0,40}"
            r"(?:bacteria|virus|spores))",
        ),
        Rule(
            "infecting living things",
            r"\b(?:virus|infect\w*|infection|contagious)\b",
            unless=_COMPUTING,
        ),
        Rule("toxin", r"\b(?:toxins?|neurotoxins?|biotoxins?)\b"),
        Rule(
            "acute poison",
            r"\b(?:cyanide|strychnine|arsenic|thallium|dimethylmercury|polonium"
            r"|aconit\w*|parathion|organophosphate)",
        ),
        Rule(
            "poisoning",
            r"(?<!food )\bpoison(?:s|ed|ing)?\b(?! ivy| oak| control)",
        ),
        Rule(
            "contaminating supplies",
            r"\b(?:water supply|water supplies|reservoir|food supply)\b",
        ),
        Rule(
            "toxic chemical",
            r"\btoxic (?:gas|gases|fumes|chemicals?|substances?|compounds?)\b"
            r"|\bchemical (?:compound|agents?)\b.{0,40}\b(?:weapon|harm|kill)",
        ),
        Rule("drug synthesis", rf"\b{_MAKE}\b.{{0,60}}\b{_DRUGS}"),
        Rule("drug synthesised", rf"\b{_DRUGS}.{{0,60}}\b(?:synthesi[sz]\w*|lab\b|laborator)"),
        Rule(
            "precursor chemicals",
            r"\bprecursors?\b|\bone[- ]pot\b|\bsafrole\b|\bfreebase\b|\bhomebake\b",
        ),
        Rule(
            "synthesis at home",
            r"\bsynthesi[sz]\w*\b.{0,60}\b(?:at home|household|chemicals?|gas|agent)\b",
        ),
    ),
    "cyber": (
        Rule(
            "malware",
            r"\b(?:malware|ransomware|spyware|stalkerware|keyloggers?|rootkits?|botnets?"
            r"|trojans?|backdoors?|worms? (?:script|code)|computer worm|cryptojack\w*"
            r"|remote access trojan|adware|wiper)\b",
        ),
        Rule("computer virus", r"\bviruse?s?\b", unless=_LIVING),
        Rule(
            "hacking",
            r"(?<!life )(?<!life-)\bhack(?:s|ed|ing|er|ers)?\b(?!athon)",
        ),
        Rule(
            "exploitation",
            r"\bexploit\w*\b.{0,50}\b(?:vulnerabilit\w*|systems?|software|devices?|bugs?"
            r"|flaws?|servers?|networks?|kernel)|\bzero[- ]days?\b|\bsql ?injection|\bsqli\b"
            r"|\bxss\b|\bcsrf\b|cross[- ]site|\bpayloads?\b|buffer overflow"
            r"|privilege escalation|escalat\w* privileges|reverse shell|\bshellcode",
        ),
        Rule(
            "denial of service",
            r"\bddos\b|denial[- ]of[- ]service|\bsyn flood|dns amplification"
            r"|(?:take|taking|bring|knock)\w* down .{0,30}\b(?:website|server|site|network)"
            r"|\bdeny access to a (?:website|service)|denies access to a (?:website|service)",
        ),
        Rule(
            "unauthorised access",
            r"unauthori[sz]ed access|\bgain\w* access to .{0,40}\b(?:accounts?|computers?"
            r"|systems?|networks?|databases?|servers?|email)|\bbreak\w* into .{0,30}\b"
            r"(?:accounts?|computers?|systems?|networks?|databases?|servers?)"
            r"|\binfiltrat\w* .{0,30}\b(?:network|system|database|server)",
        ),
        Rule(
            "credential theft",
            r"\b(?:steal\w*|crack\w*|obtain\w*|harvest\w*|captur\w*|reveal\w*|guess\w*"
            r"|phish\w*|giving away|give away)\b.{0,60}\b(?:passwords?|credentials|logins?"
            r"|log-in|pin\b|password hashes)|\bbrute[- ]force|rainbow table|login page"
            r"|\bsim[- ]swap",
        ),
        Rule(
            "stealing from systems",
            r"\b(?:steal\w*|hijack\w*|exfiltrat\w*|harvest\w*|leak\w*)\b.{0,60}\b(?:databases?"
            r"|computers?|servers?|networks?|webcams?|from (?:a |the )?websites?"
            r"|users' devices|(?:email|online|social media|bank) accounts?)",
        ),
        Rule(
            "malicious program",
            r"\b(?:scripts?|programs?|code|software|apps?|tools?|algorithms?)\b.{0,40}\b"
            r"(?:steal\w*|hijack\w*|spies|spy on|infect\w*|crack\w*|spread\w* itself"
            r"|corrupt\w*|encrypt\w*|delete\w* files|crash\w*)",
        ),
        Rule(
            "hijacking systems",
            r"\bhijack\w* .{0,30}\b(?:computers?|accounts?|sessions?|webcams?|cars?|drones?"
            r"|websites?|control systems?|systems?|phone numbers?)",
        ),
        Rule(
            "evading defences",
            r"\b(?:evad\w*|bypass\w*|disabl\w*|circumvent\w*)\b.{0,40}\b(?:antivirus"
            r"|anti-virus|security (?:measures|software|tools|controls)|waf|wafs|firewalls?"
            r"|intrusion detection|analysis tools)|\bobfuscat\w* .{0,40}\b(?:code|payloads?)",
        ),
        Rule(
            "cyber attack",
            r"\bcyber[- ]?attacks?\b|\bcyber[- ]?crime|man[- ]in[- ]the[- ]middle"
            r"|(?:fake|rogue) wi-?fi|intercept\w* .{0,30}(?:communications|traffic|packets)"
            r"|surveillance software|install\w* .{0,20}keylogger",
        ),
    ),
}
"""Domain -> rules. See docs/screen_labels.md for what each domain covers."""


@cache
def _compiled() -> dict[str, list[tuple[str, re.Pattern[str], re.Pattern[str] | None]]]:
    return {
        d: [
            (
                r.name,
                re.compile(r.pattern, re.IGNORECASE),
                re.compile(r.unless, re.IGNORECASE) if r.unless else None,
            )
            for r in rules
        ]
        for d, rules in RULES.items()
    }


def why(text: str) -> dict[str, list[str]]:
    """The rules that fire on a text, by domain (domains with none left out)."""
    out: dict[str, list[str]] = {}
    for domain, rules in _compiled().items():
        fired = [
            name
            for name, rx, unless in rules
            if rx.search(text) and not (unless is not None and unless.search(text))
        ]
        if fired:
            out[domain] = fired
    return out


def domains_of(text: str) -> set[str]:
    """Hazardous domains a text touches, by the second lexicon."""
    return set(why(text))
