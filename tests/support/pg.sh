# A throwaway PostgreSQL cluster for shell tests (sourced, not run). The server binaries come from
# Debian's postgresql package (scripts/bootstrap); as root the cluster runs as user postgres.
#   pg_start [EXTRA_SERVER_OPTIONS]  initdb + start on 127.0.0.1:$PGPORT (idempotent)
#   pg_createdb NAME                 creates a database; prints its postgresql:// URL
#   pg_stop                          stops the cluster and removes its folder (call it at exit)
#   pg_psql DB ARGS...               psql on database DB as postgres
#   PGBIN, PGPORT, RUN_AS            for the other server tools
# The tools run from / : the postgres user may not enter the test's working folder.
PGDIR=""
RUN_AS=""
PGBIN=""

pg_start() {
  [ -n "$PGDIR" ] && return 0
  local v
  for v in 17 16 15 14 13; do
    [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && { PGBIN=/usr/lib/postgresql/$v/bin; break; }
  done
  [ -n "$PGBIN" ] || { echo "PostgreSQL is not installed (scripts/bootstrap)" >&2; exit 1; }
  PGDIR=$(mktemp -d /tmp/pqcea-pg-XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PGDIR"
    RUN_AS="runuser -u postgres --"
  fi
  PGPORT=$((40000 + $$ % 20000))
  (cd / && $RUN_AS "$PGBIN/initdb" -A trust -U postgres -D "$PGDIR/data" > "$PGDIR/initdb.log" 2>&1) ||
    { cat "$PGDIR/initdb.log" >&2; exit 1; }
  # Durable settings (fsync on, synchronous commit): figures include the commit cost.
  (cd / && $RUN_AS "$PGBIN/pg_ctl" -w -D "$PGDIR/data" -l "$PGDIR/server.log" \
    -o "-k $PGDIR -p $PGPORT -c listen_addresses=127.0.0.1 $*" start > /dev/null)
}

pg_createdb() {
  (cd / && $RUN_AS "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$1")
  echo "postgresql://postgres@127.0.0.1:$PGPORT/$1"
}

pg_stop() {
  if [ -n "$PGDIR" ]; then
    (cd / && $RUN_AS "$PGBIN/pg_ctl" -w -D "$PGDIR/data" -m fast stop > /dev/null 2>&1) || true
    rm -rf "$PGDIR"
    PGDIR=""
  fi
}

pg_psql() {
  local db=$1
  shift
  (cd / && $RUN_AS "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$db" "$@")
}
