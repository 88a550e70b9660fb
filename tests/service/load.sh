#!/usr/bin/env bash
# The load figures of docs/verifier-service.md (CTest label "long", `make test-long`):
#   1. SQLite, one verifier          2. PostgreSQL, one verifier
#   3. PostgreSQL, two verifiers     4. registry of 10,000 vs 10,000,000 devices (PostgreSQL)
# Every run must end with "lost: 0"; run 4 must keep >= 80% of the small registry's throughput.
# Only loopback addresses; every server started here is stopped on exit.
# Usage: load.sh PQCEA OUTDIR [sqlite|pg|replicas|registry ...]   (default: all four)
# Sizes: LOAD_DEVICES (1000), LOAD_ATTESTATIONS (100000), LOAD_REGISTRY (10000000),
#        LOAD_REGISTRY_ATTESTATIONS (30000), LOAD_REGISTRY_ROUNDS (3), LOAD_PACED_ATTESTATIONS (20000).
set -euo pipefail
PQCEA=$(realpath "$1")
OUT=$2
shift 2
RUNS=("$@")
[ ${#RUNS[@]} -eq 0 ] && RUNS=(sqlite pg replicas registry)
DEVICES=${LOAD_DEVICES:-1000}
ATT=${LOAD_ATTESTATIONS:-100000}
REGISTRY=${LOAD_REGISTRY:-10000000}
REG_ATT=${LOAD_REGISTRY_ATTESTATIONS:-30000}
REG_ROUNDS=${LOAD_REGISTRY_ROUNDS:-3}
PACED_ATT=${LOAD_PACED_ATTESTATIONS:-20000}

rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
SUMMARY=$OUT/summary.txt
: >"$SUMMARY"
SERVERS=()
. "$(dirname "$0")/../support/pg.sh"

cleanup() {
  for p in "${SERVERS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${SERVERS[@]}"; do wait "$p" 2>/dev/null || true; done
  pg_stop
}
trap cleanup EXIT

"$PQCEA" fleet-init --out "$OUT/fleet" >/dev/null

# The challenge limits are lifted: the load generator asks every challenge up front, from one
# address, many per device (docs/verifier-service.md "Challenges").
start_server() {  # name db -> sets PORT (not in a subshell: the pid must reach SERVERS)
  local name=$1 db=$2
  rm -f "$OUT/$name.port"
  "$PQCEA" serve --listen 127.0.0.1:0 --db "$db" --fleet "$OUT/fleet" --port-file "$OUT/$name.port" \
    --nonce-ttl 7200 --quiet --challenge-rate-device 0 --challenge-rate-source 0 --max-nonces-per-device 100000 \
    >"$OUT/$name.log" 2>&1 &
  SERVERS+=($!)
  for _ in $(seq 1 600); do
    [ -s "$OUT/$name.port" ] && { PORT=$(cat "$OUT/$name.port"); return 0; }
    sleep 0.1
  done
  echo "server $name did not start" >&2
  cat "$OUT/$name.log" >&2
  return 1
}

stop_servers() {
  for p in "${SERVERS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${SERVERS[@]}"; do wait "$p" 2>/dev/null || true; done
  SERVERS=()
}

loadgen() {  # label, loadgen args...
  local label=$1
  shift
  echo "=== $label: load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$SUMMARY"
  echo "\$ pqcea loadgen $*" | tee -a "$SUMMARY"
  "$PQCEA" loadgen --fleet "$OUT/fleet" "$@" | tee "$OUT/$label.txt"
  grep -E '^(throughput|latency|errors|lost):' "$OUT/$label.txt" | tee -a "$SUMMARY"
  grep -qx 'lost: 0' "$OUT/$label.txt"
}

throughput_of() { sed -n 's/^throughput: \([0-9]*\) .*/\1/p' "$OUT/$1.txt"; }

start_pg() { pg_start -c shared_buffers=1GB -c max_connections=200; }
createdb() { pg_createdb "$1"; }

for run in "${RUNS[@]}"; do
  case $run in
  sqlite)
    start_server sqlite "sqlite:$OUT/sqlite.db"
    p=$PORT
    loadgen sqlite --target "http://127.0.0.1:$p" --devices "$DEVICES" --attestations "$ATT"
    # The same fleet attesting on a schedule at 70% of that saturation rate: the latency a
    # fleet sees when the verifier is not the bottleneck (closed-loop latency is, by Little's
    # law, just connections / throughput).
    rate=$(( $(throughput_of sqlite) * 70 / 100 ))
    loadgen sqlite_paced --target "http://127.0.0.1:$p" --devices "$DEVICES" --attestations "$PACED_ATT" --rate "$rate"
    stop_servers
    ;;
  pg)
    start_pg
    db=$(createdb load_one)
    start_server pg "$db"
    p=$PORT
    loadgen postgresql --target "http://127.0.0.1:$p" --devices "$DEVICES" --attestations "$ATT"
    stop_servers
    ;;
  replicas)
    start_pg
    db=$(createdb load_two)
    start_server replica1 "$db"
    p1=$PORT
    start_server replica2 "$db"
    p2=$PORT
    loadgen replicas --target "http://127.0.0.1:$p1" --target "http://127.0.0.1:$p2" --devices "$DEVICES" \
      --attestations "$ATT"
    stop_servers
    ;;
  registry)
    start_pg
    declare -A url
    for size in small big; do
      n=$([ $size = small ] && echo 10000 || echo "$REGISTRY")
      url[$size]=$(createdb "registry_$size")
      "$PQCEA" registry-fill --db "${url[$size]}" --count $((n - DEVICES)) --prefix filler- | tee -a "$SUMMARY"
      pg_psql "registry_$size" -qc "VACUUM ANALYZE" >/dev/null
    done
    # Alternating runs (small, big, small, big, ...) and the best of each: the machine is shared,
    # so one run alone can be slowed by a neighbour. Each run registers its own DEVICES devices
    # (so the registry holds n during a run) and deletes them at its end; the placeholders are not
    # loadgen's, hence --i-know-this-is-production.
    for round in $(seq 1 "$REG_ROUNDS"); do
      for size in small big; do
        start_server "registry_$size" "${url[$size]}"
        p=$PORT
        loadgen "registry_${size}_$round" --target "http://127.0.0.1:$p" --devices "$DEVICES" --attestations "$REG_ATT" \
          --i-know-this-is-production
        stop_servers
      done
    done
    best() {
      local b=0 r t
      for r in $(seq 1 "$REG_ROUNDS"); do t=$(throughput_of "registry_$1_$r"); [ "$t" -gt "$b" ] && b=$t; done
      echo "$b"
    }
    small=$(best small)
    big=$(best big)
    echo "registry: $small attestations/s with 10,000 devices, $big with $REGISTRY (best of $REG_ROUNDS runs each)" | tee -a "$SUMMARY"
    [ $((big * 100)) -ge $((small * 80)) ] || { echo "FAIL: more than 20% slower with the big registry" | tee -a "$SUMMARY"; exit 1; }
    ;;
  *) echo "unknown run $run" >&2; exit 2 ;;
  esac
done
echo "all load runs: lost 0" | tee -a "$SUMMARY"
