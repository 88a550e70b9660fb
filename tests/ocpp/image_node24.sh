#!/usr/bin/env bash
# The firmware image an OCPP campaign carries, verified by an implementation that is not ours:
# Node 24 (OpenSSL 3.5) checks a `pqcea image sign` ML-DSA-87 image the way docs/secure-boot.md
# defines it — pure ML-DSA-87 over the 128 manifest bytes with the context string pqcea-boot-v1,
# the trailer's public key, the manifest's key id (SHA-256 of that key) and payload digest
# (SHA-256 of the payload) — and refuses the image with one signature bit flipped, and a
# signature checked without the context. (The classical half, the CSMS's ECDSA signature in
# UpdateFirmware, is verified by Node in ocpp_csms_vs_station_peer.)
# Usage: image_node24.sh PQCEA
set -u
PQCEA=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../support/peers.sh"
peers_node24
FLIP_BIT=$(cd "$here/../support" && pwd)/flip-bit
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

head -c 30000 /dev/urandom > fw.bin
{ "$PQCEA" image keygen --out img.key --pub img.pub && "$PQCEA" image sign --key img.key --version 1.1.0 --counter 2 fw.bin fw.img; } \
  > fixtures.log 2>&1 || { cat fixtures.log; bad "fixtures"; exit 1; }
cp fw.img flipped.img
"$FLIP_BIT" flipped.img $(($(stat -c %s flipped.img) - 100))

cat > verify.js << 'JS'
// Node's own reading of a format-1 (ML-DSA-87) pqcea image: manifest || payload || pk || sig || end marker.
const crypto = require('crypto'), fs = require('fs');
const [file, context] = process.argv.slice(2);
const img = fs.readFileSync(file);
const PK = 2592, SIG = 4627, END = 8;
const manifest = img.subarray(0, 128);
if (manifest.subarray(0, 4).toString() !== 'PQFW' || manifest.readUInt16LE(4) !== 1) throw new Error('not a format-1 image');
const payloadSize = manifest.readUInt32LE(12);
if (128 + payloadSize + PK + SIG + END !== img.length) throw new Error('layout');
const payload = img.subarray(128, 128 + payloadSize);
const pk = img.subarray(128 + payloadSize, 128 + payloadSize + PK);
const sig = img.subarray(128 + payloadSize + PK, 128 + payloadSize + PK + SIG);
const sha = (b) => crypto.createHash('sha256').update(b).digest();
// SubjectPublicKeyInfo for ML-DSA-87 (RFC 9881: id-ml-dsa-87 2.16.840.1.101.3.4.3.19, no parameters).
const spki = Buffer.concat([Buffer.from('30820a32300b060960864801650304031303820a2100', 'hex'), pk]);
const key = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
const opts = context === '-' ? { key } : { key, context: Buffer.from(context) };
const out = {
  signature: crypto.verify(null, manifest, opts, sig),
  keyId: sha(pk).equals(manifest.subarray(68, 100)),
  payloadDigest: manifest.readUInt16LE(32) === 1 && sha(payload).equals(manifest.subarray(36, 68)),
  version: `${manifest[20]}.${manifest[21]}.${manifest.readUInt16LE(22)}`, counter: manifest.readUInt32LE(28),
};
console.log(JSON.stringify(out));
JS
r=$("$NODE" verify.js fw.img pqcea-boot-v1 2>&1)
echo "    good image: $r"
[ "$r" = '{"signature":true,"keyId":true,"payloadDigest":true,"version":"1.1.0","counter":2}' ] &&
  ok "Node 24 verifies the ML-DSA-87 image signature (context pqcea-boot-v1), key id and payload digest" ||
  bad "Node 24 on the good image: $r"
r=$("$NODE" verify.js flipped.img pqcea-boot-v1 2>&1)
case "$r" in *'"signature":false'*) ok "one flipped signature bit: Node 24 refuses it" ;; *) bad "flipped image: $r" ;; esac
r=$("$NODE" verify.js fw.img - 2>&1)
case "$r" in *'"signature":false'*) ok "without the context string the signature does not verify (domain separation)" ;;
  *) bad "no context: $r" ;; esac

[ $fail -eq 0 ] && echo "PASS: Node 24 verifies the campaign image's post-quantum signature"
exit $fail
