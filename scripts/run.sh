#!/usr/bin/env bash
# Builds Linli and runs the service on its embedded default: SQLite (./linli.db),
# config/linli.example.json, http://127.0.0.1:8080. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh linli
exec ./build/bot/server/linli serve --config "${LINLI_CONFIG:-config/linli.example.json}"
