"""Facts about a modification: the schema, the loader and the flat row form.

Names load on first use (PEP 562), so that the modules which need none of the schema's
pydantic models (the enums, the vocabulary, the lean path of :mod:`modtrace.facts.lean`) can
be imported without loading pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modtrace._lazy import lazy_getattr

if TYPE_CHECKING:
    from modtrace.facts.enums import Technique
    from modtrace.facts.flatten import FACT_COLUMNS, Kind, facts_to_row
    from modtrace.facts.loader import facts_from_mapping, load_facts
    from modtrace.facts.model import SCHEMA_VERSION, Facts

_WHERE = {
    "FACT_COLUMNS": "modtrace.facts.flatten",
    "Kind": "modtrace.facts.flatten",
    "facts_to_row": "modtrace.facts.flatten",
    "facts_from_mapping": "modtrace.facts.loader",
    "load_facts": "modtrace.facts.loader",
    "SCHEMA_VERSION": "modtrace.facts.model",
    "Facts": "modtrace.facts.model",
    "Technique": "modtrace.facts.enums",
}

__getattr__ = lazy_getattr(__name__, _WHERE, globals())


__all__ = [
    "FACT_COLUMNS",
    "SCHEMA_VERSION",
    "Facts",
    "Kind",
    "Technique",
    "facts_from_mapping",
    "facts_to_row",
    "load_facts",
]
