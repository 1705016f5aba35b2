#!/usr/bin/env bash
# Install (Debian's package) and start a throwaway PostgreSQL server for the tests, on
# 127.0.0.1:54329. Prints the URL to use. Needs root; does nothing harmful if already running.
set -euo pipefail
PORT=${MODTRACE_PG_PORT:-54329}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DATA=/tmp/modtrace-pg-$PORT
if ! su postgres -s /bin/sh -c "$BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; then
  rm -rf "$DATA" && mkdir -p "$DATA" && chown postgres "$DATA"
  su postgres -s /bin/sh -c "$BIN/initdb -D $DATA -A trust -U postgres" >/dev/null
  su postgres -s /bin/sh -c "$BIN/pg_ctl -D $DATA -w -l $DATA/server.log -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null
fi
echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
