"""A number is read as written or refused: never silently as another number (found by the audit).

The exact evaluator reads each number as the shortest decimal that gives back its float
(docs/compute.md, "Exact comparisons"). An integer such as 10^24 + 1 has no such float: it was
read as 10^24, so a modification of one FLOP more than a third of a 3·10^24 original was
"not more than a third" and out of scope. Such a number is now refused, naming its field, on
the full and the lean path alike.
"""

from __future__ import annotations

from typing import Any

import pytest

from modtrace.errors import FactsError
from modtrace.facts.lean import compile_spec, lean_row
from modtrace.facts.loader import facts_from_mapping

SPEC = compile_spec()


def facts(compute: Any) -> dict[str, Any]:
    return {
        "original": {"id": "a/b", "provider": "P", "training_compute_flop": 3e24},
        "modifier": {"name": "m"},
        "modification": {"techniques": ["fine-tuning"], "compute_flop": compute},
    }


@pytest.mark.parametrize(
    "written", [10**24 + 1, "1000000000000000000000001", 2**63 - 1, "1.00000000000000000001e24"]
)
def test_a_number_no_float_keeps_is_refused_naming_its_field(written: Any) -> None:
    with pytest.raises(FactsError) as refused:
        facts_from_mapping(facts(written))
    field, problem = refused.value.issues[0]
    assert field == "modification.compute_flop"
    assert "more significant digits" in problem
    assert lean_row(facts(written), SPEC) is None  # the lean path leaves it to the full one


@pytest.mark.parametrize(
    "written", [10**24, "1e24", "1.0e+24", 38 * 10**24, "38000000000000000000000000", 2**53, 0.1]
)
def test_numbers_a_float_keeps_exactly_are_read(written: Any) -> None:
    parsed = facts_from_mapping(facts(written))
    assert parsed.modification.compute_flop == float(written)
    big_integer = isinstance(written, int) and written > 2**53  # the lean path may decline
    assert big_integer or lean_row(facts(written), SPEC) is not None
