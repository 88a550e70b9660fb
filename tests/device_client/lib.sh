# Shared by the device-client tests (sourced): a work folder removed at exit with every process
# started here, a fleet and a running `pqcea serve` on a free port, and the checks.
#   PQCEA     the pqcea binary (absolute)          W    the work folder (the current directory)
#   URL       the verifier's base URL              ADMIN the admin bearer header
#   FLIP_BIT  tests/support/flip-bit (always changes the byte)
FLIP_BIT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../support" && pwd)/flip-bit
W=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null && wait "$p" 2> /dev/null; done
  rm -rf "$W"
}
trap cleanup EXIT
cd "$W"

fail() { echo "FAIL: $*"; [ -f serve.log ] && tail -20 serve.log; exit 1; }

# expect CODE CMD...: runs CMD, keeps its output in out.txt (shown indented), fails unless it
# exits CODE.
expect() {
  local want=$1; shift
  set +e; "$@" > out.txt 2>&1; local rc=$?; set -e
  sed 's/^/    /' out.txt
  [ "$rc" -eq "$want" ] || fail "exit $rc (expected $want): $*"
}

# start_fleet_and_server [SERVE OPTIONS...]: fleet-init into ./fleet and a verifier on SQLite.
start_fleet_and_server() {
  "$PQCEA" fleet-init --out fleet > /dev/null
  "$PQCEA" serve --listen 127.0.0.1:0 --port-file port --db sqlite:verifier.db --fleet fleet "$@" > serve.log 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
  [ -s port ] || fail "the server did not start"
  URL="http://127.0.0.1:$(cat port)"
  ADMIN="Authorization: Bearer $(cat fleet/admin.token)"
}
