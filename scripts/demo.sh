#!/usr/bin/env bash
# The main job on a fresh machine, on the embedded SQLite default:
#  1. assess every example under every regime;
#  2. build the register from the real data in ../shared/data (Hub lineage, cards, hub-stats,
#     Epoch), trace a family, file a registration, record an incident, get its recall list,
#     export the ML-BOM, verify the log — and show that a hand-edited row is caught.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
MT=.venv/bin/modtrace
DATA=${MODTRACE_DATA:-../shared/data}
mkdir -p out
export MODTRACE_DATABASE_URL=${MODTRACE_DATABASE_URL:-sqlite:///$PWD/out/register.sqlite3}

for facts in examples/*.yaml; do
  echo "== ${facts}"
  status=0
  $MT assess "$facts" --all-regimes || status=$?
  # exit 3 means some regime is indeterminate: an answer, not a failure
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then exit "$status"; fi
  echo
done
echo "== why is the abliterated Llama-3.1-405B in scope of the paper's regime?"
$MT assess examples/abliterated-llama-3.1-405b.yaml --regime govai-2025 || true

if [ ! -d "$DATA/hf-lineage" ]; then
  echo "no $DATA/hf-lineage: skipping the register part"; exit 0
fi
echo; echo "== the register ($MODTRACE_DATABASE_URL)"
$MT import hf-lineage "$DATA/hf-lineage" --problems out/hf-lineage-problems.txt
$MT import model-cards "$DATA/model-cards/leliuga" --quiet
$MT import hub-stats "$DATA/hub-stats/hub_stats_frozen.parquet"
$MT import epoch "$DATA/epoch" --unmatched out/epoch-unmatched.txt
echo; echo "== what derives from meta-llama/Llama-3.1-8B-Instruct?"
$MT trace meta-llama/Llama-3.1-8B-Instruct --direction forward --limit 5
$MT trace meta-llama/Llama-3.1-8B-Instruct --direction descendants --limit 5
echo; echo "== a registration, reviewed"
DERIVED=$($MT trace meta-llama/Llama-3.1-8B-Instruct --direction forward --format json \
  | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)[0]["model_id"])')
sed "s#meta-llama/Llama-2-70b-hf#meta-llama/Llama-3.1-8B-Instruct#" examples/meditron-70b.yaml > out/facts.yaml
FILING=$($MT filing submit out/facts.yaml --model-id "$DERIVED" | sed -n 's/.*filing \([0-9]*\) submitted.*/\1/p')
$MT filing review "$FILING" --status under-review --reviewer "AI Office"
$MT filing review "$FILING" --status accepted --reviewer "AI Office"
echo; echo "== an incident on $DERIVED and its recall list"
INCIDENT=$($MT incident report --title "Unsafe medical advice" --model "$DERIVED" --severity high \
  | sed -n 's/incident \([0-9]*\) recorded/\1/p')
$MT incident propagate "$INCIDENT" --from-root --format csv > out/recall.csv
echo "recall list: $(($(wc -l < out/recall.csv) - 1)) models (out/recall.csv)"
$MT export bom "$DERIVED" -o out/bom.json
$MT export card "$DERIVED" -o out/README.md
echo; echo "== the ecosystem under every regime"
$MT ecosystem report --data "$DATA" --out out/ecosystem
echo; echo "== the log"
$MT log head
$MT log verify
echo; echo "== a row edited by hand is caught"
cp out/register.sqlite3 out/tampered.sqlite3 2>/dev/null || true
.venv/bin/python - "$PWD/out/tampered.sqlite3" "$FILING" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1]); con.execute("UPDATE filings SET status='returned' WHERE id=?", (int(sys.argv[2]),)); con.commit()
PY
$MT log verify --database "sqlite:///$PWD/out/tampered.sqlite3" || echo "(exit $?: tampering detected, as it should be)"
