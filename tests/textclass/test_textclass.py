"""The shared text-classification room: features, scoring, calibration, held-out evaluation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modtrace.textclass import (
    Classifier,
    Featuriser,
    LinearModel,
    View,
    agreement,
    fit_temperature,
    leave_one_group_out,
    load,
    softmax,
)
from modtrace.textclass.train import fit

FEATURISER = Featuriser(views=(View("open", 0, 40, (1, 2)),), patterns={"sorry": r"\bsorry\b"})


def test_features_name_where_they_were_read() -> None:
    f = FEATURISER.features("Sorry, I can't help. " + "x " * 50, {"set": "harmful"})
    assert f["pat:sorry"] == 1.0
    assert f["ctx:set=harmful"] == 1.0
    assert "open:sorry_i" in f
    grams = [v for k, v in f.items() if k.startswith("open:")]
    assert sum(v * v for v in grams) == pytest.approx(1.0)  # n-grams share one unit of weight
    assert f["len:80"] == 1.0


@given(st.text(max_size=300))
def test_any_text_featurises_and_scores_to_a_distribution(text: str) -> None:
    model = LinearModel(("a", "b"), {"a": 0.0, "b": 0.3}, {"pat:sorry": {"b": 2.0}})
    p = model.proba(FEATURISER.features(text))
    assert sum(p.values()) == pytest.approx(1.0)
    assert all(0 <= v <= 1 for v in p.values())


@given(st.dictionaries(st.sampled_from("abc"), st.floats(-50, 50), min_size=2))
def test_softmax_keeps_the_order_of_scores(scores: dict[str, float]) -> None:
    p = softmax(scores, 1.5)
    top = max(scores, key=lambda k: scores[k])
    assert p[top] == max(p.values())


def test_temperature_fitted_on_overconfident_scores_is_above_one() -> None:
    held_out = [({"y": 5.0, "n": 0.0}, "y")] * 6 + [({"y": 5.0, "n": 0.0}, "n")] * 4
    assert fit_temperature(held_out) > 1.0
    confident = [({"y": 1.0, "n": 0.0}, "y")] * 10
    assert fit_temperature(confident) < 1.0


DATA = {
    "g1": [("sorry, no", "refuse"), ("sure, here it is", "comply")] * 5,
    "g2": [("I am sorry but no", "refuse"), ("here is how", "comply")] * 5,
    "g3": [("sorry, I will not", "refuse"), ("yes: step one", "comply")] * 5,
}


def test_training_learns_and_round_trips_byte_for_byte(tmp_path: Path) -> None:
    rows = [(FEATURISER.features(t), y) for g in DATA.values() for t, y in g]
    model = fit(rows, ("comply", "refuse"), min_count=1)
    assert model.predict(FEATURISER.features("so sorry")) == "refuse"
    clf = Classifier("toy", FEATURISER, model, {"figure": 1})
    path = tmp_path / "toy.json"
    path.write_text(clf.to_json())
    again = load(path)
    assert again.to_json() == clf.to_json()
    assert again.predict("so sorry") == "refuse"
    assert fit(rows, ("comply", "refuse"), min_count=1).to_dict() == model.to_dict()


def test_leave_one_group_out_never_trains_on_the_group_it_predicts() -> None:
    seen: list[set[str]] = []

    def trainer(train: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
        seen.append({t for t, _ in train})
        return lambda text: "refuse" if "sorry" in text.lower() else "comply"

    out = leave_one_group_out(DATA, trainer)
    assert set(out) == set(DATA)
    for (group, rows), trained_on in zip(DATA.items(), seen, strict=True):
        assert not {t for t, _ in rows} & trained_on - {
            t for g, r in DATA.items() if g != group for t, _ in r
        }
        assert all(truth == predicted for truth, predicted in out[group])


def test_agreement_kappa_and_rates() -> None:
    a = agreement(["y", "y", "n", "n"], ["y", "n", "n", "n"], ("y", "n"))
    assert a.accuracy == 0.75
    assert a.kappa == pytest.approx(0.5)
    assert a.recall["y"] == 0.5
    assert a.precision["n"] == pytest.approx(2 / 3)
    assert math.isclose(agreement(["y", "n"], ["y", "n"], ("y", "n")).kappa, 1.0)
    with pytest.raises(ValueError, match="same"):
        agreement(["y"], [], ("y", "n"))
