#!/usr/bin/env python3
"""docs/serve-config.md cannot go stale: its key table must list exactly the options of
`pqcea serve --help` (less --help, --config, --print-config) with the defaults of
`pqcea serve --print-config`; the shipped example packaging/serve.toml must load; a file with an
unknown key must be refused with exit 2 naming the file and the key."""
import os
import re
import subprocess
import sys
import tempfile

pqcea, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
fail = []


def run(*args):
    return subprocess.run([pqcea] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


help_opts = set(re.findall(r"^\s+(?:-\w,)?--([a-z0-9-]+)", run("serve", "--help").stdout, re.M)) - {
    "help", "config", "print-config"}
printed = dict(re.findall(r"^([a-z0-9-]+)=(.*)$", run("serve", "--print-config").stdout, re.M))
with open(os.path.join(root, "docs", "serve-config.md")) as f:
    documented = dict(re.findall(r"^\| `([a-z0-9-]+)` \| `(.*?)` \|", f.read(), re.M))

if not help_opts or not printed:
    fail.append("could not read pqcea serve --help / --print-config")
for name in sorted(help_opts - set(printed)):
    fail.append("--%s is in --help but not a configuration key" % name)
for name in sorted(set(printed) - set(documented)):
    fail.append("key %s (default %s) is missing from docs/serve-config.md" % (name, printed[name]))
for name in sorted(set(documented) - set(printed)):
    fail.append("docs/serve-config.md documents %s, which pqcea serve does not have" % name)
for name in sorted(set(documented) & set(printed)):
    if documented[name] != printed[name]:
        fail.append("docs/serve-config.md gives %s the default %s; pqcea says %s" % (name, documented[name], printed[name]))

example = os.path.join(root, "packaging", "serve.toml")
r = run("serve", "--config", example, "--print-config")
if r.returncode != 0:
    fail.append("packaging/serve.toml does not load: " + r.stdout)
elif 'listen="0.0.0.0:8443"' not in r.stdout:
    fail.append("packaging/serve.toml's listen did not take effect")

with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
    f.write('listen = "127.0.0.1:0"\nmax-conections = 5\n')
r = run("serve", "--config", f.name, "--print-config")
os.unlink(f.name)
if r.returncode != 2 or "unknown key 'max-conections'" not in r.stdout or f.name not in r.stdout:
    fail.append("a misspelt key was not refused as it should be (exit %d): %s" % (r.returncode, r.stdout))

for m in fail:
    print("FAIL: " + m)
if not fail:
    print("PASS: %d keys, each in --help, --print-config and docs/serve-config.md with the same default;"
          " the example loads; a misspelt key is refused" % len(printed))
sys.exit(1 if fail else 0)
