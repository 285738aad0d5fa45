#!/bin/bash
# `linli serve` start-up time to ready (/healthz answering 200), median of N starts.
# usage: bench/startup.sh DB.json [N]   (DB.json written by bench/seed.sh)
set -euo pipefail
source "$(dirname "$0")/scale_lib.sh"
SEEDCFG=${1:?usage: startup.sh DB.json [N]}; N=${2:-7}
WORK=$(mktemp -d); trap 'stop_all; rm -rf "$WORK"' EXIT
start_fake_api "$WORK"
serve_config "$SEEDCFG" "$WORK"
times=()
for _ in $(seq "$N"); do
  start_linli "$WORK"; times+=("$READY_MS"); stop_linli
done
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$N" '{a[NR]=$1} END {printf "startup to /healthz: median %.1f ms, min %.1f, max %.1f (%d starts)\n", a[int((n+1)/2)], a[1], a[n], n}'
