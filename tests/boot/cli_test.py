#!/usr/bin/env python3
"""Tests `pqcea image keygen|sign|verify|inspect` end to end on files.

Usage: cli_test.py PQCEA_BINARY
Signs a payload, checks that verify accepts it, and that every tampering the bootloader must refuse
is refused by `image verify` with its reason: a flipped bit in payload, manifest and signature, the
wrong key, a truncated file, an oversized size field, a lower security counter. Also checks the
manifest layout with an independent parse (struct) against `inspect --json`."""
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
failures = []


def run(*args, ok=True):
    p = subprocess.run([BIN, "image", *args], capture_output=True, text=True)
    if ok is True and p.returncode != 0:
        raise AssertionError(f"pqcea image {' '.join(args)} failed ({p.returncode}): {p.stdout}{p.stderr}")
    if ok is False and p.returncode == 0:
        raise AssertionError(f"pqcea image {' '.join(args)} should have failed: {p.stdout}")
    return p


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


with tempfile.TemporaryDirectory() as d:
    f = lambda name: os.path.join(d, name)
    run("keygen", "--out", f("k.seed"), "--pub", f("k.pub"))
    run("keygen", "--out", f("other.seed"))
    check(os.path.getsize(f("k.seed")) == 32, "seed is 32 bytes")
    check(os.path.getsize(f("k.pub")) == 2592, "public key is 2592 bytes")
    # keygen from a given seed is deterministic
    a = run("keygen", "--out", f("s1"), "--pub", f("p1"), "--seed-hex", "ab" * 32).stdout
    b = run("keygen", "--out", f("s2"), "--pub", f("p2"), "--seed-hex", "ab" * 32).stdout
    check(a == b and open(f("p1"), "rb").read() == open(f("p2"), "rb").read(), "keygen --seed-hex deterministic")
    key_id = hashlib.sha256(open(f("k.pub"), "rb").read()).hexdigest()

    payload = bytes((i * 7 + 3) & 0xFF for i in range(10000))
    open(f("p.bin"), "wb").write(payload)
    run("sign", "--key", f("k.seed"), "--version", "1.2.3+4", "--counter", "5", "--load-address", "0x10300100",
        "--digest", "sha3-256", f("p.bin"), f("a.img"))
    img = open(f("a.img"), "rb").read()
    check(len(img) == 128 + len(payload) + 2592 + 4627 + 8, "image size")
    # Independent parse of Table 1 (docs/secure-boot.md).
    (magic, fmt, msize, flags, psize, load, major, minor, patch, build, ctr, dalg, salg) = struct.unpack_from(
        "<4sHHIIIBBHIIHh", img, 0)
    check(magic == b"PQFW" and fmt == 1 and msize == 128 and flags == 0, "manifest header")
    check(psize == len(payload) and load == 0x10300100, "size and load address")
    check((major, minor, patch, build) == (1, 2, 3, 4) and ctr == 5, "version and counter")
    check(dalg == 10 and salg == -50, "algorithm ids")
    check(img[36:68] == hashlib.sha3_256(payload).digest(), "payload digest is SHA3-256(payload)")
    check(img[68:100].hex() == key_id, "key id is SHA-256(public key)")
    check(img[100:128] == bytes(28), "reserved zero")
    check(img[128 + len(payload):128 + len(payload) + 2592] == open(f("k.pub"), "rb").read(), "embedded public key")
    check(img[-8:-4] == b"PQFE" and struct.unpack("<I", img[-4:])[0] == len(img), "end marker")
    info = json.loads(run("inspect", "--json", f("a.img")).stdout)
    check(info["version"] == "1.2.3+4" and info["security_counter"] == 5 and info["key_id"] == key_id, "inspect --json")
    check(info["manifest_sha3_256"] == hashlib.sha3_256(img[:128]).hexdigest(), "inspect manifest hash")
    check("security counter  5" in run("info", f("a.img")).stdout, "info alias")
    # Signing is deterministic (reproducible builds).
    run("sign", "--key", f("k.seed"), "--version", "1.2.3+4", "--counter", "5", "--load-address", "0x10300100",
        "--digest", "sha3-256", f("p.bin"), f("a2.img"))
    check(open(f("a2.img"), "rb").read() == img, "deterministic signature")

    # Accepted with each way of naming the trusted key.
    for how in (["--pub", f("k.pub")], ["--key", f("k.seed")], ["--key-id", key_id]):
        out = run("verify", *how, f("a.img")).stdout
        check("OK" in out, f"verify {how[0]}")
    check("OK" in run("verify", "--pub", f("k.pub"), "--counter", "5", f("a.img")).stdout, "equal counter accepted")

    def refused(data, want, *extra):
        open(f("bad.img"), "wb").write(data)
        p = run("verify", "--pub", f("k.pub"), *extra, f("bad.img"), ok=None)
        check(p.returncode == 1 and want in p.stdout, f"refused with '{want}': got {p.returncode} {p.stdout.strip()}")

    def flip(at, bit=0):
        b = bytearray(img)
        b[at] ^= 1 << bit
        return bytes(b)

    refused(flip(128 + 5000), "payload digest mismatch")
    refused(flip(21), "signature invalid")         # version minor
    refused(flip(40), "signature invalid")         # payload digest field
    refused(flip(len(img) - 8 - 100), "signature invalid")
    refused(flip(128 + len(payload) + 7), "public key does not match")
    refused(img[:-1], "truncated")
    refused(img[:5000], "truncated")
    refused(img + b"\0", "trailing bytes")
    big = bytearray(img)
    struct.pack_into("<I", big, 12, 0x7FFFFFFF)
    refused(bytes(big), "payload size out of bounds")
    refused(img, "rollback", "--counter", "6")
    p = run("verify", "--pub", f("k.pub"), f("a.img"), ok=None)
    check(p.returncode == 0, "original still fine")
    run("sign", "--key", f("other.seed"), "--version", "1.0.0", "--counter", "5", f("p.bin"), f("o.img"))
    p = run("verify", "--pub", f("k.pub"), f("o.img"), ok=False)
    check(p.returncode == 1 and "not trusted" in p.stdout, "wrong key refused")

    # Out-of-bound fields are refused at signing time.
    for args, why in ((["--version", "1.2.3", "--counter", "65536"], "security counter"),
                      (["--version", "256.0.0", "--counter", "1"], "major"),
                      (["--version", "1.2", "--counter", "1"], "MAJOR.MINOR.PATCH"),
                      (["--version", "1.2.3", "--counter", "1", "--load-address", "0x10300010"], "misaligned")):
        p = run("sign", "--key", f("k.seed"), *args, f("p.bin"), f("x.img"), ok=False)
        check(why in p.stderr, f"sign refuses {args}: {p.stderr.strip()}")
    # --pad-to
    run("sign", "--key", f("k.seed"), "--version", "1.0.0", "--counter", "1", "--pad-to", "65536", f("p.bin"), f("pad.img"))
    pad = open(f("pad.img"), "rb").read()
    check(struct.unpack_from("<I", pad, 12)[0] == 65536 and pad[128 + 10000:128 + 65536] == b"\xff" * 55536, "--pad-to")
    check("OK" in run("verify", "--key-id", key_id, f("pad.img")).stdout, "padded image verifies")

if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print("image CLI: all checks passed")
