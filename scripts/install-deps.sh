#!/usr/bin/env bash
# Installs the Debian 12 packages Linli builds with (and packages: dpkg-dev for `ninja deb`), if
# any is missing. Needs root (or sudo).
set -euo pipefail
PKGS=(g++ cmake ninja-build pkg-config libboost-dev libboost-system-dev libcpp-httplib-dev
      nlohmann-json3-dev libspdlog-dev libsqlite3-dev libpq-dev libssl-dev libtinyxml2-dev
      libgtest-dev libgmock-dev tzdata dpkg-dev)
for arg in "$@"; do
  case "$arg" in
    # The compiler and runtimes of the sanitizer and fuzz builds (scripts/sanitize.sh,
    # scripts/fuzz.sh): clang, and libFuzzer + the sanitizer runtimes (libclang-rt-dev).
    --clang) PKGS+=(clang libclang-rt-dev) ;;
    # The PostgreSQL 15 server the tests start a throwaway cluster of (scripts/with-postgres.sh);
    # its binaries are in /usr/lib/postgresql/15/bin. Linli itself needs only libpq.
    --postgresql-server) PKGS+=(postgresql-15) ;;
    *) echo "install-deps.sh: unknown option $arg (known: --clang, --postgresql-server)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
