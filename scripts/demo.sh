#!/usr/bin/env bash
# The main job on a fresh machine:
#  1. assess every example under every regime;
#  2. build the register from the real data in ../shared/data (Hub lineage, cards, hub-stats,
#     Epoch), trace a family, file a registration, record an incident, get its recall list,
#     export the ML-BOM, verify the log — and show that a hand-edited row is caught.
# The register is the one `modtrace` and `modtrace serve` use by default (a SQLite file in the
# user's data directory), or $MODTRACE_DATABASE_URL when set; the demo says where it is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
MT=.venv/bin/modtrace
DATA=${MODTRACE_DATA:-../shared/data}
mkdir -p out

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
REGISTER=$($MT db upgrade | sed -n 's/^register ready at //p')
echo; echo "== the register: $REGISTER"
echo "   (every modtrace command and modtrace serve use it unless given --database; set"
echo "    MODTRACE_DATABASE_URL to move it)"
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
TASK=$(.venv/bin/python -c 'import sys; from modtrace.registry.register import Register; print((Register.open().model(sys.argv[1]) or {}).get("pipeline_tag") or "")' "$DERIVED")
$MT trace meta-llama/Llama-3.1-8B-Instruct --direction forward --format json \
  | .venv/bin/python scripts/demo_facts.py meta-llama/Llama-3.1-8B-Instruct "$TASK" > out/facts.yaml
echo "filing out/facts.yaml for $DERIVED:"; sed 's/^/    /' out/facts.yaml
FILING=$($MT filing submit out/facts.yaml --model-id "$DERIVED" | sed -n 's/.*filing \([0-9]*\) submitted.*/\1/p')
$MT filing review "$FILING" --status under-review --reviewer "AI Office"
$MT filing review "$FILING" --status accepted --reviewer "AI Office"
echo; echo "== an incident on $DERIVED and its recall list"
INCIDENT=$($MT incident report --title "Harmful output reported by a user" --model "$DERIVED" --severity high \
  | sed -n 's/incident \([0-9]*\) recorded/\1/p')
$MT incident propagate "$INCIDENT" --from-root --format csv > out/recall.csv
echo "recall list: $(grep -c '^derived,' out/recall.csv) derived models to recall; providers to notify:" \
  "$(grep '^original,' out/recall.csv | cut -d, -f3 | sort -u | paste -sd, -) (out/recall.csv)"
$MT export bom "$DERIVED" -o out/bom.json
$MT export card "$DERIVED" -o out/README.md
echo; echo "== the ecosystem under every regime"
$MT ecosystem report --data "$DATA" --out out/ecosystem
echo; echo "== the log"
$MT log head
$MT log verify
echo; echo "== a row edited by hand is caught (on a copy of the register)"
DBFILE=$(.venv/bin/python -c 'import sys; from sqlalchemy.engine import make_url; u = make_url(sys.argv[1]); print(u.database if u.get_backend_name() == "sqlite" else "")' "$REGISTER")
if [ -z "$DBFILE" ]; then echo "(not a SQLite register: skipped)"; exit 0; fi
cp "$DBFILE" out/tampered.sqlite3
.venv/bin/python - "$PWD/out/tampered.sqlite3" "$FILING" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1]); con.execute("UPDATE filings SET status='returned' WHERE id=?", (int(sys.argv[2]),)); con.commit()
PY
$MT log verify --database "sqlite:///$PWD/out/tampered.sqlite3" || echo "(exit $?: tampering detected, as it should be)"
echo; echo "The register is at $REGISTER. Try: modtrace trace meta-llama/Llama-3.1-8B-Instruct"
echo "or bash scripts/serve.sh for the web pages on the same register."
