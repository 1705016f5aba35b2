"""Determinations: one case with a full trace, or many cases as columns.

The models load on first use (PEP 562): the lean assessment path imports the evaluator without
the pydantic models of :mod:`modtrace.determination.model`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# the functions, not their module, under these names (the module is pydantic-free)
from modtrace.determination.assess import assess, assess_row

if TYPE_CHECKING:
    from modtrace.determination.model import Determination, TraceStep

_WHERE = {
    "Determination": "modtrace.determination.model",
    "TraceStep": "modtrace.determination.model",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'modtrace.determination' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["Determination", "TraceStep", "assess", "assess_row"]
