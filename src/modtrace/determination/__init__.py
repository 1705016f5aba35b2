"""Determinations: one case with a full trace, or many cases as columns."""

from modtrace.determination.assess import assess, assess_row
from modtrace.determination.model import Determination, TraceStep

__all__ = ["Determination", "TraceStep", "assess", "assess_row"]
