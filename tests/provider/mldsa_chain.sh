#!/usr/bin/env bash
# ML-DSA keys through the openssl CLI with the pqcea provider: genpkey (PKCS#8 seed form, RFC 9881),
# an ML-DSA-87 self-signed root (req -x509), a leaf CSR and its certificate (x509 -req), x509 -text,
# openssl verify, the project's own validator (pki::validate_chain) on the same chain, and both
# rejecting a leaf whose signature was altered. ML-DSA-44/-65 self-signed certificates as well.
# Usage: mldsa_chain.sh MODULE_DIR CHAIN_CHECK_BINARY
set -u
mod=$1 check=$2
OPENSSL=${OPENSSL:-/usr/bin/openssl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
P=(-provider-path "$mod" -provider pqcea -provider default)
fail=0
step() { echo "== $*"; }
die() { echo "FAIL: $*"; fail=1; }

step "genpkey ML-DSA-87 (root and leaf)"
"$OPENSSL" genpkey "${P[@]}" -algorithm ML-DSA-87 -out root.key || die "genpkey root"
"$OPENSSL" genpkey "${P[@]}" -algorithm ML-DSA-87 -out leaf.key || die "genpkey leaf"
# PKCS#8 v1, AlgorithmIdentifier id-ml-dsa-87, privateKey = [0] 32-byte seed (RFC 9881 seed form).
"$OPENSSL" asn1parse -in root.key >asn1.txt || die "asn1parse"
grep -q "OBJECT            :2.16.840.1.101.3.4.3.19" asn1.txt || die "PKCS#8 OID is not id-ml-dsa-87"
grep -q "l=  34 prim: OCTET STRING      \[HEX DUMP\]:8020" asn1.txt || die "private key is not [0] 32-byte seed"
der_len=$("$OPENSSL" pkey "${P[@]}" -in root.key -outform DER | wc -c)
[ "$der_len" -eq 54 ] || die "PKCS#8 seed form is 54 bytes, got $der_len"
cat asn1.txt

step "root: req -x509"
"$OPENSSL" req "${P[@]}" -x509 -new -key root.key -subj "/O=PQC-Edge-Attestor/CN=PQCEA Test Root" -days 30 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.crt ||
  die "req -x509"
step "leaf: req -new, x509 -req signed by the root"
"$OPENSSL" req "${P[@]}" -new -key leaf.key -subj "/O=PQC-Edge-Attestor/CN=pqcea-device-0001" -out leaf.csr ||
  die "req -new"
"$OPENSSL" req "${P[@]}" -in leaf.csr -noout -verify || die "CSR self-signature"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >leaf.ext
"$OPENSSL" x509 "${P[@]}" -req -in leaf.csr -CA root.crt -CAkey root.key -CAcreateserial -days 10 \
  -extfile leaf.ext -out leaf.crt || die "x509 -req"

step "x509 -text"
"$OPENSSL" x509 "${P[@]}" -in leaf.crt -noout -text >leaf.txt || die "x509 -text"
grep -E "Signature Algorithm|Public Key Algorithm|Issuer|Subject:" leaf.txt
[ "$(grep -c 'Signature Algorithm: ML-DSA-87' leaf.txt)" -eq 2 ] || die "signature algorithm not shown as ML-DSA-87"
grep -q "Public Key Algorithm: ML-DSA-87" leaf.txt || die "public key algorithm"
# The certificate's key is the key file's public half.
cmp <("$OPENSSL" x509 "${P[@]}" -in leaf.crt -noout -pubkey) <("$OPENSSL" pkey "${P[@]}" -in leaf.key -pubout) ||
  die "certificate key differs from leaf.key"

step "openssl verify"
"$OPENSSL" verify "${P[@]}" -CAfile root.crt leaf.crt || die "openssl verify"
step "pki::validate_chain"
"$check" root.crt leaf.crt ok || die "pki::validate_chain rejected the chain"

step "altered leaf signature is rejected by both"
"$OPENSSL" x509 "${P[@]}" -in leaf.crt -outform DER -out leaf.der
python3 - <<'PY'
d = bytearray(open("leaf.der", "rb").read()); d[-10] ^= 0x01; open("bad.der", "wb").write(d)
PY
"$OPENSSL" x509 "${P[@]}" -inform DER -in bad.der -out bad.crt || die "re-encode"
if "$OPENSSL" verify "${P[@]}" -CAfile root.crt bad.crt; then die "openssl verify accepted an altered signature"; fi
"$check" root.crt bad.crt fail || die "pki::validate_chain accepted an altered signature"

step "encrypted PKCS#8 (genpkey -aes256): written encrypted, read back only with the passphrase"
"$OPENSSL" genpkey "${P[@]}" -algorithm ML-DSA-87 -aes256 -pass pass:pqcea-test -out enc.key || die "genpkey -aes256"
head -1 enc.key | grep -q "BEGIN ENCRYPTED PRIVATE KEY" || die "key written without encryption"
"$OPENSSL" pkey "${P[@]}" -in enc.key -passin pass:pqcea-test -noout || die "encrypted key not readable"
if "$OPENSSL" pkey "${P[@]}" -in enc.key -passin pass:wrong -noout 2>/dev/null; then die "wrong passphrase accepted"; fi
"$OPENSSL" req "${P[@]}" -x509 -new -key enc.key -passin pass:pqcea-test -subj "/CN=enc" -days 1 -out enc.crt &&
  "$OPENSSL" verify "${P[@]}" -CAfile enc.crt enc.crt || die "certificate from the encrypted key"

for alg in ML-DSA-44 ML-DSA-65; do
  step "$alg: genpkey, self-signed req -x509, verify"
  "$OPENSSL" genpkey "${P[@]}" -algorithm "$alg" -out "$alg.key" &&
    "$OPENSSL" req "${P[@]}" -x509 -new -key "$alg.key" -subj "/CN=$alg root" -days 5 -out "$alg.crt" &&
    "$OPENSSL" x509 "${P[@]}" -in "$alg.crt" -noout -text | grep -q "Signature Algorithm: $alg" &&
    "$OPENSSL" verify "${P[@]}" -CAfile "$alg.crt" "$alg.crt" || die "$alg"
done

[ $fail -eq 0 ] && echo "PASS: ML-DSA keys, certificates and chain via the openssl CLI and pqcea"
exit $fail
