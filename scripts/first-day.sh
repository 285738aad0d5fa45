#!/usr/bin/env bash
# A real community's first day with Linli (issue 15 "Done when"), tried as the person who
# deploys it would, on a bare Debian 12 (the debootstrapped root of scripts/deb-smoke.sh, booted
# with systemd-nspawn), in one story whose every step is checked (scripts/first-day/story.py):
#   install the .deb; `linli init --roster roster.csv` for a compound with a Telegram and a
#   WeChat channel; `linli check --online` against local fakes of both platforms shows the
#   mistyped AppSecret with its hint, then (fixed in linli.env) all ok; `linli telegram
#   set-webhook` and `linli wechat menu push` reach the fakes with the right payloads;
#   `systemctl enable --now linli` serves /healthz and answers a signed Telegram webhook to the
#   fake; `linli backup` under webhook load restores cleanly; `linli status` in zh-CN and en;
#   the remaining commands of docs/DEPLOY.md.
# The fakes (scripts/first-day/fake_platforms.py) listen on the host's loopback: the container
# shares the host's network. Needs root, systemd-nspawn, nsenter and python3, and the Debian
# mirror (the package's dependencies are installed from it, as on a real server); the first run
# debootstraps the root (cached in FIRST_DAY_ROOTFS, default /var/cache/linli/bookworm-rootfs.tgz,
# the same cache as deb-smoke.sh). About a minute with the cache; everything it starts stops by
# itself within FIRST_DAY_TIME_LIMIT seconds (default 420).
#
# Usage: scripts/first-day.sh [--keep] [--build-dir DIR | PACKAGE.deb]
#   default: builds the package with `ninja -C build deb`; --build-dir DIR: packages DIR's build
#   (packaging/deb/build-deb.sh) into the work directory. --keep: keep the work directory.
#   FIRST_DAY_SKIP_UNAVAILABLE=1 (ctest): exit 77, saying why, when not root or a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "first-day: FAIL: $*" >&2
  exit 1
}
unavailable() {
  if [[ -n ${FIRST_DAY_SKIP_UNAVAILABLE:-} ]]; then
    echo "first-day: SKIPPED: $*"
    exit 77
  fi
  fail "$*"
}

keep=() deb="" build_dir=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --keep) keep=(--keep) ;;
    --build-dir) build_dir=${2:?--build-dir needs a directory}; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option $1" ;;
    *) deb=$(readlink -f "$1") ;;
  esac
  shift
done

[[ $(id -u) -eq 0 ]] || unavailable "needs root (systemd-nspawn, nsenter, debootstrap)"
cache=${FIRST_DAY_ROOTFS:-/var/cache/linli/bookworm-rootfs.tgz}
missing=()
for tool in systemd-nspawn nsenter python3 timeout tar; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[[ -f $cache ]] || command -v debootstrap >/dev/null || missing+=(debootstrap)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ -z ${FIRST_DAY_SKIP_UNAVAILABLE:-} ]] && command -v apt-get >/dev/null; then
    pkgs=()
    for tool in "${missing[@]}"; do
      case $tool in
        systemd-nspawn) pkgs+=(systemd-container) ;;
        debootstrap) pkgs+=(debootstrap) ;;
        nsenter) pkgs+=(util-linux) ;;
        *) fail "$tool not found" ;;
      esac
    done
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null
  else
    unavailable "not found: ${missing[*]} (apt-get install systemd-container debootstrap)"
  fi
fi

if [[ -n ${FIRST_DAY_SKIP_UNAVAILABLE:-} ]]; then
  # ctest: no minutes-long debootstrap, and the package's dependencies come from the mirror.
  [[ -f $cache ]] || unavailable "no cached Debian 12 root at $cache (run scripts/first-day.sh or scripts/deb-smoke.sh once by hand)"
  python3 -c 'import urllib.request as u; u.urlopen("http://deb.debian.org/debian/dists/bookworm/InRelease", timeout=10).read(1)' \
    2>/dev/null || unavailable "the Debian mirror deb.debian.org is unreachable"
  if [[ -n $build_dir ]]; then
    for tool in dpkg-deb dpkg-shlibdeps; do
      command -v "$tool" >/dev/null || unavailable "$tool not found (apt-get install dpkg-dev)"
    done
  fi
fi

work=""
if [[ -n $build_dir ]]; then
  work=$(mktemp -d /var/tmp/linli-first-day-deb.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  deb=$(bash packaging/deb/build-deb.sh "$build_dir" "$work" | tail -n 1)
elif [[ -z $deb ]]; then
  bash scripts/build.sh linli >/dev/null
  deb=$(ninja -C build deb | sed -n 's/^.*\(\/[^ ]*\.deb\)$/\1/p' | tail -n 1)
  [[ -n $deb ]] || deb=$(ls -t build/linli_*.deb | head -n 1)
fi
[[ -f $deb ]] || fail "no package: $deb"

limit=${FIRST_DAY_TIME_LIMIT:-420}
# The story stops the container and the fakes itself; `timeout` is the last resort.
timeout --kill-after=30 "$((limit + 60))" \
  python3 scripts/first-day/story.py --deb "$deb" --rootfs "$cache" --time-limit "$limit" "${keep[@]}"
