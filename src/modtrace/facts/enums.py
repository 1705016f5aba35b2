"""The facts' closed vocabularies as enums, importable without pydantic.

:mod:`modtrace.facts.model` uses them as field types; the compute conventions and the lean
assessment path (:mod:`modtrace.facts.lean`) read them without loading the schema's models.
"""

from __future__ import annotations

from enum import StrEnum


class Access(StrEnum):
    """How the original model is made available."""

    OPEN_WEIGHTS = "open-weights"
    API = "api"
    CLOSED = "closed"


class Release(StrEnum):
    """How the modified model is released."""

    OPEN_WEIGHTS = "open-weights"
    API = "api"
    CLOSED = "closed"
    INTERNAL = "internal"


class Technique(StrEnum):
    """Modification techniques (paper Table 2 plus common weight-level techniques)."""

    FINE_TUNING = "fine-tuning"
    CONTINUED_PRETRAINING = "continued-pretraining"
    RL = "rl"
    ADAPTER = "adapter"
    MERGE = "merge"
    QUANTIZATION = "quantization"
    DISTILLATION = "distillation"
    ABLITERATION = "abliteration"
    PROMPTING = "prompting"
    SCAFFOLDING = "scaffolding"
    TOOL_USE = "tool-use"
    SOLUTION_CHOICE = "solution-choice"
    DATA = "data"


class TrainingMethod(StrEnum):
    """How weights were trained during the modification."""

    FULL = "full"
    LORA = "lora"
    QLORA = "qlora"


class SafeguardAlteration(StrEnum):
    """Whether, and how deliberately, the original's safeguards were altered."""

    NONE = "none"
    UNINTENTIONAL = "unintentional"
    KNOWING = "knowing"
    INTENTIONAL = "intentional"


class Uplift(StrEnum):
    """Change in capability on high-risk-domain tasks compared with the original."""

    SIGNIFICANT = "significant"
    INSIGNIFICANT = "insignificant"
    UNKNOWN = "unknown"


class HazardDomain(StrEnum):
    """Data type categories the data screening knows (App. B, "Type of data used for
    fine-tuning"; src/modtrace/upstream/screening.py)."""

    CBRN = "cbrn"
    CYBER = "cyber"


class SystemicRisk(StrEnum):
    """The original's systemic-risk status under the EU AI Act (Art. 51-52)."""

    DESIGNATED = "designated"
    PRESUMED = "presumed"
    REBUTTED = "rebutted"
    NONE = "none"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    """The value kind of a fact column."""

    NUMBER = "number"
    BOOL = "bool"
    TEXT = "text"
    DATE = "date"
    LIST = "list"
