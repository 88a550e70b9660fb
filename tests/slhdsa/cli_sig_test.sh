#!/usr/bin/env bash
# `pqcea sig` with SLH-DSA end to end: keygen, sign (pure with context, HashSLH-DSA, deterministic
# and hedged), verify: a valid signature exits 0 and prints VALID; a wrong context, message or
# pre-hash, a flipped signature byte or a truncated signature exits 1 and prints INVALID; a private
# key of the wrong size is refused (exit 2).
set -u
bin=$1
FLIP_BIT=$(cd "$(dirname "$0")/../support" && pwd)/flip-bit  # always changes the byte
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
size() { stat -c %s "$1"; }
head -c 5000 /dev/urandom > msg.bin
cp msg.bin msg2.bin; printf 'x' >> msg2.bin
# name pk-bytes sk-bytes sig-bytes (FIPS 205 Table 2); every fast set and the anchor "s" set.
while read -r alg pkb skb sigb; do
  expect 0 "$alg keygen" "$bin" sig keygen --alg "$alg" --pk pk.bin --sk sk.bin --force  # one key file per loop pass
  [ "$(size pk.bin)" -eq "$pkb" ] && [ "$(size sk.bin)" -eq "$skb" ] || { echo "FAIL: $alg key sizes"; fail=1; }
  expect 0 "$alg sign" "$bin" sig sign --alg "$alg" --sk sk.bin --in msg.bin --out sig.bin --context firmware-v1
  [ "$(size sig.bin)" -eq "$sigb" ] || { echo "FAIL: $alg signature size"; fail=1; }
  expect 0 "$alg verify" "$bin" sig verify --alg "$alg" --pk pk.bin --in msg.bin --sig sig.bin --context firmware-v1
  grep -q '^VALID' out.txt || { echo "FAIL: no VALID verdict"; fail=1; }
  expect 1 "$alg wrong context" "$bin" sig verify --alg "$alg" --pk pk.bin --in msg.bin --sig sig.bin --context firmware-v2
  grep -q '^INVALID' out.txt || { echo "FAIL: no INVALID verdict"; fail=1; }
  expect 1 "$alg wrong message" "$bin" sig verify --alg "$alg" --pk pk.bin --in msg2.bin --sig sig.bin --context firmware-v1
  cp sig.bin bad.bin
  "$FLIP_BIT" bad.bin 100
  expect 1 "$alg altered signature" "$bin" sig verify --alg "$alg" --pk pk.bin --in msg.bin --sig bad.bin --context firmware-v1
  head -c $((sigb - 1)) sig.bin > short.bin
  expect 1 "$alg truncated signature" "$bin" sig verify --alg "$alg" --pk pk.bin --in msg.bin --sig short.bin --context firmware-v1
  expect 0 "$alg sign prehash deterministic" "$bin" sig sign --alg "$alg" --sk sk.bin --in msg.bin --out a.bin --prehash SHA2-512 --deterministic
  expect 0 "$alg sign prehash deterministic again" "$bin" sig sign --alg "$alg" --sk sk.bin --in msg.bin --out b.bin --prehash SHA2-512 --deterministic
  cmp -s a.bin b.bin || { echo "FAIL: $alg deterministic signatures differ"; fail=1; }
  expect 0 "$alg verify prehash" "$bin" sig verify --alg "$alg" --pk pk.bin --in msg.bin --sig a.bin --prehash SHA2-512
  expect 1 "$alg verify other prehash" "$bin" sig verify --alg "$alg" --pk pk.bin --in msg.bin --sig a.bin --prehash SHA3-512
  expect 1 "$alg verify prehash as pure" "$bin" sig verify --alg "$alg" --pk pk.bin --in msg.bin --sig a.bin
done <<'SETS'
SLH-DSA-SHA2-128f 32 64 17088
SLH-DSA-SHA2-192f 48 96 35664
SLH-DSA-SHA2-256f 64 128 49856
SLH-DSA-SHAKE-128f 32 64 17088
SLH-DSA-SHAKE-192f 48 96 35664
SLH-DSA-SHAKE-256f 64 128 49856
SLH-DSA-SHA2-128s 32 64 7856
SETS
# A private key of the wrong size is refused with a clear error, no signature written.
head -c 63 /dev/urandom > sk63.bin
rm -f c.bin
expect 2 "wrong-size private key" "$bin" sig sign --alg SLH-DSA-SHA2-128f --sk sk63.bin --in msg.bin --out c.bin
grep -q 'sk63.bin: 63 bytes; expected an SLH-DSA-SHA2-128f private key (64 bytes)' out.txt || { echo "FAIL: message does not name the file and the length"; fail=1; }
[ ! -e c.bin ] || { echo "FAIL: signature written with a bad key"; fail=1; }
# A key whose PK.root does not belong to SK.seed: signing refuses (invalid key), nothing written.
"$bin" sig keygen --alg SLH-DSA-SHAKE-128f --pk pk.bin --sk sk.bin --force > /dev/null
"$FLIP_BIT" sk.bin 63  # flip a PK.root bit
expect 2 "inconsistent private key" "$bin" sig sign --alg SLH-DSA-SHAKE-128f --sk sk.bin --in msg.bin --out c.bin
grep -q 'invalid key' out.txt || { echo "FAIL: no 'invalid key' message"; fail=1; }
[ ! -e c.bin ] || { echo "FAIL: signature written with an inconsistent key"; fail=1; }
exit $fail
