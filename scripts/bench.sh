#!/usr/bin/env bash
# End-to-end benchmark of the Telegram webhook path (bench/README.md). Not part of CI.
#
#   bash scripts/bench.sh [extra linli_bench flags, passed to every run]
#   LINLI_BENCH_BIN=build-x/bench/linli_bench bash scripts/bench.sh   # use that binary, no build
#
# Builds linli_bench, then runs:
#   1. the default run: 64 connections, synchronous=FULL, then the noop ceiling, and the ratio;
#   2. the same with synchronous=NORMAL, for comparison;
#   3. one connection (FULL), for the single-connection latency;
#   4. if wrk is installed: wrk against the noop server, a cross-check of the generator.
# and prints a short summary. Exits non-zero if a durability check failed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${LINLI_BENCH_BIN:-}" ]; then
  BIN=$LINLI_BENCH_BIN
else
  bash scripts/build.sh linli_bench
  BIN=build/bench/linli_bench
fi
LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/linli-bench-logs.XXXXXX")
status=0

echo "machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(other work on this machine skews every figure: re-run when the load average is low)"

run() {  # run <name> <flags...>
  local name=$1
  shift
  echo
  echo "### $name: $BIN $*"
  if ! "$BIN" "$@" 2>&1 | tee "$LOG_DIR/$name.log"; then
    echo "!!! $name: linli_bench reported a failure"
    status=1
  fi
}

run full "$@"
run normal --synchronous NORMAL "$@"
run single --connections 1 "$@"

wrk_line=""
if command -v wrk >/dev/null 2>&1; then
  echo
  echo "### wrk cross-check: wrk -t1 -c64 -d10s against the noop server (one static Update)"
  lua="$LOG_DIR/post.lua"
  cat >"$lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Telegram-Bot-Api-Secret-Token"] = "bench-secret-token"
wrk.body = '{"update_id":1,"message":{"message_id":1,"from":{"id":700000000,"is_bot":false,' ..
           '"first_name":"R"},"chat":{"id":700000000,"first_name":"R","type":"private"},' ..
           '"date":1700000000,"text":"报事"}}'
LUA
  "$BIN" --mode serve-noop --seconds 20 >"$LOG_DIR/serve-noop.log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 50); do
    port=$(sed -n 's/^LISTENING port=\([0-9]*\)$/\1/p' "$LOG_DIR/serve-noop.log")
    [ -n "$port" ] && break
    sleep 0.1
  done
  if [ -n "$port" ]; then
    wrk -t1 -c64 -d10s --latency -s "$lua" "http://127.0.0.1:$port/webhook/tg" \
      | tee "$LOG_DIR/wrk.log"
    wrk_line=$(awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
                    END {printf "wrk noop c=64: %s req/s, p50 %s, p99 %s", rps, p50, p99}' \
                   "$LOG_DIR/wrk.log")
  else
    echo "wrk cross-check skipped: the noop server did not start"
  fi
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
else
  echo
  echo "wrk not installed (apt-get install -y wrk): cross-check skipped"
fi

echo
echo "=== summary (load average now: $(cut -d' ' -f1-3 /proc/loadavg); logs in $LOG_DIR)"
for name in full normal single; do
  grep -h '^RESULT' "$LOG_DIR/$name.log" 2>/dev/null | while read -r line; do
    line=${line#RESULT }
    run_name=$(sed -n 's/^run=\(.*\) conns=.*/\1/p' <<<"$line")
    rest=${line#run=$run_name }
    if [ "$run_name" = ratio ]; then
      printf '  %-8s %-12s %s\n' "$name" "ratio" "$rest"
    else
      # requests, rps, p50, p99, and for linli runs the check and commits per turn.
      printf '  %-8s %-12s %s\n' "$name" "$run_name" \
        "$(tr ' ' '\n' <<<"$rest" |
           grep -E '^(conns|rps|p50_ms|p99_ms|errors|turns_per_commit|reply_p99_ms|check)=' |
           tr '\n' ' ')"
    fi
  done
done
[ -n "$wrk_line" ] && echo "  $wrk_line"
exit "$status"
