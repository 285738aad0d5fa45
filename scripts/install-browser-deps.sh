#!/usr/bin/env bash
# Installs what the browser tests (tests/browser, issue 12) need, if missing: Debian's chromium
# (driven by playwright-core, which never downloads a browser), faketime (to make a login link that
# has already expired), node and npm (Debian's nodejs is 18; a newer node already on PATH is kept -
# the pinned playwright-core runs on both), then the pinned npm packages (npm ci from
# tests/browser/package-lock.json). Needs root (or sudo) only for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)  # a login link made in the past
# A CJK font, so that the screenshots show the Chinese pages legibly (the pages load none).
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing for the browser tests: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# npm ci unless node_modules already holds exactly the locked version.
cd tests/browser
want="$(node -p "require('./package-lock.json').packages['node_modules/playwright-core'].version")"
have="$(node -p "try { require('./node_modules/playwright-core/package.json').version } catch (e) { '' }")"
if [ "$want" != "$have" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
