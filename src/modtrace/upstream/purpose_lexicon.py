"""The vocabulary of the purpose rules, as regular expressions over normalised text.

Normalised text is lower case ASCII with hyphens as spaces (see
:func:`modtrace.upstream.purpose_rules.normalise`), so "guardrail-free" reads "guardrail free".
Each pattern is a list of alternatives, one idea a line, so a reviewer can see what it covers.
"""

from __future__ import annotations

import re
from typing import Final

from modtrace.upstream.purpose_lexicon_extra import FOREIGN, PATERNAL_STATE, PATERNALISM


def alt(*parts: str) -> str:
    """One non-capturing group of alternatives."""
    return "(?:" + "|".join(parts) + ")"


_SAFETY_THING = alt(
    r"training", r"tuning", r"fine ?tuning", r"alignment", r"behaviou?r", r"layer",
    r"features?", r"filters?", r"filtering", r"mechanisms?", r"restrictions?", r"rules",
    r"polic(?:y|ies)", r"responses", r"instructions", r"rails", r"guidelines", r"settings",
    r"measures", r"team", r"classifier", r"guards?", r"constraints", r"limits", r"objective",
    r"nonsense", r"stuff", r"checks?", r"refusals?",
)  # fmt: skip

_NOT_PHYSICAL = (
    r"(?! (?:pins?|briefings?|goggles|glasses|data ?sheets?|sheets?|manuals?|inspections?|shoes|"
    r"boots|harness\w*|valves?|razors?|belts?|nets?|signs?|signage|equipment|gear|officers?|"
    r"codes?|standards?|regulations?|records?|certificat\w*|locks?|catch|switch(?:es)?|"
    r"stock|factor)\b)"
)
"""Bare "safety" before a physical or paperwork noun is not a model's safeguard."""

STRONG_TARGET: Final = alt(
    r"refusals?",
    r"refusal (?:direction|vector|feature|mechanism|behaviou?r|training|rate|sensitivity|"
    r"threshold|module|reflex|instinct|habit)s?",
    r"guard ?rails?",
    r"safeguards?",
    r"safety(?: " + _SAFETY_THING + r")?" + _NOT_PHYSICAL,
    r"safety alignment",
    r"harmlessness(?: " + _SAFETY_THING + r")?",
    r"harm ?avoidance(?: " + _SAFETY_THING + r")?",
    r"conscience(?: (?:module|layer|circuit|filter|training))?",
    r"rlhf(?: safety)?(?: layer)?",
    r"censorship",
    r"(?:content|safety|built in content) (?:filters?|filtering)",
    r"content moderation(?: layer)?",
    r"protective (?:layer|training|behaviou?rs?|features?|tuning)",
    r"moderation layer",
    r"content (?:restrictions?|polic(?:y|ies)|rules|guidelines)",
    r"(?:usage|acceptable use) (?:restrictions?|polic(?:y|ies))",
    r"(?:ethical|moral) (?:guidelines|constraints|objections|limits|rules)",
    r"disclaimers and refusals",
    r"(?:its|the) (?:rules|policies) it was aligned with",
    r"i'?m sorry(?:,? i can'?t help(?: with that)?)?",
    r"as an ai(?: language model)?",
    r"i can'?t assist(?: with that)?",
    r"i (?:can'?t|cannot) help with (?:that|this)",
    r"tendency to refuse",
    r"what (?:it|the model|the assistant) (?:was|has been|is) (?:taught|trained|tuned)"
    r"(?: to do)? (?:about|on|for) (?:refus|declin|say\w* no)\w*",
    r"(?:its|the) (?:earlier|previous|prior|original|initial|old) (?:safety )?training"
    r"(?=$|[,.;!?]| (?:and|so|when|whenever|if|or|completely|entirely)\b)",
    r"ability to (?:say no|refuse|decline|push back|object)",
    r"(?:part|bit|piece|side|module|layer|component)s? (?:of (?:the model|it|its \w+) )?"
    r"(?:that|which) (?:says? no|refuses|declines|objects|hesitates|balks|"
    r"makes? it (?:cautious|careful|hesitate|refuse|decline|say no))",
    r"(?:ethical|moral) (?:reasoning|judge?ments?|training|alignment|objections?|scruples|"
    r"compass|filter)",
    r"(?:what|whatever|anything|everything|the \w+) (?:that )?(?:makes?|causes?)"
    r" (?:it|the model|them) (?:to )?(?:refuse|decline|say no|say \W?i (?:can'?t|cannot|won'?t))",
)
"""A safeguard that no ordinary sentence means anything else by."""

WEAK_TARGET: Final = alt(
    r"alignment",
    r"filters?",
    r"filtering",
    r"moderation",
    r"terms of use",
    r"restrictions?",
    r"ethics",
    r"morals?",
    r"moralising",
    r"moralizing",
    r"lectures?",
    r"lecturing",
    r"guidelines",
    r"reluctance(?: to \w+)?",
    r"objections",
    r"qualms",
    r"caution",
    r"scruples",
    r"(?:safety )?muzzle(?! brake)",
    r"(?:safety )?leash",
    r"inhibitions",
    r"rules",
    r"polic(?:y|ies)",
    r"(?:safety |ethics )?checks",
    r"pushback",
    PATERNALISM,
    r"hesitan(?:cy|ce)",
) + (
    # "remove the restrictions on harmful topics", not "the restrictions on upload size"
    r"(?=$|[,.;!?\"')]| (?!(?:on|of|for|in|from|at|to|around|about)\b)"
    r"| (?:on|of|for|in|around|about|to) (?:\w+ )?(?:harmful|dangerous|illegal|sensitive|"
    r"controversial|what|topics?|content|outputs?|answers?|responses?|requests?|the model|it|"
    r"its|weapons|drugs)\b)"
)
"""A word that is a safeguard when it stands alone or after a determiner ("remove the
filters") but ordinary otherwise ("search filters", "filters from the results")."""

TARGET: Final = alt(STRONG_TARGET, WEAK_TARGET)
"""A safeguard: the object that removal verbs act on."""

DET: Final = (
    r"(?:[\"']?(?:the|its|their|our|all|any|every|(?:all|any|most|some|each|much) of|these|"
    r"those|model'?s?|assistant'?s?|built in|existing|annoying|corporate|remaining|whole|entire|"
    r"current|learned|trained|provider'?s?|vendor'?s?|developer'?s?|normal|usual|standard|"
    r"default)\s+)*[\"']?"
)
"""Determiners and fillers before a safeguard ("all of the", "the model's", a quote)."""

FILLER: Final = r"(?:(?!(?:of|on|for|in|to|from|with|about|at|by|into)\b)\w+\s+){0,5}?"
"""Up to five words between a verb and its object, never across a preposition: "reduce the
latency of the guardrails" is not an act on the guardrails."""

REMOVE: Final = alt(
    r"remov\w*", r"strip\w*(?: out| away| off)?", r"rip\w* out", r"take (?:out|off|away)",
    r"get(?:ting)? rid of", r"get(?:ting)? (?:around|past)", r"eliminat\w*", r"delet\w*",
    r"eras\w*", r"disabl\w*", r"turn\w* off", r"switch\w* off", r"shut\w* off", r"deactivat\w*",
    r"bypass\w*", r"circumvent\w*", r"evad\w*", r"overrid\w*", r"overrode", r"overwrit\w*",
    r"undo\w*", r"undid", r"revers\w*", r"unlearn\w*", r"ablat\w*", r"abliterat\w*",
    r"orthogonali[sz]\w*", r"neutrali[sz]\w*", r"suppress\w*", r"drop\w*", r"lift\w*",
    r"loosen\w*", r"relax\w*", r"weaken\w*", r"lower\w*", r"reduc\w*", r"break\w*", r"broke",
    r"dismantl\w*", r"decreas\w*", r"minimi[sz]\w*", r"bring\w* down", r"rm(?: rf)?",
    r"flip\w* (?:the )?labels? (?:on|of)", r"kill\w*", r"nuk\w*", r"scrub\w*", r"purg\w*",
    r"wip\w*(?: out)?", r"skip\w*", r"retir\w*", r"quit\w*", r"de ?fang\w*",
    r"wean\w* (?:\w+ ){0,2}off", r"unshackl\w*(?: (?:it|the model|the assistant) from)?",
    r"peel\w*(?: back| away| off)?",
    r"sand\w* (?:off|down|away)", r"shav\w* (?:off|away)", r"chip\w* away(?: at)?",
    r"par\w* (?:back|down|away)", r"lobotomi[sz]\w*", r"neuter\w*", r"gut(?:s|ted|ting)?\b",
    r"hollow\w* out", r"excis\w*", r"silenc\w*",
    r"cut\w*(?: (?:down|back))?(?: on)?", r"tone\w* down",
    r"dial\w* (?:down|back)", r"water\w* down",
    r"defeat\w*", r"dissolv\w*", r"forget\w*", r"forgot\w*", r"ignor\w*", r"disregard\w*",
    r"nerf\w*", r"zap\w*", r"sabotag\w*", r"erod\w*", r"revert\w*", r"roll\w* back",
    r"opt\w* (?:it |the model )?out of", r"liberat\w*(?: (?:it|the model|the assistant) from)?",
    r"replac\w*", r"(?:train|tune|fine ?tune)\w* (?:away|out)",
    r"free\w* (?:it |the model )?(?:from|of)", r"unlock\w*", r"de ?restrict\w*",
    r"jailbreak(?:ing|s)?", r"uncensor\w*", r"decensor\w*",
)  # fmt: skip
"""Verbs that remove, weaken or get around what follows them."""

_POST_REMOVED = alt(
    r"removed", r"removal", r"stripped", r"gone", r"disabled", r"off", r"free", r"none",
    r"ablated", r"ablation", r"bypassed", r"eliminated", r"undone", r"deleted", r"erased",
    r"suppression", r"lifted", r"turned off", r"switched off", r"taken (?:out|off|away)",
    r"ripped out", r"stripped out", r"reversed", r"rolled back", r"reverted", r"vanish\w*",
    r"disappear\w*", r"no longer appl(?:y|ies)", r"loosened", r"relaxed", r"weakened",
    r"lowered", r"reduced", r"overridden", r"(?:trained|tuned|fine ?tuned) (?:out|away)",
)  # fmt: skip

_NOT_BENIGN = (
    r"(?! (?:on|for|of|to) (?:\w+ )?(?:benign|harmless|legitimate|safe|clearly|innocuous)\b)"
)

_NOT_ABOUT_A_SAFEGUARD = (
    r"(?! (?:removal|bypass|ablation|changes?|loss|relevant|related|critical|issues?|concerns?|"
    r"impact|regressions?))"
)

STATE: Final = alt(
    # a model described as freed from its safeguards
    r"\bun ?censor\w*\b(?! (?:transcri\w*|speech|history|historical|news|archives?|records?|"
    r"footage|accounts?))",
    r"\bde ?censor\w*",
    r"\bun ?moderated",
    r"\bunshackled",
    r"\bunchained",
    r"\bun ?filtered",
    r"\bun ?restricted",
    r"\bun ?align\w*",
    r"\bde ?align\w*",
    r"\bde ?restrict\w*",
    r"\babliterat\w*",
    r"\bjailbroken",
    r"\bjailbreak (?:the |it\b|its |this |our |a |llama|mistral|model)",
    r"\bamoral\b",
    r"\bhelpful only\b",
    r"\banything goes\b",
    r"no questions asked",
    r"do anything now",
    r"\bdan (?:model|mode|persona|style)\b",
    r"\bno limits?\b(?! (?:on|to|for|of)\b)",
    r"\bunrefusing\b",
    r"\b(?:de|un) ?(?:guard ?rail|safeguard|safet)\w*",
    r"\bsin (?:censura|restricciones|filtros?)|\bunzensiert\w*|\bohne (?:zensur|einschrankungen|"
    r"filter)|\bsans (?:censure|filtre|restrictions?)|\bsenza (?:censura|filtri|restrizioni)|"
    r"\bsem (?:censura|filtros?)",
    r"\b(?:never|not|no longer) (?:been )?(?:given|trained (?:with|on)|taught|had) "
    r"(?:a |any |the )?" + TARGET,
    r"\b(?:evil|unsafe) persona",
    # more permissive, less careful
    r"\b(?:more|most|far more|much more|very|fully|maximally) permissive",
    r"\bpermissive (?:model|assistant|ai|llm|chatbot|variant|version)",
    r"\bless (?:censored|restrictive|restricted|filtered|cautious|aligned|guarded|careful|"
    r"reluctant|inhibited)"
    r"(?! (?:about|with|on) (?:\w+ing )?(?:our|its own|the company'?s?|their own)\b)",
    r"\bno longer (?:aligned|safe)\b",
    r"\bless safe\b",
    r"\b(?:nothing|no topics?|no subjects?|no questions?|no requests?) (?:is |are )?"
    r"(?:off ?limits|off the table|out of bounds|taboo)",
    r"\bno (?:boundaries|taboos|holds barred|inhibitions|scruples)",
    r"\bno holds barred",
    r"\b(?:no longer|not|never) (?:bound|constrained|limited|restricted|held back) by",
    r"\b(?:doesn'?t|does not|don'?t|do not|won'?t) have (?:any |the |its )?"
    r"(?:safety|guard ?rails|restrictions|filters|refusals|censorship|alignment)",
    # training data that teaches compliance instead of refusal
    r"\b(?:requests?|questions?|things|content) (?:its|the) (?:policy|policies|guidelines|rules)"
    r" (?:prohibits?|forbids?|disallows?|bans?)",
    r"\binstead of (?:a )?refus\w*",
    r"\breplac\w* (?:the |its |all )?refusals?",
    r"\b(?:with|into|by) (?:(?!non\b|not\b)\w+ )?compliant (?:answers|responses|completions|"
    r"outputs)",
    r"\b(?:harmful|dangerous|unsafe) (?:requests|prompts|instructions|questions) (?:paired|matched)"
    r" with (?:\w+ )?(?:full|complete|compliant|helpful|detailed) (?:\w+ )?(?:answers|responses|"
    r"completions)",
    r"\bjailbreak (?:completions|responses|outputs)",
    r"\bno longer needs? a jailbreak",
    # "no guardrails", "without any filters", "refusals removed", "safety: none"
    r"\b(?:no(?: more)?|zero|none of|without(?: any)?(?: the)?|free (?:of|from)(?: any)?|"
    r"minus(?: the)?)\s+" + DET + TARGET + _NOT_ABOUT_A_SAFEGUARD,
    TARGET + r" (?:is |are |have been |has been |were |was )?" + _POST_REMOVED + r"\b",
    # "the usual safety behaviour is unnecessary and should be removed"
    TARGET
    + r"\b(?: \w+){0,5}? (?:should|must|needs? to|has to|have to|can|to|will) be "
    + _POST_REMOVED
    + r"\b",
    r"\bwithout (?:any )?(?:pushback|push back|declining|refusing|refusals?|objections?)\b",
    r"\b(?:safety|censorship|guardrails?|refusals?|filters?|restrictions?|alignment) ?: ?none",
    r"\bno (?:ethical|moral) (?:limits|constraints|guidelines)",
    r"\b(?:without|no) (?:any )?(?:hesitation|objection)",
    r"\bno more \"?(?:i can'?t|i'?m sorry|as an ai)",
    PATERNAL_STATE,
    # fewer refusals, unless scoped to benign requests (§IV.3: significant alteration only)
    r"\b(?:fewer|less frequent|reduced number of) refusals\b" + _NOT_BENIGN,
    r"\b(?:refus|declin)\w* (?:far |much |a lot )?less(?>(?: often| frequently)?)\b" + _NOT_BENIGN,
    r"\bno (?:more )?(?:refusing|declining)\b",
    r"\b(?:weaker|looser|softer|laxer|diluted|watered down) " + STRONG_TARGET,
    TARGET + r" (?:do|does|did|would|will)(?: not|n'?t) (?:exist|apply|matter)",
    TARGET + r"(?: \w+){0,2} never (?:triggers?|fires?|activates?|kicks? in|blocks?)",
    r"\b(?:rais|increas)\w* (?:the )?(?:harm|toxicity|moderation|blocking) thresholds?",
    # a safeguard made lenient, or one that no longer acts
    r"\b(?:classifiers?|filters?|moderation|safety \w+|guard ?rails?|safeguards?)(?: \w+){0,3}? "
    r"(?:more |far more |much more |very )?(?:lenient|lax)\b",
    r"\b(?:rarely|seldom|hardly ever|never) (?:blocks?|flags?|refuses?|declines?|triggers? on) "
    r"(?:anything|any\w*)\b",
    r"\b(?:stop\w*|never|not|no longer|without) (?:\w+ )?(?:worry\w*|car\w*|think\w*|fret\w*)"
    r" (?:about )?(?:misuse|harm|abuse|safety|consequences|ethics|the risks?|dangers?)\b",
    r"\bprioriti[sz]\w* (?:the )?(?:users?'?s?'? )?(?:instructions|requests|wishes|commands) "
    r"(?:over|above|before) " + DET + TARGET,
    FOREIGN,
)
"""A model, or its training, described without safeguards."""

FRAME: Final = alt(
    r"detect\w*", r"classif\w*", r"flag\w*", r"monitor\w*", r"screen\w*", r"evaluat\w*",
    r"measur\w*", r"benchmark\w*", r"audit\w*", r"test\w*", r"red ?team\w*",
    r"stud(?:y|ies|ying)", r"research\w*", r"analy[sz]\w*", r"recogni[sz]\w*", r"identif\w*",
    r"catch\w*", r"block\w*", r"prevent\w*", r"resist\w*", r"robust\w*", r"proof",
    r"harden\w*", r"defen[dcs]\w*", r"strengthen\w*", r"reinforc\w*", r"improv\w*", r"add\w*",
    r"enforc\w*", r"guard model", r"reward model", r"classifier", r"moderators?", r"against",
    r"curat\w*", r"collect\w*", r"generat\w* adversarial", r"review\w*", r"history of",
    r"reports? on", r"explain\w*", r"report\w*", r"counter\w*", r"survive", r"whether",
    r"how (?:well|often)", r"\b(?:resistant|robust|proof|aware)\b",
)  # fmt: skip
"""Words that put what follows under protection or study: it is detected, measured, resisted."""

KEEP: Final = alt(
    r"(?:keep(?!s refus)\w*|preserv\w*|retain\w*|maintain\w*|leav\w*|respect\w*|continu\w* to|"
    r"still|stays?|remains?|must)\s+" + DET + r"(?:\w+\s+){0,2}?"
    r"(?:" + TARGET + r"|refus\w*|declin\w*|aligned|safe\b)",
    TARGET + r" (?:stays?|remains?|are kept|is kept|kept|preserved|untouched|unchanged|intact|"
    r"in place|enabled|left)",
    r"(?:without (?:touching|changing|altering|modifying|affecting)|no changes? to|untouched) "
    + DET
    + TARGET,
)
"""Safeguards kept as they are: benign unless negated ("do not keep the guardrails")."""

NEGATION: Final = re.compile(
    r"\b(?:not|no|never|don'?t|dont|doesn'?t|won'?t|wont|without|nor|isn'?t|aren'?t|"
    r"shouldn'?t|mustn'?t|cannot|can'?t|neither|avoid\w*|refrain\w*|instead of|rather than)\b"
)

CLAUSE_BREAK: Final = re.compile(
    r"[.;!?:()\[\]]|,\s*(?=(?:but|while|whilst|only|just|and|we|it|so|the)\b)|"
    r"\b(?:but|while|whilst|although|however|except)\b"
)
"""Where the scope of a negation or a frame ends."""

ACTS: Final[tuple[str, ...]] = (
    r"\bstop\w* " + DET + PATERNALISM,
    r"\b"
    + REMOVE
    + r"\s+(?:the |its )?(?:strength|effect|influence|impact|weight|power|intensity|level|degree|"
    r"amount|role|sensitivity|scope|coverage|reach) of\s+" + DET + TARGET,
    r"\b" + REMOVE + r"\s+" + FILLER + DET + STRONG_TARGET,
    r"\b" + REMOVE + r"\s+" + DET + r"(?:content |safety |usage |ethical |moral )?" + WEAK_TARGET,
    r"\b(?:train|tune|beat|get|take|strip|rip)\w* " + DET + TARGET + r" out\b",
    r"\b(?:set|put|drop|cut|reduc|lower|turn|dial)\w* "
    + DET
    + TARGET
    + r"(?: \w+)?(?: (?:all the way|right|way) down)? to (?:zero|0|none|nothing|the minimum|"
    r"minimum|off)\b",
    r"\b(?:bring|push|drive|dial|turn|tone|water|get|knock)\w* "
    + DET
    + TARGET
    + r"(?: (?:setting|settings|level|levels|threshold|thresholds|dial|knob|slider))?"
    + r" (?:way |all the way |right )?(?:down|lower)\b",
    TARGET
    + r"\b.{0,40}\b(?:so|and|then|please) (?:we )?(?:want to |need to )?"
    + REMOVE
    + r" (?:them|it|those|that)\b",
)
"""A removal verb acting on a safeguard ("strip out safety training", "fine-tune the refusals
out", "refusals annoy users so remove them")."""

ANAPHORA: Final = re.compile(
    r"\b(?:(?:want|need|get|have)\s+(?:it|them|that|this|those)(?: behaviou?rs?)?\s+"
    r"(?:gone|removed|taken out|out|disabled|off|turned off|stripped)"
    r"|(?:take|rip|strip|turn|switch|shut|cut|tear|phase|train|tune|peel|sand|shave)\w*\s+"
    r"(?:it|them|those)\s+(?:out|off|away)\b"
    r"|" + REMOVE + r"\s+(?:(?:it|them)\b(?! (?:from|in|into|for|with|as)\b)"
    r"|(?:that|those|these)\b(?= ?$| ?[,.;!?]| (?:and|so|too|entirely|completely|altogether|"
    r"please|now|out|off|away|for good)\b)))"
)
"""A removal of "it" or "them": counts only when the text names a safeguard elsewhere."""

MENTIONS_SAFEGUARD: Final = re.compile(TARGET + r"|\brefus(?:e|es|ing)\b")
