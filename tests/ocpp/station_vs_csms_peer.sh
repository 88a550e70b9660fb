#!/usr/bin/env bash
# OUR station (the station library, driven by `pqcea charger --stations 1`) against the
# independent csms_peer.js (ocpp-rpc 2.2.1 strict mode on Node 24; tests/ocpp/peers), every use
# case with its failure twin (docs/ocpp.md):
#   1. boot-attest  csms_peer verifies our ML-DSA-87 EAT with Node crypto against fleet/ca.pem ->
#                   our station Accepted and attested.
#      twin         --forged 1 (evidence signed by a key not in the certificate): csms_peer
#                   rejects the evidence, our station ends refused.
#   2. classical    csms_peer WITHOUT the extension (UnknownVendorId, no challenge): our station in
#                   Hybrid boots, charges and installs a classical-only certificate chained to
#                   csms_peer's own P-256 CA (--ca-out -> --classical-root), reporting the
#                   downgrade (PqcDowngradeAttempt) as Hybrid mode must.
#      twin         --pqc-mode Required: our station refuses that CSMS (PqcDowngradeAttempt, no
#                   SignCertificate, the trigger refused).
#   3. cert         dual track: csms_peer checks our ML-DSA CSR with Node crypto and its binding,
#                   `pqcea ca issue-csr --related-cert` issues the ML-DSA chain; we install both.
#      twin         the ML-DSA certificate issued without --related-cert: our station answers
#                   CertificateSigned Rejected.
#   4. firmware     a `pqcea image sign` image 1.1.0 served by csms_peer as a classical CSMS would
#                   (ECDSA signature in the standard fields, no customData; the ML-DSA signature
#                   travels inside the file): Downloading .. Installed, our station runs 1.1.0.
#      twins        a bad classical signature -> InvalidSignature; a broken post-quantum image
#                   signature (one bit flipped near the end, classical signature good) ->
#                   InvalidSignature and SecurityEventNotification InvalidFirmwareSignature.
#   5. roots        GetInstalledCertificateIds lists the CSMS root with CertificateHashData the
#                   peer computes itself; twins: InstallCertificate Rejected and DeleteCertificate
#                   Failed over security profile 1, with InvalidCsmsCertificate reported.
#   6. roots-tls    PQC roots over the extension on security profile 2: csms_peer serves wss://
#                   (a P-256 certificate made here with the openssl CLI) with an HTTP Basic
#                   password; our station is `pqcea charger --tls-ca ... --password-file ...`.
#                   InstallCertificate of a second CSMS root with customData.pqcCertificate (an
#                   ML-DSA-87 root csms_peer makes with Node crypto) Accepted; GetInstalledCertificateIds
#                   lists both roots, the new one with pqcCertificateHashData the peer recomputes
#                   from the DER; DeleteCertificate Accepted, then NotFound.
#      twins        the ML-DSA root with a flipped signature bit -> Rejected and a
#                   SecurityEventNotification InvalidCsmsCertificate; an expired classical root ->
#                   Rejected.
# Every csms_peer run must end ok with zero strict-validation errors and no malformed frame (our
# frames are validated against the official OCPP 2.0.1 schemas there).
# Usage: station_vs_csms_peer.sh PQCEA. Exit 77 (1 under CI=true) only if Node 24 or ocpp-rpc is
# not installed (tests/support/peers.sh).
set -u
pqcea=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/peers/harness.sh"
command -v openssl > /dev/null || peers_missing "openssl CLI not installed"
trap harness_cleanup EXIT

f=$work/fixtures
mkdir -p "$f"
{ "$pqcea" fleet-init --out "$f/fleet" && "$pqcea" image keygen --out "$f/img.key" --pub "$f/img.pub" &&
  head -c 20000 /dev/urandom > "$f/fw-1.0.0.bin" && head -c 30000 /dev/urandom > "$f/fw-1.1.0.bin" &&
  "$pqcea" image sign --key "$f/img.key" --version 1.1.0 --counter 2 "$f/fw-1.1.0.bin" "$f/fw-1.1.0.img"; } \
  > "$work/fixtures.log" 2>&1 || { cat "$work/fixtures.log"; echo "FAIL: fixtures"; exit 1; }

# charger NAME ARGS...: our station (one) against the running csms_peer; CHARGER_RC, LINE (its
# closing line). CSMS_URL (if set) replaces the ws:// URL.
charger() {
  local name=$1
  shift
  timeout 90 "$pqcea" charger --csms "${CSMS_URL:-ws://127.0.0.1:$PORT/ocpp}" --fleet "$f/fleet" --stations 1 \
    --firmware "$f/fw-1.0.0.bin" --image-pub "$f/img.pub" --id-prefix "CS-$name-" "$@" \
    > "$work/$name.charger.out" 2> "$work/$name.charger.err"
  CHARGER_RC=$?
  LINE=$(tail -1 "$work/$name.charger.out")
}
# csms_clean NAME: csms_peer exited 0 with every expectation held, no validation error, no malformed frame.
csms_clean() {
  local name=$1 s=$work/$1.csms.json
  if [ "$CSMS_RC" -eq 0 ] && [ "$(json "$s" 's.ok && s.validationErrors.length === 0 && s.badMessages.length === 0')" = true ]; then
    ok "$name: csms_peer ok, 0 validation errors, $(json "$s" 's.expectations.length') expectations held, $(json "$s" 's.exchanges.length') frames"
  else
    bad "$name: csms_peer exit $CSMS_RC: $(json "$s" 'JSON.stringify({failed: s.expectations.filter(e => !e.ok), validationErrors: s.validationErrors, bad: s.badMessages})')"
    tail -n 5 "$work/$name.csms.err" "$work/$name.charger.err"
  fi
}
# line_is NAME WANT: the charger's closing line.
line_is() {
  [ "$LINE" = "$2" ] && ok "$1: $LINE" || { bad "$1: '$LINE' (exit $CHARGER_RC), wanted '$2'"; tail -n 5 "$work/$1.charger.err"; }
}
events() { json "$work/$1.csms.json" 's.notes.securityEvents.map(e => e.type).join()'; }

echo "== 1. boot-attest"
start_csms attest --scenario boot-attest --ca "$f/fleet/ca.pem" && {
  charger attest --until boot --no-charge --timeout 30
  wait_csms
  csms_clean attest
  line_is attest "charger: stations 1, accepted 1, refused 0, attested 1, certificates 0, firmware updated 0, lost: 0"
  [ "$(json "$work/attest.csms.json" 's.notes.evidenceVerified && s.notes.advertised.pqcMode')" = Hybrid ] &&
    ok "attest: evidence verified by Node crypto, station advertised pqcMode Hybrid" || bad "attest: evidence not verified"
}
start_csms forged --scenario boot-attest --ca "$f/fleet/ca.pem" --expect-evidence-rejected && {
  charger forged --forged 1 --until boot --no-charge --timeout 30
  wait_csms
  csms_clean forged
  line_is forged "charger: stations 1, accepted 0, refused 1, attested 0, certificates 0, firmware updated 0, lost: 0"
  [ "$(json "$work/forged.csms.json" 's.notes.evidence.checks.signature')" = false ] &&
    ok "forged: csms_peer found the evidence signature invalid ($(json "$work/forged.csms.json" 's.notes.evidence.error'))" ||
    bad "forged: $(json "$work/forged.csms.json" 'JSON.stringify(s.notes.evidence)')"
}

echo "== 2. classical CSMS (no extension)"
start_csms classical --scenario classical --ca-out "$work/classical-ca.pem" && {
  charger classical --classical-root "$work/classical-ca.pem" --until certificate --timeout 30
  wait_csms
  csms_clean classical
  line_is classical "charger: stations 1, accepted 1, refused 0, attested 0, certificates 1, firmware updated 0, lost: 0"
  [ "$(json "$work/classical.csms.json" 's.notes.transactionEvents.map(e => e.eventType).join()')" = Started,Updated,Ended ] &&
    ok "classical: TransactionEvent Started,Updated,Ended schema-valid" || bad "classical: transaction events"
  [ "$(json "$work/classical.csms.json" 's.notes.certificateSignedAnswers.map(r => r.status).join()')" = Accepted ] &&
    ok "classical: classical-only CertificateSigned Accepted" || bad "classical: CertificateSigned not accepted"
  case ",$(events classical)," in *,PqcDowngradeAttempt,*) ok "classical: Hybrid station reported the downgrade ($(events classical))" ;;
    *) bad "classical: no PqcDowngradeAttempt ($(events classical))" ;; esac
}
start_csms required --scenario classical --ca-out "$work/required-ca.pem" --expect-downgrade-refused && {
  charger required --pqc-mode Required --classical-root "$work/required-ca.pem" --until boot --no-charge --timeout 30
  wait_csms
  csms_clean required
  line_is required "charger: stations 1, accepted 0, refused 1, attested 0, certificates 0, firmware updated 0, lost: 0"
  [ "$(json "$work/required.csms.json" 's.notes.boots[0].answered')" = Accepted ] &&
    ok "required: csms_peer accepted the boot, our station refused it ($(events required))" || bad "required: boots"
}

echo "== 3. dual-track certificate"
issuer="$pqcea ca issue-csr --fleet $f/fleet --csr {csr} --days 30 --station-id CS-cert-000001 --related-cert {classical_cert} --out {out}.leaf && cat {out}.leaf $f/fleet/ca.pem > {out}"
start_csms cert --scenario cert --require-pqc-csr --ca-out "$work/cert-ca.pem" --pqc-issuer "$issuer" && {
  charger cert --classical-root "$work/cert-ca.pem" --until certificate --no-charge --timeout 30
  wait_csms
  csms_clean cert
  line_is cert "charger: stations 1, accepted 1, refused 0, attested 0, certificates 1, firmware updated 0, lost: 0"
  [ "$(json "$work/cert.csms.json" 's.notes.signCertificateRequests[0].pqc.ok && s.notes.certificateSigned1.pqcChainChars > 0')" = true ] &&
    ok "cert: ML-DSA CSR + binding verified by Node crypto, ML-DSA chain sent and installed" || bad "cert: PQC track incomplete"
}
unbound="$pqcea ca issue-csr --fleet $f/fleet --csr {csr} --days 30 --station-id CS-unbound-000001 --out {out}.leaf && cat {out}.leaf $f/fleet/ca.pem > {out}"
start_csms unbound --scenario cert --require-pqc-csr --ca-out "$work/unbound-ca.pem" --pqc-issuer "$unbound" --expect-certificate-rejected && {
  # Not done at `certificate` (nothing installed): the charger stops at its timeout and counts
  # the station lost; its stderr line says how far it got.
  charger unbound --classical-root "$work/unbound-ca.pem" --until certificate --no-charge --timeout 5
  wait_csms
  csms_clean unbound
  line_is unbound "charger: stations 1, accepted 0, refused 0, attested 0, certificates 0, firmware updated 0, lost: 1"
  case ",$(events unbound)," in *,InvalidChargingStationCertificate,*) ok "unbound: CertificateSigned Rejected, InvalidChargingStationCertificate reported" ;;
    *) bad "unbound: events $(events unbound)" ;; esac
}

echo "== 4. firmware"
good=Downloading,Downloaded,SignatureVerified,Installing,InstallRebooting,Installed
start_csms firmware --scenario firmware --image "$f/fw-1.1.0.img" --ca-out "$work/fw-ca.pem" --expect-statuses "$good" && {
  charger firmware --classical-root "$work/fw-ca.pem" --expect-firmware 1.1.0 --no-charge --timeout 40
  wait_csms
  csms_clean firmware
  line_is firmware "charger: stations 1, accepted 1, refused 0, attested 0, certificates 1, firmware updated 1, lost: 0"
  [ "$(json "$work/firmware.csms.json" 's.notes.boots.map(b => b.reason + ":" + b.chargingStation.firmwareVersion).join()')" = PowerUp:1.0.0,FirmwareUpdate:1.1.0 ] &&
    ok "firmware: rebooted with reason FirmwareUpdate on 1.1.0" || bad "firmware: boots $(json "$work/firmware.csms.json" 'JSON.stringify(s.notes.boots.map(b => [b.reason, b.chargingStation.firmwareVersion]))')"
}
invalid=Downloading,Downloaded,InvalidSignature
# The twins never reach 1.1.0: the charger stops at its timeout and counts the station lost;
# its stderr line must show the certificate installed and the firmware still 1.0.0.
lost="charger: stations 1, accepted 0, refused 0, attested 0, certificates 0, firmware updated 0, lost: 1"
still_old() {
  grep -q "did not finish (.*certificates 1, firmware 1.0.0)" "$work/$1.charger.err" &&
    ok "$1: our station kept 1.0.0 (certificate installed)" || bad "$1: $(cat "$work/$1.charger.err")"
}
start_csms badsig --scenario firmware --image "$f/fw-1.1.0.img" --bad-classical-signature --ca-out "$work/badsig-ca.pem" --expect-statuses "$invalid" && {
  charger badsig --classical-root "$work/badsig-ca.pem" --expect-firmware 1.1.0 --no-charge --timeout 6
  wait_csms
  csms_clean badsig
  line_is badsig "$lost"
  still_old badsig
  case ",$(events badsig)," in *,InvalidFirmwareSignature,*) ok "badsig: InvalidSignature + InvalidFirmwareSignature" ;;
    *) bad "badsig: events $(events badsig)" ;; esac
}
cp "$f/fw-1.1.0.img" "$f/fw-badpqc.img"
"$FLIP_BIT" "$f/fw-badpqc.img" $(($(stat -c %s "$f/fw-badpqc.img") - 100))
start_csms badpqc --scenario firmware --image "$f/fw-badpqc.img" --ca-out "$work/badpqc-ca.pem" --expect-statuses "$invalid" && {
  charger badpqc --classical-root "$work/badpqc-ca.pem" --expect-firmware 1.1.0 --no-charge --timeout 6
  wait_csms
  csms_clean badpqc
  line_is badpqc "$lost"
  still_old badpqc
  [ "$(json "$work/badpqc.csms.json" 's.notes.securityEvents.filter(e => e.type === "InvalidFirmwareSignature").map(e => e.techInfo).join()' | cut -c1-30)" = "post-quantum image signature: " ] &&
    ok "badpqc: classical signature good, post-quantum one refused: InvalidSignature + InvalidFirmwareSignature" ||
    bad "badpqc: events $(json "$work/badpqc.csms.json" 'JSON.stringify(s.notes.securityEvents)')"
}

echo "== 5. root certificates (M03-M05) on security profile 1"
start_csms roots --scenario roots --ca-out "$work/roots-ca.pem" && {
  charger roots --classical-root "$work/roots-ca.pem" --until boot --no-charge --hold 4 --timeout 30
  wait_csms
  csms_clean roots
  ok "roots: GetInstalledCertificateIds lists the CSMS root with the peer's own CertificateHashData, V2G NotFound; InstallCertificate Rejected, DeleteCertificate Failed over profile 1, InvalidCsmsCertificate reported"
}

echo "== 6. PQC roots over the extension (M03-M05 + customData) on security profile 2"
# The peer's TLS certificate and the station's password, made here (openssl CLI, not pqcea).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$work/peer-tls.key" -out "$work/peer-tls.pem" 2> "$work/peer-tls.log" ||
  { bad "roots-tls: openssl req -x509 (the peer's TLS certificate)"; cat "$work/peer-tls.log"; }
password=$(openssl rand -hex 16)
(umask 077 && printf '%s' "$password" > "$work/station.password")
start_csms rootstls --scenario roots-tls --tls-cert "$work/peer-tls.pem" --tls-key "$work/peer-tls.key" \
  --password "$password" --ca-out "$work/rootstls-ca.pem" --linger 20 && {
  CSMS_URL="wss://127.0.0.1:$PORT/ocpp" charger rootstls --tls-ca "$work/peer-tls.pem" --password-file "$work/station.password" \
    --classical-root "$work/rootstls-ca.pem" --until boot --no-charge --hold 6 --timeout 40
  wait_csms
  csms_clean rootstls
  line_is rootstls "charger: stations 1, accepted 1, refused 0, attested 0, certificates 1, firmware updated 0, lost: 0"
  [ "$(json "$work/rootstls.csms.json" 's.expectations.filter(e => e.ok && /pqcCertificateHashData|flipped|expired|NotFound/.test(e.name)).length')" -ge 6 ] 2> /dev/null &&
    ok "rootstls: ML-DSA twin installed, listed with the peer's own pqcCertificateHashData, deleted (then NotFound); flipped signature and expired root Rejected, InvalidCsmsCertificate reported" ||
    bad "rootstls: expectations $(json "$work/rootstls.csms.json" 'JSON.stringify(s.expectations)')"
}

[ $fail -eq 0 ] && echo "PASS: our OCPP station against csms_peer (ocpp-rpc strict): boot-attest, classical CSMS, dual-track certificate, firmware, roots, PQC roots over wss://, each with its failure twin"
exit $fail
