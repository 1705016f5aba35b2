"""The demo and serve scripts: one register by default, and a registration that describes the
model it is filed for."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from modtrace.facts.loader import facts_from_mapping

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"


def demo_facts() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_facts", SCRIPTS / "demo_facts.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", ["demo.sh", "serve.sh"])
def test_the_scripts_use_the_register_every_command_uses(script: str) -> None:
    text = (SCRIPTS / script).read_text()
    assert not re.search(r"^\s*(export\s+)?MODTRACE_DATABASE_URL=", text, re.M)
    assert "db upgrade" in text  # which prints where the register is


@pytest.mark.parametrize(
    ("relation", "technique"),
    [("finetune", "fine-tuning"), ("quantized", "quantization"), ("adapter", "adapter")],
)
def test_the_demo_files_facts_about_the_model_it_files_for(relation: str, technique: str) -> None:
    base = "meta-llama/Llama-3.1-8B-Instruct"
    child = {"model_id": "somelab/llama-tuned", "relation": relation, "developer": "somelab"}
    facts = facts_from_mapping(demo_facts().facts_for(base, child), source="demo")
    assert facts.modifier.name == "somelab"
    assert facts.original.id == base
    assert facts.original.provider == "Meta"
    assert [t.value for t in facts.modification.techniques or []] == [technique]
    assert facts.modification.intended_use == "not stated in the model's Hub record"
    with_task = demo_facts().facts_for(base, child, "text-generation")
    assert with_task["modification"]["intended_use"].startswith("text-generation")


def test_the_demo_no_longer_borrows_another_models_facts() -> None:
    text = (SCRIPTS / "demo.sh").read_text()
    assert "meditron-70b.yaml > out/facts.yaml" not in text
    assert "demo_facts.py" in text


def test_the_licence_is_an_spdx_string() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0"  # not the deprecated {text = ...} table
