"""A card whose front matter writes a NUL or a lone surrogate (YAML's ``"\\0"`` and ``"\\ud800"``
escapes) is imported without that value, and the problem is reported, on every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from modtrace.registry.ingest.cards import import_cards, parse_card
from modtrace.registry.register import Register
from modtrace.registry.tables import models

CARD = """---
license: apache-2.0
base_model: meta-llama/Llama-2-7b-hf
datasets:
  - clean/set
  - {escaped}
pipeline_tag: text-generation
---
# A card
"""


@pytest.mark.parametrize(
    ("escaped", "why"),
    [('"bad\\0set"', "NUL"), ('"bad\\ud800set"', "lone surrogate"), ('{"a\\0": 1}', "NUL")],
)
def test_an_unstorable_value_is_left_out_and_reported(
    register: Register, tmp_path: Path, escaped: str, why: str
) -> None:
    folder = tmp_path / "org" / "model-a"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(CARD.format(escaped=escaped), encoding="utf-8")
    data, problems = parse_card(folder / "README.md")
    assert "datasets" not in data
    assert data["license"] == "apache-2.0"  # the rest of the card is kept
    assert any(p.startswith("datasets:") and why in p for p in problems)
    report = import_cards(register, tmp_path / "org", progress=False)
    assert report.models_added == 1
    assert any("datasets:" in str(p) for p in report.problems)
    with register.engine.connect() as c:
        card = c.execute(select(models.c.card).where(models.c.id == "org/model-a")).scalar_one()
    assert "datasets" not in card
    assert card["base_model"] == "meta-llama/Llama-2-7b-hf"
    assert register.verify().ok


def test_a_clean_list_is_kept_whole(tmp_path: Path) -> None:
    folder = tmp_path / "org" / "model-b"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(CARD.format(escaped="other/set"), encoding="utf-8")
    data, problems = parse_card(folder / "README.md")
    assert data["datasets"] == ["clean/set", "other/set"]
    assert problems == []
