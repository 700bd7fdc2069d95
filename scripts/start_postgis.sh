#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL (15 on Debian 12, 17 on 13, the newest installed) + PostGIS server for a PostGIS registry, on loopback.
# Usage: scripts/start_postgis.sh DIR [PORT]   -> prints the connection string (libpq DSN)
#        scripts/start_postgis.sh --stop DIR
# DIR is created if missing and holds the cluster (DIR/data), its log and socket; the database
# "registry" gets the postgis extension. As root the server runs as the "postgres" user.
set -euo pipefail
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL server binaries not found (install postgresql and its postgresql-NN-postgis-3: make setup)" >&2; exit 2; }
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "${1:-}" = "--stop" ]; then
  dir=$(realpath "$2")
  run "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  exit 0
fi

dir=$(realpath -m "${1:?usage: start_postgis.sh DIR [PORT]}")
port=${2:-55432}
mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
  run "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
fi
run "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
psql=("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt)
if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='registry'")" != 1 ]; then
  "${psql[@]}" -d postgres -c "CREATE DATABASE registry" >/dev/null
fi
"${psql[@]}" -d registry -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
echo "host=127.0.0.1 port=$port dbname=registry user=postgres"
