#!/bin/bash
# Linli on PostgreSQL as a peer of the shared harness (../shared/bench; bench/pg.sh swaps it
# in for peers/linli): a PostgreSQL 15 cluster of its own in DATA/pg (fsync on,
# synchronous_commit on: every acknowledged turn is durable, as SQLite's synchronous=FULL for
# the others), then INSTANCES (1 or 2) `linli serve` processes on it. With 2, an nginx on PORT
# balances the webhooks round-robin over them, so one conversation's turns alternate between
# the instances. The fake Bot API is an nginx answering every call, as in peers/linli.
# usage: start.sh PORT DATADIR   env: LINLI_BIN, INSTANCES (1), PG_BINDIR
set -euo pipefail
PORT=$1; DATA=$2; BIN=${LINLI_BIN:?set LINLI_BIN to the linli binary}
INSTANCES=${INSTANCES:-1}
PGBIN=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi
mkdir -p "$DATA/pg" "$DATA/fake/tmp" "$DATA/lb/tmp"
[ ${#as_pg[@]} -eq 0 ] || chown postgres "$DATA/pg"
"${as_pg[@]}" "$PGBIN/initdb" -D "$DATA/pg/data" -A trust -U postgres -E UTF8 --no-locale \
  > "$DATA/pg/initdb.log" 2>&1
PGPORT=$(free_port)
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$DATA/pg/data" -l "$DATA/pg/server.log" -w -t 60 \
  -o "-k $DATA/pg -p $PGPORT -c listen_addresses='' -c fsync=on -c synchronous_commit=on -c max_connections=100 -c shared_buffers=128MB" \
  start > /dev/null
DSN="host=$DATA/pg port=$PGPORT user=postgres dbname=postgres"
echo "$DSN" > "$DATA/pg/dsn"

FAKE=$(free_port)
cat > "$DATA/fake/nginx.conf" <<CONF
worker_processes 1; pid nginx.pid; error_log stderr warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 10000000;
  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/f; uwsgi_temp_path tmp/u; scgi_temp_path tmp/s;
  server { listen 127.0.0.1:$FAKE;
    location / { default_type application/json; return 200 '{"ok":true,"result":{"message_id":1,"date":1700000000,"chat":{"id":1,"type":"private"}}}'; } } }
CONF
nginx -p "$DATA/fake" -c "$DATA/fake/nginx.conf" -g 'daemon off;' &
pids=($!)

config() {  # config PORT
  python3 - "$1" "$DSN" "http://127.0.0.1:$FAKE" "${LOCALE_DIR:-}" <<'PY'
import json, sys
port, dsn, api, locales = sys.argv[1:5]
cfg = {
  "server": {"host": "127.0.0.1", "port": int(port)},
  "storage": {"backend": "postgresql", "postgresql": {"dsn": dsn}},
  "channels": [{"name": "telegram", "type": "telegram", "token": "123456:bench-token",
                "secret_token": "bench-secret", "api_base": api}],
  "compound": {"name": "bench", "buildings": [{"id": str(b), "units": ["1", "2", "3"]} for b in range(1, 7)]},
  "staff": [], "logging": {"level": "warn"},
}
if locales: cfg["locale_dir"] = locales
print(json.dumps(cfg, ensure_ascii=False))
PY
}
stop_all() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$DATA/pg/data" -m fast -w stop > /dev/null 2>&1 || true
  # bench/pg.sh sets KEEP_LOGS: the logs (Linli's, the balancer's in peer.log, the server's)
  # outlive the data folder, which run-peer.sh removes, so an odd run can be looked at later.
  if [ -n "${KEEP_LOGS:-}" ]; then
    mkdir -p "$KEEP_LOGS/${DATA##*/}"
    cp "$DATA"/*.log "$DATA/pg/server.log" "$KEEP_LOGS/${DATA##*/}/" 2>/dev/null || true
  fi
}
trap stop_all TERM INT EXIT
cd "$DATA"
if [ "$INSTANCES" -eq 1 ]; then
  config "$PORT" > "$DATA/linli.json"
  "$BIN" serve --config "$DATA/linli.json" > "$DATA/serve.log" 2>&1 &
  pids+=($!)
else
  upstream=""
  for i in $(seq 1 "$INSTANCES"); do
    p=$(free_port)
    config "$p" > "$DATA/linli-$i.json"
    "$BIN" serve --config "$DATA/linli-$i.json" > "$DATA/serve-$i.log" 2>&1 &
    pids+=($!)
    upstream+="server 127.0.0.1:$p; "
  done
  cat > "$DATA/lb/nginx.conf" <<CONF
worker_processes 1; pid nginx.pid; error_log stderr warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 10000000;
  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/f; uwsgi_temp_path tmp/u; scgi_temp_path tmp/s;
  upstream linli { $upstream keepalive 128; }
  server { listen 127.0.0.1:$PORT;
    location / { proxy_pass http://linli; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
  nginx -p "$DATA/lb" -c "$DATA/lb/nginx.conf" -g 'daemon off;' &
  pids+=($!)
fi
wait "${pids[1]}"
