"""A served report's population can simulate a draft: what it reads back is what was built."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from modtrace.ecosystem.compare import compare
from modtrace.ecosystem.report import build_report, write_report
from modtrace.ecosystem.simulate import OBSERVABLE_ONLY
from modtrace.ecosystem.stored import INPUT_COLUMNS, NoPopulation, read_population
from modtrace.regimes.drafts import load_drafts

DRAFT = Path(__file__).resolve().parents[2] / "examples" / "drafts" / "compute-draft.yaml"


def test_a_written_report_compares_as_the_population_it_came_from(
    population: pl.DataFrame, tmp_path: Path
) -> None:
    write_report(build_report(population, "strict"), tmp_path)
    stored = read_population(tmp_path)
    assert stored.height == population.height
    assert stored.columns == INPUT_COLUMNS
    catalog = load_drafts([DRAFT])
    draft, against = catalog.get("compute-draft"), catalog.get("govai-2025")
    for assume in ({}, OBSERVABLE_ONLY):
        built = compare(population, draft, against, assume).as_dict()
        served = compare(stored, draft, against, assume).as_dict()
        assert served == built


def test_no_report_or_an_old_one_is_said_plainly(population: pl.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(NoPopulation, match="no ecosystem report is loaded"):
        read_population(None)
    with pytest.raises(NoPopulation, match="no ecosystem report is loaded"):
        read_population(tmp_path)
    population.drop("root_pipeline_tag").write_parquet(tmp_path / "population.parquet")
    with pytest.raises(NoPopulation, match=r"root_pipeline_tag.*rebuild it"):
        read_population(tmp_path)
    (tmp_path / "population.parquet").write_bytes(b"not parquet")
    with pytest.raises(NoPopulation, match="cannot be read"):
        read_population(tmp_path)
