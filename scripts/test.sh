#!/usr/bin/env bash
# Builds Linli and runs the whole test suite (GoogleTest, the install test and the browser tests,
# all via ctest) on both storage backends: SQLite always, and PostgreSQL 15 in a throwaway
# cluster this script starts and removes (scripts/with-postgres.sh; issue 14), so the store
# tests and the end-to-end tests run on each. Installs what the browser tests need first
# (scripts/install-browser-deps.sh) and the PostgreSQL server (scripts/install-deps.sh
# --postgresql-server); LINLI_BROWSER_REQUIRED=1 makes the browser tests fail rather than skip
# if anything is still missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --postgresql-server
bash scripts/build.sh
bash scripts/install-browser-deps.sh
cd build
LINLI_BROWSER_REQUIRED=1 bash ../scripts/with-postgres.sh \
  ctest --output-on-failure -j"$(nproc)" --timeout 600
