#!/usr/bin/env bash
# The device client's TPM path against a running `pqcea serve` and a real TPM 2.0 simulator
# (swtpm): `device tpm` reads the attestation key and PCR 0-7 (the operator's reference values),
# the device registers with that key, `device attest --tpm` adds PCR 0-7 and a TPM2_Quote over the
# verifier's nonce -> affirming; after a PCR is extended (tpm2_pcrextend, tpm2-tools) ->
# contraindicated; evidence without the TPM, for a model that requires one -> contraindicated.
# Usage: device_client_tpm.sh PQCEA          (exit 77 if swtpm or tpm2-tools is missing)
set -euo pipefail
PQCEA=$(realpath "$1")
for tool in swtpm tpm2_pcrextend; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed (scripts/bootstrap installs it)"; exit 77; }
done
. "$(dirname "$(realpath "$0")")/lib.sh"

# swtpm on a free loopback port pair (server P, control P+1)
mkdir tpmstate
SWTPM_PID=
for _ in $(seq 20); do
  P=$((20000 + RANDOM % 20000))
  swtpm socket --tpm2 --server type=tcp,port=$P,bindaddr=127.0.0.1 --ctrl type=tcp,port=$((P + 1)),bindaddr=127.0.0.1 \
    --tpmstate dir="$W/tpmstate" --flags not-need-init,startup-clear > swtpm.log 2>&1 &
  SWTPM_PID=$!
  for _ in $(seq 30); do (exec 3<> /dev/tcp/127.0.0.1/$P) 2> /dev/null && break 2; sleep 0.1; done
  kill $SWTPM_PID 2> /dev/null || true; wait $SWTPM_PID 2> /dev/null || true; SWTPM_PID=
done
[ -n "$SWTPM_PID" ] || fail "swtpm did not start"
PIDS+=("$SWTPM_PID")
TCTI="swtpm:host=127.0.0.1,port=$P"

start_fleet_and_server

echo "== enroll, and the TPM's attestation key and PCRs as the operator's reference"
"$PQCEA" device enroll --dir dev --model gateway-lx > /dev/null
"$PQCEA" ca issue --fleet fleet --pubkey dev/device.pub.pem --out dev/device.pem > /dev/null
expect 0 "$PQCEA" device tpm --tpm "$TCTI" --ak-out dev/tpm_ak.hex
python3 -c 'import json,sys; t=json.load(open("out.txt")); assert len(t["attestation_key"])==130 and len(t["pcrs"])==8' ||
  fail "device tpm did not give a 65-byte key and 8 PCRs"
echo "gateway firmware" > app.bin
python3 - "$(sha256sum app.bin | cut -c1-64)" <<'PY'
import json, sys
pcrs = json.load(open("out.txt"))["pcrs"]
ref = {"components": {"app": {"alg": "sha-256", "digest": sys.argv[1]}}, "pcrs": pcrs}
json.dump({"version": 1, "models": {"gateway-lx": {"min_swversion": "3.0.0", "allow_debug": False,
           "require_tpm": True, "firmware": {"3.0.0": ref}}}}, open("policy.json", "w"), indent=1)
PY
"$PQCEA" policy sign policy.json --fleet fleet --out policy.signed.json
"$PQCEA" policy upload policy.signed.json --server "$URL" --fleet fleet > /dev/null
expect 0 "$PQCEA" device register --cert dev/device.pem --model gateway-lx --tpm-ak-file dev/tpm_ak.hex \
  --server "$URL" --fleet fleet

echo "== attest with the TPM: affirming, the quote checked"
MEASURE=(--measure app=app.bin --swversion 3.0.0)
expect 0 "$PQCEA" device attest --dir dev --server "$URL" "${MEASURE[@]}" --tpm "$TCTI" --result-out result.json
grep -q ": affirming" out.txt || fail "not affirming with the TPM"
expect 0 "$PQCEA" result verify result.json --verifier-key fleet/verifier.pub.pem

echo "== without the TPM, for a model that requires one: contraindicated"
expect 1 "$PQCEA" device attest --dir dev --server "$URL" "${MEASURE[@]}"
grep -q "contraindicated" out.txt || fail "evidence without a quote is not contraindicated"

echo "== PCR 4 extended (a changed boot): contraindicated"
tpm2_pcrextend -T "$TCTI" "4:sha256=$(printf 'other boot loader' | sha256sum | cut -c1-64)"
expect 1 "$PQCEA" device attest --dir dev --server "$URL" "${MEASURE[@]}" --tpm "$TCTI"
grep -q "contraindicated" out.txt || fail "a changed PCR is not contraindicated"
echo "PASS: device client with a TPM"
