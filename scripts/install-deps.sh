#!/usr/bin/env bash
# Installs the Debian 12 packages Linli builds with (and packages: dpkg-dev for `ninja deb`), if
# any is missing. Needs root (or sudo).
set -euo pipefail
PKGS=(g++ cmake ninja-build pkg-config libboost-dev libboost-system-dev libcpp-httplib-dev
      nlohmann-json3-dev libspdlog-dev libsqlite3-dev libssl-dev libtinyxml2-dev libgtest-dev
      libgmock-dev tzdata dpkg-dev)
# --clang: also the compiler and runtimes of the sanitizer and fuzz builds (scripts/sanitize.sh,
# scripts/fuzz.sh): clang, and libFuzzer + the sanitizer runtimes (libclang-rt-dev).
if [ "${1:-}" = "--clang" ]; then PKGS+=(clang libclang-rt-dev); fi
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
