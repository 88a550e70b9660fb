# Shell helpers shared by the provider tests (sourced, not run). Expects $OPENSSL (default
# /usr/bin/openssl) and, for the ML-DSA helpers, PQ=(provider options) set by the caller.
OPENSSL=${OPENSSL:-/usr/bin/openssl}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits until FILE contains PATTERN (default: s_server's ACCEPT line); up to 20 s, as an ASan
# build's s_server on a loaded machine can take several seconds to start.
wait_for() {
  local file=$1 pattern=${2:-ACCEPT}
  for _ in $(seq 200); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# Waits (up to 5 s) for process PID to end by itself, then stops it.
reap() {
  for _ in $(seq 50); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  kill "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}

# The stdin of an s_client: one line (pqcea-data-check), then kept open until its reversal has
# arrived in the client's output FILE (or 15 s), so a slow handshake is not cut short.
data_check_input() {
  echo "pqcea-data-check"
  for _ in $(seq 150); do
    grep -q kcehc-atad-aecqp "$1" 2>/dev/null && break
    sleep 0.1
  done
}

# From an OpenSSL -trace log: the key share of the last ClientHello ("Client") or of the last
# ServerHello that carries one ("Server"; a HelloRetryRequest is traced as a ServerHello holding
# only the group), as one line: "NamedGroup: NAME (ID) key_exchange:  (len=N): ...".
trace_share() {
  local file=$1 who=$2
  if [ "$who" = Client ]; then
    awk '/ClientHello/ {c=1; v=""} c && /key_share/ {k=1} c && k && /NamedGroup:/ {getline l; v=$0 " " l; c=0; k=0} END {print v}' "$file"
  else
    awk '/ServerHello/ {c=1} c && /NamedGroup:/ {getline l; if (l ~ /key_exchange/) {v=$0 " " l; c=0}} END {print v}' "$file"
  fi
}

# share_is LINE ID LEN: the trace_share line names codepoint ID with an N-byte share.
share_is() {
  echo "$1" | grep -q "($2)" && echo "$1" | grep -q "(len=$3)"
}

# A self-signed P-256 certificate for localhost / 127.0.0.1: DIR/k.pem, DIR/c.pem.
ec_server_cert() {
  OPENSSL_CONF=/dev/null "$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$1/k.pem" -out "$1/c.pem" -subj /CN=localhost -days 2 \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1
}

# mldsa_root ALG NAME: NAME.key and a self-signed CA certificate NAME.crt (current directory).
mldsa_root() {
  "$OPENSSL" genpkey "${PQ[@]}" -algorithm "$1" -out "$2.key" &&
    "$OPENSSL" req "${PQ[@]}" -x509 -new -key "$2.key" -subj "/O=PQC-Edge-Attestor/CN=$2" -days 30 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$2.crt"
}

# mldsa_leaf ALG NAME CA [SAN]: NAME.key, NAME.csr and NAME.crt issued by CA.crt/CA.key, an end
# entity for digitalSignature with an optional subjectAltName (e.g. "IP:127.0.0.1").
mldsa_leaf() {
  local alg=$1 name=$2 ca=$3 san=${4:-}
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$name.ext"
  [ -n "$san" ] && echo "subjectAltName=$san" >>"$name.ext"
  "$OPENSSL" genpkey "${PQ[@]}" -algorithm "$alg" -out "$name.key" &&
    "$OPENSSL" req "${PQ[@]}" -new -key "$name.key" -subj "/O=PQC-Edge-Attestor/CN=$name" -out "$name.csr" &&
    "$OPENSSL" x509 "${PQ[@]}" -req -in "$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -days 10 \
      -extfile "$name.ext" -out "$name.crt" 2>/dev/null
}

# flip_sig_bit IN.crt OUT.crt: the certificate with one bit of its signature value flipped.
flip_sig_bit() {
  "$OPENSSL" x509 "${PQ[@]}" -in "$1" -outform DER -out "$1.der" &&
    python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[-10] ^= 0x01; open(sys.argv[2], "wb").write(d)' \
      "$1.der" "$2.der" &&
    "$OPENSSL" x509 "${PQ[@]}" -inform DER -in "$2.der" -out "$2"
}
