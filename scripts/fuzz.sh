#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang + ASan + UBSan) into ./build-fuzz and runs each
# one for SECONDS_PER_TARGET (default 10) on its seed corpus, one after the other on one core.
# Fails on the first crash, leak, timeout or broken invariant (the input is saved as
# build-fuzz/artifacts/<target>-crash-<sha1>; reproduce with
# build-fuzz/fuzz/linli_fuzz_<target> <that file>). Prints each target's executions,
# executions per second and executions per CPU-second at the end.
#
# Environment:
#   FUZZ_TARGETS="masking art278_tally"  only these targets (default: all, fuzz/CMakeLists.txt)
#   FUZZ_RUNS=N         stop each target after N executions instead of after the time
#   FUZZ_BUILD_DIR=dir  build directory (default build-fuzz)
#   FUZZ_ARGS="..."     extra libFuzzer flags (e.g. -max_len=8192)
#   FUZZ_BIN_DIR=dir    run the linli_fuzz_* binaries found in dir and build nothing (a long
#                       campaign runs copies, so a rebuild of the tree meanwhile cannot replace
#                       a binary under it); corpus and artifacts stay in FUZZ_BUILD_DIR
# The long campaign (fuzz/README.md) is this script with FUZZ_RUNS=10000000.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
build=${FUZZ_BUILD_DIR:-build-fuzz}
bins=${FUZZ_BIN_DIR:-$build/fuzz}
if [[ -z ${FUZZ_BIN_DIR:-} ]]; then
  bash scripts/install-deps.sh --clang

  launcher=()
  if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  # A tree already configured for fuzzing (build-fuzz from an earlier run, or build-asan from
  # scripts/sanitize.sh) is reused as it is: reconfiguring it here would rebuild it.
  if ! grep -qx 'LINLI_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DLINLI_FUZZ=ON -DLINLI_PCH=OFF -DLINLI_UNITY=OFF \
      -DLINLI_BUILD_TESTS=OFF -DLINLI_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only" "${launcher[@]}" >/dev/null
  fi
  ninja -C "$build" -j"$(nproc)" linli_fuzz
fi

all_targets=$(sed -n 's/^ *"\([a-z0-9_]*\):linli_[a-z]*")\{0,1\}$/\1/p' fuzz/CMakeLists.txt)
targets=${FUZZ_TARGETS:-$all_targets}

# Seeds: the recorded payloads of tests/testdata/ and the small checked-in seeds of fuzz/corpus/.
seeds_for() {
  case $1 in
    telegram_update) echo tests/testdata/telegram/*.json ;;
    wechat_inbound) echo tests/testdata/wechat/*.xml ;;
    wecom_inbound) echo tests/testdata/wecom/*.xml tests/testdata/wechat/*.xml ;;
    feishu_event) echo tests/testdata/feishu/*.json ;;
    dingtalk_callback) echo tests/testdata/dingtalk/*.json ;;
    config_loader) echo config/linli.example.json tests/testdata/config/*.json ;;
    *) echo fuzz/corpus/"$1"/* ;;
  esac
}

mkdir -p "$build/artifacts"
summary=()
for t in $targets; do
  seeds=$build/seeds/$t
  corpus=$build/corpus/$t
  rm -rf "$seeds"
  mkdir -p "$seeds" "$corpus"
  for f in $(seeds_for "$t"); do cp "$f" "$seeds/$(basename "$(dirname "$f")")_$(basename "$f")"; done
  if [[ -n ${FUZZ_RUNS:-} ]]; then
    limit=(-runs="$FUZZ_RUNS")
    echo "== $t ($FUZZ_RUNS runs)"
  else
    limit=(-max_total_time="$seconds")
    echo "== $t ($seconds s)"
  fi
  log=$build/artifacts/$t.log
  # shellcheck disable=SC2086
  timer=()
  rm -f "$build/artifacts/$t.cpu"
  if [[ -x /usr/bin/time ]]; then timer=(/usr/bin/time -f '%U %S' -o "$build/artifacts/$t.cpu"); fi
  if ! "${timer[@]}" "$bins/linli_fuzz_$t" "${limit[@]}" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$t-" ${FUZZ_ARGS:-} "$corpus" "$seeds" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "FAIL: $t crashed (input and log in $build/artifacts/)" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  # Per CPU-second too: on a shared machine the wall-clock rate says more about the others.
  cpu=$(awk '{print $1 + $2}' "$build/artifacts/$t.cpu" 2>/dev/null || echo 0)
  per_cpu=$(awk -v r="$runs" -v c="$cpu" 'BEGIN { printf "%d", (c > 0 ? r / c : 0) }')
  summary+=("$(printf '%-20s %12s runs %8s exec/s %8s exec/CPU-s' "$t" "$runs" "$rate" "$per_cpu")")
done
printf '%s\n' "${summary[@]}"
