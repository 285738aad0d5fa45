#!/usr/bin/env bash
# The Debian package on a bare Debian 12, as an operator would meet it (issue 15 point 5):
#  1. debootstrap bookworm (minbase plus systemd and curl: what a fresh server has) into a
#     temporary directory - kept as a tarball (SMOKE_ROOTFS, default
#     /var/cache/linli/bookworm-rootfs.tgz) so a second run skips the download;
#  2. `apt-get install ./linli_<version>_<arch>.deb` in it (its Depends come from Debian's
#     archive, as on a real machine) - the postinst creates the linli user;
#  3. boots that root with systemd-nspawn; inside, a one-shot unit runs `systemctl start linli`
#     and asks http://127.0.0.1:8080/healthz, then checks the service runs as user linli with
#     its database in /var/lib/linli, and powers off;
#  4. passes when /healthz answered 200 {"status":"ok"}.
# Needs root and the Debian mirror; installs debootstrap and systemd-container. A few minutes.
#
# Usage: scripts/deb-smoke.sh [PACKAGE.deb]   (default: builds it with `ninja -C build deb`)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "deb-smoke: FAIL: $*" >&2
  exit 1
}
[[ $(id -u) -eq 0 ]] || fail "needs root (debootstrap, chroot, systemd-nspawn)"

if [[ $# -ge 1 ]]; then
  deb=$(readlink -f "$1")
else
  bash scripts/build.sh linli >/dev/null
  deb=$(ninja -C build deb | tail -n 1 | sed -n 's/^.*\(\/[^ ]*\.deb\)$/\1/p')
  [[ -n $deb ]] || deb=$(ls -t build/linli_*.deb | head -n 1)
fi
[[ -f $deb ]] || fail "no package: $deb"

need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v systemd-nspawn >/dev/null || need+=(systemd-container)
if [[ ${#need[@]} -gt 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d /var/tmp/linli-deb-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
cache=${SMOKE_ROOTFS:-/var/cache/linli/bookworm-rootfs.tgz}
mkdir -p "$root"
if [[ -f $cache ]]; then
  tar -C "$root" -xzf "$cache"
else
  echo "deb-smoke: debootstrap bookworm (once; cached in $cache)"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log"; fail "debootstrap"; }
  chroot "$root" /bin/sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends systemd systemd-sysv dbus curl ca-certificates' \
    >"$work/systemd.log" 2>&1 || { tail -n 20 "$work/systemd.log"; fail "installing systemd in the root"; }
  mkdir -p "$(dirname "$cache")"
  tar -C "$root" -czf "$cache" .
fi

echo "deb-smoke: apt-get install ./$(basename "$deb")"
cp "$deb" "$root/tmp/"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
chroot "$root" /bin/sh -c "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/$(basename "$deb")" \
  >"$work/install.log" 2>&1 || { tail -n 30 "$work/install.log"; fail "apt-get install of the package"; }
chroot "$root" getent passwd linli >/dev/null || fail "the package did not create the linli user"

# The check that runs inside the booted system.
mkdir -p "$work/out"
cat >"$root/usr/local/sbin/linli-smoke" <<'PROBE'
#!/bin/sh
out=/smoke
systemctl start linli.service
ok=no
i=0
while [ $i -lt 100 ]; do
  if curl -fsS http://127.0.0.1:8080/healthz >$out/healthz 2>>$out/curl.err; then ok=yes; break; fi
  i=$((i + 1)); sleep 0.2
done
echo "$ok" >$out/ok
systemctl show linli.service -p ActiveState -p SubState -p User -p NoNewPrivileges -p ProtectSystem >$out/show
pid=$(systemctl show linli.service -p MainPID --value)
stat -c %U "/proc/$pid" >$out/user 2>&1 || true
ls -la /var/lib/linli >$out/state 2>&1 || true
journalctl -u linli.service --no-pager >$out/journal 2>&1 || true
systemctl poweroff
PROBE
chmod 0755 "$root/usr/local/sbin/linli-smoke"
cat >"$root/etc/systemd/system/linli-smoke.service" <<'UNIT'
[Unit]
Description=Start linli and ask /healthz (scripts/deb-smoke.sh)
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/linli-smoke
[Install]
WantedBy=multi-user.target
UNIT
chroot "$root" systemctl enable linli-smoke.service >/dev/null 2>&1

echo "deb-smoke: booting the root with systemd-nspawn"
timeout 180 systemd-nspawn -q --register=no --keep-unit -D "$root" --bind="$work/out:/smoke" -b \
  >"$work/boot.log" 2>&1 || true

show() { [[ -f $work/out/$1 ]] && cat "$work/out/$1"; }
if [[ $(show ok) != yes ]]; then
  echo "--- systemctl show"; show show || true
  echo "--- journal"; show journal || tail -n 40 "$work/boot.log"
  fail "/healthz did not answer after systemctl start linli"
fi
grep -q '"status":"ok"' "$work/out/healthz" || fail "/healthz answered $(show healthz)"
grep -qx 'User=linli' "$work/out/show" || fail "unit user: $(show show)"
grep -qx 'linli' "$work/out/user" || fail "the process runs as $(show user)"
grep -q 'linli.db' "$work/out/state" || fail "no database in /var/lib/linli: $(show state)"
echo "deb-smoke: ok - $(basename "$deb") installed on a bare Debian 12; systemctl start linli serves /healthz: $(show healthz)"
sed 's/^/  /' "$work/out/show"
