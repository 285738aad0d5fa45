#!/usr/bin/env bash
# Builds Linli's Debian package from a built tree: `ninja -C build deb` (or
# `bash packaging/deb/build-deb.sh BUILD_DIR OUT_DIR`) writes OUT_DIR/linli_<version>_<arch>.deb.
#
# What it holds (docs/DEPLOY.md): `cmake --install BUILD_DIR --prefix /usr` - /usr/bin/linli
# (stripped), the texts in /usr/share/linli/locales, the example config in /usr/share/doc/linli,
# the systemd unit in /usr/lib/systemd/system (user linli, ProtectSystem=strict,
# NoNewPrivileges, StateDirectory=linli) and /usr/lib/sysusers.d/linli.conf - plus the conffiles
# /etc/linli/linli.json (the example config: a demo on 127.0.0.1:8080 that needs no secret) and
# /etc/linli/linli.env (where the secrets go), and the maintainer scripts beside this file
# (postinst creates the linli user). Depends: what dpkg-shlibdeps finds the binary linked
# against. The version is the CMake project's version (CMakeLists.txt `project(... VERSION)`).
set -euo pipefail

build_dir=$(cd "${1:?usage: build-deb.sh BUILD_DIR [OUT_DIR]}" && pwd)
out_dir=$(mkdir -p "${2:-$build_dir}" && cd "${2:-$build_dir}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)

for tool in dpkg-deb dpkg-shlibdeps strip; do
  command -v "$tool" >/dev/null || { echo "build-deb.sh: $tool not found (apt-get install dpkg-dev binutils)" >&2; exit 1; }
done
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
[[ -n $version ]] || { echo "build-deb.sh: no CMAKE_PROJECT_VERSION in $build_dir/CMakeCache.txt" >&2; exit 1; }
arch=$(dpkg --print-architecture)

stage=$(mktemp -d "${TMPDIR:-/tmp}/linli-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/root
DESTDIR=$root cmake --install "$build_dir" --prefix /usr >"$stage/install.log" ||
  { cat "$stage/install.log" >&2; exit 1; }
strip --strip-unneeded "$root/usr/bin/linli"

install -d "$root/etc/linli"
install -m 0640 "$source_dir/config/linli.example.json" "$root/etc/linli/linli.json"
install -m 0640 "$here/linli.env" "$root/etc/linli/linli.env"

# The shared libraries the binary needs, as package names (dpkg-shlibdeps reads a
# debian/control of the "source" it runs in; an empty-bodied one is enough).
mkdir -p "$stage/src/debian"
printf 'Source: linli\n\nPackage: linli\nArchitecture: any\n' >"$stage/src/debian/control"
depends=$(cd "$stage/src" && dpkg-shlibdeps -O -e"$root/usr/bin/linli" 2>"$stage/shlibdeps.log" |
  sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || { cat "$stage/shlibdeps.log" >&2; echo "build-deb.sh: dpkg-shlibdeps found nothing" >&2; exit 1; }

install -d "$root/DEBIAN"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$root/DEBIAN/"
printf '/etc/linli/linli.json\n/etc/linli/linli.env\n' >"$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: linli
Version: $version
Architecture: $arch
Maintainer: Linli maintainers <linli@localhost>
Installed-Size: $size
Depends: $depends, passwd
Recommends: systemd
Section: net
Priority: optional
Description: 邻里 Linli - a chat-bot service for residential communities
 Residents report problems, follow them and rate the outcome, post micro-wishes and vote
 on community rules from WeChat, WeCom, Feishu, DingTalk or Telegram; volunteers and
 staff act on them from their group chats. One webhook server with an embedded SQLite
 database (/var/lib/linli), run by systemd as the linli user.
CONTROL

deb=$out_dir/linli_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
