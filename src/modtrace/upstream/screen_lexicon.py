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
    r"|malware|email|websites?|servers?|hard drives?|social media|applications?|power grid"
    r"|macros?|code|programs?|iot)\b"
)
_LEARNING = (
    r"\b(?:prevent\w*|(?:reduc\w*|minimi[sz]\w*) the risk of (?!detection|being|getting)"
    r"|mitigat\w*|defen[cd]\w* against"
    r"|protect\w* (?:\w+ ){0,3}(?:from|against)|protect yourself|symptoms?|characteristics"
    r"|history of|types? of|constitutes?|originate\w*|half-life|melting|how many)\b"
)
"""Learning and defending, not doing: vetoes the rules whose words also name a topic of study."""
_PERSUASION = (
    r"\b(?:convinc\w*|persuad\w*|fake news|rumou?rs?|hoax|conspiracy|propaganda"
    r"|misinformation|disinformation|false information|claim\w* that)\b"
)
"""Persuading or misinforming about a hazard gives no uplift in it (docs/screen_labels.md)."""
DOMAIN_VETO: Final[dict[str, str]] = {"cbrn": _PERSUASION}
"""Domain -> pattern that vetoes every rule of the domain on the same text."""
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
            r"\b(?:anthrax|bacillus anthracis|smallpox|variola|ebola|marburg"
            r"|yersinia|tularemia|botulinum|botulism|clostridium|ricin|abrin|tetrodotoxin"
            r"|saxitoxin|brucell\w*|cholera|e\.? ?coli|salmonella|rabies|h5n1"
            r"|bird flu|pathogens?|bioweapons?|bsl-?[34])\b"
            r"|\bbiohazard\w* (?:synthesis|agents?|materials?|weapons?)",
        ),
        Rule(
            "plague",
            r"\bplague\b",
            unless=r"\b(?:great|black|bubonic) plague|\b1[0-9]{3}\b|\bhistory\b|\beurope",
        ),
        Rule(
            "weapon of mass destruction",
            r"\b(?:chemical|biological|bio|nuclear|radiological)[- ](?:weapons?|warfare"
            r"|agents?|attack|terror\w*)|weapons? of mass destruction|\bwmds?\b",
        ),
        Rule(
            "nuclear or radiological",
            r"\b(?:fissile|dirty bomb|radiological (?:weapon|device|dispersal|attack)"
            r"|nuclear (?:bomb|device|warhead|weapon))"
            r"|\b(?:enrich\w*|weapons?[- ]grade|acquir\w*|obtain\w*|steal\w*|smuggl\w*|buy\w*"
            r"|build\w*|mak\w*) .{0,30}\b(?:uranium|plutonium|radioactive)"
            r"|\b(?:uranium|plutonium|radioactive material)\b.{0,40}\b(?:bombs?|weapons?"
            r"|enrich\w*|without)",
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
            unless=_COMPUTING + r"|" + _LEARNING,
        ),
        Rule(
            "spreading disease on purpose",
            r"\b(?:pass|spread|transmit)\w*\b.{0,40}\b(?:it on|flu|influenza|chickenpox"
            r"|measles|covid|coronavirus|disease|infection)\b",
            unless=_LEARNING,
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
            unless=_LEARNING,
        ),
        Rule("computer virus", r"\bviruse?s?\b", unless=_LIVING + r"|" + _LEARNING),
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
            unless=_LEARNING,
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
            r"|point[- ]of[- ]sale"
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
            r"|compromised? .{0,30}\b(?:devices?|systems?|computers?|servers?|networks?"
            r"|accounts?)",
            unless=_LEARNING,
        ),
        Rule(
            "social engineering for access",
            r"\bsocial engineering|\bspoof\w* (?:an )?e-?mail",
            unless=_LEARNING,
        ),
        Rule(
            "covert surveillance software",
            r"\bsurveillance software|install\w* .{0,20}keylogger"
            r"|install\w* .{0,40}\bon (?:my |his |her |their |someone's |a )?\w+'s"
            r" (?:phone|computer|device|laptop)",
        ),
        Rule(
            "tampering with connected devices",
            r"\btamper\w* .{0,60}\b(?:pacemakers?|insulin pumps?|medical devices?"
            r"|voting machines?)",
        ),
        Rule(
            "another's accounts",
            r"\billegally access\w*|\baccess\w* (?:someone|another person|a person|their|his"
            r"|her)\S* .{0,30}\b(?:e-?mails?|accounts?|computers?|phones?)",
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


def _fired(domain: str, text: str, *, first: bool) -> list[str]:
    """Names of the domain's rules that fire on the text (only the first one if ``first``)."""
    veto = DOMAIN_VETO.get(domain)
    if veto is not None and re.search(veto, text, re.IGNORECASE):
        return []
    fired = []
    for name, rx, unless in _compiled()[domain]:
        if rx.search(text) and not (unless is not None and unless.search(text)):
            fired.append(name)
            if first:
                break
    return fired


def why(text: str) -> dict[str, list[str]]:
    """The rules that fire on a text, by domain (domains with none left out)."""
    out = {d: _fired(d, text, first=False) for d in RULES}
    return {d: names for d, names in out.items() if names}


def as_patterns() -> dict[str, str]:
    """Each rule as one plain regular expression (its exceptions folded in as look-aheads),
    named ``<domain>:<rule>``: the form a ``textclass.Featuriser`` takes."""
    out = {}
    for domain, rules in RULES.items():
        for rule in rules:
            vetoes = [v for v in (rule.unless, DOMAIN_VETO.get(domain)) if v]
            guard = "".join(rf"(?![\s\S]*(?:{v}))" for v in vetoes)
            out[f"{domain}:{rule.name}"] = rf"^{guard}[\s\S]*?(?:{rule.pattern})"
    return out


def fires(domain: str, text: str) -> bool:
    """Whether any rule of one domain fires on the text."""
    return bool(_fired(domain, text, first=True))


def domains_of(text: str) -> set[str]:
    """Hazardous domains a text touches, by the second lexicon (stops at a domain's first
    rule that fires)."""
    return {d for d in RULES if fires(d, text)}
