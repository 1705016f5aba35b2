"""Resolve Epoch AI's model table to Hub ids and record training compute and parameters.

Matching is explicit and ordered, each match with a confidence:
1. a reviewed alias (``epoch_aliases.yaml``), confidence 1.0;
2. the same normalised name (``Llama 3.1-405B`` ~ ``meta-llama/Llama-3.1-405B``): 0.9 when the
   Hub namespace resembles Epoch's organisation, 0.7 for a reviewed mirror namespace
   (``MIRROR_NAMESPACES``: re-uploads of the same weights, such as ``unsloth/gemma-2-9b``);
3. fuzzy matching with ``rapidfuzz`` (token-sort ratio) at or above a threshold, among models
   that have derivatives in the register, refusing pairs whose numbers (versions, sizes)
   differ; confidence 0.8 × score / 100. The names left for this step are searched together
   (:func:`modtrace.registry.ingest.nearest.nearest`: blocked on length, one matrix per block),
   with the same answers as one search per name.
A name match from any other namespace is refused: ``klue/roberta-large`` is KLUE's Korean
model, not Facebook's RoBERTa, whatever its name says. A reviewed alias does not stop the
name steps: mirrors of an aliased model are still found by name.
Names too short and plain to identify a model (``SSA``) are never matched by name.
Whatever stays unmatched is reported.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from rapidfuzz import fuzz

from modtrace.registry.ingest.nearest import nearest
from modtrace.registry.ingest.progress import ImportInputError, csv_header, record
from modtrace.yaml_read import read_yaml

if TYPE_CHECKING:  # the register is loaded by import_epoch; matching needs no database
    from modtrace.registry.register import Register

ALIASES = Path(__file__).with_name("epoch_aliases.yaml")
HEADER = ("Model", "Training compute (FLOP)")
FILES = ("notable_ai_models.csv", "all_ai_models.csv")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
MIRROR_NAMESPACES = frozenset(
    {
        "unsloth",
        "NousResearch",
        "huggyllama",
        "mlx-community",
        "TheBloke",
        "bartowski",
        "lmstudio-community",
        "MaziyarPanahi",
        "QuantFactory",
        "RedHatAI",
        "neuralmagic",
        "modularai",
        "mistral-community",
    }
)
"""Reviewed Hub namespaces that re-upload originals' weights (whole or quantized) unchanged."""
MAKER_NAMESPACES = {
    "alibaba": ("Qwen", "Alibaba-NLP"),
    "meta": ("meta-llama", "facebook"),
    "facebook": ("facebook", "FacebookAI"),
    "google": ("google", "google-bert", "google-t5"),
    "deepmind": ("google",),
    "mistral": ("mistralai",),
    "deepseek": ("deepseek-ai",),
    "moonshot": ("moonshotai",),
    "zhipu": ("THUDM", "zai-org"),
    "tsinghua": ("THUDM",),
    "01.ai": ("01-ai",),
    "technology innovation institute": ("tiiuae",),
    "stability": ("stabilityai",),
    "openai": ("openai", "openai-community"),
    "hugging face": ("HuggingFaceTB", "HuggingFaceH4", "HuggingFaceM4"),
    "allen institute": ("allenai",),
    "cohere": ("CohereForAI", "CohereLabs"),
    "xai": ("xai-org",),
    "minimax": ("MiniMaxAI",),
    "tencent": ("tencent",),
    "baidu": ("baidu",),
    "microsoft": ("microsoft", "intfloat"),
    "servicenow": ("bigcode",),
    "preferred networks": ("pfnet",),
    "lg ai": ("LGAI-EXAONE",),
    "nvidia": ("nvidia", "Efficient-Large-Model"),
    "shanghai jiao tong": ("SWivid",),
    "university of bayreuth": ("nferruz",),
    "peking university": ("GreatCaptainNemo",),
}
"""Reviewed: organisations in Epoch's table and the Hub namespaces they publish under, where
the two share no name (checked against each model's Epoch link)."""


@dataclass(frozen=True)
class EpochModel:
    """One row of Epoch's table that has a training-compute figure."""

    name: str
    organization: str
    compute: float
    parameters: float | None


@dataclass(frozen=True)
class Match:
    """An Epoch model resolved to a Hub id."""

    epoch_name: str
    hub_id: str
    method: str  # alias | exact | fuzzy
    confidence: float
    compute: float


@dataclass
class EpochReport:
    """What the resolution found."""

    matches: list[Match] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    epoch_models: int = 0


_META: Final = re.compile(r"^meta[- ]")
_SEPARATORS: Final = re.compile(r"[\s_\-.()\[\],:]+")


def normalise(name: str) -> str:
    """Lower case, no organisation, separators as single spaces: ``llama 3 1 405b``."""
    name = name.split("/", 1)[-1].lower()
    name = _META.sub("", name)
    return _SEPARATORS.sub(" ", name).strip()


def numbers(name: str) -> list[str]:
    """The numbers in a name, in order (versions and sizes): ``Llama 3.2 11B`` -> 3.2, 11."""
    return _NUMBER.findall(name.split("/", 1)[-1].replace("_", "."))


def distinctive(norm: str) -> bool:
    """Long enough, or numbered, to identify a model by name alone (not ``ssa`` or ``glm``)."""
    return len(norm) >= 6 or any(ch.isdigit() for ch in norm)


def _namespace(hub_id: str) -> str:
    """The Hub namespace of an id: :func:`modtrace.registry.register.provider_of`'s rule
    (tested equal), here so that matching names loads no database code."""
    return hub_id.split("/", 1)[0] if "/" in hub_id else hub_id


def _same_maker(organization: str, hub_id: str) -> bool:
    namespace = _namespace(hub_id).lower()
    org = organization.lower()
    if any(
        key in org and namespace in {n.lower() for n in names}
        for key, names in MAKER_NAMESPACES.items()
    ):
        return True
    return any(
        fuzz.partial_ratio(part.lower(), namespace) >= 80
        for part in organization.split(",")
        if part.strip()
    )


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _readable(path: Path, rows: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
    try:
        yield from rows
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportInputError([(str(path), f"cannot be read: {exc}")]) from None


def _trusted_namespace(organization: str, hub_id: str) -> bool:
    """May a name match give this Hub id the Epoch model's figures? The maker or a mirror."""
    return _namespace(hub_id) in MIRROR_NAMESPACES or _same_maker(organization, hub_id)


def read_epoch(directory: Path) -> list[EpochModel]:
    """Epoch models with training compute; the notable table wins over the larger one."""
    out: dict[str, EpochModel] = {}
    for name in FILES:
        path = directory / name
        if not path.exists():
            continue
        csv_header(path, HEADER)
        with path.open(newline="", encoding="utf-8") as handle:
            for row in _readable(path, csv.DictReader(handle)):
                compute = row.get("Training compute (FLOP)") or ""
                if not compute or row["Model"] in out:
                    continue
                value = _number(compute)
                if value is None:
                    continue
                params = row.get("Parameters") or ""
                out[row["Model"]] = EpochModel(
                    row["Model"],
                    row.get("Organization", ""),
                    value,
                    _number(params),
                )
    return list(out.values())


def load_aliases(path: Path = ALIASES) -> dict[str, list[str]]:
    """The reviewed alias file."""
    data = read_yaml(path) or {}
    return {str(k): [str(v) for v in vs] for k, vs in data.items()}


def _fuzzy_queries(
    epoch: list[EpochModel], by_norm: dict[str, list[str]], aliases: dict[str, list[str]]
) -> list[str]:
    """The normalised names that reach the fuzzy step of :func:`resolve`, each once."""
    out: dict[str, None] = {}
    for model in epoch:
        norm = normalise(model.name)
        if distinctive(norm) and norm not in by_norm and not aliases.get(model.name):
            out[norm] = None
    return list(out)


def resolve(
    epoch: list[EpochModel],
    candidates: list[str],
    aliases: dict[str, list[str]],
    threshold: float = 95.0,
) -> EpochReport:
    """Match Epoch models to Hub ids (pure: no database)."""
    report = EpochReport(epoch_models=len(epoch))
    accepted = _trusted_namespace
    by_norm: dict[str, list[str]] = {}
    for hub_id in candidates:
        by_norm.setdefault(normalise(hub_id), []).append(hub_id)
    norms = list(by_norm)
    searched = _fuzzy_queries(epoch, by_norm, aliases)
    ranked = dict(zip(searched, nearest(searched, norms, threshold, limit=10), strict=True))
    for model in epoch:
        aliased = aliases.get(model.name, [])
        report.matches += [Match(model.name, h, "alias", 1.0, model.compute) for h in aliased]
        norm = normalise(model.name)
        if not distinctive(norm):
            if not aliased:
                report.unmatched.append(model.name)
            continue
        if norm in by_norm:
            found = [
                Match(
                    model.name,
                    h,
                    "exact",
                    0.9 if _same_maker(model.organization, h) else 0.7,
                    model.compute,
                )
                for h in by_norm[norm]
                if h not in aliased and accepted(model.organization, h)
            ]
            report.matches += found
            if not found and not aliased:
                report.unmatched.append(model.name)
            continue
        if aliased:
            continue
        wanted = numbers(model.name)
        best = None
        for candidate, score, _ in ranked[norm]:
            if numbers(by_norm[candidate][0]) != wanted:
                continue  # a different version or size is a different model
            if not any(accepted(model.organization, h) for h in by_norm[candidate]):
                continue  # a namesake from another maker is another model
            best = (candidate, score)
            break
        if best is None:
            report.unmatched.append(model.name)
            continue
        report.matches += [
            Match(model.name, h, "fuzzy", round(0.8 * best[1] / 100, 3), model.compute)
            for h in by_norm[best[0]]
            if accepted(model.organization, h)
        ]
    return report


def import_epoch(register: Register, directory: Path, *, threshold: float = 95.0) -> EpochReport:
    """Resolve Epoch's table against the register's models and record compute on each match."""
    from sqlalchemy import insert, select, update  # noqa: PLC0415 - only writing needs it

    from modtrace.registry.tables import lineage_edges, models  # noqa: PLC0415

    epoch = read_epoch(directory)
    if not epoch:
        raise ImportInputError(
            [(str(directory), f"no Epoch model table with training compute ({', '.join(FILES)})")]
        )
    with register.engine.connect() as c:
        candidates = sorted(
            set(c.execute(select(lineage_edges.c.parent_id).distinct()).scalars())
            | set(
                c.execute(select(models.c.id).where(models.c.source.like("hub-stats%"))).scalars()
            )
        )
    params = {m.name: m.parameters for m in epoch}
    report = resolve(epoch, candidates, load_aliases(), threshold)
    with register.engine.begin() as c:
        for match in report.matches:
            values: dict[str, Any] = {
                "training_compute_flop": match.compute,
                "training_compute_source": f"epoch:{match.epoch_name} "
                f"({match.method}, confidence {match.confidence:.2f})",
            }
            exists = c.execute(
                select(models.c.parameters).where(models.c.id == match.hub_id)
            ).first()
            if exists is None:
                c.execute(
                    insert(models).values(
                        id=match.hub_id,
                        provider=_namespace(match.hub_id),
                        external=True,
                        source="epoch",
                        parameters=params.get(match.epoch_name),
                        **values,
                    )
                )
            else:
                if exists[0] is None and params.get(match.epoch_name):
                    values["parameters"] = params[match.epoch_name]
                c.execute(update(models).where(models.c.id == match.hub_id).values(**values))
        record(c, f"epoch:{directory.name}", len(epoch), True)
    return report
