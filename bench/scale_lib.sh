# Shared by bench/startup.sh, memory.sh, soak.sh and queries.sh (sourced, not run): start the
# fake Bot API and `linli serve` on a database made by bench/seed.sh, and stop them by PID.
#   env LINLI_BIN (default build/bot/server/linli)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=${LINLI_BIN:-$HERE/../build/bot/server/linli}
LOAD="python3 $HERE/tg_load.py"
FAKE_PID=""
LINLI_PID=""

free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}

# start_fake_api WORKDIR: FAKE_PORT, FAKE_PID
start_fake_api() {
  rm -f "$1/fake.port"
  $LOAD fake-api "$1/fake.port" & FAKE_PID=$!
  for _ in $(seq 200); do [[ -s $1/fake.port ]] && break; sleep 0.05; done
  FAKE_PORT=$(cat "$1/fake.port")
}

# serve_config SEEDCONFIG WORKDIR: writes WORKDIR/linli.json (a free port, the fake API) and
# sets PORT, CONFIG.
serve_config() {
  PORT=$(free_port)
  CONFIG=$2/linli.json
  python3 - "$1" "$PORT" "http://127.0.0.1:${FAKE_PORT:-9}" > "$CONFIG" <<'PY'
import json, sys
cfg = json.load(open(sys.argv[1]))
cfg["server"]["port"] = int(sys.argv[2])
cfg["channels"][0]["api_base"] = sys.argv[3]
print(json.dumps(cfg, ensure_ascii=False))
PY
}

# start_linli WORKDIR: starts `linli serve --config $CONFIG`, waits for /healthz; LINLI_PID,
# READY_MS.
start_linli() {
  local out
  out=$($LOAD launch --port "$PORT" --log "$1/serve.log" -- "$BIN" serve --config "$CONFIG")
  LINLI_PID=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$out")
  READY_MS=$(sed -n 's/.*ready_ms=\([0-9.]*\).*/\1/p' <<<"$out")
}

stop_linli() {
  if [[ -n $LINLI_PID ]]; then
    kill -TERM "$LINLI_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$LINLI_PID" 2>/dev/null || break; sleep 0.1; done
    LINLI_PID=""
  fi
}

stop_all() {
  stop_linli
  if [[ -n $FAKE_PID ]]; then kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; FAKE_PID=""; fi
}

# rss_kib PID: VmRSS in KiB
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
