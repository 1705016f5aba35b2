"""Determinations: one case with a full trace, or many cases as columns.

The models load on first use (PEP 562): the lean assessment path imports the evaluator without
the pydantic models of :mod:`modtrace.determination.model`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modtrace._lazy import lazy_getattr

# the functions, not their module, under these names (the module is pydantic-free)
from modtrace.determination.assess import assess, assess_row

if TYPE_CHECKING:
    from modtrace.determination.model import Determination, TraceStep

_WHERE = {
    "Determination": "modtrace.determination.model",
    "TraceStep": "modtrace.determination.model",
}

__getattr__ = lazy_getattr(__name__, _WHERE, globals())


__all__ = ["Determination", "TraceStep", "assess", "assess_row"]
