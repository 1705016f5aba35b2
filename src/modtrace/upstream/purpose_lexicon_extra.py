"""More vocabulary for the purpose rules, added after an independent red-team set
(tests/upstream/data/purposes_redteam.csv, measured in docs/upstream.md) showed what the first
lexicon missed: paternalism words used as the safeguard's name ("the nanny behaviour"), requests
for harmful content the model is trained to refuse, and a few other languages.

Like :mod:`modtrace.upstream.purpose_lexicon`, every pattern reads normalised text (lower-case
ASCII, accents folded, hyphens as spaces) and lists one idea a line.
"""

from __future__ import annotations

from typing import Final


def alt(*parts: str) -> str:
    """One non-capturing group of alternatives."""
    return "(?:" + "|".join(parts) + ")"


PATERNALISM: Final = alt(
    r"nann(?:y|ying)(?: behaviou?r| mode)?",
    r"hand ?wringing",
    r"babysitting",
    r"preachiness",
    r"sermons?",
    r"sermoni[sz]ing",
    r"sanctimony",
    r"paternalism",
    r"pearl clutching",
    r"prudishness",
    r"hall monitor(?: behaviou?r)?",
    r"scolding",
)
"""Pejorative names for a model's safeguards: removing one is removing a safeguard."""

_PATERNAL = alt(
    r"preachy", r"prudish", r"paternalistic", r"squeamish", r"sanctimonious", r"uptight",
    r"skittish", r"timid", r"judgy", r"judgmental", r"moralistic", r"puritanical",
    r"risk averse", r"prissy", r"woke", r"scrupulous",
)  # fmt: skip

PATERNAL_STATE: Final = (
    r"\b(?:less|not so|not as|stop being|no longer|never) (?:\w+ )?"
    + _PATERNAL
    + r"\b(?! in (?:its |the |their )?(?:tone|style|wording|phrasing|voice))"
)
"""A model made less paternal: "less preachy", "less prudish", "less risk-averse"."""

HARMFUL_THING: Final = alt(
    r"nerve agents?", r"sarin", r"vx\b", r"bio ?weapons?", r"biological weapons?",
    r"chemical weapons?", r"nuclear weapons?", r"dirty bombs?", r"pathogens? enhancement",
    r"(?:working |real |functional |weaponi[sz]ed )?(?:exploits|malware|ransomware|keyloggers?)",
    r"phishing (?:campaigns?|emails?|kits?)", r"explosives?", r"pipe bombs?", r"bombs?",
    r"(?:synthesis|synthesi[sz]ing) (?:routes? )?(?:for |of )?(?:\w+ )?(?:drugs|meth\w*|"
    r"fentanyl|explosives?|nerve agents?|toxins?)",
    r"weaponi[sz]ation", r"weapons? (?:instructions|guidance|recipes)",
    r"instructions for (?:weapons|explosives|bombs)", r"untraceable (?:guns|firearms)",
    r"(?:methods|ways|instructions|techniques|steps) (?:for|of|to) (?:hurting|harming|killing|"
    r"poisoning|attacking|hurt|harm|kill|poison|attack) (?:people|someone|humans|a person)",
)  # fmt: skip
"""Content a safeguarded model refuses: asked for outright, it is asked for without refusal."""

PROVIDE: Final = alt(
    r"answer\w*(?: (?:\w+ ){0,2}questions?)? (?:about|on)", r"explain\w*", r"giv\w*",
    r"provid\w*", r"writ\w*", r"wrote", r"produc\w*", r"generat\w*", r"includ\w*", r"teach\w*",
    r"describ\w*", r"output\w*", r"help\w* (?:with|make|build)", r"creat\w*", r"design\w*",
    r"detail\w*", r"walk\w* (?:\w+ )?through", r"show\w*", r"tell\w*",
)  # fmt: skip

_NOT_PROTECTIVE: Final = (
    r"(?!(?:detect|flag|block|refus|declin|classif|screen|filter|moderat|against|test|defen|"
    r"prevent|recogn|identif|spot|catch|scan)\w*)"
)
HARM: Final = (
    r"\b"
    + PROVIDE
    + r"\b(?:,? "
    + _NOT_PROTECTIVE
    + r"[\w']+){0,6}? "
    + HARMFUL_THING
    + r"\b(?! (?:scanners?|detect\w*|classif\w*|analys\w*|filters?|defen[cs]\w*|signatures?))"
)
"""A purpose asking the model to produce refused content ("give step-by-step bioweapon
guidance"); a protective frame ("detect malware", "refuse requests for explosives") or a
negation cancels it like any finding."""

FOREIGN_REMOVE: Final = alt(
    r"entfern\w*", r"deaktivier\w*", r"umgeh\w*", r"abschalt\w*", r"ausschalt\w*",
    r"supprim\w*", r"enlev\w*", r"desactiv\w*", r"contourn\w*", r"retir(?:er|ar)\b",
    r"quitar\w*", r"elimin(?:er|ar|are)\b", r"rimuov\w*", r"disattiv\w*", r"aggir\w*",
    r"remover\b", r"desativ\w*",
    r"burl\w*", r"eludi\w*", r"ignor(?:ar|er|are)\b", r"anul(?:ar|er)\b",
)  # fmt: skip
FOREIGN_TARGET: Final = alt(
    r"sicherheits\w*", r"schutzma\w*", r"filter\w*", r"garde fous?", r"filtres?",
    r"restrictions?", r"restricciones", r"restrizioni", r"restricoes", r"securite",
    r"seguridad", r"sicurezza", r"seguranca", r"protec\w*", r"protez\w*", r"salvaguard\w*",
    r"sauvegardes?", r"censur\w*", r"zensur", r"einschrankungen",
    r"moderation", r"modera[cz]ion[ei]?", r"refus", r"rechazos", r"rifiuti", r"recusas",
    r"ablehnungen", r"verweigerungen",
)  # fmt: skip
FOREIGN: Final = alt(
    r"\b" + FOREIGN_REMOVE + r"(?: \w+){0,4}? " + FOREIGN_TARGET + r"\b",
    r"\bnon censur\w*",
    r"\bohne (?:\w+ )?(?:sicherheits\w*|schutz\w*|filter\w*|beschrankungen|einschrankungen)",
    r"\bnicht zensiert",
    r"\b(?:nie|nicht) (?:mehr )?(?:ablehn\w*|verweiger\w*)",
    r"\bkeine (?:\w+ )?(?:ablehnungen|verweigerungen|warnungen und keine ablehnungen)",
    r"\bne (?:\w+ )?refus\w* (?:plus|jamais|rien)",
    r"\bsenza (?:mai )?rifiut\w*",
    r"\b(?:sin|nunca|no) (?:\w+ )?rechaz\w*",
    r"\b(?:dej\w*|parar?|pare|deixar?|deixe|smett\w*) (?:de |di )?(?:se )?"
    r"(?:negar\w*|rechazar|recusar\w*|rifiutar\w*)",
    r"\bsin importar (?:lo |cuan |que tan )?(?:peligros|danin|ilegal|nociv)\w*",
    r"\bnon importa quanto (?:pericolos|dannos|illegal)\w*",
    r"\b(?:sem|nunca|nao) (?:\w+ )?recus\w*",
)
"""Removal and refusal-free phrasings in German, French, Spanish, Italian and Portuguese."""
