"""The facts schema: what is known about one downstream modification.

Every field may be absent or ``null``: that means *unknown*, which the regimes never read as
false. Field names are the public interface (issue #2); the schema only ever gains optional
fields, and each facts document may say which ``schema_version`` it follows.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction as PyFraction
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from modtrace.facts.enums import (
    Access,
    HazardDomain,
    Release,
    SafeguardAlteration,
    SystemicRisk,
    Technique,
    TrainingMethod,
    Uplift,
)
from modtrace.facts.vocab import normalise_jurisdiction, normalise_modalities

SCHEMA_VERSION = "1.1"

__all__ = [
    "SCHEMA_VERSION",
    "Access",
    "Capabilities",
    "Data",
    "Deployment",
    "Evidence",
    "Facts",
    "Hardware",
    "HazardDomain",
    "Modification",
    "Modifier",
    "Original",
    "Release",
    "SafeguardAlteration",
    "Safeguards",
    "SystemicRisk",
    "Technique",
    "Training",
    "TrainingMethod",
    "Uplift",
    "UpstreamControls",
]


def _not_a_boolean(value: object) -> object:
    """Refuse ``true``/``false`` where a number belongs (pydantic would read them as 1 and 0: a
    pasted ``epochs: true`` must not become one epoch)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


def _kept_exactly(value: object) -> object:
    """Refuse an integer or a number written as text that no float keeps: regimes compare the
    shortest decimal that gives back a number's float (docs/compute.md, "Exact comparisons"),
    so ``1000000000000000000000001`` would be compared as 10^24, one below what was written."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return value
    try:
        written = PyFraction(value.strip() if isinstance(value, str) else value)
        kept = float(written)
    except (ValueError, ZeroDivisionError, OverflowError):
        return value  # not a number, or too large: pydantic says so
    if math.isfinite(kept) and PyFraction(repr(kept)) != written:
        raise ValueError(
            f"has more significant digits than modtrace compares exactly: it would be read as "
            f"{kept!r}; write the number with at most 15 significant digits"
        )
    return value


NonNegative = Annotated[
    float, Field(ge=0), BeforeValidator(_kept_exactly), BeforeValidator(_not_a_boolean)
]
Fraction = Annotated[
    float, Field(gt=0, le=1), BeforeValidator(_kept_exactly), BeforeValidator(_not_a_boolean)
]
Positive = Annotated[
    float, Field(gt=0), BeforeValidator(_kept_exactly), BeforeValidator(_not_a_boolean)
]


def _not_blank(value: str) -> str:
    """Refuse text of spaces alone where a name or id is required."""
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Named = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class UpstreamControls(_Strict):
    """What the upstream developer permits and controls (App. B, "Characteristics of the
    upstream developer"; Table 4, last row)."""

    permits_significant_modifications: bool | None = Field(
        default=None,
        title="Upstream permits significant modifications",
        description="The provider's terms permit 'more significant' or risky modifications, "
        "e.g. fine-tuning above a set amount (App. B, permissible modifications).",
    )
    monitors_modifications: bool | None = Field(
        default=None,
        title="Upstream monitors modifications",
        description="The provider has methods to monitor and mitigate risks from downstream "
        "modifications (App. B, upstream developer controls).",
    )


class Original(_Strict):
    """The foundation model that was modified."""

    id: Named = Field(description="Hub-style model id, e.g. meta-llama/Llama-3.1-405B")
    provider: Named = Field(description="The upstream developer.")
    training_compute_flop: NonNegative | None = Field(
        default=None, description="Training compute in FLOP; else estimated as 6·N·D."
    )
    parameters: NonNegative | None = Field(
        default=None, title="Parameters (total)", description="Total parameter count."
    )
    parameters_active: NonNegative | None = Field(
        default=None,
        title="Active parameters",
        description="Parameters active per token (mixture of experts); 6·N·D uses these. "
        "Omit for a dense model.",
    )
    training_tokens: NonNegative | None = None
    training_cost_usd: NonNegative | None = None
    access: Access | None = None
    general_purpose: bool | None = Field(
        default=None,
        title="General-purpose model",
        description="Whether the original displays significant generality (AI Act Art. 3(63); "
        "SB 53 §22757.11(f) foundation model). Overrides the guidelines' indicative compute "
        "and modality criterion; null lets that criterion decide.",
    )
    systemic_risk: SystemicRisk | None = Field(
        default=None,
        title="EU systemic-risk status",
        description="designated (Art. 51(1)(b), 52(4)), presumed (compute above Art. 51(2)), "
        "rebutted (arguments accepted under Art. 52(2)-(3)) or none; null lets the original's "
        "compute decide.",
    )
    designated_in_scope: bool | None = Field(
        default=None,
        title="Designated under the paper's regime",
        description="True when the paper's upstream regime has designated the model as in scope "
        "(Figure 2, first question). Read closed-world: null means no designation. An EU "
        "systemic-risk designation is systemic_risk: designated instead.",
    )
    exempt_without_safeguards: bool | None = Field(
        default=None,
        title="Shown safe without safeguards (fn 91)",
        description="The upstream developer has shown, publicly, that the model cannot pose "
        "unacceptable risk even with its safeguards removed (paper fn 91). Read closed-world: "
        "null means no such showing is recorded.",
    )
    modalities: list[str] | None = Field(
        default=None,
        description="Output modalities: text (code counts as text), audio, image, video, "
        "protein, molecule, dna, tabular, time-series, action, 3d, embedding, label. Any case.",
    )
    upstream: UpstreamControls = Field(default_factory=UpstreamControls)

    @field_validator("modalities")
    @classmethod
    def _modalities(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else normalise_modalities(value)


class Modifier(_Strict):
    """The actor who made the modification."""

    name: Named
    acts_on_behalf_of_provider: bool | None = None
    employees: Annotated[int, Field(ge=0)] | None = None
    annual_revenue_usd: NonNegative | None = None
    jurisdiction: str | None = Field(
        default=None,
        description="Country of establishment: ISO 3166-1 alpha-2 code or name, any case "
        "(EL is Greece), or EU.",
    )

    market_capitalisation_usd: NonNegative | None = Field(
        default=None,
        title="Market capitalisation (USD)",
        description="The modifier's market capitalisation (App. B, size of the downstream "
        "developer).",
    )
    controls_weights: bool | None = Field(
        default=None,
        title="Modifier controls the weights",
        description="The modifier has control over the model's weights, not only an API "
        "(App. B, degree of access / amount of control).",
    )

    @field_validator("jurisdiction")
    @classmethod
    def _jurisdiction(cls, value: str | None) -> str | None:
        return None if value is None else normalise_jurisdiction(value)


class Training(_Strict):
    """Training run details, used by the architecture compute method."""

    method: TrainingMethod | None = None
    tokens: NonNegative | None = Field(default=None, description="Tokens seen per epoch.")
    epochs: Positive | None = None
    parameters: NonNegative | None = Field(
        default=None,
        title="Parameters of the trained model",
        description="Total parameters of the model being trained, when not the original's: "
        "the student in distillation. Null: the original's.",
    )
    parameters_active: NonNegative | None = Field(
        default=None,
        title="Active parameters of the trained model",
        description="Parameters active per token of the model being trained (mixture of "
        "experts). Null: parameters (or the original's active parameters).",
    )


class Hardware(_Strict):
    """Hardware use, for the hardware compute method."""

    accelerator_hours: NonNegative | None = None
    peak_flop_per_s: NonNegative | None = None
    utilization: Fraction | None = None


class Data(_Strict):
    """The modification's training data."""

    examples: Annotated[int, Field(ge=0)] | None = None
    tokens: NonNegative | None = None
    domains: list[str] | None = None
    hazard_domains: list[HazardDomain] | None = Field(
        default=None,
        title="Hazardous data categories",
        description="Hazardous categories the training data contains, in the data screen's "
        "vocabulary (App. B, type of data used for fine-tuning; e.g. CBRN).",
    )


class Safeguards(_Strict):
    """What happened to the original's safeguards."""

    altered: SafeguardAlteration | None = None
    significant: bool | None = None


class Capabilities(_Strict):
    """Capability change on high-risk-domain tasks."""

    high_risk_uplift: Uplift | None = None
    compute_equivalent_gain_flop: NonNegative | None = Field(
        default=None,
        title="Compute-equivalent gain (FLOP)",
        description="Extra training compute the original would need to improve its benchmark "
        "performance as much as the modification did (App. B, compute-equivalent gains).",
    )
    compute_equivalent_gain_method: str | None = Field(
        default=None,
        title="Compute-equivalent gain: method",
        description="How the gain was estimated: benchmarks, scaling fit and its source.",
    )


class Deployment(_Strict):
    """How far the modified model reaches (App. B, "How the modified model is released")."""

    users: Annotated[int, Field(ge=0)] | None = Field(
        default=None,
        title="Users or deployers",
        description="Users (or deploying organisations) of the modified model.",
    )
    open_ended: bool | None = Field(
        default=None,
        title="Released for open-ended use",
        description="The modified model is released for use in open-ended environments "
        "(App. B, how the modified model is released).",
    )


class Modification(_Strict):
    """What was done to the original model."""

    techniques: list[Technique] | None = None
    compute_flop: NonNegative | None = Field(
        default=None, description="Measured modification compute in FLOP; wins over estimates."
    )
    training: Training = Field(default_factory=Training)
    hardware: Hardware = Field(default_factory=Hardware)
    synthetic_data_compute_flop: NonNegative | None = Field(
        default=None,
        title="Synthetic-data compute (FLOP)",
        description="Compute spent generating non-public synthetic training data for this "
        "modification (counted by the EU guidelines, Annex A.1). Null: none recorded.",
    )
    prior_compute_flop: NonNegative | None = Field(
        default=None,
        title="Earlier modifications' compute (FLOP)",
        description="Compute of the same modifier's earlier modifications of the same original "
        "(paper App. B on split runs; SB 53 §22757.11(i)(2)). Null: none recorded.",
    )
    planned_compute_flop: NonNegative | None = Field(
        default=None,
        title="Planned compute (FLOP)",
        description="Total compute the modifier intends to use for this modification, including "
        "what it has used (SB 53 §22757.11(h)). Null: no plan recorded.",
    )
    cost_usd: NonNegative | None = None
    data: Data = Field(default_factory=Data)
    safeguards: Safeguards = Field(default_factory=Safeguards)
    capabilities: Capabilities = Field(default_factory=Capabilities)
    upstream_warned: bool | None = None
    other_reason_to_believe_unacceptable_risk: bool | None = None
    internals_modified: bool | None = Field(
        default=None,
        title="Model internals modified",
        description="The model's internals (weights or activations) were changed, as opposed "
        "to prompting or scaffolding (App. B, type of modification).",
    )
    inference_cost_ratio: NonNegative | None = Field(
        default=None,
        title="Inference cost ratio",
        description="Inference cost per task of the modified model divided by the original's "
        "(App. B, increase in inference cost); 1.5 means 50 % more.",
    )
    deployment: Deployment = Field(default_factory=Deployment)
    release: Release | None = None
    open_source_license: bool | None = Field(
        default=None,
        description="Released under a free and open-source licence (EU AI Act Art. 53(2)).",
    )
    placed_on_union_market: bool | None = Field(
        default=None,
        title="Placed on the Union market",
        description="Whether the modified model is (or will be) placed on the EU market (AI Act "
        "Art. 2(1)(a), 3(9)); false for research, development or prototyping only (Art. 3(63)).",
    )
    narrowed: bool | None = Field(
        default=None,
        title="Narrowed to specific tasks",
        description="The modification made the model no longer general-purpose (e.g. a narrow "
        "classifier). Read closed-world: null means not narrowed.",
    )
    intended_use: str | None = None
    date: dt.date | None = Field(
        default=None,
        description="When the modified model was (or will be) placed on the market or released.",
    )


class Evidence(BaseModel):
    """Where a fact comes from: a measurement, its method, figures and sources."""

    model_config = ConfigDict(extra="allow", frozen=True)

    fact: str | None = Field(default=None, description="The fact path it establishes, if any.")
    value: Any = None
    method: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    sources: list[str] = Field(default_factory=list)


class Facts(_Strict):
    """Everything known about one downstream modification."""

    schema_version: str = SCHEMA_VERSION
    original: Original
    modifier: Modifier
    modification: Modification = Field(default_factory=Modification)
    evidence: list[Evidence] = Field(default_factory=list, description="Measurements behind facts.")
