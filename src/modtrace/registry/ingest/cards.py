"""Import Hugging Face model cards (README.md with YAML front matter), parsed offline by
``huggingface_hub``'s own card parser: ``base_model`` (string or list), ``base_model_relation``,
``license``, ``tags``, ``datasets``, ``pipeline_tag``.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from huggingface_hub import ModelCard
from sqlalchemy import Connection, insert, select, update
from tqdm import tqdm

from modtrace.documents import bad_text
from modtrace.registry.ingest.nodes import add_external
from modtrace.registry.ingest.progress import (
    ImportInputError,
    ImportReport,
    Problem,
    position,
    record,
)
from modtrace.registry.register import RELATIONS, Edge, Register, provider_of
from modtrace.registry.tables import models

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # parsing only: never reach for the network

BATCH = 200
KEPT = (
    "base_model",
    "base_model_relation",
    "license",
    "license_name",
    "tags",
    "datasets",
    "pipeline_tag",
    "library_name",
    "language",
    "model_creator",
)


def card_paths(directory: Path) -> list[Path]:
    """Every ``<model>/README.md`` under ``directory``, sorted."""
    return sorted(directory.glob("*/README.md"))


def _line_of(text: str, key: str) -> int:
    match = re.search(rf"^{re.escape(key)}\s*:", text, flags=re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def parse_card(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Front matter of one card as a dict, and the problems met while parsing it."""
    problems: list[str] = []
    text = path.read_text(encoding="utf-8", errors="replace")
    if not text.startswith("---"):
        return {}, ["no YAML front matter; card body only"]
    logger = logging.getLogger("huggingface_hub")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        try:
            card = ModelCard(text)
        except ValueError as exc:
            problems.append(f"malformed metadata ({str(exc).splitlines()[0][:120]}); read the rest")
            card = ModelCard(text, ignore_metadata_errors=True)
    except Exception as exc:  # the parser raises several kinds for bad YAML
        return {}, [
            f"unreadable front matter: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
        ]
    finally:
        logger.setLevel(level)
    data: dict[str, Any] = card.data.to_dict()  # type: ignore[no-untyped-call]
    kept: dict[str, Any] = {}
    for key in KEPT:
        if key not in data:
            continue
        why = _unstorable(data[key])
        if why is None:
            kept[key] = data[key]
        else:
            problems.append(f"{key}: {why}; left out")
    return kept, problems


def _unstorable(value: Any) -> str | None:
    """Why a front-matter value cannot be stored (a NUL or a lone surrogate in any string in
    it, keys included: YAML's ``"\\0"`` and ``"\\ud800"`` escapes write them), or None."""
    if isinstance(value, str):
        return bad_text(value)
    if isinstance(value, list):
        return next((w for w in map(_unstorable, value) if w), None)
    if isinstance(value, dict):
        found = (_unstorable(part) for pair in value.items() for part in pair)
        return next((w for w in found if w), None)
    return None


def _bases(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def import_cards(
    register: Register, directory: Path, *, namespace: str | None = None, progress: bool = True
) -> ImportReport:
    """Import every card under ``directory``; the model id is ``<namespace>/<folder>``.

    The namespace defaults to the directory's own name (the collection the cards came from).
    """
    paths = card_paths(directory)
    if not paths:
        raise ImportInputError([(str(directory), "no model cards (<model>/README.md) in it")])
    namespace = namespace or directory.name
    source_key = f"model-cards:{directory.name}"
    report = ImportReport()
    with register.engine.connect() as c:
        start, done = position(c, source_key)
    if done:
        report.skipped_sources = 1
        return report
    bar = tqdm(total=len(paths) - start, unit="cards", desc="model cards", disable=not progress)
    for offset in range(start, len(paths), BATCH):
        batch = paths[offset : offset + BATCH]
        with register.engine.begin() as c:
            _import_batch(register, c, batch, directory, namespace, report)
            record(c, source_key, offset + len(batch), offset + len(batch) >= len(paths))
        report.rows_read += len(batch)
        bar.update(len(batch))
    bar.close()
    return report


def _import_batch(
    register: Register,
    c: Connection,
    batch: list[Path],
    directory: Path,
    namespace: str,
    report: ImportReport,
) -> None:
    edges: list[Edge] = []
    for path in batch:
        name = str(path.relative_to(directory.parent))
        model_id = f"{namespace}/{path.parent.name}"
        data, problems = parse_card(path)
        report.problems.extend(Problem(name, 1, p) for p in problems)
        text = path.read_text(encoding="utf-8", errors="replace")
        values = {
            "provider": provider_of(model_id),
            "external": False,
            "source": f"model-card:{name}",
            "license": str(data.get("license"))[:120] if data.get("license") else None,
            "pipeline_tag": data.get("pipeline_tag"),
            "card": data,
        }
        if c.execute(select(models.c.id).where(models.c.id == model_id)).first():
            c.execute(update(models).where(models.c.id == model_id).values(**values))
        else:
            c.execute(insert(models).values(id=model_id, **values))
            report.models_added += 1
        bases = _bases(data.get("base_model"))
        relation = data.get("base_model_relation")
        status = "declared"
        if relation is not None and relation not in RELATIONS:
            report.problems.append(
                Problem(
                    name,
                    _line_of(text, "base_model_relation"),
                    f"unknown base_model_relation {relation!r}; recorded as 'other'",
                )
            )
            relation = "other"
        if relation is None:
            relation, status = ("merge" if len(bases) > 1 else "finetune"), "inferred"
        for base in bases:
            if base in (model_id, path.parent.name):
                report.problems.append(
                    Problem(
                        name,
                        _line_of(text, "base_model"),
                        f"{model_id} names itself as its base; edge skipped",
                    )
                )
                continue
            if "/" not in base:
                report.problems.append(
                    Problem(
                        name,
                        _line_of(text, "base_model"),
                        f"base_model {base!r} is not a Hub id (org/name); kept as given",
                    )
                )
            edges.append(Edge(base, model_id, relation, status, f"model-card:{name}"))
    report.external_models += add_external(c, (e.parent_id for e in edges), "model-card")
    report.edges_added += register.add_edges(edges, c)
