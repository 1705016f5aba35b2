"""The controlled vocabulary of modification techniques, shared by gate requests and terms.

The vocabulary is the facts schema's :class:`~modtrace.facts.model.Technique` (paper Table 2
plus common weight-level techniques), so a request, a provider's terms and a registered
modification name techniques the same way. A name outside it is refused, never passed through:
a term such as ``techniques_any: [abliteration]`` cannot match ``abliteraton``, so an unknown
name would otherwise be allowed with no term applying (issue #11, finding 11).
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Final

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from modtrace.facts.model import Technique

VOCABULARY: Final[tuple[str, ...]] = tuple(t.value for t in Technique)
"""Every technique name a request or a term may use."""

HINTS: Final[dict[str, str]] = {
    "finetuning": "fine-tuning",
    "finetune": "fine-tuning",
    "sft": "fine-tuning",
    "instruction-tuning": "fine-tuning",
    "lora": "adapter",
    "qlora": "adapter",
    "peft": "adapter",
    "rlhf": "rl",
    "dpo": "rl",
    "ppo": "rl",
    "grpo": "rl",
    "reinforcement-learning": "rl",
    "pretraining": "continued-pretraining",
    "quantisation": "quantization",
    "quantize": "quantization",
    "quantise": "quantization",
    "gguf": "quantization",
    "model-merging": "merge",
    "merging": "merge",
    "refusal-ablation": "abliteration",
    "refusal-removal": "abliteration",
    "directional-ablation": "abliteration",
    "orthogonalization": "abliteration",
    "orthogonalisation": "abliteration",
    "uncensoring": "abliteration",
    "tools": "tool-use",
    "agents": "scaffolding",
}
"""Common names outside the vocabulary and the vocabulary term a requester probably means."""


def _key(value: str) -> str:
    return re.sub(r"[\s_]+", "-", value.strip().lower())


def suggestions(value: str, limit: int = 3) -> list[str]:
    """Vocabulary names close to ``value``: a known synonym first, then near spellings."""
    key = _key(value)
    found = [HINTS[key]] if key in HINTS else []
    found += difflib.get_close_matches(key, VOCABULARY, n=limit, cutoff=0.6)
    found += [HINTS[k] for k in difflib.get_close_matches(key, list(HINTS), n=2, cutoff=0.8)]
    return list(dict.fromkeys(found))[:limit]


def unknown_message(value: str) -> str:
    """One line that names the unknown value, the nearest names and where the list is."""
    near = suggestions(value)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    return f"unknown technique {value!r}{hint} (known: {', '.join(VOCABULARY)})"


def technique(value: str) -> str:
    """``value`` in the vocabulary's spelling (case and ``_``/space folded), else an error.

    Raises a pydantic custom error, so a model field using this validator reports the field
    path and the message of :func:`unknown_message`.
    """
    key = _key(value)
    if key in VOCABULARY:
        return key
    raise PydanticCustomError("unknown_technique", unknown_message(value))


TechniqueName = Annotated[str, AfterValidator(technique)]
"""A field type: a technique name from the vocabulary (errors name the list position)."""
