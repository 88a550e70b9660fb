#!/usr/bin/env bash
# End to end, as a fleet engineer does it (docs/device-client.md): fleet-init, a running
# `pqcea serve`, `device enroll`, `ca issue`, `policy sign|show|upload`, `device register`,
# `device attest` -> affirming, `result verify` on the saved answer; `device evidence` +
# `appraise` offline; a tampered measurement -> contraindicated (online and offline); a forged
# result or token refused; list / revoke / delete; `device run`.
# The reference digests of the policy come from coreutils' sha256sum, not from pqcea.
# Usage: device_client_e2e.sh PQCEA
set -euo pipefail
PQCEA=$(realpath "$1")
. "$(dirname "$(realpath "$0")")/lib.sh"
start_fleet_and_server

echo "== enroll: the device's key and id; the CA issues its certificate"
expect 0 "$PQCEA" device enroll --dir dev --model charger-lx
ID=$(sed -n 's/^device id //p' out.txt)
[ "$(stat -c %a dev/device.key.pem)" = 600 ] || fail "device.key.pem is not 0600"
expect 2 "$PQCEA" device enroll --dir dev --model charger-lx   # never replaces a key
grep -q "exists" out.txt || fail "the refusal does not say the key exists"
expect 0 "$PQCEA" ca issue --fleet fleet --pubkey dev/device.pub.pem --out dev/device.pem
grep -q "device id $ID" out.txt || fail "ca issue derived another id than enroll"
# The id fits the certificate: OpenSSL reads the subject serialNumber back unchanged.
openssl x509 -in dev/device.pem -noout -subject -nameopt multiline | grep -q "serialNumber *= $ID" ||
  fail "OpenSSL does not read the device id from the certificate's serialNumber"
# ... and any OpenSSL-made certificate can carry it (X.520 allows 64 characters; the old
# hex form of a 33-byte UEID, 66 characters, is refused by OpenSSL).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.pem -days 1 \
  -subj "/serialNumber=$ID/CN=$ID" 2> /dev/null || fail "OpenSSL refuses the id (${#ID} characters) in a subject"
HEX66=$(printf '01%064x' 7)
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.pem -days 1 \
  -subj "/serialNumber=$HEX66" 2> /dev/null; then fail "OpenSSL took a 66-character serialNumber"; fi
echo "    device id $ID: ${#ID} characters, in an OpenSSL-made certificate: ok"

echo "== policy: reference digests from sha256sum, signed by the operator, uploaded"
head -c 100000 /dev/urandom > app.bin
head -c 5000 /dev/urandom > bl2.bin
cat > policy.json <<EOF
{"version": 1, "models": {"charger-lx": {"min_swversion": "1.0.0", "allow_debug": false, "require_tpm": false,
 "firmware": {"1.4.2": {"components": {
   "app": {"alg": "sha-256", "digest": "$(sha256sum app.bin | cut -c1-64)"},
   "bl2": {"alg": "sha-256", "digest": "$(sha256sum bl2.bin | cut -c1-64)"}}}}}}}
EOF
expect 0 "$PQCEA" policy sign policy.json --fleet fleet --out policy.signed.json
expect 0 "$PQCEA" policy show policy.signed.json --operator-key fleet/operator.pub.pem
grep -q "model charger-lx: min_swversion 1.0.0, firmware 1.4.2" out.txt || fail "policy show"
expect 1 "$PQCEA" policy show policy.signed.json --operator-key fleet/verifier.pub.pem   # another key
grep -q "signature: INVALID" out.txt || fail "policy show with the wrong key"
expect 0 "$PQCEA" policy upload policy.signed.json --server "$URL" --fleet fleet
expect 0 "$PQCEA" device register --cert dev/device.pem --model charger-lx --server "$URL" --fleet fleet
expect 1 "$PQCEA" device register --cert dev/device.pem --model charger-lx --server "$URL" --fleet fleet
grep -q device_exists out.txt || fail "a second registration is not refused as device_exists"

echo "== attest: affirming, and the saved result verifies offline"
MEASURE=(--measure app=app.bin --measure bl2=bl2.bin --swversion 1.4.2)
expect 0 "$PQCEA" device attest --dir dev --server "$URL" "${MEASURE[@]}" --result-out result.json
grep -q "device $ID: affirming" out.txt || fail "not affirming"
expect 0 "$PQCEA" result verify result.json --verifier-key fleet/verifier.pub.pem
grep -q "status: affirming" out.txt && grep -q "device: $ID" out.txt || fail "result verify"

echo "== offline: the same evidence appraised with no server (device evidence + appraise)"
APPRAISE=(--cert dev/device.pem --ca fleet/ca.pem --policy policy.signed.json --operator-key fleet/operator.pub.pem
          --model charger-lx)
expect 0 "$PQCEA" device evidence --dir dev "${MEASURE[@]}" --nonce "$(printf '%064x' 42)" --out token.cose
expect 0 "$PQCEA" appraise token.cose "${APPRAISE[@]}"
grep -q "device $ID: affirming" out.txt || fail "offline appraisal not affirming"
expect 1 "$PQCEA" appraise token.cose "${APPRAISE[@]/charger-lx/meter-x1}"
expect 1 "$PQCEA" appraise token.cose --cert dev/device.pem --ca fleet/ca.pem --policy policy.signed.json \
  --operator-key fleet/verifier.pub.pem --model charger-lx
grep -q "policy:" out.txt || fail "a policy under another key is not refused"
python3 -c 'import sys; b=bytearray(open("token.cose","rb").read()); b[-100]^=1; open("forged.cose","wb").write(b)'
expect 1 "$PQCEA" appraise forged.cose "${APPRAISE[@]}"
grep -q "refused: signature_invalid" out.txt || fail "a forged token is not refused offline"

echo "== a tampered measurement: contraindicated, signed as such"
"$FLIP_BIT" app.bin 500
expect 0 "$PQCEA" device evidence --dir dev "${MEASURE[@]}" --nonce "$(printf '%064x' 43)" --out tampered.cose
expect 1 "$PQCEA" appraise tampered.cose "${APPRAISE[@]}"
grep -q "device $ID: contraindicated" out.txt || fail "offline appraisal of a tampered app"
expect 1 "$PQCEA" device attest --dir dev --server "$URL" "${MEASURE[@]}" --result-out bad.json
grep -q "device $ID: contraindicated" out.txt || fail "a tampered app is not contraindicated"
grep -q "app" out.txt || fail "the reason does not name the app component"
expect 1 "$PQCEA" result verify bad.json --verifier-key fleet/verifier.pub.pem
grep -q "signature: valid" out.txt && grep -q "status: contraindicated" out.txt || fail "result verify of the bad one"

echo "== a forged result: the outer status edited, or the EAR's bytes changed"
python3 - <<'EOF'
import json, base64
r = json.load(open("bad.json"))
r["status"] = "affirming"
json.dump(r, open("edited.json", "w"))
ear = bytearray(base64.b64decode(r["ear"]))
ear[len(ear) // 3] ^= 1
r["ear"] = base64.b64encode(bytes(ear)).decode()
json.dump(r, open("forged.json", "w"))
EOF
expect 1 "$PQCEA" result verify edited.json --verifier-key fleet/verifier.pub.pem
grep -q "differ from the signed EAR" out.txt || fail "an edited outer status is not caught"
expect 1 "$PQCEA" result verify forged.json --verifier-key fleet/verifier.pub.pem
grep -q "INVALID" out.txt || fail "a changed EAR is not refused"

echo "== device run: two rounds on the cadence"
expect 1 "$PQCEA" device run --dir dev --server "$URL" "${MEASURE[@]}" --interval 1 --rounds 2
grep -q "rounds 2, affirming 0" out.txt || fail "device run with the tampered app"

echo "== list, revoke, delete"
expect 0 "$PQCEA" device list --server "$URL" --fleet fleet
grep -q "\"device_id\":\"$ID\"" out.txt || fail "list does not show the device"
expect 0 "$PQCEA" device revoke "$ID" --server "$URL" --fleet fleet
expect 1 "$PQCEA" device attest --dir dev --server "$URL" "${MEASURE[@]}"
grep -q "device_revoked" out.txt || fail "a revoked device is still appraised"
expect 0 "$PQCEA" device delete "$ID" --server "$URL" --fleet fleet
expect 1 "$PQCEA" device delete "$ID" --server "$URL" --fleet fleet
grep -q unknown_device out.txt || fail "a second delete is not unknown_device"
curl -sf -H "$ADMIN" "$URL/v1/admin/devices" | grep -q '"devices":\[\]' || fail "the device is still listed"
echo "PASS: device client end to end"
