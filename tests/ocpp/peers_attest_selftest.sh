#!/usr/bin/env bash
# The attestation checks of the OCPP peers, on real evidence: station_peer (scenario pqc) against
# csms_peer (scenario boot-attest), the evidence an ML-DSA-87 COSE_Sign1 EAT made by
# `pqcea device evidence` for a device enrolled and certified with `pqcea fleet-init / device
# enroll / ca issue`. csms_peer verifies it with Node 24's crypto alone (tests/ocpp/peers/lib.js):
#   good         nonce = SHA-256(challenge) (ws://: empty exporter), certificate from --ca:
#                Pending, Accepted {affirming}, TriggerMessage, Accepted boot; evidence verified;
#   raw nonce    the EAT carries the challenge itself, not SHA-256(challenge || exporter): Rejected;
#   other CA     the device certificate is checked against another fleet's CA: Rejected;
#   flipped bit  one bit of the COSE signature flipped (tests/support/flip-bit): Rejected;
# each with the failing check named in csms_peer's summary, and no validation error anywhere.
# Usage: peers_attest_selftest.sh PQCEA. Exit 77 (1 under CI=true) only if Node 24 or ocpp-rpc is
# not installed (tests/support/peers.sh).
set -u
pqcea=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/peers/harness.sh"
trap harness_cleanup EXIT

f=$work/fixtures
mkdir -p "$f"
{ "$pqcea" fleet-init --out "$f/fleet" && "$pqcea" fleet-init --out "$f/other" &&
  "$pqcea" device enroll --dir "$f/dev" --model m33 && "$pqcea" ca issue --fleet "$f/fleet" --pubkey "$f/dev/device.pub.pem" --out "$f/dev/device.pem" &&
  head -c 4096 /dev/urandom > "$f/app.bin"; } > "$work/fixtures.log" 2>&1 || { cat "$work/fixtures.log"; echo "FAIL: fixtures"; exit 1; }
evidence="$pqcea device evidence --dir $f/dev --measure app=$f/app.bin --out {out_file} --nonce"

# attest NAME CHECK CSMS_ARGS -- STATION_ARGS: one run; CHECK = the check expected false (or "none").
attest() {
  local name=$1 check=$2 csms_args=() station_args=()
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do csms_args+=("$1"); shift; done
  shift
  station_args=("$@")
  start_csms "$name" --scenario boot-attest "${csms_args[@]}" || return
  station "$name" --id "PEERATTEST-$name" --scenario pqc --cert "$f/dev/device.pem" "${station_args[@]}"
  wait_csms
  both_pass "$name"
  local got
  got=$(json "$work/$name.csms.json" 'Object.entries(s.notes.evidence.checks).filter(([k, v]) => !v).map(([k]) => k).join() || "none"')
  [ "$got" = "$check" ] && ok "$name: failed evidence checks: $check ($(json "$work/$name.csms.json" 's.notes.evidence.error || "verified"'))" ||
    bad "$name: failed evidence checks '$got', wanted '$check'"
}

attest good none --ca "$f/fleet/ca.pem" -- --evidence-cmd "$evidence {nonce_hex}"
attest raw-nonce nonce --ca "$f/fleet/ca.pem" --expect-evidence-rejected -- \
  --expect-attestation rejected --evidence-cmd "$evidence {challenge_hex}"
attest other-ca certSignedByCa --ca "$f/other/ca.pem" --expect-evidence-rejected -- \
  --expect-attestation rejected --evidence-cmd "$evidence {nonce_hex}"
attest flipped signature --ca "$f/fleet/ca.pem" --expect-evidence-rejected -- \
  --expect-attestation rejected --evidence-cmd "$evidence {nonce_hex} && $FLIP_BIT {out_file} \$((\$(stat -c %s {out_file}) - 20))"

[ $fail -eq 0 ] && echo "PASS: csms_peer verifies pqcea's OCPP attestation evidence with Node 24 crypto and refuses a raw nonce, another CA and a flipped signature bit"
exit $fail
