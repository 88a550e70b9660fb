#!/usr/bin/env bash
# `pqcea sig` with the stateful schemes: keygen creates the private key file (never overwrites it without --force),
# each sign advances the file's next index before the signature is written, verify says VALID /
# INVALID (exit 0 / 1), and an exhausted key is refused with its own exit status (3) and message,
# writing no signature.
set -u
FLIP_BIT=$(cd "$(dirname "$0")/../support" && pwd)/flip-bit  # always changes the byte
bin=$1
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
next_index() {  # the key file's u64 next index (bytes 16..23, big-endian)
  od -An -tx1 -j16 -N8 "$1" | tr -d ' \n' | sed 's/^0*//; s/^$/0/' | xargs -I{} printf '%d\n' 0x{}
}
head -c 5000 /dev/urandom > msg.bin
cp msg.bin msg2.bin; printf 'x' >> msg2.bin

# HSS-LMS, the default one-level key and a two-level key.
expect 0 "HSS-LMS keygen (default levels)" "$bin" sig keygen --alg HSS-LMS --pk hss.pub --sk hss.key
[ "$(stat -c %s hss.pub)" -eq 60 ] || { echo "FAIL: HSS public key size"; fail=1; }
[ "$(stat -c %a hss.key)" = "600" ] || { echo "FAIL: private key file mode"; fail=1; }
expect 2 "keygen refuses to overwrite a key" "$bin" sig keygen --alg HSS-LMS --pk x.pub --sk hss.key
grep -q 'hss.key exists; use --force to replace it' out.txt || { echo "FAIL: no overwrite message"; fail=1; }
for i in 1 2 3; do
  expect 0 "HSS-LMS sign $i" "$bin" sig sign --alg HSS-LMS --sk hss.key --in msg.bin --out hss$i.sig
  [ "$(next_index hss.key)" -eq "$i" ] || { echo "FAIL: next index $(next_index hss.key), wanted $i"; fail=1; }
  expect 0 "HSS-LMS verify $i" "$bin" sig verify --alg HSS-LMS --pk hss.pub --in msg.bin --sig hss$i.sig
  grep -q '^VALID' out.txt || { echo "FAIL: no VALID verdict"; fail=1; }
done
cmp -s hss1.sig hss2.sig && { echo "FAIL: two signatures with one index"; fail=1; }
[ "$(od -An -tx1 -j4 -N4 hss2.sig | tr -d ' ')" = "00000001" ] || { echo "FAIL: second signature is not q = 1"; fail=1; }
expect 1 "HSS-LMS wrong message" "$bin" sig verify --alg HSS-LMS --pk hss.pub --in msg2.bin --sig hss1.sig
grep -q '^INVALID' out.txt || { echo "FAIL: no INVALID verdict"; fail=1; }
"$FLIP_BIT" hss1.sig 200
expect 1 "HSS-LMS altered signature" "$bin" sig verify --alg HSS-LMS --pk hss.pub --in msg.bin --sig hss1.sig

expect 0 "HSS-LMS keygen two levels" "$bin" sig keygen --alg HSS-LMS --pk h2.pub --sk h2.key \
  --params LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8,LMS_SHA256_M24_H5/LMOTS_SHA256_N24_W4
expect 0 "two-level sign" "$bin" sig sign --alg HSS-LMS --sk h2.key --in msg.bin --out h2.sig
expect 0 "two-level verify" "$bin" sig verify --alg HSS-LMS --pk h2.pub --in msg.bin --sig h2.sig
expect 2 "bad --params" "$bin" sig keygen --alg HSS-LMS --pk b.pub --sk b.key --params LMS_SHA256_M32_H5/LMOTS_SHA256_N24_W4
[ ! -e b.key ] || { echo "FAIL: key file written for bad parameters"; fail=1; }

# Exhaustion: a 32-signature key.
expect 0 "HSS-LMS keygen H5" "$bin" sig keygen --alg HSS-LMS --pk s.pub --sk s.key --params LMS_SHA256_M24_H5/LMOTS_SHA256_N24_W8
for i in $(seq 1 32); do "$bin" sig sign --alg HSS-LMS --sk s.key --in msg.bin --out s.sig > /dev/null 2>&1 || { echo "FAIL: sign $i"; fail=1; }; done
expect 0 "32nd signature verifies" "$bin" sig verify --alg HSS-LMS --pk s.pub --in msg.bin --sig s.sig
rm -f s33.sig
expect 3 "33rd signature: key exhausted" "$bin" sig sign --alg HSS-LMS --sk s.key --in msg.bin --out s33.sig
grep -q 'private key exhausted: all 32 one-time signing keys have been used' out.txt || { echo "FAIL: no exhaustion message"; fail=1; }
[ ! -e s33.sig ] || { echo "FAIL: a signature was written by an exhausted key"; fail=1; }
[ "$(next_index s.key)" -eq 32 ] || { echo "FAIL: exhausted key file changed"; fail=1; }

# XMSS and XMSS^MT.
expect 0 "XMSS-SHA2_10_256 keygen" "$bin" sig keygen --alg XMSS-SHA2_10_256 --pk x.pub --sk x.key
[ "$(stat -c %s x.pub)" -eq 68 ] || { echo "FAIL: XMSS public key size"; fail=1; }
expect 0 "XMSS sign" "$bin" sig sign --alg XMSS-SHA2_10_256 --sk x.key --in msg.bin --out x.sig
[ "$(stat -c %s x.sig)" -eq 2500 ] || { echo "FAIL: XMSS signature size"; fail=1; }
expect 0 "XMSS verify" "$bin" sig verify --alg XMSS-SHA2_10_256 --pk x.pub --in msg.bin --sig x.sig
expect 1 "XMSS wrong message" "$bin" sig verify --alg XMSS-SHA2_10_256 --pk x.pub --in msg2.bin --sig x.sig
# A public key of another parameter set is bad input (exit 2), not a verdict.
expect 2 "XMSS key under another set's name" "$bin" sig verify --alg XMSS-SHA2_16_256 --pk x.pub --in msg.bin --sig x.sig
grep -q 'x.pub: an XMSS-SHA2_10_256 public key; expected an XMSS-SHA2_16_256 public key' out.txt || { echo "FAIL: message does not name both sets"; fail=1; }
expect 2 "XMSS key signed under another name" "$bin" sig sign --alg XMSS-SHA2_16_256 --sk x.key --in msg.bin --out y.sig
expect 0 "XMSSMT-SHA2_20/4_256 keygen" "$bin" sig keygen --alg XMSSMT-SHA2_20/4_256 --pk m.pub --sk m.key
expect 0 "XMSS^MT sign" "$bin" sig sign --alg XMSSMT-SHA2_20/4_256 --sk m.key --in msg.bin --out m.sig
expect 0 "XMSS^MT verify" "$bin" sig verify --alg XMSSMT-SHA2_20/4_256 --pk m.pub --in msg.bin --sig m.sig
expect 2 "HSS signer on an XMSS key" "$bin" sig sign --alg HSS-LMS --sk m.key --in msg.bin --out z.sig
exit $fail
