#!/bin/bash
# Issue 14 point 5: the report flow on PostgreSQL beside SQLite, with the shared harness
# (../shared/bench): copies it to a temporary folder, adds two peers there -
#   linli-pg   one `linli serve` on a PostgreSQL 15 cluster of its own (bench/pg/start.sh:
#              fsync on, synchronous_commit on),
#   linli-pg2  two `linli serve` on that one cluster behind an nginx balancing round-robin,
# lets run-peer.sh walk Linli's six-turn dialog for them as it does for peers/linli, and runs
# matrix.sh with the ceiling and Linli on SQLite in the same rounds.
#   bash bench/pg.sh [REPS] [SECONDS]
# env: LINLI_BIN (default build/bot/server/linli), PEERS, BENCH_SRC (the harness), BENCH_WORK (a folder
# to keep the prepared copy in: a second run reuses it instead of running setup.sh again)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=${BENCH_SRC:-$ROOT/../shared/bench}
export LINLI_BIN=${LINLI_BIN:-$ROOT/build/bot/server/linli}
[ -x "$LINLI_BIN" ] || { echo "pg.sh: $LINLI_BIN not built" >&2; exit 2; }
[ -x /usr/lib/postgresql/15/bin/initdb ] || bash "$ROOT/scripts/install-deps.sh" --postgresql-server
WORK=${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/var/tmp}/linli-pg-bench.XXXXXX")}
mkdir -p "$WORK"
[ "$(id -u)" -ne 0 ] || chmod 755 "$WORK"  # the postgres user reaches its cluster under it
B=$WORK/bench
if [ ! -x "$B/build/httplib-limit" ]; then
  rm -rf "$B"
  cp -a "$SRC" "$B"
  (cd "$B" && ./setup.sh > "$WORK/setup.log" 2>&1) || { tail -20 "$WORK/setup.log" >&2; exit 1; }
fi
# Linli's dialog for the new peers too (run-peer.sh picks it by the name "linli" only).
sed -i 's/if \[ "\$NAME" = linli \]; then export DIALOG=linli/case "$NAME" in linli|linli-*) IS_LINLI=1;; *) IS_LINLI=0;; esac; if [ "$IS_LINLI" = 1 ]; then export DIALOG=linli/' "$B/run-peer.sh"
grep -q 'linli|linli-\*' "$B/run-peer.sh" || { echo "pg.sh: run-peer.sh changed; cannot add peers" >&2; exit 1; }
for n in 1 2; do
  name=linli-pg; [ "$n" -eq 1 ] || name=linli-pg$n
  mkdir -p "$B/peers/$name"
  cp "$ROOT/bench/pg/start.sh" "$ROOT/bench/pg/count.sh" "$B/peers/$name/"
  sed -i "s/^INSTANCES=\${INSTANCES:-1}/INSTANCES=$n/" "$B/peers/$name/start.sh"
done
export LOCALE_DIR="$ROOT/config/locales"
export KEEP_LOGS="$WORK/logs"  # each run's logs (bench/pg/start.sh)
cd "$B"
PEERS=${PEERS:-"limit/nginx linli linli-pg linli-pg2"} ./matrix.sh "${1:-3}" "${2:-20}"
echo "# harness copy and run data: $WORK" >&2
