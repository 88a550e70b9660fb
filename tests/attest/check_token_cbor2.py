#!/usr/bin/env python3
"""Independent decoder check: decodes one of our ML-DSA-87 tokens with cbor2 (a second CBOR
implementation, Debian's python3-cbor2) and checks every claim value against values recomputed
here from the fixture's definition (tests/attest/attest_fixture.hpp), plus the COSE_Sign1
structure (RFC 9052), the Sig_structure that was signed, the kid and deterministic encoding.

usage: check_token_cbor2.py WRITE_TOKEN_EXE WORK_DIR
Exit 0 if every check passes, 1 on a failed check, 77 (skip) if cbor2 is not installed.
"""
import hashlib
import os
import subprocess
import sys

try:
    import cbor2
except ImportError:
    print("SKIP: python3-cbor2 is not installed (scripts/bootstrap installs it)")
    sys.exit(77)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def canonical(obj):
    # RFC 8949 §4.2.1 deterministic encoding as cbor2 produces it (shortest forms, sorted keys).
    return cbor2.dumps(obj, canonical=True)


def main():
    exe, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    subprocess.run([exe, work], check=True)
    token = open(os.path.join(work, "token.cbor"), "rb").read()
    tbs = open(os.path.join(work, "tbs.bin"), "rb").read()
    pk = open(os.path.join(work, "pk.bin"), "rb").read()

    # ---- COSE_Sign1 envelope -----------------------------------------------------------------
    top = cbor2.loads(token)
    check(isinstance(top, cbor2.CBORTag) and top.tag == 18, "COSE_Sign1_Tagged (tag 18)")
    sign1 = top.value
    check(isinstance(sign1, list) and len(sign1) == 4, "COSE_Sign1 is a 4-element array")
    protected, unprotected, payload, signature = sign1
    check(cbor2.loads(protected) == {1: -50}, "protected header is {1: -50} (ML-DSA-87)")
    check(unprotected == {4: hashlib.sha256(pk).digest()}, "unprotected header is {4: SHA-256(public key)}")
    check(len(pk) == 2592, "ML-DSA-87 public key is 2592 bytes")
    check(len(signature) == 4627, "ML-DSA-87 signature is 4627 bytes")
    check(tbs == cbor2.dumps(["Signature1", protected, b"", payload]),
          "signed bytes are the RFC 9052 Sig_structure [\"Signature1\", protected, h'', payload]")
    check(canonical(top) == token, "token is deterministically encoded (cbor2 canonical re-encoding is identical)")

    # ---- claims ------------------------------------------------------------------------------
    claims = cbor2.loads(payload)
    check(canonical(claims) == payload, "payload is deterministically encoded")
    expected_keys = {10, 256, 258, 259, 263, 265, 267, 268, 270, 271, 273, -65537}
    check(set(claims) == expected_keys, "claim keys %s" % sorted(claims))
    check(claims.get(10) == bytes(range(32)), "eat_nonce (10)")
    check(claims.get(256) == bytes([0x01]) + bytes(range(0xA0, 0xB0)), "ueid (256): RAND type + 16 bytes")
    check(claims.get(258) == bytes([0x00, 0x1B, 0x63]), "oemid (258)")
    check(claims.get(259) == b"pqcea-meter-m33", "hwmodel (259)")
    check(claims.get(263) == 3, "dbgstat (263) = disabled-permanently")
    check(claims.get(265) == "tag:pqc-edge-attestor,2026:eat-profile-v1", "eat_profile (265)")
    check(claims.get(267) == 42, "bootcount (267)")
    check(claims.get(268) == bytes(range(0x80, 0xA0)), "bootseed (268)")
    check(claims.get(270) == "pqcea-device-app", "swname (270)")
    check(claims.get(271) == ["1.4.2", 16384], "swversion (271) = [\"1.4.2\", semver]")

    pcrs = [hashlib.sha256(("pcr%d" % i).encode()).digest() for i in range(8)]
    want = [{1: "bl2", 2: "1.0.0", 3: [1, hashlib.sha256(b"bl2-image").digest()]},
            {1: "app", 2: "1.4.2", 3: [10, hashlib.sha3_256(b"app-image").digest()]}]
    want += [{1: "pcr%d" % i, 3: [1, pcrs[i]], 4: i} for i in range(8)]
    meas = claims.get(273)
    check(isinstance(meas, list) and len(meas) == len(want), "measurements (273) has %d entries" % len(want))
    for i, (entry, w) in enumerate(zip(meas or [], want)):
        check(isinstance(entry, list) and len(entry) == 2 and entry[0] == 60 and isinstance(entry[1], bytes),
              "measurement %d is [60 (application/cbor), bstr]" % i)
        component = cbor2.loads(entry[1])
        check(component == w, "measurement %d = %r" % (i, w))
        check(canonical(component) == entry[1], "measurement %d deterministically encoded" % i)

    quote = claims.get(-65537)
    check(isinstance(quote, dict), "TPM quote claim (-65537) is a map")
    quote = quote or {}
    check(quote.get(1) == b"TPMS_ATTEST-test", "quote attest (1)")
    check(quote.get(2) == b"TPMT_SIGNATURE-test", "quote signature (2)")
    check(quote.get(3) == [1, hashlib.sha256(b"".join(pcrs)).digest()], "quote PCR digest (3) = SHA-256(PCR0..7)")
    check(quote.get(4) == 0xFF, "quote PCR selection (4) = PCR 0-7")
    check(quote.get(5) == bytes([0x04]) + bytes(range(64)), "quote AK public key (5)")

    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    try:
        from importlib.metadata import version
        impl = "cbor2 " + version("cbor2")
    except Exception:  # version metadata is optional; the check itself does not depend on it
        impl = "cbor2"
    print("%s decoded the %d-byte token: COSE_Sign1, Sig_structure, kid and %d claims as expected"
          % (impl, len(token), len(claims)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
