#!/usr/bin/env bash
# OCPP 2.0.1 against the Python `ocpp` package (mobilityhouse; tests/ocpp/peers/python_peer.py),
# a second independent implementation that validates every message it sends and receives against
# the official schemas. It is classical (no extension): what a classical peer sees.
#   1. our CSMS (Hybrid) <- a Python station: boot Accepted, Heartbeat, StatusNotification,
#      TransactionEvent Started (idToken Accepted) / Ended, SignCertificate Accepted and a
#      CertificateSigned chain that `openssl verify` accepts against fleet/ocpp-ca.pem; no CALLERROR
#      either way. Twin: our CSMS in Required mode answers its boot Rejected.
#   2. our station (Hybrid) -> a Python CSMS: boot Accepted (our customData ignored, as the spec
#      says), a charging session, our SecurityEventNotification PqcDowngradeAttempt; no CALLERROR
#      either way. Twin: our station in Required mode refuses that CSMS (PqcDowngradeAttempt) and
#      starts no charging session.
# Usage: python_peers.sh PQCEA. Exit 77 (1 under CI=true) if the Python peers are not installed.
set -u
PQCEA=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../support/peers.sh"
peers_python
PEER=$here/peers/python_peer.py
W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null; done; wait 2> /dev/null; rm -rf "$W"' EXIT
cd "$W"
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
js() { "$PY" -c "import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }
echo "peer: Python ocpp $PY_OCPP"

"$PQCEA" fleet-init --out fleet > /dev/null && "$PQCEA" image keygen --out img.key --pub img.pub > /dev/null ||
  { bad "fixtures"; exit 1; }
head -c 20000 /dev/urandom > fw.bin
echo "python-peer-password-$RANDOM" > pw.txt
cat > policy.json << JSON
{"version": 1, "models": {"PQCEA-AC22": {"min_swversion": "1.0.0", "allow_debug": false, "require_tpm": false,
 "firmware": {"1.0.0": {"components": {"app": {"alg": "sha-256", "digest": "$(sha256sum fw.bin | cut -c1-64)"}}}}}}}
JSON
"$PQCEA" policy sign policy.json --fleet fleet --out policy.signed.json > /dev/null

# csms MODE: our CSMS in the background; sets PORT.
csms() {
  "$PQCEA" csms --listen 127.0.0.1:0 --fleet fleet --db "sqlite:$1.db" --pqc-mode "$1" --password-file pw.txt \
    --policy policy.signed.json > "$1.csms.out" 2> "$1.csms.err" &
  PIDS+=($!)
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's|^csms listening on ws://127.0.0.1:\([0-9]*\)/ocpp$|\1|p' "$1.csms.out")
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  bad "our CSMS did not start"
  exit 1
}

echo "== 1. our CSMS <- the Python station"
csms Hybrid
timeout 60 "$PY" "$PEER" station --url "ws://127.0.0.1:$PORT/ocpp" --id PY-ST-1 --password "$(cat pw.txt)" \
  --ca fleet/ocpp-ca.pem --out st.json 2> st.err
rc=$?
a=$(js st.json 's["answers"]')
echo "    answers: $a"
[ $rc -eq 0 ] && [ "$a" = "{'BootNotification': 'Accepted', 'Heartbeat': True, 'TransactionEventStarted': 'Accepted', 'SignCertificate': 'Accepted', 'CertificateSignedVerified': True}" ] &&
  ok "Python station: Accepted, transaction, classical certificate verified by openssl, no CALLERROR" ||
  { bad "Python station (exit $rc): errors $(js st.json 's["errors"]') $(js st.json 's["notes"]')"; tail -3 st.err Hybrid.csms.err; }
csms Required
timeout 60 "$PY" "$PEER" station --url "ws://127.0.0.1:$PORT/ocpp" --id PY-ST-2 --password "$(cat pw.txt)" \
  --ca fleet/ocpp-ca.pem --out st2.json 2> st2.err
[ "$(js st2.json 's["answers"]')" = "{'BootNotification': 'Rejected'}" ] && [ "$(js st2.json 'len(s["errors"])')" = 0 ] &&
  ok "twin: our CSMS in Required mode rejects the classical station's boot" || bad "Required CSMS: $(js st2.json 's')"

echo "== 2. our station -> the Python CSMS"
# peer_csms NAME: the Python CSMS in the background; sets PORT.
peer_csms() {
  timeout 90 "$PY" "$PEER" csms --port 0 --timeout 30 --out "$1.json" > "$1.out" 2> "$1.err" &
  PIDS+=($!)
  PEER_PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$1.out")
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  bad "the Python CSMS did not start"
  cat "$1.err"
  exit 1
}
charger() {
  "$PQCEA" charger --csms "ws://127.0.0.1:$PORT/ocpp" --fleet fleet --stations 1 --firmware fw.bin --image-pub img.pub \
    --until boot --quiet "$@" > charger.out 2> charger.err
}
peer_csms hybrid
charger --id-prefix PY-A- --pqc-mode Hybrid --hold 2 --timeout 20
wait "$PEER_PID"
rc=$?
actions=$(js hybrid.json '",".join(sorted(set(m["action"] for m in s["received"])))')
events=$(js hybrid.json '",".join(m["payload"]["type"] for m in s["received"] if m["action"] == "SecurityEventNotification")')
echo "    the Python CSMS received: $actions; security events: $events"
[ $rc -eq 0 ] && grep -q "accepted 1" charger.out && case ",$actions," in *,TransactionEvent,*) true ;; *) false ;; esac &&
  case ",$events," in *,PqcDowngradeAttempt,*) true ;; *) false ;; esac &&
  ok "our Hybrid station: Accepted by the Python CSMS, a charging session, PqcDowngradeAttempt reported, no CALLERROR" ||
  { bad "our station vs the Python CSMS (exit $rc): $(tail -1 charger.out) errors $(js hybrid.json 's["errors"]')"; tail -3 hybrid.err; }
peer_csms required
charger --id-prefix PY-R- --pqc-mode Required --timeout 4
wait "$PEER_PID"
actions=$(js required.json '",".join(sorted(set(m["action"] for m in s["received"])))')
events=$(js required.json '",".join(m["payload"]["type"] for m in s["received"] if m["action"] == "SecurityEventNotification")')
[ "$(js required.json 'len(s["errors"])')" = 0 ] && case ",$events," in *,PqcDowngradeAttempt,*) true ;; *) false ;; esac &&
  case ",$actions," in *,TransactionEvent,*) false ;; *) true ;; esac &&
  ok "twin: our Required station refuses the classical CSMS (PqcDowngradeAttempt, no charging session)" ||
  bad "our Required station: actions $actions, events $events, errors $(js required.json 's["errors"]')"

[ $fail -eq 0 ] && echo "PASS: OCPP both ways against the Python ocpp package $PY_OCPP"
exit $fail
