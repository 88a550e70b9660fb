#!/usr/bin/env bash
# `pqcea sig` with Falcon end to end: keygen, sign, verify for Falcon-512/1024 in the compressed and
# the padded format (by name and with --padded); sizes; a valid signature exits 0 and prints
# VALID; another message, a flipped byte, a trailing byte, the other format or the other
# parameter set exits 1 and prints INVALID; a public key of the other parameter set exits 2.
set -u
FLIP_BIT=$(cd "$(dirname "$0")/../support" && pwd)/flip-bit  # always changes the byte
bin=$(realpath "$1")
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
for n in 512 1024; do
  pkb=$([ $n = 512 ] && echo 897 || echo 1793); skb=$([ $n = 512 ] && echo 1281 || echo 2305)
  maxb=$([ $n = 512 ] && echo 752 || echo 1462); padb=$([ $n = 512 ] && echo 666 || echo 1280)
  other=$([ $n = 512 ] && echo Falcon-1024 || echo Falcon-512)
  expect 0 "Falcon-$n keygen" "$bin" sig keygen --alg Falcon-$n --pk pk$n.bin --sk sk$n.bin
  [ "$(size pk$n.bin)" -eq $pkb ] && [ "$(size sk$n.bin)" -eq $skb ] || { echo "FAIL: Falcon-$n key sizes"; fail=1; }
  expect 0 "Falcon-$n sign" "$bin" sig sign --alg Falcon-$n --sk sk$n.bin --in msg.bin --out s.bin
  [ "$(size s.bin)" -le $maxb ] || { echo "FAIL: Falcon-$n signature longer than $maxb"; fail=1; }
  expect 0 "Falcon-$n verify" "$bin" sig verify --alg Falcon-$n --pk pk$n.bin --in msg.bin --sig s.bin
  grep -q '^VALID' out.txt || { echo "FAIL: no VALID verdict"; fail=1; }
  expect 1 "Falcon-$n other message" "$bin" sig verify --alg Falcon-$n --pk pk$n.bin --in msg2.bin --sig s.bin
  grep -q '^INVALID' out.txt || { echo "FAIL: no INVALID verdict"; fail=1; }
  cp s.bin t.bin; printf '\x00' >> t.bin
  expect 1 "Falcon-$n trailing byte" "$bin" sig verify --alg Falcon-$n --pk pk$n.bin --in msg.bin --sig t.bin
  cp s.bin t.bin; "$FLIP_BIT" t.bin 200
  expect 1 "Falcon-$n altered signature" "$bin" sig verify --alg Falcon-$n --pk pk$n.bin --in msg.bin --sig t.bin
  expect 1 "Falcon-$n signature as padded" "$bin" sig verify --alg Falcon-$n --padded --pk pk$n.bin --in msg.bin --sig s.bin
  # A public key of another parameter set is bad input (exit 2), named with the expected length.
  expect 2 "Falcon-$n key under $other" "$bin" sig verify --alg $other --pk pk$n.bin --in msg.bin --sig s.bin
  grep -q "pk$n.bin: .*expected a $other public key" out.txt || { echo "FAIL: message does not name the key and $other"; fail=1; }

  expect 0 "Falcon-padded-$n sign" "$bin" sig sign --alg Falcon-padded-$n --sk sk$n.bin --in msg.bin --out p.bin
  [ "$(size p.bin)" -eq $padb ] || { echo "FAIL: Falcon-padded-$n size $(size p.bin) != $padb"; fail=1; }
  expect 0 "Falcon-padded-$n verify" "$bin" sig verify --alg Falcon-padded-$n --pk pk$n.bin --in msg.bin --sig p.bin
  expect 0 "Falcon-$n --padded verify" "$bin" sig verify --alg Falcon-$n --padded --pk pk$n.bin --in msg.bin --sig p.bin
  expect 1 "Falcon-$n padded as compressed" "$bin" sig verify --alg Falcon-$n --pk pk$n.bin --in msg.bin --sig p.bin
  expect 0 "Falcon-$n --padded sign" "$bin" sig sign --alg Falcon-$n --padded --sk sk$n.bin --in msg.bin --out q.bin
  [ "$(size q.bin)" -eq $padb ] || { echo "FAIL: --padded size"; fail=1; }
  expect 0 "Falcon-padded-$n verify of --padded" "$bin" sig verify --alg Falcon-padded-$n --pk pk$n.bin --in msg.bin --sig q.bin
done
# Options that have no meaning for Falcon are refused rather than ignored.
expect 2 "Falcon context refused" "$bin" sig sign --alg Falcon-512 --sk sk512.bin --in msg.bin --out c.bin --context x
exit $fail
