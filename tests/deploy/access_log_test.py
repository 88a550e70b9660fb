#!/usr/bin/env python3
"""`pqcea serve` access log and configuration file, end to end.

A server is started from a --config file only (listen, db, fleet, port-file, access-log =
"stderr"), gets a handful of requests (200, 401, 404, 405, a 413 refused by the transport before
its body is read), and is stopped. Every response's X-Request-Id must appear in exactly one JSON
line of the log with the request's method, path (no query string), status, body bytes, a
duration and the source address; every JSON line must parse. A second run with
`--access-log off` on the command line (which wins over the file) logs no JSON line.
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def start(pqcea, d, extra):
    port_file = os.path.join(d, "port")
    if os.path.exists(port_file):
        os.remove(port_file)
    err = open(os.path.join(d, "serve.err"), "w")
    out = open(os.path.join(d, "serve.out"), "w")
    proc = subprocess.Popen([pqcea, "serve", "--config", os.path.join(d, "serve.toml")] + extra, stdout=out, stderr=err)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            fail("serve exited %d: %s" % (proc.returncode, open(err.name).read()))
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, int(open(port_file).read()), err.name, out.name
        time.sleep(0.05)
    proc.kill()
    fail("serve did not start")


def stop(proc):
    proc.terminate()
    proc.wait(20)


def requests(port):
    """(request id, method, path, status, body bytes) of each request sent."""
    sent = []
    for method, target, body, headers in [
        ("GET", "/healthz", None, {}),
        ("GET", "/v1/devices/0011?secret=not-logged", None, {}),          # 401: no token
        ("GET", "/no/such/route", None, {}),                              # 404
        ("DELETE", "/v1/attest", None, {}),                               # 405
        ("POST", "/v1/challenge", "x" * 4096, {"Content-Type": "application/json"}),  # 413, transport
    ]:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request(method, target, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        rid = r.getheader("X-Request-Id")
        if not rid:
            fail("%s %s: no X-Request-Id header" % (method, target))
        sent.append((rid, method, target.split("?")[0], r.status, len(data)))
        c.close()
    return sent


def main():
    pqcea = os.path.abspath(sys.argv[1])
    d = tempfile.mkdtemp(prefix="pqcea-accesslog-")
    try:
        subprocess.run([pqcea, "fleet-init", "--out", os.path.join(d, "fleet")], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(d, "serve.toml"), "w") as f:
            f.write('# written by tests/deploy/access_log_test.py\n[serve]\nlisten = "127.0.0.1:0"\n'
                    'db = "sqlite:%s/verifier.db"\nfleet = "%s/fleet"\nport-file = "%s/port"\n'
                    'access-log = "stderr"\nbody-limit = 65536\n' % (d, d, d))
        proc, port, err, out = start(pqcea, d, [])
        sent = requests(port)
        stop(proc)
        if open(out).read():
            fail("access-log = stderr, yet stdout has: " + open(out).read()[:200])
        lines = [l for l in open(err).read().split("\n") if l.startswith("{")]
        records = {}
        for l in lines:
            try:
                rec = json.loads(l)
            except ValueError as e:
                fail("log line is not JSON (%s): %s" % (e, l))
            for key in ("time", "request_id", "method", "path", "status", "bytes", "duration_ms", "source"):
                if key not in rec:
                    fail("log line lacks %s: %s" % (key, l))
            if rec["request_id"] in records:
                fail("request id logged twice: " + l)
            records[rec["request_id"]] = rec
        for rid, method, path, status, nbytes in sent:
            rec = records.get(rid)
            if rec is None:
                fail("X-Request-Id %s (%s %s -> %d) is in no log line; lines: %s" % (rid, method, path, status, lines))
            want = {"method": method, "path": path, "status": status, "bytes": nbytes, "source": "127.0.0.1"}
            got = {k: rec[k] for k in want}
            if got != want or not isinstance(rec["duration_ms"], (int, float)) or rec["duration_ms"] < 0:
                fail("log line for %s: %s, wanted %s" % (rid, rec, want))
            print("ok: %s %s -> %d logged with request id %s" % (method, path, status, rid))
        if "secret=not-logged" in open(err).read():
            fail("the query string reached the log")

        proc, port, err, out = start(pqcea, d, ["--access-log", "off"])
        requests(port)
        stop(proc)
        if any(l.startswith("{") for l in (open(err).read() + open(out).read()).split("\n")):
            fail("--access-log off on the command line still logged JSON lines")
        print("ok: --access-log off on the command line overrides the file")
        print("PASS: %d requests, each in one JSON access log line with its X-Request-Id" % len(sent))
    finally:
        shutil.rmtree(d, ignore_errors=True)


main()
