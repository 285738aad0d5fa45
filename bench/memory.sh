#!/bin/bash
# Resident memory of `linli serve` with USERS conversations mid-flow: USERS distinct Telegram
# users each sent the first TURNS turns of the report flow (default 10,000 x 3: 报事, the
# category, the building - each now waits at the description step), then VmRSS is read.
# usage: bench/memory.sh DB.json [USERS] [TURNS]
set -euo pipefail
source "$(dirname "$0")/scale_lib.sh"
SEEDCFG=${1:?usage: memory.sh DB.json [USERS] [TURNS]}; USERS=${2:-10000}; TURNS=${3:-3}
WORK=$(mktemp -d); trap 'stop_all; rm -rf "$WORK"' EXIT
start_fake_api "$WORK"
serve_config "$SEEDCFG" "$WORK"
start_linli "$WORK"
echo "ready in $READY_MS ms; VmRSS at start $(rss_kib "$LINLI_PID") KiB"
$LOAD drive --url "http://127.0.0.1:$PORT/webhook/telegram" --users "$USERS" --turns "$TURNS" --threads 8
sleep 2  # the outbox delivers the last replies
echo "VmRSS with $USERS conversations mid-flow: $(rss_kib "$LINLI_PID") KiB"
grep -E '^(VmHWM|VmRSS|RssAnon|RssFile)' "/proc/$LINLI_PID/status" | tr -s ' \t' ' ' | paste -sd ' '
