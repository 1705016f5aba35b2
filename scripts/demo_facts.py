"""Facts for the demo's registration, taken from the register's record of the model filed.

The demo files a registration for a real Hub derivative of meta-llama/Llama-3.1-8B-Instruct. Its
facts must describe that model: its developer (the Hub namespace, as the register records it) is
the modifier, the technique follows the declared relation, and the original is the model it
derives from, and the intended use (which a registration must state) is the task its Hub record
declares. Nothing else is claimed: the rest stays unknown, as the wizard would leave it.

Usage: modtrace trace BASE --direction forward --format json \
         | python scripts/demo_facts.py BASE [PIPELINE_TAG]
"""

from __future__ import annotations

import json
import sys
from typing import Any

import yaml

TECHNIQUE = {
    "finetune": "fine-tuning",
    "adapter": "adapter",
    "quantized": "quantization",
    "merge": "merge",
}
ORIGINALS = {  # what the demo knows of its original (Epoch AI, CC BY 4.0; see NOTICE)
    "meta-llama/Llama-3.1-8B-Instruct": {"provider": "Meta", "parameters": 8.0e9},
}


def facts_for(base: str, child: dict[str, Any], task: str | None = None) -> dict[str, Any]:
    """A facts document for ``child`` (one row of ``trace --format json``) derived from ``base``;
    ``task`` is the Hub's pipeline tag for it, if any."""
    developer = child.get("developer") or child["model_id"].split("/", 1)[0]
    technique = TECHNIQUE.get(str(child.get("relation")))
    return {
        "original": {"id": base, **ORIGINALS.get(base, {"provider": base.split("/", 1)[0]})},
        "modifier": {"name": developer},
        "modification": {
            "techniques": [technique] if technique else None,
            "intended_use": f"{task} (the task its Hub record declares)"
            if task
            else "not stated in the model's Hub record",
        },
    }


def main() -> None:
    base = sys.argv[1]
    task = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
    rows = json.load(sys.stdin)
    child = rows[0]
    print(f"# facts for {child['model_id']}, a {child['relation']} of {base} (demo_facts.py)")
    print(yaml.safe_dump(facts_for(base, child, task), sort_keys=False), end="")


if __name__ == "__main__":
    main()
