#!/usr/bin/env bash
# Real independent peer: headless Chromium (Debian's `chromium`, its own TLS stack, BoringSSL)
# fetches a page from `openssl s_server -www` loading the pqcea provider with the group list
# X25519MLKEM768 only. Asserts the page arrived and that the server's ServerHello (from -trace)
# carried the X25519MLKEM768 key share (codepoint 0x11EC = 4588, 1120-byte server share).
# Exit 77 (skip) only when the chromium binary is not installed (scripts/bootstrap installs it).
set -u
mod=$1
. "$(dirname "$0")/lib.sh"
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: chromium is not installed (scripts/bootstrap installs Debian's chromium package)"
  exit 77
fi
work=$(mktemp -d)
srv_pid="" chr_pid=""
cleanup() {
  if [ -n "$chr_pid" ]; then kill -- "-$chr_pid" 2>/dev/null; wait "$chr_pid" 2>/dev/null; fi
  if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

ec_server_cert "$work" || { echo "FAIL: server cert"; exit 1; }
port=$(free_port)
"$OPENSSL" s_server -provider-path "$mod" -provider pqcea -provider default -groups X25519MLKEM768 \
  -accept "127.0.0.1:$port" -key "$work/k.pem" -cert "$work/c.pem" -www -trace >"$work/srv.out" 2>&1 &
srv_pid=$!
wait_for "$work/srv.out"

mkdir "$work/profile"
# Own process group, so every Chromium child is stopped with it.
setsid timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --ignore-certificate-errors \
  --dump-dom "https://127.0.0.1:$port/" >"$work/dom.out" 2>"$work/chromium.err" &
chr_pid=$!
wait "$chr_pid"
rc=$?
chr_pid=""

"$CHROMIUM" --version 2>/dev/null | head -1
server_line=$(trace_share "$work/srv.out" Server)
client_groups=$(awk '/ClientHello/ {c=1} c && /key_share/ {k=1} k && /NamedGroup:/ {print $NF} /ServerHello/ {exit}' "$work/srv.out" | tr '\n' ' ')
echo "chromium rc=$rc"
echo "Chromium's key shares (codepoints): $client_groups"
echo "ServerHello key_share: ${server_line:0:80}"
fail=0
[ "$rc" -eq 0 ] || { echo "FAIL: chromium exit $rc"; fail=1; }
grep -q "Ciphers supported in s_server binary" "$work/dom.out" || { echo "FAIL: page not fetched"; fail=1; }
grep -q "New, TLSv1.3" "$work/dom.out" || { echo "FAIL: page does not report a TLS 1.3 session"; fail=1; }
share_is "$server_line" 4588 1120 ||
  { echo "FAIL: ServerHello did not carry X25519MLKEM768 (4588) with a 1120-byte share"; fail=1; }
if [ $fail -ne 0 ]; then
  echo "---- page"; head -c 2000 "$work/dom.out"; echo "---- server (tail)"; tail -40 "$work/srv.out"
  echo "---- chromium stderr (tail)"; tail -20 "$work/chromium.err"
  exit 1
fi
grep -m1 "New, TLSv1.3" "$work/dom.out"
echo "PASS: Chromium negotiated X25519MLKEM768 with s_server + pqcea and fetched the page"
