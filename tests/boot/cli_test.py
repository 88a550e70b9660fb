#!/usr/bin/env python3
"""Tests `pqcea image keygen|sign|verify|inspect` end to end on files.

Usage: cli_test.py PQCEA_BINARY
Signs a payload, checks that verify accepts it, and that every tampering the bootloader must refuse
is refused by `image verify` with its reason: a flipped bit in payload, manifest and signature, the
wrong key, a truncated file, an oversized size field, a lower security counter. Also checks the
manifest layout with an independent parse (struct) against `inspect --json`. Then the same for the
format-2 algorithms: SLH-DSA-SHA2-128s, LMS (H5, W8) and Falcon-1024 images signed, verified and
refused when tampered; the LMS key signs exactly 32 images, then sign exits 3 (exhausted)."""
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
    # keygen from a given seed (a file of 64 hex digits, or the raw 32 bytes on stdin) is deterministic
    open(f("seed.hex"), "w").write("ab" * 32 + "\n")
    a = run("keygen", "--out", f("s1"), "--pub", f("p1"), "--seed-file", f("seed.hex")).stdout
    b = subprocess.run([BIN, "image", "keygen", "--out", f("s2"), "--pub", f("p2"), "--seed-file", "-"],
                       input=bytes([0xAB] * 32), capture_output=True).stdout.decode()
    check(a == b and open(f("p1"), "rb").read() == open(f("p2"), "rb").read(), "keygen --seed-file deterministic")
    check(open(f("s1"), "rb").read() == bytes([0xAB] * 32), "the seed file is the key")
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

    # ---- format 2: SLH-DSA and HSS/LMS ----
    def fmt2(img, name):
        (fmt,) = struct.unpack_from("<H", img, 4)
        salg, pks, sigs = struct.unpack_from("<iII", img, 100)
        check(fmt == 2 and img[34:36] == b"\0\0" and img[112:128] == bytes(16), f"{name}: format 2 header")
        check(len(img) == 128 + len(payload) + pks + sigs + 8, f"{name}: image size from the manifest sizes")
        return salg, pks, sigs

    run("keygen", "--alg", "SLH-DSA-SHA2-128s", "--out", f("slh.key"), "--pub", f("slh.pub"))
    run("sign", "--key", f("slh.key"), "--version", "3.0.0", "--counter", "3", f("p.bin"), f("slh.img"))
    simg = open(f("slh.img"), "rb").read()
    salg, pks, sigs = fmt2(simg, "SLH-DSA")
    check((salg, pks, sigs) == (-65792, 32, 7856), "SLH-DSA-SHA2-128s id and sizes")
    check(simg[68:100] == hashlib.sha256(open(f("slh.pub"), "rb").read()).digest(), "SLH-DSA key id")
    check("OK: SLH-DSA-SHA2-128s" in run("verify", "--pub", f("slh.pub"), f("slh.img")).stdout, "SLH-DSA verify")
    check("OK" in run("verify", "--key", f("slh.key"), f("slh.img")).stdout, "SLH-DSA verify --key")
    check("SLH-DSA-SHA2-128s (COSE alg -65792)" in run("inspect", f("slh.img")).stdout, "inspect names SLH-DSA")
    p = run("sign", "--key", f("slh.key"), "--alg", "ML-DSA-87", "--version", "3.0.0", "--counter", "3",
            f("p.bin"), f("x.img"), ok=False)
    check("not ML-DSA-87" in p.stderr, "sign --alg must match the key file")

    def refused2(data, pub, want):
        open(f("bad.img"), "wb").write(data)
        p = run("verify", "--pub", pub, f("bad.img"), ok=None)
        check(p.returncode == 1 and want in p.stdout, f"format 2 refused with '{want}': got {p.returncode} {p.stdout.strip()}")

    def flip2(img, at):
        b = bytearray(img)
        b[at] ^= 0x10
        return bytes(b)

    sig_at = 128 + len(payload) + 32
    refused2(flip2(simg, sig_at + 3000), f("slh.pub"), "signature invalid")
    refused2(flip2(simg, 100), f("slh.pub"), "unsupported signature algorithm")  # an id the format does not define
    refused2(simg[:-50], f("slh.pub"), "truncated")
    refused2(simg, f("k.pub"), "not trusted")

    run("keygen", "--alg", "LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8", "--out", f("lms.key"), "--pub", f("lms.pub"))
    p = run("keygen", "--alg", "HSS-LMS", "--out", f("lms.key"), ok=False)
    check(p.returncode == 2 and "lms.key exists; use --force to replace it" in p.stderr,
          "an HSS key file is never overwritten")
    for i in range(32):
        run("sign", "--key", f("lms.key"), "--version", f"1.0.{i}", "--counter", "1", f("p.bin"), f(f"lms{i}.img"))
    p = run("sign", "--key", f("lms.key"), "--version", "1.0.99", "--counter", "1", f("p.bin"), f("lmsx.img"), ok=None)
    check(p.returncode == 3 and "exhausted" in p.stderr and not os.path.exists(f("lmsx.img")), "LMS key exhausted: exit 3")
    limg = open(f("lms31.img"), "rb").read()
    salg, pks, sigs = fmt2(limg, "LMS")
    check((salg, pks, sigs) == (-46, 60, 4 + 4 + 1124 + 4 + 5 * 32), "HSS-LMS id and sizes")
    qs = {struct.unpack_from(">I", open(f(f"lms{i}.img"), "rb").read(), 128 + len(payload) + 60 + 4)[0] for i in range(32)}
    check(qs == set(range(32)), "32 images, 32 distinct LMS indices")
    check("OK: HSS-LMS" in run("verify", "--pub", f("lms.pub"), f("lms31.img")).stdout, "LMS verify")
    refused2(flip2(limg, 128 + len(payload) + 60 + 200), f("lms.pub"), "signature invalid")
    refused2(limg[:-9], f("lms.pub"), "truncated")
    b = bytearray(limg)
    struct.pack_into("<i", b, 100, -65792)  # claims SLH-DSA-SHA2-128s: a 60-byte key does not fit it
    refused2(bytes(b), f("lms.pub"), "public key size does not fit")

    # Falcon-1024: padded signatures (1,280 bytes), randomized signing.
    run("keygen", "--alg", "Falcon-1024", "--out", f("fal.key"), "--pub", f("fal.pub"))
    check(os.path.getsize(f("fal.pub")) == 1793, "Falcon-1024 public key is 1793 bytes")
    run("sign", "--key", f("fal.key"), "--version", "4.0.0", "--counter", "4", f("p.bin"), f("fal.img"))
    run("sign", "--key", f("fal.key"), "--version", "4.0.0", "--counter", "4", f("p.bin"), f("fal2.img"))
    fimg = open(f("fal.img"), "rb").read()
    check(fmt2(fimg, "Falcon") == (-65808, 1793, 1280), "Falcon-1024 id and sizes")
    check(fimg != open(f("fal2.img"), "rb").read(), "Falcon signing is randomized")
    for name in ("fal.img", "fal2.img"):
        check("OK: Falcon-1024" in run("verify", "--pub", f("fal.pub"), f(name)).stdout, f"Falcon verify {name}")
    refused2(flip2(fimg, 128 + len(payload) + 1793 + 600), f("fal.pub"), "signature invalid")
    refused2(flip2(fimg, len(fimg) - 9), f("fal.pub"), "signature invalid")  # the zero padding
    refused2(fimg[:-8], f("fal.pub"), "truncated")

if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print("image CLI: all checks passed")
