#!/bin/bash
# Soak: `linli serve` under a steady report-flow load (new users walking the whole flow, 8
# connections) for SECONDS (default 600 = 10 minutes), VmRSS sampled every INTERVAL seconds
# (default 10); prints the samples and the growth from the first minute to the end.
# usage: bench/soak.sh DB.json [SECONDS] [INTERVAL]
set -euo pipefail
source "$(dirname "$0")/scale_lib.sh"
SEEDCFG=${1:?usage: soak.sh DB.json [SECONDS] [INTERVAL]}; SECS=${2:-600}; EVERY=${3:-10}
WORK=$(mktemp -d); trap 'stop_all; rm -rf "$WORK"' EXIT
start_fake_api "$WORK"
serve_config "$SEEDCFG" "$WORK"
start_linli "$WORK"
$LOAD drive --url "http://127.0.0.1:$PORT/webhook/telegram" --turns 6 --threads 8 \
  --seconds "$SECS" --first-user 800000000 > "$WORK/drive.out" & DRIVE=$!
samples=()
t=0
while kill -0 "$DRIVE" 2>/dev/null; do
  sleep "$EVERY"; t=$((t + EVERY))
  kill -0 "$LINLI_PID" 2>/dev/null || { echo "soak: linli exited" >&2; exit 1; }
  r=$(rss_kib "$LINLI_PID"); samples+=("$t $r"); echo "t=${t}s VmRSS=${r} KiB"
done
wait "$DRIVE"
cat "$WORK/drive.out"
printf '%s\n' "${samples[@]}" | awk -v every="$EVERY" '
  {t[NR]=$1; r[NR]=$2; if ($2 > max) max = $2}
  END {
    # the reference: the first sample at or after 60 s (warm caches), else the first
    ref = 1; for (i = 1; i <= NR; i++) if (t[i] >= 60) { ref = i; break }
    printf "soak: %d samples; VmRSS at %ds %d KiB, at the end (%ds) %d KiB, max %d KiB; growth %+d KiB (%+.1f%%)\n",
      NR, t[ref], r[ref], t[NR], r[NR], max, r[NR] - r[ref], 100 * (r[NR] - r[ref]) / r[ref]
  }'
