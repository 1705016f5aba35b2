"""The hostile files the bad-input corpora name in braces: ``{bin}``, ``{dup}``, ``{notdb}``..."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from modtrace.registry.register import Register

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FACTS = EXAMPLES / "meditron-70b.yaml"
TERMS = EXAMPLES / "terms" / "llama-3.1-8b-instruct.yaml"
REQUEST = EXAMPLES / "gate" / "clinic-finetune.yaml"
BINARY = bytes((i * 7919 + 13) % 256 for i in range(4096))  # not UTF-8, not any format
FACTS_HEAD = "modifier: {name: m}\nmodification: {techniques: [fine-tuning]}\n"


@dataclass
class Files:
    """Paths (and URLs) by placeholder name."""

    paths: dict[str, str]
    register_url: str

    def fill(self, text: str) -> str:
        """``text`` with every ``{name}`` replaced."""
        return text.format(**self.paths)


def make_files(tmp: Path) -> Files:
    """Write every hostile file once into ``tmp``."""
    paths: dict[str, str] = {}

    def put(name: str, filename: str, content: str | bytes) -> None:
        path = tmp / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths[name] = str(path)

    put("bin", "bin.dat", BINARY)
    put(
        "inf",
        "inf.yaml",
        "original: {id: a/b, provider: P, training_compute_flop: .inf}\n" + FACTS_HEAD,
    )
    put("dup", "dup.yaml", "original: {id: a/b, provider: P, provider: Q}\n" + FACTS_HEAD)
    put(
        "date",
        "date.yaml",
        "original: {id: a/b, provider: P}\nmodifier: {name: m}\n"
        "modification: {techniques: [fine-tuning], date: 2025-02-30}\n",
    )
    original = '{"original": {"id": "a/b", "provider": "P", "training_compute_flop": %s}, '
    rest = '"modifier": {"name": "m"}, "modification": {"techniques": ["fine-tuning"]}}'
    put(
        "overflow",
        "overflow.yaml",
        "original: {id: a/b, provider: P, parameters: 1e300}\n"
        "modifier: {name: m}\nmodification: {techniques: [fine-tuning], "
        "training: {method: full, tokens: 1e300, epochs: 1}}\n",
    )
    put("nan_json", "nan.json", original % "NaN" + rest)
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(  # 9^8 values from 9 lines
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
        for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    put("laughs", "laughs.yaml", laughs)
    put("card_nul", "card-nul.md", '---\ndatasets: [a, "b\\0c"]\n---\nbody\n')
    put("card_tags", "card-tags.md", "---\ntags: 5\nlicense: [mit]\n---\nbody\n")
    put("card_yaml", "card-yaml.md", "---\n[unclosed\n---\nbody\n")
    put("card_laughs", "card-laughs.md", f"---\n{laughs}---\nbody\n")
    put("cycle", "cycle.yaml", "a: &a [*a]\n" + FACTS_HEAD)
    put("bigint", "bigint.json", original % ("9" * 5000) + rest)
    os.mkfifo(tmp / "pipe.yaml")
    paths["pipe"] = str(tmp / "pipe.yaml")
    (tmp / "zero.yaml").symlink_to("/dev/zero")
    paths["zero"] = str(tmp / "zero.yaml")
    put(  # a lone surrogate, escaped, inside a list: UTF-8 cannot store it
        "surrogate_json",
        "surrogate.json",
        '{"original": {"id": "a/b", "provider": "P", "modalities": ["text", "\\ud800"]}, ' + rest,
    )
    put("infinity_json", "infinity.json", original % '"Infinity"' + rest)
    put("big", "big.yaml", "# padding\n" * (5 * 2**20 // 10 + 1))
    put("listdoc", "list.yaml", "- original\n- modifier\n")
    put("listjson", "list.json", "[1, 2]")
    put("dupjson", "dup.json", '{"overall": 1, "overall": 2}')
    (tmp / "empty").mkdir()
    paths["empty"] = str(tmp / "empty")
    paths["missing"] = str(tmp / "missing.yaml")
    paths["out"] = str(tmp / "out.jsonl")
    paths["facts"], paths["terms"], paths["request"] = str(FACTS), str(TERMS), str(REQUEST)
    paths["case"] = str(EXAMPLES / "safety-cases" / "mistral-guarded-refusal.yaml")
    paths["checklist"] = str(EXAMPLES / "terms" / "checklist.yaml")
    terms = TERMS.read_text(encoding="utf-8")
    put("terms_dup", "terms-dup.yaml", terms.replace("provider:", "provider: X\nprovider:", 1))
    put("terms_unknown", "terms-unknown.yaml", terms + "colour: red\n")
    request = REQUEST.read_text(encoding="utf-8")
    put("request_inf", "request-inf.yaml", request.replace("5.0e21", "1e400"))
    put("request_country", "request-country.yaml", request.replace("country: DE", "country: XX"))
    put("request_unknown", "request-unknown.yaml", request + "colour: red\n")
    put("checklist_unknown", "checklist.yaml", "no-such-duty: {status: met}\n")
    put("header_csv", "header.csv", "a,b\n1,2\n")
    put("empty_csv", "empty.csv", "")
    put("empty_list", "empty-list.csv", "name,aliases,country,list,reason\n")
    put("jsonl_list", "list.jsonl", "[1, 2]\n[3, 4]\n")
    put("lineage_bin", "lineage-bin/added_model_0101.csv", BINARY)
    paths["lineage_bin"] = str(tmp / "lineage-bin")
    put("lineage_header", "lineage-header/added_model_0101.csv", "id,kind\na/b,finetune\n")
    paths["lineage_header"] = str(tmp / "lineage-header")
    put("lineage_mixed", "lineage-mixed/added_model_0101.csv", "Model ID,Type,Base Model\na/b,,\n")
    put("lineage_mixed", "lineage-mixed/added_model_0102.csv", "Model,Kind\nc/d,finetune\n")
    paths["lineage_mixed"] = str(tmp / "lineage-mixed")  # a good week, then a bad one
    put("epoch_header", "epoch-header/notable_ai_models.csv", "Name,FLOP\nx,1e20\n")
    paths["epoch_header"] = str(tmp / "epoch-header")
    put("epoch_bin", "epoch-bin/notable_ai_models.csv", BINARY)
    paths["epoch_bin"] = str(tmp / "epoch-bin")
    pl.DataFrame({"x": [1, 2]}).write_parquet(tmp / "other.parquet")
    paths["other_parquet"] = str(tmp / "other.parquet")
    paths["notdb"] = f"sqlite:///{paths['bin']}"
    paths["dirdb"] = f"sqlite:///{paths['empty']}"
    paths["underfile"] = f"sqlite:///{paths['bin']}/register.sqlite3"
    register_url = f"sqlite:///{tmp / 'register.sqlite3'}"
    Register.open(register_url).engine.dispose()  # migrated once, shared by the cases
    json.dumps(paths)  # every value is a plain string
    return Files(paths, register_url)
