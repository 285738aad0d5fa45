#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL 15 cluster (issue 14): initdb into a fresh
# temporary directory, the server on a Unix socket in that directory only (no TCP), then
# LINLI_PG_DSN set for the command, which the PostgreSQL half of the tests reads. The cluster is
# stopped and its directory removed when the command ends, fails or is interrupted; the exit
# code is the command's.
#
#   scripts/with-postgres.sh build/tests/linli_storage_tests --gtest_filter='*postgresql*'
#
# Uses Debian's postgresql-15 binaries (/usr/lib/postgresql/15/bin, installed by
# `scripts/install-deps.sh --postgresql-server`), never another pg_ctl on PATH. As root the
# server runs as the "postgres" user the package creates (initdb refuses root); otherwise as the
# calling user. LINLI_PG_BINDIR overrides the binary directory, LINLI_PG_PORT the port number
# (it only names the socket file, default 54329).
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: scripts/with-postgres.sh COMMAND [ARGS...]" >&2
  exit 2
fi
bindir="${LINLI_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
port="${LINLI_PG_PORT:-54329}"
for tool in initdb pg_ctl; do
  if [ ! -x "$bindir/$tool" ]; then
    echo "with-postgres.sh: $bindir/$tool not found; install PostgreSQL 15 with" \
         "'bash scripts/install-deps.sh --postgresql-server'" >&2
    exit 1
  fi
done

as_server=()
base="${TMPDIR:-/tmp}"
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres.sh: running as root needs the 'postgres' user (package postgresql-15)" >&2
    exit 1
  fi
  as_server=(runuser -u postgres --)
  base=/tmp  # the postgres user must reach it; root's TMPDIR may be private
fi
dir="$(mktemp -d "$base/linli-pg.XXXXXX")"
[ ${#as_server[@]} -eq 0 ] || chown postgres "$dir"

stop() {
  local code=$?
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$code"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# C collation: text sorts by bytes, as in SQLite. No fsync: the cluster is thrown away.
if ! "${as_server[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale \
    --no-sync >"$dir/initdb.log" 2>&1; then
  cat "$dir/initdb.log" >&2
  echo "with-postgres.sh: initdb failed" >&2
  exit 1
fi
if ! "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -p $port -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null; then
  tail -n 30 "$dir/server.log" >&2 || true
  echo "with-postgres.sh: the PostgreSQL server did not start" >&2
  exit 1
fi
version="$("$bindir/pg_ctl" --version | grep -oE '[0-9]+\.[0-9]+' | head -n 1)"
echo "with-postgres.sh: PostgreSQL $version on socket $dir (port $port)" >&2

export LINLI_PG_DSN="host=$dir port=$port user=postgres dbname=postgres"
set +e
"$@"
code=$?
set -e
exit "$code"
