#!/usr/bin/env bash
# Self-test of the independent OCPP 2.0.1 peers (tests/ocpp/peers: csms_peer.js, station_peer.js,
# both ocpp-rpc 2.2.1 in strict mode on the pinned Node 24 from tests/peers) against each other,
# proving the harness works on this machine before the C++ station and CSMS are tested with it:
#   1. classical (HTTP basic auth; a wrong password refused first): station_peer (Boot, Heartbeat, StatusNotification, TransactionEvent
#      Started/Updated/Ended, SignCertificate with an openssl P-256 CSR) against csms_peer
#      (TriggerMessage, `openssl x509 -req`, CertificateSigned checked with `openssl verify`);
#      both exit 0 with every expectation held and no validation error;
#   2. firmware: UpdateFirmware served over http by csms_peer, the classical signature checked by
#      station_peer, statuses Downloading..InstallRebooting, a reconnect, Installed;
#   3. firmware with a bad classical signature: Downloading, Downloaded, InvalidSignature and a
#      SecurityEventNotification InvalidFirmwareSignature seen by csms_peer;
#   4. dual track CSR (cert scenario): station_peer --pqc-csr (ML-DSA-87 CSR bound to the classical
#      one) accepted by csms_peer; the same with the binding of another key refused;
#   5. negative control: a station that sends a schema-invalid BootNotification (ocpp-rpc with
#      strict mode off) makes csms_peer record the validation error and exit 1.
# Exit 77 (skip; 1 under CI=true) only when Node 24 or ocpp-rpc is not installed
# (tests/support/peers.sh). Usage: peers_selftest.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/peers/harness.sh"
command -v openssl > /dev/null || peers_missing "openssl CLI not installed"
echo "peers: Node $NODE_VERSIONS, ocpp-rpc $("$NODE" -p 'require("ocpp-rpc/package.json").version'), $(openssl version)"

trap harness_cleanup EXIT

# 1. classical
pw=peer-selftest-password-0001
start_csms classical --scenario classical --password "$pw" && {
  station refused --id PEERSELFTEST01 --scenario classical --password wrong-password-000001 --expect-refused
  [ "$STATION_RC" -eq 0 ] && ok "classical: a wrong HTTP basic auth password is refused" || bad "classical: wrong password not refused"
  station classical --id PEERSELFTEST01 --scenario classical --password "$pw"
  wait_csms
  both_pass classical
  [ "$(json "$work/classical.station.json" 's.notes.certificateSigned.ok')" = true ] &&
    ok "classical: CertificateSigned chain verified by openssl verify" || bad "classical: certificate chain not verified"
  [ "$(json "$work/classical.csms.json" 's.notes.transactionEvents.map(e => e.eventType).join()')" = Started,Updated,Ended ] &&
    ok "classical: csms_peer saw TransactionEvent Started,Updated,Ended" || bad "classical: transaction events"
}

# 2. firmware, good signature
head -c 200000 /dev/urandom > "$work/image.bin"
good=Downloading,Downloaded,SignatureVerified,Installing,InstallRebooting,Installed
start_csms firmware --scenario firmware --image "$work/image.bin" --expect-statuses "$good" && {
  station firmware --id PEERSELFTEST02 --scenario firmware --expect-statuses "$good"
  wait_csms
  both_pass firmware
  [ "$(json "$work/firmware.station.json" 's.notes.image.sha256')" = "$(sha256sum "$work/image.bin" | cut -d' ' -f1)" ] &&
    ok "firmware: downloaded image is the served file" || bad "firmware: downloaded image differs"
}

# 3. firmware, classical signature over other bytes
invalid=Downloading,Downloaded,InvalidSignature
start_csms firmware-bad --scenario firmware --image "$work/image.bin" --bad-classical-signature --expect-statuses "$invalid" && {
  station firmware-bad --id PEERSELFTEST03 --scenario firmware --expect-statuses "$invalid"
  wait_csms
  both_pass firmware-bad
  [ "$(json "$work/firmware-bad.csms.json" 's.notes.securityEvents.map(e => e.type).join()')" = InvalidFirmwareSignature ] &&
    ok "firmware-bad: SecurityEventNotification InvalidFirmwareSignature recorded" || bad "firmware-bad: no InvalidFirmwareSignature event"
}

# 4. dual-track CSR (cert scenario): ML-DSA-87 pqcCsr bound to the classical CSR; then a CSR pair
# whose binding names another key must be answered Rejected.
start_csms cert --scenario cert --require-pqc-csr && {
  station cert --id PEERSELFTEST05 --scenario classical --pqc-csr
  wait_csms
  both_pass cert
  [ "$(json "$work/cert.csms.json" 's.notes.signCertificateRequests[0].pqc.ok')" = true ] &&
    ok "cert: ML-DSA CSR verified by Node crypto, pqcKeyBinding matches" || bad "cert: PQC CSR not verified"
}
start_csms cert-bad --scenario cert --require-pqc-csr --expect-pqc-rejected && {
  station cert-bad --id PEERSELFTEST06 --scenario classical --pqc-csr --bad-binding --expect-sign Rejected
  wait_csms
  both_pass cert-bad
  [ "$(json "$work/cert-bad.csms.json" 's.notes.signCertificateRequests[0].pqc.error')" = "pqcKeyBinding is not SHA-256 of the ML-DSA public key" ] &&
    ok "cert-bad: binding to another key refused" || bad "cert-bad: wrong binding not detected"
}

# 5. negative control: a schema-invalid BootNotification must fail csms_peer.
cat > "$work/bad_station.js" <<'EOF'
const { RPCClient } = require('ocpp-rpc');
(async () => {
  const c = new RPCClient({ endpoint: process.argv[2], identity: 'PEERSELFTEST04', protocols: ['ocpp2.0.1'], strictMode: false, reconnect: false });
  await c.connect();
  // chargingStation.vendorName missing, reason not in the enumeration.
  try { await c.call('BootNotification', { reason: 'Sunrise', chargingStation: { model: 'x' } }); } catch (e) { console.log(`${e.rpcErrorCode}`); }
  await c.close();
})();
EOF
start_csms invalid --scenario classical --timeout 20 --grace 1 && {
  "$NODE" "$work/bad_station.js" "ws://127.0.0.1:$PORT/ocpp" > "$work/invalid.bad.out" 2>&1
  wait_csms
  [ "$CSMS_RC" -eq 1 ] && ok "invalid: csms_peer exits 1 on a schema-invalid BootNotification" || bad "invalid: csms_peer exit $CSMS_RC, wanted 1"
  [ "$(json "$work/invalid.csms.json" 's.validationErrors.length > 0 && s.validationErrors[0].method')" = BootNotification ] &&
    ok "invalid: validation error recorded ($(json "$work/invalid.csms.json" 's.validationErrors[0].error'))" ||
    bad "invalid: no validation error recorded"
  grep -qx 'FormatViolation\|OccurrenceConstraintViolation\|OccurenceConstraintViolation\|PropertyConstraintViolation\|TypeConstraintViolation' "$work/invalid.bad.out" &&
    ok "invalid: the station got CALLERROR $(cat "$work/invalid.bad.out")" || bad "invalid: station got $(cat "$work/invalid.bad.out")"
}

[ $fail -eq 0 ] && echo "PASS: OCPP peers (ocpp-rpc strict) interoperate: classical, firmware good/bad signature, dual-track CSR good/bad binding; invalid frames fail the run"
exit $fail
