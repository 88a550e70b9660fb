#!/usr/bin/env bash
# `make install` as a packager and an admin use it (docs/deploy.md):
#  1. DESTDIR=STAGE cmake --install BUILD --prefix /usr/local: the tree holds pqcea, the provider
#     and its cnf naming /usr/local/lib/ossl-modules/pqcea.so, a man page per subcommand, the
#     systemd unit naming /usr/local/bin/pqcea, the example configuration;
#  2. the staged pqcea runs (--version); every man page renders with `man -l` and groff reports
#     no warning (line-breaking ones aside); `systemd-analyze verify` prints nothing for the unit;
#  3. an install to a real prefix: OpenSSL loads the provider through the installed cnf.
# The tools (man, groff, systemd-analyze, openssl) come from scripts/bootstrap; one missing is a
# skip (77), and a failure under CI=true.
set -u
build=$(realpath "$1")
for t in man groff systemd-analyze openssl; do
  if ! command -v $t > /dev/null; then
    echo "$t is not installed (scripts/bootstrap installs it)"
    [ "${CI:-}" = true ] && exit 1
    exit 77
  fi
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

DESTDIR="$tmp/stage" cmake --install "$build" --prefix /usr/local > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
S=$tmp/stage/usr/local
(cd "$tmp/stage" && find . -type f -o -type l | sort) > "$tmp/tree"
echo "--- DESTDIR tree"; cat "$tmp/tree"
for f in bin/pqcea lib/ossl-modules/pqcea.so lib/ossl-modules/pqcea-provider.cnf share/man/man1/pqcea.1 \
         share/man/man1/pqcea-serve.1 share/man/man1/pqcea-sig-sign.1 lib/systemd/system/pqcea-serve.service \
         share/doc/pqcea/examples/serve.toml share/doc/pqcea/deploy.md share/doc/pqcea/serve-config.md; do
  [ -f "$S/$f" ] || bad "$f is not installed"
done
grep -qx 'module = /usr/local/lib/ossl-modules/pqcea.so' "$S/lib/ossl-modules/pqcea-provider.cnf" ||
  bad "the installed cnf does not name the installed module"
grep -q '^ExecStart=/usr/local/bin/pqcea serve --config /etc/pqcea/serve.toml' "$S/lib/systemd/system/pqcea-serve.service" ||
  bad "the installed unit does not run the installed pqcea"
"$S/bin/pqcea" --version | grep -Eq '^pqcea [0-9]+\.[0-9]+\.[0-9]+' || bad "staged pqcea --version"
echo "--- $("$S/bin/pqcea" --version)"

pages=0
for p in "$S"/share/man/man1/*.1; do
  pages=$((pages + 1))
  out=$(MANWIDTH=80 man -l "$p" 2>&1) || bad "man -l $(basename "$p") failed: $out"
  grep -q '^NAME' <<<"$out" || bad "$(basename "$p") has no NAME section"
  warn=$(groff -t -man -Tutf8 -ww -Wbreak -z "$p" 2>&1)
  [ -z "$warn" ] || bad "groff warns on $(basename "$p"): $warn"
done
sub=$("$S/bin/pqcea" --help | awk '/^Subcommands:/{s=1; next} s && /^  [a-z]/{n++} END{print n+0}')
[ "$pages" -gt "$sub" ] || bad "$pages man pages for $sub subcommands"
echo "--- man -l pqcea-serve.1 (head)"; MANWIDTH=80 man -l "$S/share/man/man1/pqcea-serve.1" 2>/dev/null | head -12

# The unit as installed, its ExecStart pointed at the staged binary (verify checks it exists).
sed "s|/usr/local/bin/pqcea|$S/bin/pqcea|" "$S/lib/systemd/system/pqcea-serve.service" > "$tmp/pqcea-serve.service"
v=$(cd "$tmp" && systemd-analyze verify --man=no ./pqcea-serve.service 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ -z "$v" ] || bad "systemd-analyze verify (exit $rc): $v"
echo "--- systemd-analyze verify: exit $rc, ${#v} bytes of output"

cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install2.log" 2>&1 || { cat "$tmp/install2.log"; exit 1; }
OPENSSL_CONF=$tmp/prefix/lib/ossl-modules/pqcea-provider.cnf openssl list -kem-algorithms 2>&1 | grep -q X25519MLKEM768 ||
  bad "OpenSSL does not load the provider through the installed pqcea-provider.cnf"

[ "$fail" -eq 0 ] && echo "PASS: $(wc -l < "$tmp/tree") files installed, $pages man pages render, the unit verifies, the provider loads"
exit "$fail"
