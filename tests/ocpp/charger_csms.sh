#!/usr/bin/env bash
# OCPP 2.0.1 end to end with the post-quantum dual track (docs/ocpp.md): `pqcea csms` on SQLite and
# `pqcea charger` with 100 stations of the station library.
#   1. 100 stations boot (Pending), attest (ML-DSA-87 EAT over DataTransfer, appraised affirming
#      against a policy whose digests come from sha256sum), are Accepted, get dual-track
#      certificates (P-256 + ML-DSA-87 bound by RFC 9763), take the firmware campaign 1.0.0 ->
#      1.1.0 (classical signature AND the image's ML-DSA-87 signature) and charge once: the closing
#      line counts every outcome and ends `lost: 0`.
#   2. The same with 2 planted bad stations (modified firmware; evidence signed with a key not in
#      its certificate): exactly those 2 refused, the others as in 1.
#   3. A campaign image whose post-quantum signature is broken (classical signature good):
#      InvalidSignature and InvalidFirmwareSignature from every station, nothing installed.
#   4. A wrong HTTP Basic password is refused before the WebSocket opens.
#   5. The same CSMS on PostgreSQL (a throwaway cluster): 20 stations, what it stored read with psql.
#   6. A campaign the operator starts while 10 stations are connected (`pqcea ocpp firmware`
#      against --admin-listen): offered at once to the 10, all updated, lost: 0.
# What the CSMS stored is read back with the sqlite3 CLI.
# Usage: charger_csms.sh PQCEA
set -u
PQCEA=$(realpath "$1")
FLIP_BIT=$(cd "$(dirname "$0")/../support" && pwd)/flip-bit
command -v sqlite3 > /dev/null || { echo "FAIL: the sqlite3 CLI is needed (scripts/bootstrap installs it)"; exit 1; }
W=$(mktemp -d)
CSMS_PID=""
stop_csms() { [ -n "$CSMS_PID" ] && kill "$CSMS_PID" 2> /dev/null && wait "$CSMS_PID" 2> /dev/null; CSMS_PID=""; }
. "$(dirname "$0")/../support/pg.sh"
trap 'stop_csms; pg_stop; rm -rf "$W"' EXIT
cd "$W"
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

# start_csms DB ARGS...: a CSMS in the background; sets PORT.
start_csms() {
  local db=$1
  shift
  "$PQCEA" csms --listen 127.0.0.1:0 --fleet fleet --db "sqlite:$db" --password-file pw.txt "$@" > csms.out 2> csms.err &
  CSMS_PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's|^csms listening on ws://127.0.0.1:\([0-9]*\)/ocpp$|\1|p' csms.out)
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  cat csms.err
  bad "the CSMS did not start"
  exit 1
}
charger() {
  "$PQCEA" charger --csms "ws://127.0.0.1:$PORT/ocpp" --fleet fleet --firmware fw-1.0.0.bin --image-pub img.pub \
    --password-file pw.txt --quiet "$@" > charger.out 2> charger.err
  CHARGER_RC=$?
  line=$(tail -1 charger.out)
}

{ "$PQCEA" fleet-init --out fleet && "$PQCEA" image keygen --out img.key --pub img.pub; } > /dev/null ||
  { bad "fixtures"; exit 1; }
head -c 50000 /dev/urandom > fw-1.0.0.bin
head -c 60000 /dev/urandom > fw-1.1.0.bin
echo "station-password-$RANDOM$RANDOM" > pw.txt
"$PQCEA" image sign --key img.key --version 1.1.0 --counter 2 fw-1.1.0.bin fw-1.1.0.img > /dev/null
cat > policy.json << JSON
{"version": 1, "models": {"PQCEA-AC22": {"min_swversion": "1.0.0", "allow_debug": false, "require_tpm": false,
 "firmware": {"1.0.0": {"components": {"app": {"alg": "sha-256", "digest": "$(sha256sum fw-1.0.0.bin | cut -c1-64)"}}},
              "1.1.0": {"components": {"app": {"alg": "sha-256", "digest": "$(sha256sum fw-1.1.0.bin | cut -c1-64)"}}}}}}}
JSON
"$PQCEA" policy sign policy.json --fleet fleet --out policy.signed.json > /dev/null || { bad "policy sign"; exit 1; }

echo "== 1. 100 stations: boot, attest, certificates, firmware 1.1.0, a charging session"
start_csms csms.db --policy policy.signed.json --firmware fw-1.1.0.img --firmware-version 1.1.0
charger --stations 100 --expect-firmware 1.1.0 --id-prefix A- --timeout 240
echo "    $line"
want="charger: stations 100, accepted 100, refused 0, attested 100, certificates 100, firmware updated 100, lost: 0"
[ "$line" = "$want" ] && [ "$CHARGER_RC" -eq 0 ] && ok "100 stations: every outcome counted, lost: 0" ||
  { bad "100 stations: '$line' (exit $CHARGER_RC)"; head -20 charger.err; }

echo "== 2. 100 stations with 2 planted bad ones"
charger --stations 100 --expect-firmware 1.1.0 --id-prefix B- --bad-firmware 1 --forged 1 --timeout 240
echo "    $line"
want="charger: stations 100, accepted 98, refused 2, attested 98, certificates 98, firmware updated 98, lost: 0"
[ "$line" = "$want" ] && ok "exactly the 2 planted stations refused, lost: 0" || { bad "planted: '$line'"; head -20 charger.err; }
stop_csms
q() { sqlite3 csms.db "$1"; }
[ "$(q "SELECT boot_status || ' ' || attestation FROM ocpp_stations WHERE id = 'B-000099'")" = "Rejected contraindicated" ] &&
  ok "B-000099 (modified firmware): Rejected, contraindicated" || bad "B-000099: $(q "SELECT * FROM ocpp_stations WHERE id = 'B-000099'")"
[ "$(q "SELECT boot_status || ' ' || attestation FROM ocpp_stations WHERE id = 'B-000100'")" = "Rejected signature_invalid" ] &&
  ok "B-000100 (forged evidence): Rejected, signature_invalid" || bad "B-000100: $(q "SELECT * FROM ocpp_stations WHERE id = 'B-000100'")"
n=$(q "SELECT COUNT(*) FROM ocpp_stations WHERE boot_status = 'Accepted' AND attestation = 'affirming' AND firmware_version = '1.1.0' AND classical_serial <> '' AND pqc_serial <> ''")
[ "$n" = 198 ] && ok "stored: 198 stations Accepted, affirming, on 1.1.0, with both certificate serials" || bad "stored stations: $n"
n=$(q "SELECT COUNT(DISTINCT station_id) FROM ocpp_events WHERE kind = 'firmware' AND type = 'Installed'")
[ "$n" = 198 ] && ok "stored: 198 firmware Installed events" || bad "Installed events: $n"
seq=$(q "SELECT group_concat(type, ',') FROM (SELECT type FROM ocpp_events WHERE station_id = 'A-000001' AND kind = 'firmware' ORDER BY seq)")
[ "$seq" = "Downloading,Downloaded,SignatureVerified,Installing,InstallRebooting,Installed" ] &&
  ok "A-000001 firmware statuses: $seq" || bad "A-000001 firmware statuses: $seq"
n=$(q "SELECT COUNT(*) FROM ocpp_events WHERE kind = 'csms-security' AND type = 'AttestationFailed'")
[ "$n" = 2 ] && ok "stored: 2 AttestationFailed security events" || bad "AttestationFailed events: $n"

echo "== 3. a campaign image whose post-quantum signature is broken (the classical one is good)"
cp fw-1.1.0.img fw-badpqc.img
"$FLIP_BIT" fw-badpqc.img $(($(stat -c %s fw-badpqc.img) - 100))
start_csms bad.db --policy policy.signed.json --firmware fw-badpqc.img --firmware-version 1.1.0
charger --stations 5 --id-prefix C- --timeout 60
echo "    $line"
sleep 1
stop_csms
q() { sqlite3 bad.db "$1"; }
n=$(q "SELECT COUNT(DISTINCT station_id) FROM ocpp_events WHERE kind = 'firmware' AND type = 'InvalidSignature'")
m=$(q "SELECT COUNT(DISTINCT station_id) FROM ocpp_events WHERE kind = 'security' AND type = 'InvalidFirmwareSignature'")
i=$(q "SELECT COUNT(*) FROM ocpp_events WHERE kind = 'firmware' AND type IN ('SignatureVerified', 'Installed')")
[ "$n" = 5 ] && [ "$m" = 5 ] && [ "$i" = 0 ] && ok "5 stations: InvalidSignature + InvalidFirmwareSignature, nothing installed" ||
  bad "broken PQC signature: InvalidSignature $n, InvalidFirmwareSignature $m, verified/installed $i"

echo "== 4. a wrong password"
start_csms pw.db --policy policy.signed.json
echo "not-the-password-000" > pw.txt
charger --stations 1 --id-prefix D- --timeout 5
stop_csms
[ "$CHARGER_RC" -ne 0 ] && grep -q "D-000001: refused: wrong or missing HTTP Basic credentials" csms.err &&
  ok "wrong password: the WebSocket upgrade is refused (401), the station never boots" || bad "wrong password: $line"

echo "== 5. PostgreSQL"
echo "station-password-$RANDOM$RANDOM" > pw.txt
pg_start
url=$(pg_createdb csms)
"$PQCEA" csms --listen 127.0.0.1:0 --fleet fleet --db "$url" --password-file pw.txt --policy policy.signed.json \
  --firmware fw-1.1.0.img --firmware-version 1.1.0 > csms.out 2> csms.err &
CSMS_PID=$!
for _ in $(seq 100); do
  PORT=$(sed -n 's|^csms listening on ws://127.0.0.1:\([0-9]*\)/ocpp$|\1|p' csms.out)
  [ -n "$PORT" ] && break
  sleep 0.1
done
charger --stations 20 --expect-firmware 1.1.0 --id-prefix G- --timeout 120
stop_csms
want="charger: stations 20, accepted 20, refused 0, attested 20, certificates 20, firmware updated 20, lost: 0"
[ "$line" = "$want" ] && ok "PostgreSQL: $line" || { bad "PostgreSQL: '$line'"; tail -5 csms.err; }
n=$(pg_psql csms -tAc \
  "SELECT COUNT(*) FROM ocpp_stations WHERE attestation = 'affirming' AND firmware_version = '1.1.0' AND pqc_serial <> ''")
[ "$n" = 20 ] && ok "PostgreSQL: 20 stations stored affirming, on 1.1.0, with ML-DSA certificates" || bad "PostgreSQL stations: $n"

echo "== 6. a firmware campaign started by the operator"
start_csms live.db --policy policy.signed.json --admin-listen 127.0.0.1:0
admin=$(sed -n 's|^csms operator interface on \(http://127.0.0.1:[0-9]*\)/admin$|\1|p' csms.out)
charger --stations 10 --expect-firmware 1.1.0 --id-prefix L- --timeout 120 &
charger_pid=$!
accepted=0
for _ in $(seq 300); do
  accepted=$("$PQCEA" ocpp stations --server "$admin" --fleet fleet 2> /dev/null | grep -o '"boot":"Accepted"' | wc -l)
  [ "$accepted" = 10 ] && break
  sleep 0.2
done
"$PQCEA" ocpp firmware --server "$admin" --fleet fleet --image fw-1.1.0.img --version 1.1.0 > campaign.json 2> campaign.err
campaign_rc=$?
wait "$charger_pid"
CHARGER_RC=$?
line=$(tail -1 charger.out)
stop_csms
grep -q '"offered":10' campaign.json && [ $campaign_rc -eq 0 ] && ok "operator campaign: offered to the 10 connected stations ($(cat campaign.json))" ||
  bad "operator campaign: exit $campaign_rc, $(cat campaign.json campaign.err), $accepted accepted before"
want="charger: stations 10, accepted 10, refused 0, attested 10, certificates 10, firmware updated 10, lost: 0"
[ "$line" = "$want" ] && [ "$CHARGER_RC" -eq 0 ] && ok "operator campaign: $line" || { bad "operator campaign: '$line'"; tail -5 charger.err; }
n=$(sqlite3 live.db "SELECT COUNT(DISTINCT station_id) FROM ocpp_events WHERE kind = 'firmware' AND type = 'Installed'")
[ "$n" = 10 ] && ok "operator campaign: 10 Installed events stored" || bad "operator campaign: Installed events $n"

[ $fail -eq 0 ] && echo "PASS: OCPP CSMS + 100 stations with the post-quantum dual track"
exit $fail
