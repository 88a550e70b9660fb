#!/usr/bin/env python3
"""Runs one secure-boot scenario under QEMU and checks what the console shows.

  run-scenario.py [--status N] [--expect REGEX]... [--forbid REGEX]... [--figure-max NAME=INSNS]...
                  [--stack-max NAME=BYTES]... -- QEMU COMMAND...

--expect patterns must all match, in the given order (each after the previous match): a boot
sequence, not just a set of lines. --forbid patterns must not match anywhere. --figure-max /
--stack-max bound a "figure NAME: instructions=N ... stack=S" line (the last one of that name).
The console (QEMU's stderr, semihosting) is printed in full."""
import re
import subprocess
import sys


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    sep = argv.index("--")
    opts, cmd = argv[:sep], argv[sep + 1:]
    status, expects, forbids, fig_max, stack_max = 0, [], [], {}, {}
    i = 0
    while i < len(opts):
        o, v = opts[i], opts[i + 1]
        if o == "--status":
            status = int(v)
        elif o == "--expect":
            expects.append(v)
        elif o == "--forbid":
            forbids.append(v)
        elif o == "--figure-max":
            k, n = v.split("=")
            fig_max[k] = int(n)
        elif o == "--stack-max":
            k, n = v.split("=")
            stack_max[k] = int(n)
        else:
            sys.exit(f"unknown option {o}")
        i += 2
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    out = p.stdout + p.stderr
    print(out)
    failures = []
    if p.returncode != status:
        failures.append(f"exit status {p.returncode}, expected {status}")
    pos = 0
    for e in expects:
        m = re.compile(e, re.M).search(out, pos)
        if not m:
            failures.append(f"expected (in order) but not found: {e!r}")
        else:
            pos = m.end()
    for f in forbids:
        if re.search(f, out, re.M):
            failures.append(f"forbidden output found: {f!r}")
    figures = {m.group(1): (int(m.group(2)), int(m.group(3)))
               for m in re.finditer(r"^figure (\S+): instructions=(\d+) .*?stack=(\d+)", out, re.M)}
    for name, limit in fig_max.items():
        if name not in figures:
            failures.append(f"figure {name} missing")
        elif figures[name][0] > limit:
            failures.append(f"figure {name}: {figures[name][0]} instructions, budget {limit}")
    for name, limit in stack_max.items():
        if name not in figures:
            failures.append(f"figure {name} missing")
        elif figures[name][1] > limit:
            failures.append(f"figure {name}: {figures[name][1]} bytes of stack, budget {limit}")
    for f in failures:
        print("SCENARIO FAIL:", f)
    if not failures:
        print(f"scenario: exit status {p.returncode}, {len(expects)} expected lines in order, "
              f"{len(forbids)} forbidden absent, {len(fig_max) + len(stack_max)} budgets met")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
