#!/usr/bin/env bash
# The installed tree works on its own (issue 7): `cmake --install` into a temporary prefix puts
# the binary, the texts, the example config and the systemd unit in their places, and the
# installed binary, given a config kept in another directory (no locales/ beside it), answers
# `linli chat` with the shipped Chinese texts - read from <prefix>/share/linli/locales, not from
# the source tree it was built from.
#
# Usage: install_test.sh BUILD_DIR SOURCE_DIR   (registered in tests/CMakeLists.txt)
set -euo pipefail

build_dir=${1:?build dir}
source_dir=${2:?source dir}
work=$(mktemp -d "${TMPDIR:-/tmp}/linli-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
confdir=$work/etc   # the config lives here, with no locales/ folder

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" ||
  fail "cmake --install: $(cat "$work/install.log")"

# The layout.
[[ -x $prefix/bin/linli ]] || fail "no executable $prefix/bin/linli"
for f in share/linli/locales/zh-CN.json share/linli/locales/en.json \
  share/doc/linli/linli.example.json lib/systemd/system/linli.service lib/sysusers.d/linli.conf; do
  [[ -f $prefix/$f ]] || fail "not installed: $f"
done
cmp -s "$source_dir/config/locales/zh-CN.json" "$prefix/share/linli/locales/zh-CN.json" ||
  fail "installed zh-CN.json differs from the shipped one"
unit=$prefix/lib/systemd/system/linli.service
grep -Eq '^ExecStart=/[^ ]*/linli serve --config /etc/linli/linli.json$' "$unit" ||
  fail "unit: ExecStart is not '<bindir>/linli serve --config /etc/linli/linli.json'"
for line in User=linli StateDirectory=linli NoNewPrivileges=yes ProtectSystem=strict \
  Restart=on-failure; do
  grep -qx "$line" "$unit" || fail "unit: no $line"
done
grep -q '@' "$unit" && fail "unit: unreplaced @VARIABLE@"
if command -v systemd-analyze >/dev/null; then
  # The unit names the binary at the configured prefix; check a copy that names this one.
  sed "s|^ExecStart=[^ ]*|ExecStart=$prefix/bin/linli|" "$unit" >"$work/linli.service"
  systemd-analyze verify "$work/linli.service" >"$work/verify.log" 2>&1 || true
  [[ ! -s $work/verify.log ]] || fail "systemd-analyze verify: $(cat "$work/verify.log")"
fi

# A config kept elsewhere, its database in the same temporary directory.
mkdir -p "$confdir"
cat >"$confdir/linli.json" <<JSON
{
  "storage": {"backend": "sqlite", "sqlite": {"path": "$confdir/linli.db"}},
  "locale": "zh-CN"
}
JSON
[[ ! -e $confdir/locales ]] || fail "the config directory must have no locales/"

# The help text's first line, from the shipped zh-CN.json ("help": {"text": "...\n...}).
phrase=$(sed -n '/^  "help": {/,/^  }/s/^ *"text": "\([^\\"]*\).*/\1/p' \
  "$source_dir/config/locales/zh-CN.json" | head -n 1)
[[ -n $phrase ]] || fail "cannot find help.text in config/locales/zh-CN.json"

chat() {
  # From a directory with nothing in it, so nothing relative to the working directory helps.
  (cd "$work" && printf '帮助\n' |
    "$prefix/bin/linli" chat --config "$confdir/linli.json" --user t 2>"$work/stderr") ||
    fail "linli chat exited $?: $(cat "$work/stderr")"
}

out=$(chat)
grep -qF -- "$phrase" <<<"$out" ||
  fail "no shipped help text ('$phrase') in the answer: $out / stderr: $(cat "$work/stderr")"
[[ -f $confdir/linli.db ]] || fail "no database at $confdir/linli.db"
grep -q 'source tree' "$work/stderr" &&
  fail "the installed binary fell back to the source tree: $(cat "$work/stderr")"

# Which copy answered: mark the installed one. The source tree's file is untouched, so the
# marker can only come from <prefix>/share/linli/locales.
marker="INSTALLED-COPY-$$"
sed -i "s/\"text\": \"$phrase/\"text\": \"$marker $phrase/" "$prefix/share/linli/locales/zh-CN.json"
grep -qF "$marker" "$prefix/share/linli/locales/zh-CN.json" || fail "could not mark the copy"
out=$(chat)
grep -qF -- "$marker" <<<"$out" ||
  fail "the answer did not come from $prefix/share/linli/locales: $out"

echo "ok: installed into $prefix; linli chat answered from $prefix/share/linli/locales"
