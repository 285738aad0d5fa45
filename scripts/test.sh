#!/usr/bin/env bash
# Builds Linli and runs the whole test suite (GoogleTest, the install test and the browser tests,
# all via ctest). Installs what the browser tests need first (scripts/install-browser-deps.sh);
# LINLI_BROWSER_REQUIRED=1 makes them fail rather than skip if anything is still missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bash scripts/install-browser-deps.sh
cd build
LINLI_BROWSER_REQUIRED=1 ctest --output-on-failure -j"$(nproc)" --timeout 600
