#!/usr/bin/env python3
"""Writes the official known answers an on-target test checks, from the NIST ACVP JSON files.

  gen_acvp_target_vectors.py FAMILY ACVP_DIR OUT.inc      FAMILY: mlkem | mldsa | slhdsa

The firmware build runs this at build time (firmware/CMakeLists.txt), so the expected values on
the board are NIST's, never a digest of this project's own output, and a missing vector folder
fails the build. A few test cases per parameter set, chosen by tcId below (small messages where
the choice is free), keep the images small and the QEMU runs short. Each case becomes a struct
with a tc_id and one std::array per field (sizes fixed, so the test's fixed-extent spans check
them at compile time). Values are copied unchanged; the script only selects and asserts that
each chosen case is the kind the test expects.
"""
import json
import os
import sys

# (struct name, folder, tcId, expected group attributes, fields). Fields named in the ACVP file.
MLKEM = []
for ps, kg, en, dv, dr in (("512", 1, 1, 79, 76), ("768", 26, 26, 86, 88), ("1024", 51, 51, 97, 96)):
    name = f"ML-KEM-{ps}"
    MLKEM += [
        (f"MlKem{ps}KeyGen", "ML-KEM-keyGen-FIPS203", kg, {"parameterSet": name}, ["d", "z", "ek", "dk"]),
        (f"MlKem{ps}Encap", "ML-KEM-encapDecap-FIPS203", en,
         {"parameterSet": name, "function": "encapsulation"}, ["ek", "m", "c", "k"]),
        (f"MlKem{ps}Decap", "ML-KEM-encapDecap-FIPS203", dv,
         {"parameterSet": name, "function": "decapsulation", "reason": "valid decapsulation"}, ["dk", "c", "k"]),
        (f"MlKem{ps}DecapReject", "ML-KEM-encapDecap-FIPS203", dr,
         {"parameterSet": name, "function": "decapsulation", "reason": "modified ciphertext"}, ["dk", "c", "k"]),
    ]

MLDSA = []
PURE = {"signatureInterface": "external", "preHash": "pure"}
for ps, kg, det, hedged, ok, bad in (("44", 1, 2, 182, 11, 9), ("65", 26, 35, 213, 43, 38),
                                     ("87", 51, 71, 253, 70, 75)):
    name = f"ML-DSA-{ps}"
    MLDSA += [
        (f"MlDsa{ps}KeyGen", "ML-DSA-keyGen-FIPS204", kg, {"parameterSet": name}, ["seed", "pk", "sk"]),
        (f"MlDsa{ps}SignDeterministic", "ML-DSA-sigGen-FIPS204", det,
         dict(PURE, parameterSet=name, deterministic=True), ["sk", "message", "context", "signature"]),
        (f"MlDsa{ps}SignHedged", "ML-DSA-sigGen-FIPS204", hedged,
         dict(PURE, parameterSet=name, deterministic=False), ["sk", "message", "context", "rnd", "signature"]),
        (f"MlDsa{ps}VerifyValid", "ML-DSA-sigVer-FIPS204", ok, dict(PURE, parameterSet=name, testPassed=True),
         ["pk", "message", "context", "signature"]),
        (f"MlDsa{ps}VerifyInvalid", "ML-DSA-sigVer-FIPS204", bad, dict(PURE, parameterSet=name, testPassed=False),
         ["pk", "message", "context", "signature"]),
    ]

SIGGEN = "SLH-DSA-sigGen-FIPS205/subset_with_signatures.json"
SLHDSA = [
    ("SlhSha2_128fKeyGen", "SLH-DSA-keyGen-FIPS205", 21, {"parameterSet": "SLH-DSA-SHA2-128f"},
     ["skSeed", "skPrf", "pkSeed", "sk", "pk"]),
    ("SlhShake128fKeyGen", "SLH-DSA-keyGen-FIPS205", 31, {"parameterSet": "SLH-DSA-SHAKE-128f"},
     ["skSeed", "skPrf", "pkSeed", "sk", "pk"]),
    ("SlhSha2_128fSign", SIGGEN, 1, dict(PURE, parameterSet="SLH-DSA-SHA2-128f", deterministic=True),
     ["sk", "pk", "message", "context", "signature"]),
    ("SlhShake128fSign", SIGGEN, 58, dict(PURE, parameterSet="SLH-DSA-SHAKE-128f", deterministic=True),
     ["sk", "pk", "message", "context", "signature"]),
    ("SlhSha2_128sVerifyPure", SIGGEN, 157, dict(PURE, parameterSet="SLH-DSA-SHA2-128s", deterministic=True),
     ["pk", "message", "context", "signature"]),
    ("SlhSha2_128sVerifyPreHash", SIGGEN, 164,
     {"parameterSet": "SLH-DSA-SHA2-128s", "preHash": "preHash", "hashAlg": "SHA2-224"},
     ["pk", "message", "context", "signature"]),
]

FAMILIES = {"mlkem": MLKEM, "mldsa": MLDSA, "slhdsa": SLHDSA}


def load(acvp, folder):
    path = os.path.join(acvp, folder)
    if os.path.isdir(path):
        ip = os.path.join(path, "internalProjection.json")
        if os.path.exists(ip):
            return json.load(open(ip)), ip
        prompt, expected = json.load(open(os.path.join(path, "prompt.json"))), \
            json.load(open(os.path.join(path, "expectedResults.json")))
        results = {(g["tgId"], t["tcId"]): t for g in expected["testGroups"] for t in g["tests"]}
        for g in prompt["testGroups"]:
            for t in g["tests"]:
                for k, v in results[(g["tgId"], t["tcId"])].items():
                    t.setdefault(k, v)
        return prompt, path
    return json.load(open(path)), path


def find(doc, tc_id):
    for g in doc["testGroups"]:
        for t in g["tests"]:
            if t["tcId"] == tc_id:
                return g, t
    raise SystemExit(f"tcId {tc_id} not found")


def array(field, hexstr):
    b = bytes.fromhex(hexstr)
    body = ",".join(f"0x{x:02x}" for x in b)
    return f"  static constexpr std::array<std::uint8_t, {len(b)}> {field}{{{{{body}}}}};"


def snake(field):
    return "".join("_" + c.lower() if c.isupper() else c for c in field)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in FAMILIES:
        print(__doc__, file=sys.stderr)
        return 2
    family, acvp, out_path = sys.argv[1:]
    if not os.path.isdir(acvp):
        print(f"error: ACVP vector folder {acvp} is missing (set PQCEA_VECTORS to the shared/vectors folder)",
              file=sys.stderr)
        return 1
    docs = {}
    lines = [f"// Generated at build time by firmware/tests/data/gen_acvp_target_vectors.py {family}",
             "// from the official NIST ACVP files; do not edit. One struct per test case.", ""]
    for struct, folder, tc_id, want, fields in FAMILIES[family]:
        if folder not in docs:
            docs[folder] = load(acvp, folder)
        doc, path = docs[folder]
        group, test = find(doc, tc_id)
        merged = dict(group, **test)
        for k, v in want.items():
            if merged.get(k) != v:
                raise SystemExit(f"{path} tcId {tc_id}: {k} is {merged.get(k)!r}, expected {v!r}")
        lines.append(f"// {os.path.relpath(path, acvp)} tgId {group['tgId']} tcId {tc_id}")
        lines.append(f"struct {struct} {{")
        lines.append(f"  static constexpr int tc_id = {tc_id};")
        for f in fields:
            lines.append(array(snake(f), test[f]))
        lines.append("};")
    tmp = out_path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
