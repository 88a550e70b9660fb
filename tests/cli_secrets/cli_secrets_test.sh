#!/usr/bin/env bash
# Every `pqcea` command that writes a secret (docs/key-files.md), under umask 022:
#   - the secret file is mode 0600;
#   - a second identical run exits 2 with "FILE exists; use --force to replace it" and leaves the
#     file byte-identical (sha256 before/after) and no temporary file behind;
#   - with --force the file is replaced (different bytes) and still 0600.
# Also: secrets are read from a file or stdin ("-"), and --seed-hex (a secret on argv) is gone.
# Usage: cli_secrets_test.sh PQCEA_BINARY
set -u
bin=$1
[ -x "$bin" ] || { echo "FAIL: $bin is not an executable"; exit 1; }
bin=$(realpath "$bin")  # the test runs in its own temporary folder
for tool in sha256sum stat; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is required by this test and is missing"; exit 1; }
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
umask 022
fail=0
checks=0
bad() { echo "FAIL: $*"; fail=1; }
run() {  # run WANT_RC DESCRIPTION command...: output in out.txt
  local want=$1 what=$2; shift 2
  checks=$((checks + 1))
  "$@" > out.txt 2>&1
  local rc=$?
  if [ "$rc" -ne "$want" ]; then bad "$what (exit $rc, wanted $want)"; cat out.txt; return 1; fi
  return 0
}
mode_is_600() { [ "$(stat -c %a "$1")" = "600" ] || bad "$2: $1 has mode $(stat -c %a "$1"), wanted 600"; }
no_temps() {  # no ".NAME.tmp-*" left next to any file (the helper's temporary names)
  local left
  left=$(find . -name '.*.tmp-*' | head -5)
  [ -z "$left" ] || bad "$1: temporary files left behind: $left"
}

# secret_cycle NAME SECRET_FILE [ARGS_FOR_SECOND_RUN...] -- command...
# Runs the command (must succeed), checks mode 0600, runs it again (must exit 2, clear message,
# file unchanged), then with --force (file replaced, still 0600).
secret_cycle() {
  local name=$1 secret=$2; shift 2
  rm -f "$secret"
  run 0 "$name: first run" "$@" || return
  [ -s "$secret" ] || { bad "$name: $secret not written"; return; }
  mode_is_600 "$secret" "$name"
  local before after
  before=$(sha256sum < "$secret")
  run 2 "$name: second run without --force is refused" "$@"
  grep -qF "$secret exists; use --force to replace it" out.txt || { bad "$name: no clear message"; cat out.txt; }
  after=$(sha256sum < "$secret")
  [ "$before" = "$after" ] || bad "$name: $secret changed by a refused run"
  mode_is_600 "$secret" "$name (after the refused run)"
  no_temps "$name (refused run)"
  run 0 "$name: --force replaces" "$@" --force || return
  after=$(sha256sum < "$secret")
  [ "$before" != "$after" ] || bad "$name: --force did not replace $secret"
  mode_is_600 "$secret" "$name (after --force)"
  no_temps "$name (--force)"
  echo "ok: $name"
}

# ---- pqcea sig keygen --sk, every family --------------------------------------------------------
secret_cycle "sig keygen ML-DSA-87" s "$bin" sig keygen --alg ML-DSA-87 --pk p --sk s
# The refused run must not touch the public key either.
pk_before=$(sha256sum < p)
run 2 "sig keygen refused leaves --pk alone" "$bin" sig keygen --alg ML-DSA-87 --pk p --sk s
[ "$pk_before" = "$(sha256sum < p)" ] || bad "a refused keygen changed the public key"
secret_cycle "sig keygen ML-DSA-44 expanded" s44 "$bin" sig keygen --alg ML-DSA-44 --key-format expanded --pk p44 --sk s44
secret_cycle "sig keygen SLH-DSA-SHA2-128f" sslh "$bin" sig keygen --alg SLH-DSA-SHA2-128f --pk pslh --sk sslh
secret_cycle "sig keygen Falcon-512" sfal "$bin" sig keygen --alg Falcon-512 --pk pfal --sk sfal
secret_cycle "sig keygen HSS-LMS" shss "$bin" sig keygen --alg HSS-LMS --params LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8 --pk phss --sk shss
secret_cycle "sig keygen XMSS" sxmss "$bin" sig keygen --alg XMSS-SHA2_10_256 --pk pxmss --sk sxmss
# The stored key signs, read from a file and from stdin ("-").
head -c 1000 /dev/urandom > msg
run 0 "sig sign --sk FILE" "$bin" sig sign --alg ML-DSA-87 --sk s --in msg --out sig1
run 0 "sig sign --sk - (stdin)" sh -c "\"$bin\" sig sign --alg ML-DSA-87 --sk - --in msg --out sig2 < s"
run 0 "signature from the stdin key verifies" "$bin" sig verify --alg ML-DSA-87 --pk p --in msg --sig sig2

# ---- pqcea kem -----------------------------------------------------------------------------------
secret_cycle "kem keygen --dk" dk "$bin" kem keygen --alg ML-KEM-768 --ek ek --dk dk
secret_cycle "kem keygen --seed-out" seed "$bin" kem keygen --alg ML-KEM-768 --ek ek2 --seed-out seed
secret_cycle "kem encaps --key" ss "$bin" kem encaps --alg ML-KEM-768 --ek ek --ct ct --key ss
# decaps is deterministic: the --force run decapsulates a second ciphertext (another key).
run 0 "kem encaps (second ciphertext)" "$bin" kem encaps --alg ML-KEM-768 --ek ek --ct ct2 --key ss2
rm -f ssd
run 0 "kem decaps" "$bin" kem decaps --alg ML-KEM-768 --dk dk --ct ct --key ssd
mode_is_600 ssd "kem decaps"
cmp -s ss ssd || bad "kem decaps: shared secrets differ"
before=$(sha256sum < ssd)
run 2 "kem decaps: second run refused" "$bin" kem decaps --alg ML-KEM-768 --dk dk --ct ct --key ssd
grep -qF "ssd exists; use --force to replace it" out.txt || bad "kem decaps: no clear message"
[ "$before" = "$(sha256sum < ssd)" ] || bad "kem decaps: refused run changed the key"
run 0 "kem decaps --force" "$bin" kem decaps --alg ML-KEM-768 --dk dk --ct ct2 --key ssd --force
cmp -s ss2 ssd || bad "kem decaps --force: not the second ciphertext's key"
mode_is_600 ssd "kem decaps --force"
run 0 "kem decaps --dk - (stdin)" sh -c "\"$bin\" kem decaps --alg ML-KEM-768 --dk - --ct ct --key ssd3 < dk"
cmp -s ss ssd3 || bad "kem decaps from stdin: wrong key"

# ---- pqcea image keygen --------------------------------------------------------------------------
secret_cycle "image keygen ML-DSA-87" ik "$bin" image keygen --out ik --pub ikp
secret_cycle "image keygen SLH-DSA-SHA2-128s" iks "$bin" image keygen --alg SLH-DSA-SHA2-128s --out iks --pub iksp
secret_cycle "image keygen Falcon-1024" ikf "$bin" image keygen --alg Falcon-1024 --out ikf --pub ikfp
secret_cycle "image keygen HSS" ikh "$bin" image keygen --alg LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8 --out ikh --pub ikhp
printf '%s\n' "$(printf 'cd%.0s' $(seq 32))" > seed.hex
run 0 "image keygen --seed-file" "$bin" image keygen --out iseed --pub iseedp --seed-file seed.hex
mode_is_600 iseed "image keygen --seed-file"
run 0 "image keygen --seed-file - (stdin)" sh -c "\"$bin\" image keygen --out iseed2 --pub iseedp2 --seed-file - < seed.hex"
cmp -s iseedp iseedp2 || bad "image keygen: the same seed from a file and stdin gave different keys"
checks=$((checks + 1))
"$bin" image keygen --out x --seed-hex "$(printf 'cd%.0s' $(seq 32))" > out.txt 2>&1 &&
  bad "--seed-hex (a secret on the command line) is still accepted"
[ -e x ] && bad "a rejected --seed-hex run wrote a key"

# ---- pqcea fleet-init ----------------------------------------------------------------------------
run 0 "fleet-init" "$bin" fleet-init --out fleet --tls
for f in ca.key.pem operator.key.pem verifier.key.pem admin.token read.token tls.key.pem; do
  [ -s "fleet/$f" ] || bad "fleet-init: $f missing"
  mode_is_600 "fleet/$f" "fleet-init"
done
sums_before=$(cd fleet && sha256sum ca.key.pem operator.key.pem verifier.key.pem admin.token read.token tls.key.pem ca.pem)
run 2 "fleet-init: second run refused" "$bin" fleet-init --out fleet --tls
grep -qF "fleet/ca.pem exists; use --force to replace it" out.txt || { bad "fleet-init: no clear message"; cat out.txt; }
[ "$sums_before" = "$(cd fleet && sha256sum ca.key.pem operator.key.pem verifier.key.pem admin.token read.token tls.key.pem ca.pem)" ] ||
  bad "fleet-init: a refused run changed the fleet"
run 0 "fleet-init --force" "$bin" fleet-init --out fleet --tls --force
for f in ca.key.pem operator.key.pem verifier.key.pem admin.token read.token tls.key.pem; do
  mode_is_600 "fleet/$f" "fleet-init --force"
  grep -qF "$(cd fleet && sha256sum "$f")" <<< "$sums_before" && bad "fleet-init --force: $f not replaced"
done
no_temps "fleet-init"

if [ "$fail" -ne 0 ]; then echo "cli_secrets: FAILED"; exit 1; fi
echo "cli_secrets: all $checks command runs as expected"
