#!/usr/bin/env bash
# s_server and s_client (Debian's /usr/bin/openssl), both loading the pqcea provider, negotiate one
# group and exchange data. Asserts from both sides' -trace that the ClientHello and ServerHello
# key_share carry the group's codepoint with shares of the expected sizes, and that the echoed
# data came back.
# Usage: tls_group.sh MODULE_DIR GROUP CODEPOINT_DECIMAL SERVER_SHARE_BYTES CLIENT_SHARE_BYTES [CLIENT_GROUPS]
# CLIENT_GROUPS (e.g. "X25519:X25519MLKEM768") makes the client's first key share another group, so
# the server must answer with a HelloRetryRequest and the client's second ClientHello carries GROUP.
# PQCEA_USE_CNF=FILE loads the providers through that openssl.cnf instead of -provider options;
# with PQCEA_DEFAULT_GROUPS=1 as well, neither side gets -groups: the file's list decides.
set -u
mod=$1 group=$2 id=$3 sshare=$4 cshare=$5 cgroups=${6:-$2}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
work=$(mktemp -d)
srv_pid=""
cleanup() {
  if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
prov=(-provider-path "$mod" -provider pqcea -provider default)
sgroups=(-groups "$group") cgroupopt=(-groups "$cgroups")
if [ -n "${PQCEA_USE_CNF:-}" ]; then
  export OPENSSL_CONF=$PQCEA_USE_CNF
  prov=()
  "$OPENSSL" list -kem-algorithms | grep -q "X25519MLKEM768 @ pqcea" || { echo "FAIL: $OPENSSL_CONF did not load pqcea"; exit 1; }
  echo "providers loaded from $OPENSSL_CONF"
  if [ -n "${PQCEA_DEFAULT_GROUPS:-}" ]; then
    sgroups=() cgroupopt=()
    echo "no -groups on either side: $(grep '^Groups' "$OPENSSL_CONF")"
  fi
fi

ec_server_cert "$work" || { echo "FAIL: server cert"; exit 1; }
port=$(free_port)
# -rev: the server sends every line back reversed (data in both directions, no stdin needed).
"$OPENSSL" s_server "${prov[@]}" "${sgroups[@]}" -accept "127.0.0.1:$port" -key "$work/k.pem" \
  -cert "$work/c.pem" -naccept 1 -rev -trace >"$work/srv.out" 2>&1 &
srv_pid=$!
wait_for "$work/srv.out"

data_check_input "$work/cli.out" | timeout 30 "$OPENSSL" s_client "${prov[@]}" "${cgroupopt[@]}" \
  -connect "127.0.0.1:$port" -trace >"$work/cli.out" 2>&1
rc=$?
reap "$srv_pid"
srv_pid=""

# After a HelloRetryRequest there are two ClientHellos and the last one counts.
hellos=$(grep -c "ClientHello, Length" "$work/cli.out")
echo "ClientHellos sent: $hellos"
if [ "$cgroups" != "$group" ] && [ "$hellos" -ne 2 ]; then echo "FAIL: expected a HelloRetryRequest"; exit 1; fi
echo "client rc=$rc"
fail=0
for side in cli srv; do
  client_line=$(trace_share "$work/$side.out" Client)
  server_line=$(trace_share "$work/$side.out" Server)
  echo "$side: ClientHello key_share: ${client_line:0:80}"
  echo "$side: ServerHello key_share: ${server_line:0:80}"
  share_is "$client_line" "$id" "$cshare" || { echo "FAIL: $side: ClientHello share is not group $id with $cshare bytes"; fail=1; }
  share_is "$server_line" "$id" "$sshare" || { echo "FAIL: $side: ServerHello share is not group $id with $sshare bytes"; fail=1; }
done
[ "$rc" -eq 0 ] || { echo "FAIL: s_client exit $rc"; fail=1; }
grep -q "kcehc-atad-aecqp" "$work/cli.out" || { echo "FAIL: reversed data not received"; fail=1; }
grep -q "Cipher is TLS_" "$work/cli.out" && grep -q "Protocol  : TLSv1.3" "$work/cli.out" ||
  { echo "FAIL: no TLS 1.3 session"; fail=1; }
if [ $fail -ne 0 ]; then
  echo "---- server output (tail)"; tail -40 "$work/srv.out"; echo "---- client output (tail)"; tail -40 "$work/cli.out"
  exit 1
fi
echo "PASS: $group (codepoint $id) negotiated, data exchanged"
