#!/usr/bin/env bash
# The Debian package (issue 15): packaging/deb/build-deb.sh turns the built tree into a .deb
# whose control fields, files, conffiles, unit and maintainer scripts are what docs/DEPLOY.md
# promises, and whose binary runs. Installing it on a bare Debian 12 and starting the unit is
# scripts/deb-smoke.sh (a debootstrapped root under systemd-nspawn: too slow and too heavy for
# every test run).
#
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR VERSION   (registered in tests/CMakeLists.txt)
set -euo pipefail

build_dir=${1:?build dir}
source_dir=${2:?source dir}
version=${3:?version}
work=$(mktemp -d "${TMPDIR:-/tmp}/linli-deb-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

deb=$(bash "$source_dir/packaging/deb/build-deb.sh" "$build_dir" "$work") ||
  fail "build-deb.sh failed"
arch=$(dpkg --print-architecture)
[[ $deb == "$work/linli_${version}_${arch}.deb" ]] || fail "package named $deb"

field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == linli ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version), project $version"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
for lib in libsqlite3-0 libssl3 libc6 libstdc++6; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done

dpkg-deb -c "$deb" | awk '{print $6}' >"$work/files"
for f in ./usr/bin/linli ./usr/share/linli/locales/zh-CN.json ./usr/share/linli/locales/en.json \
  ./usr/share/doc/linli/linli.example.json ./usr/lib/systemd/system/linli.service \
  ./usr/lib/sysusers.d/linli.conf ./etc/linli/linli.json ./etc/linli/linli.env; do
  grep -qx "$f" "$work/files" || fail "not in the package: $f"
done
# Nothing but root-owned files (the linli user does not exist when dpkg unpacks).
dpkg-deb -c "$deb" | awk '$2 != "root/root" {print}' >"$work/owners"
[[ ! -s $work/owners ]] || fail "files not owned by root: $(head -3 "$work/owners")"

dpkg-deb -e "$deb" "$work/control"
printf '/etc/linli/linli.json\n/etc/linli/linli.env\n' | cmp -s - "$work/control/conffiles" ||
  fail "conffiles: $(cat "$work/control/conffiles")"
for s in postinst prerm postrm; do
  [[ -x $work/control/$s ]] || fail "maintainer script $s missing or not executable"
  sh -n "$work/control/$s" || fail "$s: shell syntax"
done
grep -q 'useradd --system' "$work/control/postinst" || fail "postinst does not create the linli user"

dpkg-deb -x "$deb" "$work/root"
unit=$work/root/usr/lib/systemd/system/linli.service
grep -qx 'ExecStart=/usr/bin/linli serve --config /etc/linli/linli.json' "$unit" ||
  fail "unit ExecStart: $(grep ExecStart "$unit")"
for line in User=linli StateDirectory=linli WorkingDirectory=/var/lib/linli \
  NoNewPrivileges=yes ProtectSystem=strict EnvironmentFile=-/etc/linli/linli.env; do
  grep -qx "$line" "$unit" || fail "unit: no $line"
done
cmp -s "$source_dir/config/linli.example.json" "$work/root/etc/linli/linli.json" ||
  fail "/etc/linli/linli.json is not the example config"
# The packaged binary is stripped, runs, and says the package's version.
readelf -S "$work/root/usr/bin/linli" | grep -Eq '\.(symtab|debug_info)' && fail "binary not stripped"
[[ $("$work/root/usr/bin/linli" --version) == "linli $version" ]] ||
  fail "linli --version: $("$work/root/usr/bin/linli" --version)"
# ...and the packaged config validates with the packaged texts (found from the binary's own
# path: /etc/linli has no locales/ folder), its database in a scratch working directory.
mkdir -p "$work/state"
(cd "$work/state" && "$work/root/usr/bin/linli" migrate --config "$work/root/etc/linli/linli.json") \
  >"$work/migrate.log" 2>&1 || fail "linli migrate with the packaged config: $(cat "$work/migrate.log")"
[[ -f $work/state/linli.db ]] || fail "migrate did not create linli.db in the working directory"
echo "ok: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
