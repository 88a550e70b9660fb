#!/usr/bin/env bash
# OUR CSMS (`pqcea csms`, SQLite) against the independent station_peer.js (ocpp-rpc 2.2.1 strict
# mode on Node 24; tests/ocpp/peers), every use case with its failure twin (docs/ocpp.md):
#   1. classical   a station without the extension, Hybrid CSMS: Accepted, Heartbeat,
#                  StatusNotification, TransactionEvent Started/Updated/Ended, SignCertificate with
#                  an openssl P-256 CSR -> CertificateSigned verified by `openssl verify` against
#                  fleet/ocpp-ca.pem (made by our CSMS).
#      twin        our CSMS in Required mode rejects that classical station's boot.
#   2. pqc         station_peer advertises the extension, our CSMS challenges, the evidence from
#                  `pqcea device evidence` (device enrolled, certified for this station id) is
#                  appraised against a signed policy for model station_peer: Pending -> Accepted.
#      twins       a flipped evidence signature bit -> Rejected; a device certificate issued for
#                  another station id -> Rejected.
#   3. dual CSR    station_peer --pqc-csr (ML-DSA-87 CSR made by Node, bound by pqcKeyBinding):
#                  our CSMS issues both; station_peer checks the ML-DSA chain (Node crypto) and the
#                  RFC 9763 relatedCertificate = SHA-256 of the classical leaf.
#      twin        --bad-binding (another key's hash): SignCertificate Rejected.
#   4. firmware    a campaign (signed `pqcea image` 1.1.0): station_peer, a classical peer,
#                  verifies the ECDSA signature with Node crypto against the signing certificate,
#                  which must be issued by fleet/ocpp-ca.pem, and reports up to Installed.
#      twin        station_peer trusting another CA for firmware signers: UpdateFirmware answered
#                  InvalidCertificate, SecurityEventNotification InvalidFirmwareSigningCertificate,
#                  both stored by our CSMS.
#   5. password    a wrong HTTP Basic password is refused at the WebSocket upgrade.
#   6. roots       the CSMS's operator interface (`pqcea ocpp ...`, --admin-listen) drives M03-M05 on
#                  station_peer over wss:// (profile 2, our CSMS with the pqcea provider; Node
#                  negotiates X25519MLKEM768): GetInstalledCertificateIds lists the station's CSMS
#                  root; InstallCertificate of an openssl-made P-256 root with its ML-DSA-87 twin
#                  (another fleet's CA) in customData.pqcCertificate, checked by Node crypto ->
#                  Accepted, listed with pqcCertificateHashData; DeleteCertificate -> Accepted,
#                  then NotFound; TriggerMessage Heartbeat ends the run.
#      twins       an expired root -> Rejected by the station; an ML-DSA twin with a flipped
#                  signature bit -> refused by our CSMS before sending (400); InstallCertificate
#                  over profile 1 -> refused by our CSMS (409, CertificateOperationRefused stored);
#                  a station that is not connected -> 404; a wrong admin token -> 401.
#   7. profile 3   station_peer with a client certificate (openssl, issued by fleet/ocpp-ca.pem,
#                  CN = its id) on our CSMS with --tls-client-ca and --require-pqc-kex: attestation
#                  whose EAT nonce binds the TLS exporter value Node's TLS stack computed ->
#                  Pending, Accepted.
#      twins       the same evidence without the exporter (bound to no connection) -> Rejected;
#                  a client certificate for another station -> refused at the upgrade (403).
# Every station_peer run must end ok with zero strict-validation errors and no malformed frame
# (our CSMS's frames are validated against the official OCPP 2.0.1 schemas there).
# Usage: csms_vs_station_peer.sh PQCEA PROVIDER_CNF. Exit 77 (1 under CI=true) only if Node 24 or ocpp-rpc is
# not installed (tests/support/peers.sh).
set -u
pqcea=$(realpath "$1")
provider_cnf=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/peers/harness.sh"
command -v openssl > /dev/null || peers_missing "openssl CLI not installed"
ours_pid=""
stop_ours() { if [ -n "$ours_pid" ]; then kill "$ours_pid" 2> /dev/null; wait "$ours_pid" 2> /dev/null; fi; ours_pid=""; }
trap 'stop_ours; [ -n "${KEEP:-}" ] || harness_cleanup' EXIT

f=$work/fixtures
mkdir -p "$f"
pw=csms-interop-password-$RANDOM$RANDOM
echo "$pw" > "$f/pw.txt"
{ "$pqcea" fleet-init --out "$f/fleet" && "$pqcea" image keygen --out "$f/img.key" --pub "$f/img.pub" &&
  head -c 4096 /dev/urandom > "$f/app.bin" && head -c 30000 /dev/urandom > "$f/fw-1.1.0.bin" &&
  "$pqcea" image sign --key "$f/img.key" --version 1.1.0 --counter 2 "$f/fw-1.1.0.bin" "$f/fw-1.1.0.img" &&
  "$pqcea" device enroll --dir "$f/dev" --model station_peer &&
  "$pqcea" ca issue --fleet "$f/fleet" --pubkey "$f/dev/device.pub.pem" --station PQC-1 --out "$f/dev/pqc-1.pem" &&
  "$pqcea" ca issue --fleet "$f/fleet" --pubkey "$f/dev/device.pub.pem" --station PQC-3 --out "$f/dev/pqc-3.pem" &&
  "$pqcea" ca issue --fleet "$f/fleet" --pubkey "$f/dev/device.pub.pem" --station SOMEONE-ELSE --out "$f/dev/other.pem"; } \
  > "$work/fixtures.log" 2>&1 || { cat "$work/fixtures.log"; echo "FAIL: fixtures"; exit 1; }
# station_peer's BootNotification says model station_peer, firmwareVersion 1.0.0; the EAT's
# swversion is `device evidence`'s default 1.0.0 and its component app is app.bin.
cat > "$f/policy.json" << JSON
{"version": 1, "models": {"station_peer": {"min_swversion": "1.0.0", "allow_debug": false, "require_tpm": false,
 "firmware": {"1.0.0": {"components": {"app": {"alg": "sha-256", "digest": "$(sha256sum "$f/app.bin" | cut -c1-64)"}}}}}}}
JSON
"$pqcea" policy sign "$f/policy.json" --fleet "$f/fleet" --out "$f/policy.signed.json" > /dev/null ||
  { echo "FAIL: policy sign"; exit 1; }
evidence="$pqcea device evidence --dir $f/dev --measure app=$f/app.bin --out {out_file} --nonce {nonce_hex}"

# start_ours NAME ARGS...: our CSMS in the background (its own database); sets PORT for station().
start_ours() {
  local name=$1
  shift
  stop_ours
  env ${CSMS_ENV:-} "$pqcea" csms --listen 127.0.0.1:0 --fleet "$f/fleet" --db "sqlite:$work/$name.db" \
    --policy "$f/policy.signed.json" --password-file "$f/pw.txt" --admin-listen 127.0.0.1:0 "$@" \
    > "$work/$name.ours.out" 2> "$work/$name.ours.err" &
  ours_pid=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's|^csms listening on wss*://127.0.0.1:\([0-9]*\)/ocpp$|\1|p' "$work/$name.ours.out")
    ADMIN="http://127.0.0.1:$(sed -n 's|^csms operator interface on http://127.0.0.1:\([0-9]*\)/admin$|\1|p' "$work/$name.ours.out")"
    [ -n "$PORT" ] && [ "$ADMIN" != "http://127.0.0.1:" ] && return 0
    kill -0 "$ours_pid" 2> /dev/null || break
    sleep 0.1
  done
  cat "$work/$name.ours.err"
  bad "$name: our CSMS did not start"
  exit 1
}
# peer NAME ARGS...: station_peer with the password; must end clean (exit 0, every expectation
# held, no validation error, no malformed frame).
peer() {
  local name=$1 s=$work/$1.station.json
  shift
  station "$name" --password "$pw" "$@"
  if [ "$STATION_RC" -eq 0 ] && [ "$(json "$s" 's.ok && s.validationErrors.length === 0 && s.badMessages.length === 0')" = true ]; then
    ok "$name: station_peer ok, 0 validation errors, $(json "$s" 's.expectations.length') expectations held, $(json "$s" 's.exchanges.length') frames"
  else
    bad "$name: station_peer exit $STATION_RC: $(json "$s" 'JSON.stringify({failed: s.expectations.filter(e => !e.ok), validationErrors: s.validationErrors, bad: s.badMessages})')"
    tail -n 5 "$work/$name.station.err"
  fi
}
note() { json "$work/$1.station.json" "$2"; }
# db NAME SQL: what our CSMS stored (NAME.db), read with Node 24's built-in node:sqlite (no
# sqlite3 CLI needed); rows as a|b|c, joined by commas.
db() {
  "$NODE" -e 'const { DatabaseSync } = require("node:sqlite");
    const d = new DatabaseSync(process.argv[1], { readOnly: true });
    console.log(d.prepare(process.argv[2]).all().map((r) => Object.values(r).join("|")).join())' "$work/$1.db" "$2" 2>&1
}

echo "== 1. classical station"
start_ours hybrid --pqc-mode Hybrid
peer classical --id CLASSIC-1 --scenario classical --csms-ca "$f/fleet/ocpp-ca.pem"
[ "$(note classical 's.notes.certificateSigned.ok && !s.notes.certificateSigned.pqcCertificateChain')" = true ] &&
  ok "classical: classical-only chain verified by openssl verify against fleet/ocpp-ca.pem ($(note classical 's.notes.certificateSigned.opensslVerify'))" ||
  bad "classical: $(note classical 'JSON.stringify(s.notes.certificateSigned)')"
got=$(db hybrid "SELECT kind, type FROM ocpp_events WHERE station_id = 'CLASSIC-1' ORDER BY seq")
[ "$got" = "connection|ws,csms-security|PqcDowngradeAttempt,boot|Accepted,transaction|Started,transaction|Ended,certificate|Issued,certificate|Accepted" ] &&
  ok "classical: stored: downgrade reported, Accepted, transaction, classical certificate issued and accepted" || bad "classical: stored events $got"

echo "== 2. pqc station (attestation)"
peer pqc --id PQC-1 --scenario pqc --cert "$f/dev/pqc-1.pem" --evidence-cmd "$evidence"
[ "$(note pqc 's.notes.bootStatuses.join()')" = Pending,Accepted ] && ok "pqc: Pending, then Accepted after affirming evidence" ||
  bad "pqc: boots $(note pqc 's.notes.bootStatuses.join()')"
[ "$(db hybrid "SELECT boot_status, attestation FROM ocpp_stations WHERE id = 'PQC-1'")" = "Accepted|affirming" ] &&
  ok "pqc: stored Accepted, affirming" || bad "pqc: stored $(db hybrid "SELECT * FROM ocpp_stations WHERE id = 'PQC-1'")"
peer flipped --id PQC-3 --scenario pqc --cert "$f/dev/pqc-3.pem" --expect-attestation rejected \
  --evidence-cmd "$evidence && $FLIP_BIT {out_file} \$((\$(stat -c %s {out_file}) - 20))"
[ "$(note flipped 's.notes.bootStatuses.join()')" = Pending,Rejected ] &&
  ok "flipped: evidence signature bit flipped -> $(note flipped 's.notes.attestationAnswer.data.error'), boot Rejected" ||
  bad "flipped: boots $(note flipped 's.notes.bootStatuses.join()')"
peer other-id --id PQC-2 --scenario pqc --cert "$f/dev/other.pem" --expect-attestation rejected --evidence-cmd "$evidence"
grep -q "PQC-2: attestation refused: certificate_invalid: the device certificate does not name station PQC-2" "$work/hybrid.ours.err" &&
  ok "other-id: certificate for another station id -> certificate_invalid, boot Rejected" ||
  bad "other-id: $(grep PQC-2 "$work/hybrid.ours.err")"

echo "== 3. dual-track CSR"
peer dual --id DUAL-1 --scenario classical --pqc-csr --expect-pqc-chain --csms-ca "$f/fleet/ocpp-ca.pem"
[ "$(note dual 's.notes.certificateSigned.pqc.relatedCertificate && s.notes.certificateSigned.pqc.leafKeyType')" = ml-dsa-87 ] &&
  ok "dual: ML-DSA-87 chain verified by Node crypto, relatedCertificate = SHA-256 of the classical leaf" ||
  bad "dual: $(note dual 'JSON.stringify(s.notes.certificateSigned)')"
peer bad-binding --id DUAL-2 --scenario classical --pqc-csr --bad-binding --expect-sign Rejected
grep -q "DUAL-2: SignCertificate refused: the classical CSR does not bind the ML-DSA key" "$work/hybrid.ours.err" &&
  ok "bad-binding: SignCertificate Rejected (the classical CSR does not bind the ML-DSA key)" ||
  bad "bad-binding: $(grep DUAL-2 "$work/hybrid.ours.err")"

echo "== 5. wrong password"
station wrong-pw --id CLASSIC-9 --scenario classical --password "not-$pw" --expect-refused
[ "$STATION_RC" -eq 0 ] && grep -q "CLASSIC-9: refused: wrong or missing HTTP Basic credentials" "$work/hybrid.ours.err" &&
  ok "wrong-pw: refused at the WebSocket upgrade" || bad "wrong-pw: station_peer exit $STATION_RC; $(grep CLASSIC-9 "$work/hybrid.ours.err")"

echo "== 1 (twin). Required mode"
start_ours required --pqc-mode Required
peer required --id CLASSIC-2 --scenario classical --expect-first-boot Rejected
got=$(db required "SELECT kind, type FROM ocpp_events WHERE station_id = 'CLASSIC-2' ORDER BY seq")
[ "$got" = "connection|ws,csms-security|PqcDowngradeAttempt,boot|Rejected" ] && [ "$(note required 's.notes.bootStatuses.join()')" = Rejected ] &&
  ok "required: the classical station's boot Rejected, PqcDowngradeAttempt stored" ||
  bad "required: boots $(note required 's.notes.bootStatuses.join()'), stored $got"

echo "== 4. firmware campaign"
start_ours firmware --pqc-mode Hybrid --firmware "$f/fw-1.1.0.img" --firmware-version 1.1.0
peer firmware --id FW-1 --scenario firmware --firmware-ca "$f/fleet/ocpp-ca.pem"
[ "$(note firmware 's.notes.classicalSignatureValid && s.notes.firmwareStatuses.join()')" = Downloading,Downloaded,SignatureVerified,Installing,InstallRebooting,Installed ] &&
  [ "$(note firmware 's.notes.image.sha256')" = "$(sha256sum "$f/fw-1.1.0.img" | cut -c1-64)" ] &&
  ok "firmware: the served image's ECDSA signature verified by Node crypto (signer issued by fleet/ocpp-ca.pem), up to Installed" ||
  bad "firmware: $(note firmware 'JSON.stringify([s.notes.firmwareStatuses, s.notes.classicalSignatureValid])')"
# station_peer always boots saying 1.0.0, so the campaign is offered again after its reboot
# and refused (it takes one update per run); the statuses up to Installed are what counts.
got=$(db firmware "SELECT group_concat(type) FROM (SELECT type FROM ocpp_events WHERE station_id = 'FW-1' AND kind = 'firmware' ORDER BY seq)")
case "$got" in Downloading,Downloaded,SignatureVerified,Installing,InstallRebooting,Installed*) ok "firmware: stored statuses $got" ;;
  *) bad "firmware: stored statuses $got" ;; esac
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$f/other-ca.key" -out "$f/other-ca.pem" \
  -subj "/CN=another CA" -days 2 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign > /dev/null 2>&1 ||
  bad "firmware: openssl could not make another CA"
peer fw-other-ca --id FW-2 --scenario firmware --firmware-ca "$f/other-ca.pem" --expect-update InvalidCertificate
got=$(db firmware "SELECT kind, type FROM ocpp_events WHERE station_id = 'FW-2' AND kind IN ('firmware', 'security') ORDER BY seq")
[ "$got" = "firmware|InvalidCertificate,security|InvalidFirmwareSigningCertificate" ] &&
  ok "fw-other-ca: signer not from the trusted CA -> UpdateFirmware InvalidCertificate + InvalidFirmwareSigningCertificate stored" ||
  bad "fw-other-ca: stored $got"

echo "== 6. root certificates from the CSMS's operator (M03-M05), profile 2"
# The CSMS's TLS certificate and a new root (P-256, openssl), an expired root (openssl ca with
# explicit dates), the new root's ML-DSA-87 twin (another fleet's CA) and a copy of it with a
# flipped signature bit (the last bytes of the DER are the signature).
r=$work/roots
mkdir -p "$r"
printf '[ca]\ndefault_ca = c\n[c]\ndatabase = %s/index.txt\nnew_certs_dir = %s\nserial = %s/serial\ndefault_md = sha256\npolicy = p\ncopy_extensions = copy\nunique_subject = no\n[p]\ncommonName = supplied\n' \
  "$r" "$r" "$r" > "$r/ca.cnf"
touch "$r/index.txt"
echo 01 > "$r/serial"
{ openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$r/tls.key" -out "$r/tls.pem" \
    -subj /CN=127.0.0.1 -days 2 -addext subjectAltName=IP:127.0.0.1 &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$r/new-root.key" -out "$r/new-root.pem" \
    -subj "/CN=operator new root" -days 30 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign &&
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$r/old.key" -out "$r/old.csr" \
    -subj "/CN=expired root" -addext basicConstraints=critical,CA:TRUE &&
  openssl ca -batch -config "$r/ca.cnf" -selfsign -keyfile "$r/old.key" -in "$r/old.csr" -out "$r/old.pem" \
    -startdate 20200101000000Z -enddate 20210101000000Z -notext &&
  "$pqcea" fleet-init --out "$r/fleet2" &&
  openssl x509 -in "$r/fleet2/ca.pem" -outform DER -out "$r/pqc-root.der" && cp "$r/pqc-root.der" "$r/broken.der" &&
  "$FLIP_BIT" "$r/broken.der" $(($(stat -c %s "$r/broken.der") - 10)) &&
  openssl x509 -inform DER -in "$r/broken.der" -out "$r/broken.pem"; } > "$work/roots-fixtures.log" 2>&1 ||
  { cat "$work/roots-fixtures.log"; bad "roots: fixtures"; }
# op ARGS...: the operator's command against our CSMS; its JSON answer in $work/op.json, exit in OP_RC.
op() { "$pqcea" ocpp "$@" --server "$ADMIN" --fleet "$f/fleet" > "$work/op.json" 2> "$work/op.err"; OP_RC=$?; }
opj() { json "$work/op.json" "$1"; }
# bg_peer NAME ARGS...: station_peer in the background (the operator drives it); PEER_PID.
bg_peer() {
  local name=$1
  shift
  station "$name" --password "$pw" "$@" &
  PEER_PID=$!
  for _ in $(seq 100); do
    op stations
    [ "$(opj "s.stations.some((x) => x.boot === 'Accepted')")" = true ] && return 0
    sleep 0.1
  done
  bad "$name: station_peer did not boot"
}
CSMS_ENV="OPENSSL_CONF=$provider_cnf" start_ours tls --pqc-mode Hybrid --tls-cert "$r/tls.pem" --tls-key "$r/tls.key"
STATION_URL="wss://127.0.0.1:$PORT/ocpp" bg_peer roots --id ROOTS-1 --scenario roots --tls-ca "$r/tls.pem" --csms-ca "$f/fleet/ocpp-ca.pem"
op stations
[ "$(opj 's.stations.map((x) => [x.id, x.securityProfile, x.tls].join()).join()')" = "ROOTS-1,2,TLSv1.3 X25519MLKEM768" ] &&
  ok "roots: the operator sees ROOTS-1 on security profile 2, TLSv1.3 X25519MLKEM768 (ocpp-rpc on Node 24)" ||
  bad "roots: stations $(cat "$work/op.json")"
op certificates --station ROOTS-1
want_first=$("$NODE" -e 'const L = require(process.argv[1]); console.log(L.rootHashData(require("fs").readFileSync(process.argv[2], "utf8")).serialNumber)' \
  "$HARNESS_PEERS/lib.js" "$f/fleet/ocpp-ca.pem")
[ $OP_RC -eq 0 ] && [ "$(opj 's.answer.certificateHashDataChain.map((c) => c.certificateHashData.serialNumber).join()')" = "$want_first" ] &&
  ok "roots: GetInstalledCertificateIds lists the station's CSMS root" || bad "roots: certificates exit $OP_RC: $(cat "$work/op.json")"
op install-root --station ROOTS-1 --cert "$r/new-root.pem" --pqc-cert "$r/fleet2/ca.pem"
[ $OP_RC -eq 0 ] && [ "$(opj 's.answer.status')" = Accepted ] &&
  ok "roots: InstallCertificate with the ML-DSA-87 twin in customData Accepted (station_peer verified it with Node crypto)" ||
  bad "roots: install exit $OP_RC: $(cat "$work/op.json" "$work/op.err")"
op certificates --station ROOTS-1 --type CSMSRootCertificate
want_pqc=$("$NODE" -e 'const L = require(process.argv[1]); console.log(L.rootHashData(require("fs").readFileSync(process.argv[2], "utf8")).issuerKeyHash)' \
  "$HARNESS_PEERS/lib.js" "$r/fleet2/ca.pem")
[ "$(opj 's.answer.certificateHashDataChain.length + "," + s.answer.certificateHashDataChain[1].customData.pqcCertificateHashData.issuerKeyHash')" = "2,$want_pqc" ] &&
  ok "roots: both roots listed, the new one with pqcCertificateHashData of the ML-DSA-87 root" ||
  bad "roots: certificates $(cat "$work/op.json")"
op install-root --station ROOTS-1 --cert "$r/old.pem"
[ $OP_RC -eq 1 ] && [ "$(opj 's.answer.status')" = Rejected ] && ok "roots: an expired root -> Rejected by the station (exit 1)" ||
  bad "roots: expired root exit $OP_RC: $(cat "$work/op.json")"
op install-root --station ROOTS-1 --cert "$r/new-root.pem" --pqc-cert "$r/broken.pem"
[ $OP_RC -eq 1 ] && grep -q "pqcCertificate" "$work/op.json" && ok "roots: an ML-DSA twin with a flipped signature bit -> refused by our CSMS, never sent ($(opj 's.error'))" ||
  bad "roots: broken twin exit $OP_RC: $(cat "$work/op.json")"
op delete-certificate --station ROOTS-1 --cert "$r/new-root.pem"
[ $OP_RC -eq 0 ] && [ "$(opj 's.answer.status')" = Accepted ] && ok "roots: DeleteCertificate of the new root Accepted" ||
  bad "roots: delete exit $OP_RC: $(cat "$work/op.json")"
op delete-certificate --station ROOTS-1 --cert "$r/new-root.pem"
[ $OP_RC -eq 1 ] && [ "$(opj 's.answer.status')" = NotFound ] && ok "roots: deleting it again -> NotFound (exit 1)" ||
  bad "roots: second delete exit $OP_RC: $(cat "$work/op.json")"
op certificates --station NOBODY
[ $OP_RC -eq 1 ] && grep -q "not connected" "$work/op.json" && ok "roots: a station that is not connected -> 404" || bad "roots: NOBODY exit $OP_RC"
mkdir -p "$r/badtok" && echo "not-the-token" > "$r/badtok/admin.token"
"$pqcea" ocpp stations --server "$ADMIN" --fleet "$r/badtok" > "$work/op.json" 2> /dev/null
[ $? -eq 1 ] && grep -q "admin token required" "$work/op.json" && ok "roots: a wrong admin token -> 401" || bad "roots: wrong token $(cat "$work/op.json")"
op trigger --station ROOTS-1 --message Heartbeat
wait "$PEER_PID"
s=$work/roots.station.json
[ "$(json "$s" 's.ok && s.validationErrors.length === 0 && s.badMessages.length === 0')" = true ] &&
  [ "$(json "$s" 's.notes.rootCalls.map((c) => c.action.replace(/Certificate.*/, "") + ":" + c.answer).join()')" = \
    "GetInstalled:Accepted,Install:Accepted,GetInstalled:Accepted,Install:Rejected,Delete:Accepted,Delete:NotFound" ] &&
  [ "$(json "$s" 's.notes.pqcRootKeyType')" = ml-dsa-87 ] &&
  ok "roots: station_peer ok, 0 validation errors; the calls it saw: $(json "$s" 's.notes.rootCalls.map((c) => c.action + " " + c.answer).join(", ")')" ||
  bad "roots: station_peer $(json "$s" 'JSON.stringify({ok: s.ok, calls: s.notes.rootCalls, v: s.validationErrors, failed: s.expectations.filter((e) => !e.ok)})')"
got=$(db tls "SELECT type || ':' || detail FROM ocpp_events WHERE station_id = 'ROOTS-1' AND kind = 'admin' ORDER BY seq")
[ "$got" = "GetInstalledCertificateIds:Accepted,InstallCertificate:Accepted,GetInstalledCertificateIds:Accepted,InstallCertificate:Rejected,DeleteCertificate:Accepted,DeleteCertificate:NotFound,TriggerMessage:Accepted" ] &&
  ok "roots: every operator call stored with the station's answer" || bad "roots: stored $got"

echo "== 6 (twin). certificate operations over security profile 1"
start_ours roots-ws --pqc-mode Hybrid
bg_peer roots-ws --id ROOTS-2 --scenario roots --csms-ca "$f/fleet/ocpp-ca.pem"
op install-root --station ROOTS-2 --cert "$r/new-root.pem" --pqc-cert "$r/fleet2/ca.pem"
[ $OP_RC -eq 1 ] && grep -q "security profile 1" "$work/op.json" && ok "roots-ws: InstallCertificate over profile 1 refused by our CSMS (409)" ||
  bad "roots-ws: exit $OP_RC: $(cat "$work/op.json")"
op delete-certificate --station ROOTS-2 --cert "$f/fleet/ocpp-ca.pem"
[ $OP_RC -eq 1 ] && grep -q "security profile 1" "$work/op.json" && ok "roots-ws: DeleteCertificate over profile 1 refused by our CSMS (409)" ||
  bad "roots-ws: delete exit $OP_RC: $(cat "$work/op.json")"
op trigger --station ROOTS-2 --message Heartbeat
wait "$PEER_PID"
[ "$(json "$work/roots-ws.station.json" 's.ok && s.notes.rootCalls.length')" = 0 ] &&
  ok "roots-ws: the station saw no certificate call" || bad "roots-ws: $(json "$work/roots-ws.station.json" 'JSON.stringify(s.notes.rootCalls)')"
got=$(db roots-ws "SELECT type || ':' || detail FROM ocpp_events WHERE station_id = 'ROOTS-2' AND kind = 'csms-security' AND type = 'CertificateOperationRefused'")
[ "$got" = "CertificateOperationRefused:InstallCertificate over security profile 1,CertificateOperationRefused:DeleteCertificate over security profile 1" ] &&
  ok "roots-ws: both refusals stored as CertificateOperationRefused" || bad "roots-ws: stored $got"

echo "== 7. security profile 3: client certificates, evidence bound to the TLS exporter"
for id in PQC-P3 PQC-P4; do
  "$pqcea" ca issue --fleet "$f/fleet" --pubkey "$f/dev/device.pub.pem" --station "$id" --out "$f/dev/$id.pem" > /dev/null ||
    bad "profile 3: device certificate for $id"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$r/$id.key" -out "$r/$id.csr" \
    -subj "/CN=$id" > /dev/null 2>&1 &&
    openssl x509 -req -in "$r/$id.csr" -CA "$f/fleet/ocpp-ca.pem" -CAkey "$f/fleet/ocpp-ca.key.pem" -CAcreateserial \
      -days 2 -out "$r/$id.pem" > /dev/null 2>&1 || bad "profile 3: client certificate for $id"
done
CSMS_ENV="OPENSSL_CONF=$provider_cnf" start_ours mtls --pqc-mode Required --tls-cert "$r/tls.pem" --tls-key "$r/tls.key" \
  --tls-client-ca "$f/fleet/ocpp-ca.pem" --require-pqc-kex
STATION_URL="wss://127.0.0.1:$PORT/ocpp" peer mtls --id PQC-P3 --scenario pqc --cert "$f/dev/PQC-P3.pem" --evidence-cmd "$evidence" \
  --tls-ca "$r/tls.pem" --client-cert "$r/PQC-P3.pem" --client-key "$r/PQC-P3.key"
[ "$(note mtls 's.notes.bootStatuses.join() + " " + (s.notes.tls.exporter.length === 64)')" = "Pending,Accepted true" ] &&
  ok "mtls: Pending, then Accepted: the EAT nonce bound Node's TLS exporter value ($(note mtls 's.notes.tls.protocol'))" ||
  bad "mtls: $(note mtls 'JSON.stringify([s.notes.bootStatuses, s.notes.tls])')"
got=$(db mtls "SELECT detail FROM ocpp_events WHERE station_id = 'PQC-P3' AND kind = 'connection' AND type = 'wss'")
case "$got" in "TLSv1.3 X25519MLKEM768"*) ok "mtls: stored as $got" ;; *) bad "mtls: connection stored as '$got'" ;; esac
STATION_URL="wss://127.0.0.1:$PORT/ocpp" peer unbound --id PQC-P4 --scenario pqc --cert "$f/dev/PQC-P4.pem" --evidence-cmd "$evidence" \
  --tls-ca "$r/tls.pem" --client-cert "$r/PQC-P4.pem" --client-key "$r/PQC-P4.key" --no-exporter --expect-attestation rejected
[ "$(note unbound 's.notes.bootStatuses.join() + " " + s.notes.attestationAnswer.data.error')" = "Pending,Rejected nonce_unknown" ] &&
  ok "unbound: evidence whose nonce leaves out the TLS exporter -> nonce_unknown, boot Rejected" ||
  bad "unbound: $(note unbound 'JSON.stringify([s.notes.bootStatuses, s.notes.attestationAnswer])')"
STATION_URL="wss://127.0.0.1:$PORT/ocpp" station other-cn --id PQC-P3 --scenario pqc --cert "$f/dev/PQC-P3.pem" \
  --evidence-cmd "$evidence" --tls-ca "$r/tls.pem" --client-cert "$r/PQC-P4.pem" --client-key "$r/PQC-P4.key" --expect-refused
[ "$STATION_RC" -eq 0 ] && grep -q "PQC-P3: refused: the client certificate names 'PQC-P4'" "$work/mtls.ours.err" &&
  ok "other-cn: PQC-P4's client certificate at /ocpp/PQC-P3 refused at the upgrade" ||
  bad "other-cn: station_peer exit $STATION_RC; $(grep 'PQC-P3: refused' "$work/mtls.ours.err")"
stop_ours

[ $fail -eq 0 ] && echo "PASS: our OCPP CSMS against station_peer (ocpp-rpc strict): classical, attestation, dual-track CSR, firmware, password, operator root certificates over wss, profile 3 with exporter-bound evidence, each with its failure twin"
exit $fail
