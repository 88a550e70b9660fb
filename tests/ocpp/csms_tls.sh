#!/usr/bin/env bash
# OCPP security profile 3 with post-quantum key exchange (docs/ocpp.md "Security profiles"):
# `pqcea csms` on wss:// with --tls-client-ca and --require-pqc-kex, the pqcea provider loaded
# through OPENSSL_CONF (hybrid groups first).
#   1. 5 simulated stations (client certificates CN = station id): boot, attest with evidence bound
#      to the TLS exporter, certificates, firmware; every connection stored as TLSv1.3 X25519MLKEM768.
#      A03 on profile 3: --renew-days 400 against the 365-day factory certificates makes every
#      station renew (the CSMS issues for 730 days, so once); each station then reconnects with
#      the renewed certificate, and the CSMS's record of the client certificate of that later
#      connection is the serial it issued, not the factory one.
#   2. Node 24 (OpenSSL 3.5, an independent TLS stack) negotiates X25519MLKEM768 with the CSMS,
#      presents a client certificate for CS-NODE and is upgraded at /ocpp/CS-NODE (101); the
#      same certificate at /ocpp/CS-OTHER is refused (403, A00.FR.405).
#   3. A station offering only X25519 is refused and a PqcDowngradeAttempt is stored; a station
#      without a client certificate never boots.
# Usage: csms_tls.sh PQCEA PROVIDER_CNF
set -u
PQCEA=$(realpath "$1")
export OPENSSL_CONF=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../support/peers.sh"
peers_node24
command -v sqlite3 > /dev/null || { echo "FAIL: the sqlite3 CLI is needed"; exit 1; }
W=$(mktemp -d)
CSMS_PID=""
trap '[ -n "$CSMS_PID" ] && kill $CSMS_PID 2> /dev/null; wait 2> /dev/null; rm -rf "$W"' EXIT
cd "$W"
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

"$PQCEA" fleet-init --out fleet --tls > /dev/null && "$PQCEA" image keygen --out img.key --pub img.pub > /dev/null ||
  { bad "fixtures"; exit 1; }
head -c 40000 /dev/urandom > fw-1.0.0.bin
cat > policy.json << JSON
{"version": 1, "models": {"PQCEA-AC22": {"min_swversion": "1.0.0", "allow_debug": false, "require_tpm": false,
 "firmware": {"1.0.0": {"components": {"app": {"alg": "sha-256", "digest": "$(sha256sum fw-1.0.0.bin | cut -c1-64)"}}}}}}}
JSON
"$PQCEA" policy sign policy.json --fleet fleet --out policy.signed.json > /dev/null
"$PQCEA" csms --listen 127.0.0.1:0 --fleet fleet --db sqlite:csms.db --policy policy.signed.json \
  --tls-cert fleet/tls.pem --tls-key fleet/tls.key.pem --tls-client-ca fleet/ocpp-ca.pem --require-pqc-kex \
  --certificate-days 730 \
  > csms.out 2> csms.err &
CSMS_PID=$!
PORT=""
for _ in $(seq 100); do
  PORT=$(sed -n 's|^csms listening on wss://127.0.0.1:\([0-9]*\)/ocpp$|\1|p' csms.out)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { cat csms.err; bad "the CSMS did not start"; exit 1; }
charger() {
  "$PQCEA" charger --csms "wss://127.0.0.1:$PORT/ocpp" --fleet fleet --firmware fw-1.0.0.bin --image-pub img.pub \
    --tls-ca fleet/tls.pem --quiet "$@" > charger.out 2> charger.err
  CHARGER_RC=$?
  line=$(tail -1 charger.out)
}

echo "== 1. profile 3, hybrid key exchange, evidence bound to the TLS exporter"
charger --stations 5 --client-certificates --renew-days 400 --id-prefix T- --timeout 60
want="charger: stations 5, accepted 5, refused 0, attested 5, certificates 5, firmware updated 0, lost: 0"
[ "$line" = "$want" ] && ok "$line" || { bad "profile 3: '$line'"; tail -5 charger.err csms.err; }
n=$(sqlite3 csms.db "SELECT COUNT(DISTINCT station_id) FROM ocpp_events WHERE kind = 'connection' AND detail = 'TLSv1.3 X25519MLKEM768' AND station_id LIKE 'T-%'")
[ "$n" = 5 ] && ok "5 stations stored as connected over TLSv1.3 X25519MLKEM768" || bad "X25519MLKEM768 connections: $n"
# Per station: the first client certificate (factory), the last one, and what the CSMS issued.
renewed=0
for id in $(sqlite3 csms.db "SELECT id FROM ocpp_stations WHERE id LIKE 'T-%' ORDER BY id"); do
  first=$(sqlite3 csms.db "SELECT detail FROM ocpp_events WHERE station_id = '$id' AND kind = 'connection' AND type = 'client-certificate' ORDER BY seq LIMIT 1")
  last=$(sqlite3 csms.db "SELECT detail FROM ocpp_events WHERE station_id = '$id' AND kind = 'connection' AND type = 'client-certificate' ORDER BY seq DESC LIMIT 1")
  issued=$(sqlite3 csms.db "SELECT classical_serial FROM ocpp_stations WHERE id = '$id'")
  if [ -n "$first" ] && [ -n "$issued" ] && [ "$last" = "$issued" ] && [ "$first" != "$issued" ]; then
    renewed=$((renewed + 1))
  else
    bad "$id: factory serial '$first', last presented '$last', issued '$issued'"
  fi
done
[ "$renewed" = 5 ] && ok "5 stations reconnected presenting the certificate the CSMS issued (A03), not the factory one" ||
  bad "renewed certificates presented: $renewed of 5"
grep -q "renewed certificate failed" charger.err && bad "a renewed certificate failed: $(grep 'renewed certificate failed' charger.err)"

echo "== 2. Node 24 (OpenSSL 3.5) as the station's TLS stack"
# The test's own certificate, made by Debian's openssl with its default configuration (not the
# pqcea provider's cnf: in the sanitizer build that module cannot load into a plain process).
openssl() { env -u OPENSSL_CONF openssl "$@"; }
openssl ecparam -name prime256v1 -genkey -noout -out node.key 2> /dev/null
openssl req -new -key node.key -subj "/O=PQCEA Charging/CN=CS-NODE" -out node.csr 2> /dev/null
openssl x509 -req -in node.csr -CA fleet/ocpp-ca.pem -CAkey fleet/ocpp-ca.key.pem -CAcreateserial -days 1 \
  -out node.pem 2> /dev/null || bad "openssl x509 -req (the test's own client certificate)"
cat > upgrade.js << 'JS'
// A WebSocket upgrade over TLS with Node's own stack: prints the negotiated group and the status line.
const tls = require('tls'), fs = require('fs');
const [port, id] = process.argv.slice(2);
const s = tls.connect({ host: '127.0.0.1', port: +port, ca: fs.readFileSync('fleet/tls.pem'),
  cert: fs.readFileSync('node.pem'), key: fs.readFileSync('node.key'), ecdhCurve: 'X25519MLKEM768:X25519',
  minVersion: 'TLSv1.3', servername: 'localhost' }, () => {
  const info = s.getEphemeralKeyInfo();
  process.stdout.write(`group ${info.name || info.type} ${s.getProtocol()}\n`);
  s.write(`GET /ocpp/${id} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n\r\n`);
});
s.on('data', d => { process.stdout.write(d.toString().split('\r\n')[0] + '\n'); s.destroy(); });
s.on('error', e => { process.stdout.write(`error ${e.code || e.message}\n`); });
JS
out=$("$NODE" upgrade.js "$PORT" CS-NODE 2>&1)
echo "$out" | sed 's/^/    /'
echo "$out" | grep -q "^group X25519MLKEM768 TLSv1.3$" && echo "$out" | grep -q "^HTTP/1.1 101" &&
  ok "Node 24 negotiated X25519MLKEM768 and was upgraded at /ocpp/CS-NODE" || bad "Node 24 at /ocpp/CS-NODE"
out=$("$NODE" upgrade.js "$PORT" CS-OTHER 2>&1)
echo "$out" | grep -q "^HTTP/1.1 403" && ok "the same client certificate at /ocpp/CS-OTHER: 403" || bad "CN mismatch: $out"

echo "== 3. refusals"
charger --stations 1 --client-certificates --tls-groups X25519 --id-prefix X- --timeout 4
[ "$CHARGER_RC" -ne 0 ] && ok "a station offering only X25519: refused ($line)" || bad "X25519-only station: $line"
n=$(sqlite3 csms.db "SELECT COUNT(*) FROM ocpp_events WHERE kind = 'csms-security' AND type = 'PqcDowngradeAttempt' AND detail = 'TLS key exchange X25519'")
[ "$n" -ge 1 ] && ok "PqcDowngradeAttempt stored ($n)" || bad "no PqcDowngradeAttempt stored: $(sqlite3 csms.db "SELECT * FROM ocpp_events WHERE kind = 'csms-security'")"
charger --stations 1 --id-prefix Y- --timeout 4
n=$(sqlite3 csms.db "SELECT COUNT(*) FROM ocpp_events WHERE station_id LIKE 'Y-%'")
[ "$CHARGER_RC" -ne 0 ] && [ "$n" = 0 ] && ok "a station without a client certificate never boots" || bad "no client certificate: $line, $n events"

[ $fail -eq 0 ] && echo "PASS: OCPP security profile 3 with X25519MLKEM768"
exit $fail
