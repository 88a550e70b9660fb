#!/usr/bin/env bash
# Falcon-1024 against an independent implementation (falcon-crypto 1.0.6 = PQClean Falcon-1024,
# see falcon_crypto_vectors.mjs), both directions, through `pqcea sig`:
#   their key + their signature   -> our verify accepts; a flipped byte / other message rejected
#   our key + our signature       -> their verify accepts
#   our private key, their signer -> our verify accepts (the private-key encoding agrees)
# Exit 77 (CTest "skipped"; a failure under CI=true, see scripts/run-tests) when node or the
# package is missing: scripts/bootstrap installs both, the package pinned by tests/peers.
set -u
FLIP_BIT=$(cd "$(dirname "$0")/../support" && pwd)/flip-bit  # always changes the byte
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
peers=$("$here/../../scripts/peers-dir")
command -v node > /dev/null || { echo "SKIP: node not installed (run scripts/bootstrap)"; exit 77; }
[ -d "$peers/node_modules/falcon-crypto" ] || { echo "SKIP: falcon-crypto not in $peers (run scripts/bootstrap)"; exit 77; }
export NODE_PATH=$peers/node_modules
js() { node "$here/falcon_crypto_vectors.mjs" "$@"; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
fail=0
expect() {  # expect RC DESCRIPTION command...
  local want=$1 what=$2; shift 2
  "$@" > out.txt 2>&1
  local rc=$?
  if [ "$rc" -ne "$want" ]; then echo "FAIL: $what (exit $rc, wanted $want)"; cat out.txt; fail=1; else echo "ok: $what"; fi
}
for i in 1 2 3; do
  head -c $((i * 300)) /dev/urandom > msg.bin
  cp msg.bin other.bin; printf 'x' >> other.bin
  expect 0 "falcon-crypto keygen $i" js keygen pk.bin sk.bin
  expect 0 "falcon-crypto sign $i" js sign sk.bin msg.bin sig.bin
  expect 0 "our verify of their signature $i" "$bin" sig verify --alg Falcon-1024 --pk pk.bin --in msg.bin --sig sig.bin
  expect 1 "our verify, other message $i" "$bin" sig verify --alg Falcon-1024 --pk pk.bin --in other.bin --sig sig.bin
  cp sig.bin bad.bin
  "$FLIP_BIT" bad.bin $((100 + i * 200))
  expect 1 "our verify, altered signature $i" "$bin" sig verify --alg Falcon-1024 --pk pk.bin --in msg.bin --sig bad.bin
  expect 1 "their verify, altered signature $i (control)" js verify pk.bin msg.bin bad.bin

  expect 0 "our keygen $i" "$bin" sig keygen --alg Falcon-1024 --pk opk.bin --sk osk.bin --force
  expect 0 "our sign $i" "$bin" sig sign --alg Falcon-1024 --sk osk.bin --in msg.bin --out osig.bin
  expect 0 "their verify of our signature $i" js verify opk.bin msg.bin osig.bin
  expect 1 "their verify, other message $i (control)" js verify opk.bin other.bin osig.bin
  expect 0 "their sign with our private key $i" js sign osk.bin msg.bin tsig.bin
  expect 0 "our verify of it $i" "$bin" sig verify --alg Falcon-1024 --pk opk.bin --in msg.bin --sig tsig.bin
done
exit $fail
