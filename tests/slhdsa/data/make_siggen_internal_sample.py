#!/usr/bin/env python3
"""Writes siggen_internal_sample.json: the first test of every internal-interface group of the
official SLH-DSA sigGen prompt (../shared/vectors/acvp/SLH-DSA-sigGen-FIPS205/prompt.json, vsId 53).
Values are copied unchanged; the prompt has no expected signatures, so `pqcea acvp` signs each test
and checks that the signature verifies (and fails with one bit flipped).

usage: make_siggen_internal_sample.py PROMPT.json > siggen_internal_sample.json
"""
import json
import sys

prompt = json.load(open(sys.argv[1]))
out = {k: v for k, v in prompt.items() if k != "testGroups"}
out["testGroups"] = []
for g in prompt["testGroups"]:
    if g.get("signatureInterface") != "internal":
        continue
    h = {k: v for k, v in g.items() if k != "tests"}
    h["tests"] = g["tests"][:1]
    out["testGroups"].append(h)
json.dump(out, sys.stdout, indent=2)
sys.stdout.write("\n")
