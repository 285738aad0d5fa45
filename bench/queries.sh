#!/bin/bash
# Wall time of the queries that must stay flat with data, against `linli serve` on a database
# made by bench/seed.sh (run it on the seeded and on an empty one and compare): 进度 of a
# resident (a webhook turn: its 200 comes after the turn's commit), the board's first page and
# filtered pages, the admin ticket list's first page and a deep page (keyset cursor of the
# ticket 90% down the list), and the digest (`linli digest --preview`, a process of its own:
# compare with `linli migrate` on the same file, the start-up part).
# usage: bench/queries.sh DB.json [REPEAT]
set -euo pipefail
source "$(dirname "$0")/scale_lib.sh"
SEEDCFG=${1:?usage: queries.sh DB.json [REPEAT]}; REPEAT=${2:-20}
DB=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["storage"]["sqlite"]["path"])' "$SEEDCFG")
WORK=$(mktemp -d); trap 'stop_all; rm -rf "$WORK"' EXIT
start_fake_api "$WORK"
serve_config "$SEEDCFG" "$WORK"
start_linli "$WORK"
U=http://127.0.0.1:$PORT
ADMIN="Authorization: Bearer bench-admin-token-0123456789abcdef"
tickets=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM tickets')
deep=$(sqlite3 "$DB" "SELECT created_at || '.' || id FROM tickets ORDER BY created_at, id LIMIT 1 OFFSET $((tickets * 9 / 10))")
echo "database: $tickets tickets; ready in $READY_MS ms"
run() { printf '%-34s ' "$1"; shift; $LOAD get "$@" --repeat "$REPEAT"; }
run "进度 (resident, webhook turn)" --url "$U/webhook/telegram" --header "X-Telegram-Bot-Api-Secret-Token: bench-secret" \
  --header "Content-Type: application/json" --update-text "进度" --user 500000001
run "board, first page" --url "$U/board"
run "board ?status=new&building=3" --url "$U/board?status=new&building=3"
run "board ?category=repair page 2" --url "$U/board?category=repair&page=2"
run "admin list, first 100" --url "$U/api/admin/tickets?limit=100" --header "$ADMIN"
if [[ -n $deep ]]; then
  run "admin list, 100 at 90% deep" --url "$U/api/admin/tickets?limit=100&after=$deep" --header "$ADMIN"
fi
run "admin list ?status=new" --url "$U/api/admin/tickets?status=new&limit=100" --header "$ADMIN"
stop_linli
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
dig=(); mig=()
for _ in 1 2 3 4 5; do dig+=("$(t "$BIN" digest --preview --config "$CONFIG")"); mig+=("$(t "$BIN" migrate --config "$CONFIG")"); done
echo "digest --preview: ${dig[*]} ms; migrate (start-up only): ${mig[*]} ms"
