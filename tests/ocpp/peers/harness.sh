# Shell helpers for tests that run the OCPP peers (csms_peer.js, station_peer.js). Sourcing it
# finds the pinned Node 24 and ocpp-rpc (tests/support/peers.sh: exit 77, or 1 under CI=true, if
# missing), makes the scratch folder $work and sets FLIP_BIT (tests/support/flip-bit). Then:
#   start_csms NAME ARGS...   csms_peer in the background, summary $work/NAME.csms.json; sets PORT
#   wait_csms                 its exit status into CSMS_RC
#   station NAME ARGS...      station_peer against ${STATION_URL:-ws://127.0.0.1:$PORT/ocpp}, summary
#                             $work/NAME.station.json; exit status into STATION_RC
#   both_pass NAME            both exited 0, both summaries ok with no validation error
#   json FILE EXPR            EXPR evaluated (node) on the summary `s`
#   ok MSG / bad MSG          report lines; bad sets fail=1
#   harness_cleanup           for `trap harness_cleanup EXIT`
HARNESS_PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HARNESS_PEERS/../../support/peers.sh"
peers_node24
peers_package ocpp-rpc
FLIP_BIT=$(cd "$HARNESS_PEERS/../../support" && pwd)/flip-bit
work=$(mktemp -d)
csms_pid=""
# harness_cleanup: stops a csms_peer still running and removes $work (for `trap ... EXIT`).
harness_cleanup() {
  if [ -n "$csms_pid" ]; then kill "$csms_pid" 2>/dev/null; wait "$csms_pid" 2>/dev/null; fi
  rm -rf "$work"
}
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

# start_csms NAME ARGS...: csms_peer in the background (summary $work/NAME.csms.json); sets PORT.
start_csms() {
  local name=$1
  shift
  "$NODE" "$HARNESS_PEERS/csms_peer.js" --port 0 --timeout 60 --out "$work/$name.csms.json" "$@" \
    > "$work/$name.csms.out" 2> "$work/$name.csms.err" &
  csms_pid=$!
  PORT=""
  for _ in $(seq 200); do
    PORT=$(awk '/^listening [0-9]+$/ {print $2}' "$work/$name.csms.out" 2>/dev/null)
    [ -n "$PORT" ] && return 0
    kill -0 "$csms_pid" 2>/dev/null || break
    sleep 0.1
  done
  bad "$name: csms_peer did not start"
  cat "$work/$name.csms.err"
  return 1
}

# wait_csms NAME: csms_peer's exit status into CSMS_RC.
wait_csms() {
  wait "$csms_pid"
  CSMS_RC=$?
  csms_pid=""
}

# station NAME ARGS...: station_peer against the running csms_peer; exit status into STATION_RC.
station() {
  local name=$1
  shift
  timeout 90 "$NODE" "$HARNESS_PEERS/station_peer.js" --url "${STATION_URL:-ws://127.0.0.1:$PORT/ocpp}" --timeout 60 \
    --out "$work/$name.station.json" "$@" > "$work/$name.station.out" 2> "$work/$name.station.err"
  STATION_RC=$?
}

# json FILE EXPR: evaluates EXPR on the summary `s` with node; prints the value.
json() {
  "$NODE" -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2]))' "$1" "$2" 2>/dev/null
}

# both_pass NAME: both peers exited 0 and their summaries say ok with no validation error.
both_pass() {
  local name=$1 f
  if [ "$STATION_RC" -eq 0 ] && [ "$CSMS_RC" -eq 0 ]; then ok "$name: both peers pass (exit 0)"; else
    bad "$name: station_peer exit $STATION_RC, csms_peer exit $CSMS_RC"
    cat "$work/$name.station.err" "$work/$name.csms.err"
  fi
  for f in "$work/$name.station.json" "$work/$name.csms.json"; do
    [ "$(json "$f" 's.ok && s.validationErrors.length === 0 && s.badMessages.length === 0')" = true ] &&
      ok "$name: $(basename "$f"): ok, 0 validation errors, $(json "$f" 's.expectations.length') expectations held, $(json "$f" 's.exchanges.length') frames" ||
      bad "$name: $(basename "$f") is not a clean pass"
  done
}
