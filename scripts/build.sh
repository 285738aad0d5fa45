#!/usr/bin/env bash
# Configures and builds Linli into ./build (Release with debug info). Extra args go to ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
launcher=()
# ccache, when installed, makes rebuilds of unchanged files cheap; the build does not need it.
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
ninja -C build -j"$(nproc)" "$@"
