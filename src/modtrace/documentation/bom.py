"""A CycloneDX 1.6 ML-BOM for a derived model, with its ancestors in ``pedigree``."""

from __future__ import annotations

from typing import Any

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType, Pedigree
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from modtrace.compute.estimate import estimate_all
from modtrace.documentation.record import DerivedModel
from modtrace.facts.flatten import facts_to_row
from modtrace.lineage.trace import Reached


def _purl(model_id: str) -> PackageURL:
    namespace, _, name = model_id.rpartition("/")
    return PackageURL(type="huggingface", namespace=namespace or None, name=name)


def _component(
    model_id: str,
    row: dict[str, Any] | None,
    ancestors: list[Component] | None = None,
    properties: list[Property] | None = None,
) -> Component:
    namespace = model_id.split("/", 1)[0] if "/" in model_id else None
    props = list(properties or [])
    if row and row.get("training_compute_flop") is not None:
        props.append(
            Property(
                name="modtrace:training_compute_flop", value=f"{row['training_compute_flop']:.6g}"
            )
        )
        props.append(
            Property(
                name="modtrace:training_compute_source",
                value=str(row.get("training_compute_source")),
            )
        )
    if row and row.get("external"):
        props.append(
            Property(name="modtrace:external", value="referenced but not described in the register")
        )
    return Component(
        name=model_id,
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=model_id,
        purl=_purl(model_id),
        supplier=OrganizationalEntity(name=namespace) if namespace else None,
        pedigree=Pedigree(ancestors=ancestors) if ancestors else None,
        properties=props or None,
    )


def ml_bom(model: DerivedModel) -> Bom:
    """The BOM: the derived model as metadata component, ancestors nested by lineage."""
    children: dict[str, list[Reached]] = {}
    for r in model.ancestry.reached:
        below = r.path[-2][0] if len(r.path) > 1 else model.model_id
        children.setdefault(below, []).append(r)

    def ancestors_of(model_id: str, seen: frozenset[str]) -> list[Component]:
        out = []
        for r in children.get(model_id, []):
            if r.model_id in seen:
                continue
            nested = ancestors_of(r.model_id, seen | {r.model_id})
            out.append(
                _component(
                    r.model_id,
                    model.ancestor_rows.get(r.model_id),
                    nested,
                    [Property(name="modtrace:relation", value=r.path[-1][1])],
                )
            )
        return out

    direct = ancestors_of(model.model_id, frozenset({model.model_id}))
    if not direct:
        direct = [_component(p["id"], model.ancestor_rows.get(p["id"])) for p in model.parents]
    f = model.facts
    estimate = estimate_all(facts_to_row(f))["modification.compute"]
    props = [
        Property(name="modtrace:modifier", value=f.modifier.name),
        Property(
            name="modtrace:techniques",
            value=",".join(t.value for t in f.modification.techniques or []),
        ),
        Property(
            name="modtrace:modification_compute_flop",
            value="unknown" if estimate.flop is None else f"{estimate.flop:.6g}",
        ),
        Property(name="modtrace:modification_compute_method", value=estimate.method or "none"),
        Property(name="modtrace:intended_use", value=f.modification.intended_use or "not stated"),
    ]
    props += [
        Property(
            name=f"modtrace:determination:{d['regime_id']}@{d['regime_version']}",
            value=f"{d['outcome']} as of {d['at']}",
        )
        for d in model.determinations
    ]
    bom = Bom()
    bom.metadata.component = _component(model.model_id, None, direct, props)
    return bom


def ml_bom_json(model: DerivedModel) -> str:
    """The BOM serialised as CycloneDX 1.6 JSON."""
    return JsonV1Dot6(ml_bom(model)).output_as_string(indent=2)
