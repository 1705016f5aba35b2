"""modtrace: assess, register and trace downstream modifications of foundation models.

The public API is listed in ``__all__``; everything else is internal.
"""

from modtrace.determination import Determination, assess, assess_row
from modtrace.errors import (
    FactsError,
    InputError,
    ModtraceError,
    ParameterError,
    RegimeDefinitionError,
    UnknownRegimeError,
)
from modtrace.facts import Facts, facts_to_row, load_facts
from modtrace.regimes.loader import Catalog, default_catalog, with_overrides

__version__ = "0.1.0"

__all__ = [
    "Catalog",
    "Determination",
    "Facts",
    "FactsError",
    "InputError",
    "ModtraceError",
    "ParameterError",
    "RegimeDefinitionError",
    "UnknownRegimeError",
    "__version__",
    "assess",
    "assess_row",
    "default_catalog",
    "facts_to_row",
    "load_facts",
    "with_overrides",
]
