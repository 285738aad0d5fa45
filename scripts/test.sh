#!/usr/bin/env bash
# Builds Linli and runs the whole test suite (GoogleTest via ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600
