#!/usr/bin/env bash
# One command to try the web service on the default register (the one scripts/demo.sh builds):
# set up, make demo tokens (printed once), serve.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
MT=.venv/bin/modtrace
# the register `bash scripts/demo.sh` built: the default one, or $MODTRACE_DATABASE_URL
echo "register: $($MT db upgrade | sed -n 's/^register ready at //p')"
echo "regulator token: $($MT token create --role regulator --subject 'AI Office' --label demo)"
echo "modifier token:  $($MT token create --role modifier --subject 'Example Lab' --label demo)"
echo "provider token:  $($MT token create --role provider --subject 'Meta|meta-llama' --label demo)"
echo "Log in at /login with one of them. Ctrl-C stops the server."
exec $MT serve --host 127.0.0.1 --port "${MODTRACE_PORT:-8000}"
