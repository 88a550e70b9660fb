#!/usr/bin/env bash
# `pqcea loadgen` on a verifier that has a real device and policy: refused without
# --i-know-this-is-production (nothing changed); with it, the run completes and afterwards the
# real device and the operator's policy document and signature are exactly as before, and none
# of loadgen's devices is left.
# Usage: loadgen_safety.sh PQCEA
set -euo pipefail
PQCEA=$(realpath "$1")
. "$(dirname "$(realpath "$0")")/lib.sh"
start_fleet_and_server --challenge-rate-device 0 --challenge-rate-source 0 --quiet

# The real fleet: one device of model meter-x1 (a name loadgen's own demo models also use) and
# the operator's policy for it.
"$PQCEA" device enroll --dir dev --model meter-x1 > /dev/null
"$PQCEA" ca issue --fleet fleet --pubkey dev/device.pub.pem --out dev/device.pem > /dev/null
echo firmware > app.bin
cat > policy.json <<JSON
{"version": 1, "models": {"meter-x1": {"min_swversion": "2.0.0", "allow_debug": false, "require_tpm": false,
 "firmware": {"2.0.0": {"components": {"app": {"alg": "sha-256", "digest": "$(sha256sum app.bin | cut -c1-64)"}}}}}}}
JSON
"$PQCEA" policy sign policy.json --fleet fleet --out policy.signed.json
"$PQCEA" policy upload policy.signed.json --server "$URL" --fleet fleet > /dev/null
"$PQCEA" device register --cert dev/device.pem --model meter-x1 --server "$URL" --fleet fleet > /dev/null
"$PQCEA" device attest --dir dev --server "$URL" --measure app=app.bin --swversion 2.0.0 > /dev/null ||
  fail "the real device is not affirming before the run"

snapshot() {  # the registry and the policy document + signature, as the admin API shows them
  curl -sf -H "$ADMIN" "$URL/v1/admin/devices?limit=1000" > "$1.devices"
  curl -sf -H "$ADMIN" "$URL/v1/admin/policy" |
    python3 -c 'import json,sys; p=json.load(sys.stdin); print(json.dumps([p["document"], p["signature"]]))' > "$1.policy"
  curl -sf -H "$ADMIN" "$URL/v1/devices/$(sed -n 's/.*"device_id": "\(.*\)".*/\1/p' dev/device.json)" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["model"], d["last_result"]["result_id"])' > "$1.device"
}
snapshot before

echo "== without --i-know-this-is-production: refused, nothing touched"
set +e
"$PQCEA" loadgen --target "$URL" --fleet fleet --devices 10 --attestations 40 > refused.txt 2>&1
rc=$?
set -e
cat refused.txt
[ "$rc" -eq 2 ] || fail "loadgen exit $rc, expected 2 (refused)"
grep -q "registered devices that are not loadgen's" refused.txt || fail "the refusal does not say why"
snapshot refused
for f in devices policy device; do cmp -s before.$f refused.$f || fail "the refused run changed $f"; done

echo "== with it: the run completes and removes what it created"
"$PQCEA" loadgen --target "$URL" --fleet fleet --devices 10 --attestations 40 --i-know-this-is-production | tee run.txt
grep -q "^lost: 0" run.txt || fail "loadgen lost results"
grep -q "clean-up    10 devices deleted, the operator's policy document restored" run.txt || fail "no clean-up line"
snapshot after
for f in devices policy device; do cmp -s before.$f after.$f || { diff before.$f after.$f; fail "the run changed $f"; }; done
"$PQCEA" device attest --dir dev --server "$URL" --measure app=app.bin --swversion 2.0.0 > /dev/null ||
  fail "the real device is not affirming after the run"
echo "PASS: the real device and the operator's policy are unchanged; loadgen left nothing"
