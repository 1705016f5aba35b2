#!/usr/bin/env bash
# The main job on a fresh machine: set up, then assess every example under every regime.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
status=0
for facts in examples/*.yaml; do
  echo "== ${facts}"
  .venv/bin/modtrace assess "$facts" --all-regimes || status=$?
  # exit 3 means some regime is indeterminate: an answer, not a failure
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then exit "$status"; fi
  status=0
  echo
done
echo "== why is the abliterated Llama-3.1-405B in scope of the paper's regime?"
.venv/bin/modtrace assess examples/abliterated-llama-3.1-405b.yaml --regime govai-2025
