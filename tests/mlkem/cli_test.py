#!/usr/bin/env python3
"""Tests `pqcea kem keygen|encaps|decaps` on raw files, for all three parameter sets.

Usage: cli_test.py PQCEA_BINARY [VECTORS_DIR]
Self-contained checks always run; then the CLI outputs are compared byte for byte with official
keyGen and encapsulation answers from VECTORS_DIR's ACVP ML-KEM files (exit 77 if they are absent)."""
import json
import os
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
VECTORS = sys.argv[2] if len(sys.argv) > 2 else ""
SIZES = {"ML-KEM-512": (800, 1632, 768), "ML-KEM-768": (1184, 2400, 1088), "ML-KEM-1024": (1568, 3168, 1568)}
failures = []
vectors_absent = False


def run(*args, ok=True):
    # --force: the test reuses output names across parameter sets; refusing to replace a secret
    # output is tested in tests/cli_secrets.
    p = subprocess.run([BIN, "kem", *args, "--force"], capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise AssertionError(f"pqcea kem {' '.join(args)} failed: {p.stderr}")
    if not ok and p.returncode == 0:
        raise AssertionError(f"pqcea kem {' '.join(args)} should have failed")
    return p


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def rd(path):
    with open(path, "rb") as f:
        return f.read()


def wr(path, data):
    with open(path, "wb") as f:
        f.write(data)


with tempfile.TemporaryDirectory() as tmp:
    P = lambda name: os.path.join(tmp, name)
    for alg, (ek_n, dk_n, ct_n) in SIZES.items():
        A = ["--alg", alg]
        seed = bytes(range(64))
        wr(P("seed"), seed)
        run("keygen", *A, "--seed", P("seed"), "--ek", P("ek"), "--dk", P("dk"))
        ek, dk = rd(P("ek")), rd(P("dk"))
        check(len(ek) == ek_n and len(dk) == dk_n, f"{alg}: key sizes")
        check(dk[384 * ((ek_n - 32) // 384):][:ek_n] == ek, f"{alg}: dk embeds ek")
        check(dk[-32:] == seed[32:], f"{alg}: dk ends with z")
        run("keygen", *A, "--seed", P("seed"), "--ek", P("ek2"), "--dk", P("dk2"))
        check(rd(P("ek2")) == ek and rd(P("dk2")) == dk, f"{alg}: keygen --seed is deterministic")

        # Random keygen keeping the seed; the seed regenerates the same key pair.
        run("keygen", *A, "--ek", P("ekr"), "--dk", P("dkr"), "--seed-out", P("seedr"))
        check(len(rd(P("seedr"))) == 64, f"{alg}: --seed-out writes 64 bytes")
        run("keygen", *A, "--seed", P("seedr"), "--ek", P("ek3"), "--dk", P("dk3"))
        check(rd(P("ek3")) == rd(P("ekr")) and rd(P("dk3")) == rd(P("dkr")), f"{alg}: seed-out reproduces the keys")

        # Deterministic and random encapsulation; decapsulation with both key forms.
        wr(P("m"), bytes([0xA5] * 32))
        run("encaps", *A, "--ek", P("ek"), "--m", P("m"), "--ct", P("ct"), "--key", P("k"))
        run("encaps", *A, "--ek", P("ek"), "--m", P("m"), "--ct", P("ct2"), "--key", P("k2"))
        check(rd(P("ct")) == rd(P("ct2")) and rd(P("k")) == rd(P("k2")), f"{alg}: encaps --m is deterministic")
        check(len(rd(P("ct"))) == ct_n and len(rd(P("k"))) == 32, f"{alg}: ciphertext/key sizes")
        run("encaps", *A, "--ek", P("ek"), "--ct", P("ctr"), "--key", P("kr"))
        check(rd(P("ctr")) != rd(P("ct")), f"{alg}: random encaps differs from m = A5..")
        for ct, k in (("ct", "k"), ("ctr", "kr")):
            run("decaps", *A, "--dk", P("dk"), "--ct", P(ct), "--key", P("kd"))
            check(rd(P("kd")) == rd(P(k)), f"{alg}: decaps(dk) recovers the key")
            run("decaps", *A, "--dk", P("seed"), "--ct", P(ct), "--key", P("ks"))
            check(rd(P("ks")) == rd(P(k)), f"{alg}: decaps(seed) recovers the key")

        # Implicit rejection: a modified ciphertext is not an error, the key differs.
        bad = bytearray(rd(P("ct")))
        bad[7] ^= 1
        wr(P("ctbad"), bytes(bad))
        run("decaps", *A, "--dk", P("dk"), "--ct", P("ctbad"), "--key", P("kbad"))
        check(rd(P("kbad")) != rd(P("k")) and len(rd(P("kbad"))) == 32, f"{alg}: implicit rejection")

        # Malformed inputs: clear message, non-zero exit.
        badek = bytearray(ek)
        badek[0], badek[1] = 0xFF, badek[1] | 0x0F  # first coefficient 4095 >= q
        wr(P("ekbad"), bytes(badek))
        p = run("encaps", *A, "--ek", P("ekbad"), "--ct", P("x"), "--key", P("y"), ok=False)
        check("7.2" in p.stderr, f"{alg}: malformed ek message: {p.stderr.strip()}")
        baddk = bytearray(dk)
        baddk[-40] ^= 1  # inside H(ek)
        wr(P("dkbad"), bytes(baddk))
        p = run("decaps", *A, "--dk", P("dkbad"), "--ct", P("ct"), "--key", P("y"), ok=False)
        check("7.3" in p.stderr, f"{alg}: corrupted dk message: {p.stderr.strip()}")
        wr(P("short"), ek[:-1])
        p = run("encaps", *A, "--ek", P("short"), "--ct", P("x"), "--key", P("y"), ok=False)
        check("bytes" in p.stderr, f"{alg}: short ek message: {p.stderr.strip()}")
        p = run("decaps", *A, "--dk", P("dk"), "--ct", P("short"), "--key", P("y"), ok=False)
        check("bytes" in p.stderr, f"{alg}: wrong ct length message")
        wr(P("seed63"), seed[:63])
        p = run("keygen", *A, "--seed", P("seed63"), "--ek", P("x"), "--dk", P("y"), ok=False)
        check("64" in p.stderr, f"{alg}: 63-byte seed message")
    run("keygen", "--alg", "ML-KEM-999", "--ek", P("x"), "--dk", P("y"), ok=False)
    run("keygen", "--ek", P("x"), "--dk", P("y"), ok=False)  # --alg is required

    # Official answers, when the vector folder is present.
    kg = os.path.join(VECTORS, "acvp", "ML-KEM-keyGen-FIPS203", "internalProjection.json")
    ed = os.path.join(VECTORS, "acvp", "ML-KEM-encapDecap-FIPS203", "internalProjection.json")
    if VECTORS and os.path.exists(kg) and os.path.exists(ed):
        n = 0
        for g in json.load(open(kg))["testGroups"]:
            for t in g["tests"][:3]:
                wr(P("seed"), bytes.fromhex(t["d"] + t["z"]))
                run("keygen", "--alg", g["parameterSet"], "--seed", P("seed"), "--ek", P("ek"), "--dk", P("dk"))
                check(rd(P("ek")).hex().upper() == t["ek"] and rd(P("dk")).hex().upper() == t["dk"],
                      f"ACVP keyGen tc {t['tcId']}")
                n += 1
        for g in json.load(open(ed))["testGroups"]:
            if g["function"] not in ("encapsulation", "decapsulation"):
                continue
            for t in g["tests"][:3]:
                A = ["--alg", g["parameterSet"]]
                if g["function"] == "encapsulation":
                    wr(P("ek"), bytes.fromhex(t["ek"]))
                    wr(P("m"), bytes.fromhex(t["m"]))
                    run("encaps", *A, "--ek", P("ek"), "--m", P("m"), "--ct", P("ct"), "--key", P("k"))
                    check(rd(P("ct")).hex().upper() == t["c"] and rd(P("k")).hex().upper() == t["k"],
                          f"ACVP encapsulation tc {t['tcId']}")
                else:
                    wr(P("dk"), bytes.fromhex(t["dk"]))
                    wr(P("ct"), bytes.fromhex(t["c"]))
                    run("decaps", *A, "--dk", P("dk"), "--ct", P("ct"), "--key", P("k"))
                    check(rd(P("k")).hex().upper() == t["k"], f"ACVP decapsulation tc {t['tcId']} ({t['reason']})")
                n += 1
        print(f"cross-checked {n} official ACVP answers")
    else:
        vectors_absent = True

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
if vectors_absent:
    # Half a test is not a pass: exit 77, counted as skipped (a failure under CI=true).
    print("SKIP: vector folder absent; official-answer cross-check not run (self-contained checks passed)")
    sys.exit(77)
print("pqcea kem CLI: all checks passed")
