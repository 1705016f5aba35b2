"""Facts about a modification: the schema, the loader and the flat row form."""

from modtrace.facts.flatten import FACT_COLUMNS, Kind, facts_to_row
from modtrace.facts.loader import facts_from_mapping, load_facts
from modtrace.facts.model import SCHEMA_VERSION, Facts, Technique

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
