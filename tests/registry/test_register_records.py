"""Records in the register, on SQLite and PostgreSQL, and the log's audit of them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from conftest import EXAMPLES
from modtrace import assess, default_catalog, load_facts, with_overrides
from modtrace.errors import RegisterError
from modtrace.registry.log import Head
from modtrace.registry.register import Edge, Register
from modtrace.registry.tables import metadata


def test_migration_creates_exactly_the_declared_tables(register: Register) -> None:
    inspector = inspect(register.engine)
    for table in metadata.sorted_tables:
        columns = {c["name"]: c["nullable"] for c in inspector.get_columns(table.name)}
        declared = {c.name: c.nullable for c in table.columns}
        assert columns == declared, table.name


def _record(register: Register, example: str = "meditron-70b") -> int:
    facts = load_facts(EXAMPLES / f"{example}.yaml")
    catalog = default_catalog()
    return register.record_modification(
        facts,
        model_id=f"test/{example}",
        determined=[assess(facts, catalog.get(i)) for i in catalog.ids()],
    )


def test_modification_and_its_determinations_are_stored(register: Register) -> None:
    mod_id = _record(register)
    stored = register.determinations_of(mod_id)
    assert {d["regime_id"] for d in stored} == set(default_catalog().ids())
    assert all(d["regime_version"] == 1 for d in stored)
    assert register.facts_of(mod_id) == load_facts(EXAMPLES / "meditron-70b.yaml")


def test_reassessing_under_a_changed_regime_shows_what_changed(register: Register) -> None:
    mod_id = _record(register, "meditron-70b")
    stricter = with_overrides(
        default_catalog().get("eu-ai-act-gpai"), {"modification_divisor": "100"}
    )
    previous, new = register.reassess(mod_id, stricter, at=dt.date(2026, 1, 1))
    assert previous is not None
    assert (previous["outcome"], new.outcome) == ("out-of-scope", "in-scope")
    assert new.regime.overridden == ["modification_divisor"]
    assert len(register.determinations_of(mod_id)) == 5


def test_filing_lifecycle_and_its_rules(register: Register) -> None:
    filing_id = register.file(_record(register), contact="lab@example.org", confidential=True)
    assert register.filing(filing_id)["status"] == "submitted"
    with pytest.raises(RegisterError, match="can move to under-review, not 'accepted'"):
        register.review(filing_id, "accepted", reviewer="AI Office")
    register.review(filing_id, "under-review", reviewer="AI Office")
    register.review(filing_id, "returned", reviewer="AI Office", comment="state the data domains")
    register.review(filing_id, "submitted", reviewer="Lab")
    register.review(filing_id, "under-review", reviewer="AI Office")
    register.review(filing_id, "accepted", reviewer="AI Office")
    filing = register.filing(filing_id)
    assert filing["status"] == "accepted"
    assert [r["to_status"] for r in filing["reviews"]] == [
        "under-review",
        "returned",
        "submitted",
        "under-review",
        "accepted",
    ]
    with pytest.raises(RegisterError, match="nothing"):
        register.review(filing_id, "returned", reviewer="AI Office")
    with pytest.raises(RegisterError, match="no filing with id 999"):
        register.review(999, "accepted", reviewer="x")


def test_a_filing_needs_an_intended_use(register: Register, tmp_path) -> None:  # type: ignore[no-untyped-def]
    facts = load_facts(EXAMPLES / "abliterated-llama-3.1-405b.yaml")
    mod_id = register.record_modification(
        facts.model_copy(
            update={"modification": facts.modification.model_copy(update={"intended_use": None})}
        )
    )
    with pytest.raises(RegisterError) as info:
        register.file(mod_id)
    assert info.value.issues[0][0] == "intended_use"


def test_a_refused_submission_leaves_nothing_behind(register: Register) -> None:
    facts = load_facts(EXAMPLES / "abliterated-llama-3.1-405b.yaml")
    no_use = facts.model_copy(
        update={"modification": facts.modification.model_copy(update={"intended_use": None})}
    )
    determined = [assess(no_use, r) for r in default_catalog().in_force()]
    with pytest.raises(RegisterError) as info:
        register.submit_filing(no_use, determined=determined)
    assert info.value.issues[0][0] == "intended_use"
    assert register.head().size == 0
    with register.engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM modifications")).scalar_one() == 0

    mod_id, filing_id = register.submit_filing(facts, determined=determined, owner="x")
    assert register.filing(filing_id)["modification_id"] == mod_id
    assert len(register.determinations_of(mod_id)) == len(determined)
    assert register.head().size == 2 + len(determined)  # modification, determinations, filing


def test_bad_edges_are_refused_without_writing(register: Register) -> None:
    with pytest.raises(RegisterError, match="derive from itself"):
        register.add_edges([Edge("a/x", "b/y", "finetune"), Edge("a/a", "a/a", "finetune")])
    with pytest.raises(RegisterError, match="is not one of"):
        register.add_edges([Edge("a/x", "b/y", "sideways")])
    assert register.head().size == 0


def test_edges_are_idempotent(register: Register) -> None:
    edges = [Edge("a/base", "b/ft", "finetune"), Edge("b/ft", "c/q", "quantized")]
    assert register.add_edges(edges) == 2
    assert register.add_edges(edges) == 0
    assert register.head().size == 2


# ---- the log -------------------------------------------------------------------------------


def _busy(register: Register) -> int:
    filing_id = register.file(_record(register))
    register.review(filing_id, "under-review", reviewer="AI Office")
    register.add_edges([Edge("meta-llama/Llama-2-70b-hf", "test/meditron-70b", "finetune")])
    register.report_incident(
        title="Misuse", model_ids=["test/meditron-70b"], date=dt.date(2025, 5, 1)
    )
    return filing_id


def test_every_write_is_logged_and_provable(register: Register) -> None:
    filing_id = _busy(register)
    head = register.head()
    assert (
        head.size == 1 + 4 + 1 + 1 + 1 + 1 + 1
    )  # modification, 4 determinations, filing, update, review, edge, incident
    proof = register.prove("filing", str(filing_id))
    assert proof.verify()
    assert proof.size == head.size
    assert proof.root == head.root
    audit = register.verify(expected=head)
    assert audit.ok, audit.problems


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        (
            "UPDATE filings SET status = 'accepted'",
            "filings row 1 differs from log entry 7 in: status",
        ),
        ("UPDATE filings SET intended_use = 'other'", "in: intended_use"),
        ("DELETE FROM filing_reviews", "filing_reviews row 1 (log entry 8) was deleted"),
        (
            "INSERT INTO incidents (title, model_ids) VALUES ('forged', '[]')",
            "row 2 was written outside",
        ),
        (
            "UPDATE log_entries SET payload = REPLACE(payload, 'Misuse', 'Benign') WHERE seq = 10",
            "entry 10 was altered",
        ),
        ("DELETE FROM log_entries WHERE seq = 3", "entry 3 was removed"),
        ("UPDATE lineage_edges SET relation = 'merge'", "was written outside the register"),
    ],
    ids=["status", "text", "deleted-row", "inserted-row", "altered-entry", "removed-entry", "edge"],
)
def test_verify_names_what_was_edited_behind_its_back(
    register: Register, sql: str, words: str
) -> None:
    _busy(register)
    assert register.verify().ok
    with register.engine.begin() as c:
        c.execute(text(sql))
    audit = register.verify()
    assert not audit.ok
    assert any(words in p for p in audit.problems), audit.problems


def test_reordering_and_rewriting_are_caught(register: Register) -> None:
    _busy(register)
    published = register.head()
    with register.engine.begin() as c:  # swap two entries' positions, hashes and all
        c.execute(text("UPDATE log_entries SET seq = 1000 WHERE seq = 2"))
        c.execute(text("UPDATE log_entries SET seq = 2 WHERE seq = 3"))
        c.execute(text("UPDATE log_entries SET seq = 3 WHERE seq = 1000"))
    audit = register.verify(expected=published)
    assert any("entry 2 was reordered" in p for p in audit.problems), audit.problems
    assert any("do not match the published head" in p for p in audit.problems)


def test_truncation_is_caught_against_a_published_head(register: Register) -> None:
    _busy(register)
    published = register.head()
    with register.engine.begin() as c:
        c.execute(text(f"DELETE FROM log_entries WHERE seq = {published.size}"))
        c.execute(text("DELETE FROM incidents"))
    audit = register.verify(expected=published)
    assert any(f"a head of {published.size} was published" in p for p in audit.problems)
    assert register.verify(expected=Head(published.size - 1, published.root)).problems
