#!/usr/bin/env bash
# ctest's entry for the browser tests (linli_browser_test): run.sh LINLI_BINARY SOURCE_DIR ARTIFACTS_DIR
# Exits 77 (ctest: skipped) with the reason when node, chromium or playwright-core is missing -
# unless LINLI_BROWSER_REQUIRED=1 (scripts/test.sh sets it after installing them), which makes
# a missing piece a failure. Otherwise the runner's exit status (0 passed, 1 failed).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
linli="$1"; source_dir="$2"; artifacts="$3"
chromium="${LINLI_CHROMIUM:-/usr/bin/chromium}"
missing() {
  if [ "${LINLI_BROWSER_REQUIRED:-0}" = "1" ]; then
    echo "browser tests cannot run: $1 (LINLI_BROWSER_REQUIRED=1)" >&2
    exit 1
  fi
  echo "SKIPPED: browser tests: $1 - bash scripts/test.sh installs it (scripts/install-browser-deps.sh)"
  exit 77
}
command -v node >/dev/null 2>&1 || missing "node is not installed (apt-get install nodejs npm)"
[ -x "$chromium" ] || missing "$chromium is missing (apt-get install chromium)"
command -v faketime >/dev/null 2>&1 || missing "faketime is not installed (apt-get install faketime)"
[ -f "$here/node_modules/playwright-core/package.json" ] ||
  missing "playwright-core is not installed (cd tests/browser && npm ci)"
[ -x "$linli" ] || { echo "no linli binary at $linli" >&2; exit 1; }
exec node "$here/runner.js" --linli "$linli" --source "$source_dir" --artifacts "$artifacts"
