"""Draft regime files from disk: checked with line and column, used like bundled regimes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from modtrace.determination import assess_row
from modtrace.determination.batch import assess_frame, facts_frame
from modtrace.errors import InputError
from modtrace.facts import FACT_COLUMNS
from modtrace.facts.flatten import Kind
from modtrace.regimes.columnar import step_column
from modtrace.regimes.diff import diff_regimes
from modtrace.regimes.drafts import DraftError, check_file, check_text, load_drafts
from modtrace.regimes.expr import ParseContext, parse_bool
from modtrace.regimes.loader import default_catalog
from strategies import rows

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "regimes" / "writing.md"
HERE = Path(__file__).parent / "drafts"
RANK = {"out-of-scope": 0, "indeterminate": 1, "in-scope": 2}


def guide_draft(tmp_path: Path) -> Path:
    """The complete draft written in the guide, saved as the guide says."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r"<!-- file: (\S+) -->\n```yaml\n(.*?)```", text, re.S)
    assert match, "the guide has no complete draft"
    path = tmp_path / match[1]
    path.write_text(match[2], encoding="utf-8")
    return path


def write(tmp_path: Path, text: str, name: str = "draft.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_guide_draft_checks_clean_and_cites_its_own_source(tmp_path: Path) -> None:
    checked = check_file(guide_draft(tmp_path))
    assert checked.problems == []
    assert checked.regime is not None
    assert "office-draft" in checked.sources
    assert [s.source.source for s in checked.regime.steps] == [
        "govai-2025-paper",
        "office-draft",
        "office-draft",
    ]


def test_every_problem_is_reported_with_its_line_and_column() -> None:
    problems = check_file(HERE / "bad-draft.yaml").problems
    found = {(p.line, p.field, p.message.split(";")[0]) for p in problems}
    lines = (HERE / "bad-draft.yaml").read_text(encoding="utf-8").splitlines()

    def line_of(fragment: str, start: int = 0) -> int:
        return next(i + 1 for i, ln in enumerate(lines) if i >= start and fragment in ln)

    assert (line_of("id: govai-2025"), "id", "'govai-2025' is a bundled regime") in {
        (a, b, c.split(";")[0]) for a, b, c in found
    }
    messages = " | ".join(f"{p.line}:{p.column} {p.field}: {p.message}" for p in problems)
    assert f"{line_of('nowhere')}:" in messages
    assert "unknown source 'nowhere'" in messages
    assert "no numeric parameter 'thresold'" in messages
    assert f"{line_of('param: thresold')}:" in messages
    assert "duplicate step id 'big'" in messages
    assert "unknown fact 'modification.no_such_fact'" in messages
    assert f"{line_of('no_such_fact')}:" in messages
    assert "step 'later' is not defined before this point" in messages
    assert "unknown boolean operator 'python'" in messages
    assert f"{line_of('python:')}:" in messages
    assert all(p.column >= 1 for p in problems if p.line)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("id: [unclosed\n", ["malformed YAML", ":1:"]),
        ("- a list\n", ["must be a mapping"]),
        ("id: x\nid: y\n", ["duplicate key 'id'", ":2:"]),
        ("!!python/object/apply:os.system ['true']\n", ["malformed YAML"]),
        ("id: d\nversion: 0\n", ["version", "greater than or equal to 1"]),
        ("id: d\nversion: 1\nsurprise: 1\n", ["surprise", "unknown field", ":3:"]),
    ],
    ids=["syntax", "not-a-mapping", "duplicate-key", "python-tag", "bad-version", "extra-field"],
)
def test_malformed_drafts_are_refused_with_their_line(
    tmp_path: Path, text: str, words: list[str]
) -> None:
    with pytest.raises(DraftError) as caught:
        load_drafts([write(tmp_path, text)])
    joined = " ".join(f"{f}: {p}" for f, p in caught.value.issues)
    for word in words:
        assert word in joined, joined
    assert isinstance(caught.value, InputError)  # the CLI turns it into exit 2


def test_a_draft_reusing_a_bundled_source_id_is_refused(tmp_path: Path) -> None:
    text = guide_draft(tmp_path).read_text(encoding="utf-8").replace("office-draft:", "eu-ai-act:")
    problems = check_file(write(tmp_path, text)).problems
    assert any(p.field == "sources.eu-ai-act" for p in problems)


def test_an_oversize_draft_is_refused_unread(tmp_path: Path) -> None:
    path = write(tmp_path, "# " + "x" * 1_100_000 + "\n")
    assert "limit" in check_file(path).problems[0].message


def test_text_is_checked_exactly_as_its_file_is(tmp_path: Path) -> None:
    for path in (guide_draft(tmp_path), HERE / "bad-draft.yaml"):
        by_file = check_file(path)
        by_text = check_text(path.read_text(encoding="utf-8"), str(path))
        assert by_text.problems == by_file.problems
        assert by_text.sources == by_file.sources
        assert (by_text.regime is None) == (by_file.regime is None)
    pasted = check_text(HERE.joinpath("bad-draft.yaml").read_text(encoding="utf-8"), "pasted")
    assert pasted.problems
    assert {p.file for p in pasted.problems} == {"pasted"}
    assert "limit" in check_text("# " + "é" * 600_000 + "\n", "pasted").problems[0].message


def test_versions_of_a_draft_must_not_overlap(tmp_path: Path) -> None:
    first = guide_draft(tmp_path)
    text = first.read_text(encoding="utf-8")
    second = write(tmp_path, text.replace("version: 1", "version: 2"), "v2.yaml")
    with pytest.raises(DraftError, match="same day"):
        load_drafts([first, second])
    fine = write(
        tmp_path,
        text.replace("version: 1", "version: 2").replace("2026-01-01\n", "2027-01-01\n", 1),
        "v2.yaml",
    )
    catalog = load_drafts([first, fine])
    assert [r.version for r in catalog.versions("compute-draft")] == [1, 2]


def test_a_draft_never_changes_the_bundled_catalog(tmp_path: Path) -> None:
    bundled = default_catalog()
    before = bundled.ids()
    catalog = load_drafts([guide_draft(tmp_path)])
    assert bundled.ids() == before
    assert "compute-draft" not in bundled.ids()
    assert catalog.ids() == sorted([*before, "compute-draft"])
    assert catalog.drafts == {"compute-draft"}
    assert "office-draft" in catalog.sources
    assert "office-draft" not in bundled.sources


def test_the_guide_draft_decides_the_guide_sentence(tmp_path: Path) -> None:
    regime = load_drafts([guide_draft(tmp_path)]).get("compute-draft")
    base = {
        "original.training_compute_flop": 2e24,
        "modifier.acts_on_behalf_of_provider": False,
        "modification.techniques": ["fine-tuning"],
        "modification.compute_flop": 2e23,
    }
    assert assess_row(base, regime).outcome == "in-scope"
    small = dict(base, **{"modification.compute_flop": 1e23})  # "more than": 1e23 is not
    assert assess_row(small, regime).outcome == "out-of-scope"
    unknown = dict(base, **{"original.training_compute_flop": None})
    d = assess_row(unknown, regime)
    assert d.outcome == "indeterminate"
    assert any("original" in m for m in d.missing)


def test_diff_lists_steps_parameters_and_obligations(tmp_path: Path) -> None:
    catalog = load_drafts([guide_draft(tmp_path)])
    diff = diff_regimes(catalog.get("govai-2025"), catalog.get("compute-draft"))
    seen = {(d.part, d.item.split(".")[0], d.change) for d in diff}
    assert ("step", "safeguards_altered", "removed") in seen
    assert ("step", "large_modification", "added") in seen
    assert ("parameter", "upstream_threshold_flop", "removed") in seen
    assert ("parameter", "modification_threshold_flop", "added") in seen
    assert ("obligation", "risk-demonstration", "removed") in seen
    assert ("scope", "when", "changed") in seen
    assert diff_regimes(catalog.get("compute-draft"), catalog.get("compute-draft")) == []


# ---- the rules' invariants hold on user regimes too ------------------------------------------

_BOOL_FACTS = sorted(p for p, k in FACT_COLUMNS.items() if k == Kind.BOOL)
_NUM_FACTS = sorted(p for p, k in FACT_COLUMNS.items() if k == Kind.NUMBER)
_TEXT_VALUES = {
    "modification.safeguards.altered": ["none", "unintentional", "knowing", "intentional"],
    "modification.capabilities.high_risk_uplift": ["significant", "insignificant"],
    "modification.release": ["open-weights", "api", "closed", "internal"],
}


def _num() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(
            [{"quantity": "modification.compute"}, {"quantity": "original.training_compute"}]
        ),
        st.sampled_from(_NUM_FACTS).map(lambda p: {"fact": p}),
        st.integers(0, 27).map(lambda e: float(10**e)),
        st.just({"param": "limit"}),
    )


def _bool() -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        st.sampled_from(_BOOL_FACTS).map(lambda p: {"fact": p}),
        st.tuples(_num(), _num(), st.sampled_from(["gt", "ge"])).map(
            lambda t: {t[2]: [t[0], t[1]]}
        ),
        st.sampled_from(sorted(_TEXT_VALUES)).flatmap(
            lambda p: st.lists(st.sampled_from(_TEXT_VALUES[p]), min_size=1, max_size=2).map(
                lambda vs: {"in": [p, vs]}
            )
        ),
        st.just({"has_any": ["modification.techniques", ["fine-tuning", "merge"]]}),
        _num().map(lambda n: {"known": n}),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
        ),
        max_leaves=6,
    )


def _draft(conditions: list[Any]) -> dict[str, Any]:
    cite = {"source": "govai-2025-paper", "ref": "App. B"}
    return {
        "id": "generated-draft",
        "version": 1,
        "title": "generated",
        "jurisdiction": "draft",
        "status": "proposal",
        "effective_from": "2026-01-01",
        "summary": "generated by hypothesis",
        "parameters": {
            "limit": {"default": 1e23, "unit": "FLOP", "description": "a limit", "source": cite}
        },
        "steps": [
            {"id": f"s{i}", "question": "?", "when": c, "source": cite}
            for i, c in enumerate(conditions)
        ],
        "scope": {
            "when": {"any": [{"step": f"s{i}"} for i in range(len(conditions))]},
            "source": cite,
        },
    }


@settings(max_examples=40, deadline=None)
@given(
    conditions=st.lists(_bool(), min_size=1, max_size=3),
    batch=st.lists(rows(), min_size=1, max_size=8),
)
def test_single_case_and_batch_evaluators_agree_on_generated_drafts(
    tmp_path_factory: pytest.TempPathFactory, conditions: list[Any], batch: list[dict[str, Any]]
) -> None:
    path = tmp_path_factory.mktemp("draft") / "generated.yaml"
    path.write_text(yaml.safe_dump(_draft(conditions)), encoding="utf-8")
    regime = load_drafts([path]).get("generated-draft")
    out = assess_frame(facts_frame(batch), regime)
    for i, r in enumerate(batch):
        d = assess_row(r, regime)
        got = out.row(i, named=True)
        assert got["outcome"] == d.outcome
        for step in d.trace[:-1]:
            value = got[step_column(step.id)]
            word = "unknown" if value is None else ("true" if value else "false")
            assert word == step.answer, step.id


@settings(max_examples=150, deadline=None)
@given(r=rows(), factor=st.sampled_from([1.5, 10.0, 1e3]))
def test_more_compute_never_takes_a_case_out_of_the_guide_draft(
    tmp_path_factory: pytest.TempPathFactory, r: dict[str, Any], factor: float
) -> None:
    assume(r["modification.compute_flop"] is not None)
    regime = load_drafts([guide_draft(tmp_path_factory.mktemp("g"))]).get("compute-draft")
    more = dict(r, **{"modification.compute_flop": r["modification.compute_flop"] * factor})
    before, after = assess_row(r, regime).outcome, assess_row(more, regime).outcome
    assert RANK[after] >= RANK[before] or before == "indeterminate"


def test_guide_operator_examples_all_parse() -> None:
    """Every one-operator example in the guide is valid in the expression language."""
    text = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)[1:]  # after the complete draft
    assert len(blocks) >= 15
    ctx = ParseContext(
        "guide",
        {"modification_threshold_flop": "number", "count_upstream_compute": "bool"},
        frozenset({"large_original", "downstream_developer"}),
    )
    for block in blocks:
        parse_bool(yaml.safe_load(block), ctx)


def test_example_draft_in_repo_matches_the_guide(tmp_path: Path) -> None:
    shipped = ROOT / "examples" / "drafts" / "compute-draft.yaml"
    assert shipped.read_text(encoding="utf-8") == guide_draft(tmp_path).read_text(encoding="utf-8")
    shutil.copy(shipped, tmp_path / "copy.yaml")
    assert check_file(tmp_path / "copy.yaml").problems == []


def test_every_app_b_criterion_in_the_guide_names_real_facts() -> None:
    text = GUIDE.read_text(encoding="utf-8").split("<!-- criteria -->", 1)[1]
    table = text.split("\n\n", 1)[0]
    rows = [ln for ln in table.splitlines() if ln.startswith("| ") and "---" not in ln][1:]
    assert len(rows) >= 15
    quantities = {"modification.compute", "original.training_compute"}
    for row in rows:
        for path in re.findall(r"`([a-z_.]+)`", row):
            assert path in FACT_COLUMNS or path in quantities, path
