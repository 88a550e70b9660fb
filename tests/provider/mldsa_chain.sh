#!/usr/bin/env bash
# ML-DSA keys through the openssl CLI with the pqcea provider: genpkey (PKCS#8 seed form, RFC 9881),
# an ML-DSA-87 self-signed root (req -x509), a leaf CSR and its certificate (x509 -req), x509 -text,
# openssl verify, the project's own validator (pki::validate_chain) on the same chain, and both
# rejecting a leaf whose signature was altered. ML-DSA-44/-65 self-signed certificates as well.
# Security levels (openssl verify -auth_level, libssl's security level): ML-DSA signatures are
# rated at the parameter set's security bits (128/192/256), so chains pass levels 1 to 3 and fail
# exactly where a key or a signature is below the level; an ECDSA TLS server certificate issued
# by the ML-DSA root is accepted by s_server and verified by s_client at security level 2.
# Usage: mldsa_chain.sh MODULE_DIR CHAIN_CHECK_BINARY
set -u
mod=$1 check=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
work=$(mktemp -d)
srv_pid=""
cleanup() {
  if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
PQ=(-provider-path "$mod" -provider pqcea -provider default)
fail=0
step() { echo "== $*"; }
die() { echo "FAIL: $*"; fail=1; }

step "root: genpkey ML-DSA-87, req -x509"
mldsa_root ML-DSA-87 root || die "root"
# PKCS#8 v1, AlgorithmIdentifier id-ml-dsa-87, privateKey = [0] 32-byte seed (RFC 9881 seed form).
"$OPENSSL" asn1parse -in root.key >asn1.txt || die "asn1parse"
grep -q "OBJECT            :2.16.840.1.101.3.4.3.19" asn1.txt || die "PKCS#8 OID is not id-ml-dsa-87"
grep -q "l=  34 prim: OCTET STRING      \[HEX DUMP\]:8020" asn1.txt || die "private key is not [0] 32-byte seed"
der_len=$("$OPENSSL" pkey "${PQ[@]}" -in root.key -outform DER | wc -c)
[ "$der_len" -eq 54 ] || die "PKCS#8 seed form is 54 bytes, got $der_len"
cat asn1.txt

step "leaf: genpkey, req -new, x509 -req signed by the root"
mldsa_leaf ML-DSA-87 leaf root || die "leaf"
"$OPENSSL" req "${PQ[@]}" -in leaf.csr -noout -verify || die "CSR self-signature"

step "x509 -text"
"$OPENSSL" x509 "${PQ[@]}" -in leaf.crt -noout -text >leaf.txt || die "x509 -text"
grep -E "Signature Algorithm|Public Key Algorithm|Issuer|Subject:" leaf.txt
[ "$(grep -c 'Signature Algorithm: ML-DSA-87' leaf.txt)" -eq 2 ] || die "signature algorithm not shown as ML-DSA-87"
grep -q "Public Key Algorithm: ML-DSA-87" leaf.txt || die "public key algorithm"
# The certificate's key is the key file's public half.
cmp <("$OPENSSL" x509 "${PQ[@]}" -in leaf.crt -noout -pubkey) <("$OPENSSL" pkey "${PQ[@]}" -in leaf.key -pubout) ||
  die "certificate key differs from leaf.key"

step "openssl verify"
"$OPENSSL" verify "${PQ[@]}" -CAfile root.crt leaf.crt || die "openssl verify"
step "pki::validate_chain"
"$check" root.crt leaf.crt ok || die "pki::validate_chain rejected the chain"

step "altered leaf signature is rejected by both"
flip_sig_bit leaf.crt bad.crt || die "flip a signature bit"
if "$OPENSSL" verify "${PQ[@]}" -CAfile root.crt bad.crt; then die "openssl verify accepted an altered signature"; fi
"$check" root.crt bad.crt fail || die "pki::validate_chain accepted an altered signature"

step "encrypted PKCS#8 (genpkey -aes256): written encrypted, read back only with the passphrase"
"$OPENSSL" genpkey "${PQ[@]}" -algorithm ML-DSA-87 -aes256 -pass pass:pqcea-test -out enc.key || die "genpkey -aes256"
head -1 enc.key | grep -q "BEGIN ENCRYPTED PRIVATE KEY" || die "key written without encryption"
"$OPENSSL" pkey "${PQ[@]}" -in enc.key -passin pass:pqcea-test -noout || die "encrypted key not readable"
if "$OPENSSL" pkey "${PQ[@]}" -in enc.key -passin pass:wrong -noout 2>/dev/null; then die "wrong passphrase accepted"; fi
"$OPENSSL" req "${PQ[@]}" -x509 -new -key enc.key -passin pass:pqcea-test -subj "/CN=enc" -days 1 -out enc.crt &&
  "$OPENSSL" verify "${PQ[@]}" -CAfile enc.crt enc.crt || die "certificate from the encrypted key"

for alg in ML-DSA-44 ML-DSA-65; do
  step "$alg: genpkey, self-signed req -x509, verify"
  "$OPENSSL" genpkey "${PQ[@]}" -algorithm "$alg" -out "$alg.key" &&
    "$OPENSSL" req "${PQ[@]}" -x509 -new -key "$alg.key" -subj "/CN=$alg root" -days 5 -out "$alg.crt" &&
    "$OPENSSL" x509 "${PQ[@]}" -in "$alg.crt" -noout -text | grep -q "Signature Algorithm: $alg" &&
    "$OPENSSL" verify "${PQ[@]}" -CAfile "$alg.crt" "$alg.crt" || die "$alg"
done

# verify_level CA LEAF LEVEL EXPECT: openssl verify -auth_level LEVEL gives OK or "error EXPECT".
verify_level() {
  local out
  out=$("$OPENSSL" verify "${PQ[@]}" -auth_level "$3" -CAfile "$1.crt" "$2.crt" 2>&1)
  if [ "$4" = OK ]; then
    echo "$out" | grep -q "^$2.crt: OK" || die "$2 under $1 at -auth_level $3: expected OK, got: $out"
  else
    echo "$out" | grep -q "error $4 at" || die "$2 under $1 at -auth_level $3: expected error $4, got: $out"
  fi
  printf '  %-9s under %-9s -auth_level %s: %s\n' "$2" "$1" "$3" "$(echo "$out" | grep -E -m1 'OK$|error [0-9]+ at')"
}
step "security levels: openssl verify -auth_level (66 = EE key too weak, 68 = CA signature too weak)"
# Levels 1-5 need 80/112/128/192/256 bits; ML-DSA-44/65/87 keys and signatures rate 128/192/256.
mldsa_leaf ML-DSA-44 l44 root && mldsa_leaf ML-DSA-65 l65 root || die "ML-DSA-44/65 leaves"
for level in 1 2 3; do
  for leaf in l44 l65 leaf; do verify_level root "$leaf" "$level" OK; done
done
verify_level root l44 4 66
verify_level root l65 4 OK
verify_level root l65 5 66
verify_level root leaf 5 OK
# An ML-DSA-44 CA's signature (128 bits) on an ML-DSA-87 leaf: enough at 3, too weak at 4.
mldsa_root ML-DSA-44 root44 && mldsa_leaf ML-DSA-87 l87under44 root44 || die "ML-DSA-44 CA"
verify_level root44 l87under44 3 OK
verify_level root44 l87under44 4 68

step "TLS: an ECDSA server certificate issued by the ML-DSA-87 root, security level 2 on both sides"
"$OPENSSL" req "${PQ[@]}" -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key \
  -subj /CN=localhost -out ec.csr 2>/dev/null &&
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:localhost\n' >ec.ext &&
  "$OPENSSL" x509 "${PQ[@]}" -req -in ec.csr -CA root.crt -CAkey root.key -CAcreateserial -days 2 -extfile ec.ext \
    -out ec.crt 2>/dev/null || die "ECDSA certificate from the ML-DSA root"
port=$(free_port)
"$OPENSSL" s_server "${PQ[@]}" -cipher DEFAULT:@SECLEVEL=2 -groups X25519MLKEM768 -accept "127.0.0.1:$port" \
  -key ec.key -cert ec.crt -naccept 1 -rev >srv.out 2>&1 &
srv_pid=$!
wait_for srv.out || die "s_server did not accept ec.crt at security level 2: $(head -5 srv.out)"
echo pqcea | timeout 20 "$OPENSSL" s_client "${PQ[@]}" -cipher DEFAULT:@SECLEVEL=2 -groups X25519MLKEM768 \
  -connect "127.0.0.1:$port" -CAfile root.crt -verify_return_error -verify_hostname localhost >cli.out 2>&1 ||
  die "s_client with -verify_return_error at security level 2 failed"
reap "$srv_pid"
srv_pid=""
grep -E "^Verification: |Verify return code" cli.out | head -2
grep -q "^Verification: OK" cli.out && grep -q "Verify return code: 0 (ok)" cli.out || die "chain not verified in TLS"

[ $fail -eq 0 ] && echo "PASS: ML-DSA keys, certificates and chain via the openssl CLI and pqcea"
exit $fail
