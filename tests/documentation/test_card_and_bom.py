"""Documentation outputs: the card parses as a Hub card; the BOM validates as CycloneDX 1.6."""

from __future__ import annotations

import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from huggingface_hub import ModelCard

from conftest import EXAMPLES, SHARED_DATA
from modtrace import assess, default_catalog, load_facts
from modtrace.documentation.bom import ml_bom_json
from modtrace.documentation.card import updated_card
from modtrace.documentation.record import derived_model
from modtrace.errors import RegisterError
from modtrace.registry.register import Edge, Register


def _registered(register: Register) -> None:
    facts = load_facts(EXAMPLES / "meditron-70b.yaml")
    catalog = default_catalog()
    register.upsert_model(
        "meta-llama/Llama-2-70b-hf",
        license="llama2",
        training_compute_flop=8.1e23,
        training_compute_source="epoch:Llama 2-70B (alias, confidence 1.00)",
    )
    register.add_edges(
        [
            Edge("meta-llama/Llama-2-70b-hf", "epfl-llm/meditron-70b", "finetune"),
            Edge("meta-llama/Llama-2-70b", "meta-llama/Llama-2-70b-hf", "other"),
        ]
    )
    mod_id = register.record_modification(
        facts,
        model_id="epfl-llm/meditron-70b",
        determined=[assess(facts, catalog.get(i)) for i in catalog.ids()],
    )
    register.file(mod_id)


def test_updated_card_is_a_hub_card_with_the_modification(register: Register) -> None:
    _registered(register)
    text = updated_card(derived_model(register, "epfl-llm/meditron-70b"))
    card = ModelCard(text)
    data = card.data.to_dict()  # type: ignore[no-untyped-call]
    assert data["base_model"] == "meta-llama/Llama-2-70b-hf"
    assert data["base_model_relation"] == "finetune"
    assert data["license"] == "llama2"
    assert "## Modification" in card.text
    assert "continued-pretraining" in card.text
    assert "| eu-ai-act-gpai | 1 |" in card.text


def test_parent_card_body_is_carried_over(register: Register) -> None:
    parent = SHARED_DATA / "model-cards" / "leliuga" / "meditron-70B" / "README.md"
    if not parent.exists():
        pytest.skip("shared model cards not beside this checkout")
    _registered(register)
    card = ModelCard(updated_card(derived_model(register, "epfl-llm/meditron-70b"), parent))
    assert "Meditron is a suite of open-source medical" in card.text
    assert card.text.index("Meditron is a suite") < card.text.index("## Modification")
    assert "medical" in card.data.to_dict()["tags"]  # type: ignore[no-untyped-call]


def test_bom_validates_and_holds_the_pedigree(register: Register) -> None:
    _registered(register)
    text = ml_bom_json(derived_model(register, "epfl-llm/meditron-70b"))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    top = bom["metadata"]["component"]
    assert top["type"] == "machine-learning-model"
    parent = top["pedigree"]["ancestors"][0]
    assert parent["purl"] == "pkg:huggingface/meta-llama/Llama-2-70b-hf"
    assert parent["pedigree"]["ancestors"][0]["name"] == "meta-llama/Llama-2-70b"
    props = {p["name"]: p["value"] for p in top["properties"]}
    assert props["modtrace:determination:govai-2025@1"].startswith("out-of-scope")
    assert props["modtrace:modification_compute_method"] == "architecture"


def test_unknown_model_is_a_clear_error(register: Register) -> None:
    with pytest.raises(RegisterError, match="no registered modification produced x/y"):
        derived_model(register, "x/y")
