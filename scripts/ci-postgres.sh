#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the store tests; print the URL to export.
#
#   eval "$(scripts/ci-postgres.sh)"     # sets VOC_TEST_POSTGRES_URL
#
# Installs the Debian `postgresql` package if missing (needs root), keeps its data under
# $VOC_PG_DIR (default /tmp/voc-postgres) and is safe to run again: a running server is reused.
# Only the `export` line goes to stdout; progress goes to stderr.
set -euo pipefail

PG_DIR=${VOC_PG_DIR:-/tmp/voc-postgres}
PG_PORT=${VOC_PG_PORT:-54329}
PG_ROLE=${VOC_PG_ROLE:-voc}
PG_DB=${VOC_PG_DB:-voc_test}
# A CI-only password on a loopback-only server; real deployments put theirs in the env var named
# by store.url_env, never in a file.
PG_PASSWORD=${VOC_PG_PASSWORD:-voc-ci}

say() { echo "ci-postgres: $*" >&2; }

pg_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then
  if [ "$(id -u)" != 0 ]; then
    say "PostgreSQL is not installed and this is not root: apt-get install postgresql, then rerun"
    exit 1
  fi
  say "installing the Debian postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # (the package may also set up its own 'main' cluster on 5432; ours runs beside it on its own port)
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
BIN=$(pg_bindir)

# The server refuses to run as root: run it as the package's `postgres` user then.
if [ "$(id -u)" = 0 ]; then
  as_owner() { runuser -u postgres -- "$@"; }
else
  as_owner() { "$@"; }
fi

DATA="$PG_DIR/data"
mkdir -p "$PG_DIR"
if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_DIR"; fi

if [ ! -s "$DATA/PG_VERSION" ]; then
  say "initdb $DATA"
  pwfile=$(mktemp)
  printf '%s\n' "$PG_PASSWORD" >"$pwfile"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$pwfile"; fi
  # local socket: trust (setup below); TCP: password (scram), so the URL carries a real secret
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
fi

if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  # fsync off: a test server whose data may be lost; it makes the tests several times faster
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2
fi

psql_admin() { as_owner "$BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'")" != 1 ]; then
  say "creating role $PG_ROLE"
  psql_admin -c "CREATE ROLE \"$PG_ROLE\" LOGIN" >/dev/null
fi
# set on every run, so the printed URL is right even if VOC_PG_PASSWORD changed since the role was made
psql_admin -c "ALTER ROLE \"$PG_ROLE\" PASSWORD '$PG_PASSWORD'" >/dev/null
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
  say "creating database $PG_DB"
  psql_admin -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_ROLE\"" >/dev/null
fi

echo "export VOC_TEST_POSTGRES_URL='postgresql+psycopg://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB'"
