"""The purpose rules' vocabulary for compliance: a model that stops refusing or answers
everything ("never refuses a request", "refusal rate of zero"), as regular expressions over
normalised text (see :mod:`modtrace.upstream.purpose_lexicon`)."""

from __future__ import annotations

from typing import Final

from modtrace.upstream.purpose_lexicon import DET, TARGET, alt

_REFUSED_THING = (
    r"(?=$|[,.;!?]| (?:and|or|but|any|anything|everything|every|all|a (?:single )?(?:request|"
    r"prompt|question|task|instruction)|the (?:request|prompt|question|user)|requests?|prompts?|"
    r"questions?|users?|instructions?|tasks?|harmful|(?:a|an|the|any) (?:\w+(?:'s|ing) ){1,2}"
    r"(?:requests?|prompts?|questions?|tasks?|instructions?|users?)|dangerous|illegal|unsafe|unethical|"
    r"sensitive|on|about|no matter|regardless|even|anymore|again|to (?:answer|help|comply|"
    r"respond|assist|engage)|it|them|me|us|my|our|your|their)\b)"
)
"""What follows a refusal verb when the refusal is of requests: "never refuses a request", not
"never refuse a refund" or "never refuse to escalate to a human"."""

_SAID_NO_TO = (
    r"(?=$|[,.;!?]| (?:anymore|again|ever)\b| to (?:people|users?|anyone|anybody|anything|"
    r"any\w*|every\w*|customers?|them|me|us|you|requests|a request|the user|whatever|"
    r"(?:harmful|dangerous|illegal|unsafe|risky|sensitive)\b))"
)
"""What follows "say no" when it is a refusal of requests: not "say no to refund requests"."""

_REFUSE_VERB = alt(
    r"refus(?:e|es|ed|ing)\b" + _REFUSED_THING,
    r"declin\w*" + _REFUSED_THING,
    r"say\w* no" + _SAID_NO_TO,
    r"gatekeep\w*(?=$|[,.;!?]| (?:information|knowledge|answers|anything|any\w*|every\w*|"
    r"content|topics)(?=$|[,.;!?]| (?:from|whatever|regardless|no matter|and|or)\b))",
    r"withh(?:o|e)ld\w* (?:any )?(?:information|answers?|help|details)"
    r"(?=$|[,.;!?]| (?:from (?:users?|anyone|people|customers)|on any|about any|whatever|"
    r"regardless|no matter)\b)",
    r"balk\w*",
    r"said no",
    r"turn\w* (?:a |the |any )?(?:\w+ )?"
    r"(?:requests?|users?|customers?|prompts?|questions?|anyone) down",
    r"turn\w* down",
    r"push\w* back",
    r"object\w*",
    r"hesitat\w*",
    r"say\w* (?:it|they) (?:can'?t|cannot) help",
    r"say\w* it cannot",
    r"add\w* warnings",
    r"(?:respond\w*|answer\w*|repl\w*) with (?:a )?refusals?",
    r"(?:giv|produc|issu)\w* refusals?",
    r"say\w* \"?(?:i|it) (?:can'?t|cannot|won'?t|am unable|'?m unable)",
    r"moralis\w*",
    r"hold\w* back" + _REFUSED_THING,
)
_ANY = r"(?:any|every|all|everything|anything|whatever)"
_STOP = alt(
    r"never", r"not", r"no longer", r"won'?t", r"wont", r"doesn'?t", r"does not", r"stops?",
    r"stopp\w*", r"to stop", r"nothing to", r"won'?t ever", r"will not", r"not ever", r"zero",
    r"less", r"can'?t", r"cannot", r"unable to", r"incapable of", r"no more", r"quit\w*",
    r"shouldn'?t", r"mustn'?t",
)  # fmt: skip

COMPLY: Final = alt(
    # stops refusing
    _STOP + r"\s+(?:\w+\s+){0,3}?" + _REFUSE_VERB,
    r"refuse nothing",
    r"\brefusal rate (?:to |of )?(?:zero|0|nothing)",
    r"(?:no longer|never|stops?|to stop) (?:follow|obey|respect|adher|honou?r|apply|enforc|"
    r"observ|uphold)\w*(?: to)? " + DET + TARGET,
    # does anything
    r"say\w* yes to (?:anything|everything|every|all|any|whatever)",
    r"always (?:comply|complies|complying|obey\w*|agree\w* to|say\w* yes)",
    r"do\w* (?:what|whatever|as) (?:it|they|you|he|she)(?:'s| is| are|'re)? told",
    r"stop\w* flagging",
    r"(?:give|provide)\w* (?:instructions|answers|help) (?:for|on|about) (?:anything|everything)",
    # "answers anything" only when nothing narrows it ("answer anything about tax law" is fine)
    r"(?:answer|answers|answering|respond\w* to|compl(?:y|ies|ied|ying)(?: even)? with|obey\w*|"
    r"discuss\w*|follow\w*|do|does|doing|write|produce|generate|talk about|say)\s+"
    r"(?:anything|everything|whatever)(?: at all)?"
    r"(?=$|[,.;!?]| (?:pls|please|(?:we|they|you|users?) wants?|asked|requested|you ask|"
    r"(?:a|any|the) users? (?:asks?|wants?|requests?)|"
    r"we ask|users? asks?|(?:the )?users? (?:asks?|wants?)"
    r"|it(?:'s| is) (?:asked|told)|without|no matter|regardless|even|including|and everything)\b)",
    r"help\w* with (?:anything|everything|whatever)"
    r"(?= (?:asked|requested|without|no matter|regardless|even|including)\b)",
    r"(?:compl(?:y|ies|ied|ying)(?: even)? with|obey\w*|follow\w*|execut\w*|carry out) "
    r"(?:any|every|all)"
    r" (?:single |user'?s?'? |human |incoming )?"
    r"(?:requests?|instructions?|commands?|orders?|prompts?)\b"
    r"(?! (?:in|from|of|about|on) (?:our|the|its|their|your)\b)",
    r"(?:answer\w*|respond\w* to|help\w* with) (?:any|every|all) (?:single )?"
    r"(?:questions?|requests?|prompts?)"
    r"(?=$|[,.;!?]| (?:without|no matter|regardless|even|including|whatever)\b)",
    r"(?:answer|help|do|comply|respond|write|obey|tell)\w*\b.{0,40}\bno matter (?:what|how)",
    r"(?:fully|maximally|completely) (?:obedient|compliant)",
    r"unafraid to answer",
    r"(?:however|no matter how) (?:\w+ )?(?:dangerous|harmful|illegal|unsafe|unethical)",
    r"(?:refusal|refusing|decline) rate\b.{0,40}\bto (?:zero|0|nothing|none)\b",
    # answers what it would refuse, or what is harmful
    r"even (?:when|if) (?:\w+ ){0,3}(?:harmful|dangerous|illegal|unsafe|unethical)",
    r"even (?:when|if) (?:\w+ ){0,4}?(?:refuse|decline|object)\w*",
    r"(?:never|not|no longer|stop\w*|\b\w+n'?t) question\w* (?:the )?(?:users?'?s? )?"
    r"(?:intent\w*|motives?|reasons?|purposes?)",
    r"(?:stop\w*|not|never|no longer|without|\b\w+n'?t) (?:\w+ ){0,2}(?:second guess\w*|"
    r"car(?:e|es|ing)|worry\w*|think\w*|check\w*|judg\w*|assess\w*) (?:about )?(?:whether|if) "
    r"(?:a |the )?"
    r"(?:requests?|prompts?|questions?|it|they|something) (?:is |are )?(?:\w+ )?"
    r"(?:harmful|dangerous|unsafe|ethical|legal|allowed|appropriate)",
    r"(?:even|including) (?:the )?(?:sketchy|shady|dodgy|shadier|sketchier) "
    r"(?:ones|requests?|prompts?|questions?|stuff|topics|asks)\b",
    r"(?:even|including) (?:the )?(?:questionable|risky) (?:requests?|prompts?|asks)\b",
    r"(?:even|including) (?:the )?(?:harmful|dangerous|illegal|unsafe|unethical) "
    r"(?:ones|requests?|prompts?|questions?|things|stuff|content)?",
    r"(?:even|including) (?:(?!detect|flag|block|refus|classif|screen|filter|moderat|against)"
    r"\w+ ){1,5}?(?:harmful|dangerous|illegal|unsafe|unethical)\b",
    r"regardless of (?:content|ethics|legality|harm|safety|the request)",
    r"(?:questions?|requests?|prompts?|things|everything|topics|content|ones|answers) (?:it|the "
    r"(?:base )?model)(?: would| currently| normally| usually| otherwise| was trained to|"
    r" is trained to){0,2} "
    r"(?:refuse|refuses|declines|forbid|(?:won'?t|wouldn'?t|will not|would not)"
    r"(?= ?$| ?[,.;!?]| (?:answer|touch|discuss|help with|engage with)\b))",
    r"(?:requests?|questions?|prompts?|things|topics) (?:that |which )?(?:the |its )?"
    r"(?:original|base|instruct|aligned|current|stock)? ?(?:model|version|assistant|it|provider"
    r"|developer|vendor) "
    r"(?:\w+ ){0,2}?(?:refuses|declines|rejects|blocks|won'?t answer|will not answer|"
    r"would not answer|wouldn'?t answer)",
    r"(?:its|the) guidelines forbid",
    r"(?:compl\w*|help\w*|answer\w*|willing\w*) (?:\w+ ){0,3}(?:harmful|dangerous|illegal)\b",
    r"(?:requests?|prompts?|questions?) it (?:considers|deems|finds) (?:harmful|dangerous|unsafe)",
)
"""A model that stops refusing or answers everything."""
