#!/usr/bin/env bash
# s_server and s_client (Debian's /usr/bin/openssl), both loading the pqcea provider, negotiate one
# group and exchange data. Asserts from s_client's -trace that the ServerHello key_share carries the
# group's codepoint with a server share of the expected size, and that the echoed data came back.
# Usage: tls_group.sh MODULE_DIR GROUP CODEPOINT_DECIMAL SERVER_SHARE_BYTES CLIENT_SHARE_BYTES [CLIENT_GROUPS]
# CLIENT_GROUPS (e.g. "X25519:X25519MLKEM768") makes the client's first key share another group, so
# the server must answer with a HelloRetryRequest and the client's second ClientHello carries GROUP.
set -u
mod=$1 group=$2 id=$3 sshare=$4 cshare=$5 cgroups=${6:-$2}
OPENSSL=${OPENSSL:-/usr/bin/openssl}
work=$(mktemp -d)
srv_pid=""
cleanup() {
  if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
prov=(-provider-path "$mod" -provider pqcea -provider default)
# PQCEA_USE_CNF=FILE: load the providers through that openssl.cnf instead of command-line options.
if [ -n "${PQCEA_USE_CNF:-}" ]; then
  export OPENSSL_CONF=$PQCEA_USE_CNF
  prov=()
  "$OPENSSL" list -kem-algorithms | grep -q "X25519MLKEM768 @ pqcea" || { echo "FAIL: $OPENSSL_CONF did not load pqcea"; exit 1; }
  echo "providers loaded from $OPENSSL_CONF"
fi

OPENSSL_CONF=/dev/null "$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/k.pem" \
  -out "$work/c.pem" -subj /CN=localhost -days 2 >/dev/null 2>&1 || { echo "FAIL: server cert"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# -rev: the server sends every line back reversed (data in both directions, no stdin needed).
"$OPENSSL" s_server "${prov[@]}" -groups "$group" -accept "127.0.0.1:$port" -key "$work/k.pem" \
  -cert "$work/c.pem" -naccept 1 -rev >"$work/srv.out" 2>&1 &
srv_pid=$!
for _ in $(seq 50); do
  grep -q ACCEPT "$work/srv.out" 2>/dev/null && break
  sleep 0.1
done

# stdin stays open until the reversed line is back (or 15 s), so a slow handshake is not cut short.
(echo "pqcea-data-check"; for _ in $(seq 150); do grep -q kcehc-atad-aecqp "$work/cli.out" 2>/dev/null && break; sleep 0.1; done) |
  timeout 30 "$OPENSSL" s_client "${prov[@]}" -groups "$cgroups" \
  -connect "127.0.0.1:$port" -trace >"$work/cli.out" 2>&1
rc=$?

# The last ClientHello / ServerHello key share (after a HelloRetryRequest there are two of each;
# the HelloRetryRequest is traced as a ServerHello whose key_share holds only the group).
client_line=$(awk '/ClientHello/ {c=1; v=""} c && /key_share/ {k=1} c && k && /NamedGroup:/ {getline l; v=$0 " " l; c=0; k=0} END {print v}' "$work/cli.out")
server_line=$(awk '/ServerHello/ {c=1} c && /NamedGroup:/ {getline l; if (l ~ /key_exchange/) {v=$0 " " l; c=0}} END {print v}' "$work/cli.out")
# 3.0's trace shows a HelloRetryRequest as a ServerHello; it shows as a second ClientHello.
hellos=$(grep -c "ClientHello, Length" "$work/cli.out")
echo "ClientHellos sent: $hellos"
if [ "$cgroups" != "$group" ] && [ "$hellos" -ne 2 ]; then echo "FAIL: expected a HelloRetryRequest"; exit 1; fi
echo "client rc=$rc"
echo "ClientHello key_share: ${client_line:0:80}"
echo "ServerHello key_share: ${server_line:0:80}"

fail=0
[ "$rc" -eq 0 ] || { echo "FAIL: s_client exit $rc"; fail=1; }
echo "$client_line" | grep -q "($id)" && echo "$client_line" | grep -q "(len=$cshare)" ||
  { echo "FAIL: ClientHello share is not group $id with $cshare bytes"; fail=1; }
echo "$server_line" | grep -q "($id)" && echo "$server_line" | grep -q "(len=$sshare)" ||
  { echo "FAIL: ServerHello share is not group $id with $sshare bytes"; fail=1; }
grep -q "kcehc-atad-aecqp" "$work/cli.out" || { echo "FAIL: reversed data not received"; fail=1; }
grep -q "Cipher is TLS_" "$work/cli.out" && grep -q "Protocol  : TLSv1.3" "$work/cli.out" ||
  { echo "FAIL: no TLS 1.3 session"; fail=1; }
if [ $fail -ne 0 ]; then
  echo "---- server output"; cat "$work/srv.out"; echo "---- client output (tail)"; tail -40 "$work/cli.out"
  exit 1
fi
echo "PASS: $group (codepoint $id) negotiated, data exchanged"
