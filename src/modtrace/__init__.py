"""modtrace: assess, register and trace downstream modifications of foundation models.

The public API is listed in ``__all__``; everything else is internal. Names load on first use
(PEP 562), so that ``import modtrace`` — and every ``modtrace`` command — pays only for the
parts it touches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modtrace._lazy import lazy_getattr

if TYPE_CHECKING:
    from modtrace.determination.assess import assess, assess_row
    from modtrace.determination.model import Determination
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

_WHERE = {
    "Determination": "modtrace.determination",
    "assess": "modtrace.determination",
    "assess_row": "modtrace.determination",
    "FactsError": "modtrace.errors",
    "InputError": "modtrace.errors",
    "ModtraceError": "modtrace.errors",
    "ParameterError": "modtrace.errors",
    "RegimeDefinitionError": "modtrace.errors",
    "UnknownRegimeError": "modtrace.errors",
    "Facts": "modtrace.facts",
    "facts_to_row": "modtrace.facts",
    "load_facts": "modtrace.facts",
    "Catalog": "modtrace.regimes.loader",
    "default_catalog": "modtrace.regimes.loader",
    "with_overrides": "modtrace.regimes.loader",
}

__getattr__ = lazy_getattr(__name__, _WHERE, globals())


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
