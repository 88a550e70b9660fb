"""Shared pieces of the security tests (Python 3 standard library only).

A live `pqcea serve` on a SQLite database in a temporary folder, an HTTP client that can send from
any loopback address (127.0.0.0/8 is all local on Linux, so one machine plays many clients and the
per-address limits can be exercised), the sec_device coprocess for genuine and forged evidence,
row counts of every table of the database, the server's memory from /proc, and /metrics.
"""
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time


def fail(msg):
    raise SystemExit("FAIL: " + msg)


class Sources:
    """Distinct loopback source addresses: each caller gets its own client identity."""

    def __init__(self, second_octet):
        self.octet = second_octet
        self.n = 0
        self.lock = threading.Lock()

    def next(self):
        with self.lock:
            self.n += 1
            n = self.n
        return "127.%d.%d.%d" % (self.octet, n // 254, n % 254 + 1)  # never .0 or .255


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body
        try:
            self.json = json.loads(body.decode("utf-8")) if body else None
        except (ValueError, UnicodeDecodeError):
            self.json = None

    @property
    def error(self):
        return self.json.get("error") if isinstance(self.json, dict) else None

    def __repr__(self):
        return "%d %s" % (self.status, self.body[:200])


def request(port, method, path, body=None, ctype="application/json", auth=None, src=None, timeout=30,
            headers=None):
    """One request on a fresh connection from source address `src` (default 127.0.0.1)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(src, 0) if src else None)
    try:
        h = dict(headers or {})
        if body is not None:
            if isinstance(body, str):
                body = body.encode("utf-8")
            h["Content-Type"] = ctype
        if auth is not None:
            h["Authorization"] = auth
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        conn.close()


def raw_exchange(port, data, src=None, timeout=10, read_until_close=True):
    """Sends raw bytes, returns everything the server answers until it closes (or the timeout)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(src, 0) if src else None)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
            if not read_until_close and b"\r\n\r\n" in out:
                break
        return out
    finally:
        s.close()


def parse_raw(raw):
    """(status, headers, body) of the first response in raw bytes; status 0 if none."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not lines or not lines[0].startswith(b"HTTP/1.1 "):
        return 0, {}, b""
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode()] = v.strip().decode()
    return status, headers, body


class Server:
    """`pqcea fleet-init` then `pqcea serve` on a SQLite database, both in a temporary folder."""

    def __init__(self, pqcea, tag, extra_args=(), keep=False):
        self.pqcea = pqcea
        self.dir = tempfile.mkdtemp(prefix="pqcea-sec-%s-" % tag)
        self.keep = keep
        self.monitor = Sources(3)
        self.fleet = os.path.join(self.dir, "fleet")
        self.db_path = os.path.join(self.dir, "verifier.db")
        subprocess.run([pqcea, "fleet-init", "--out", self.fleet], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(self.fleet, "admin.token")) as f:
            self.admin = f.read().strip()
        port_file = os.path.join(self.dir, "port")
        self.log_path = os.path.join(self.dir, "serve.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [pqcea, "serve", "--listen", "127.0.0.1:0", "--db", "sqlite:" + self.db_path, "--fleet", self.fleet,
             "--port-file", port_file] + list(extra_args),
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail("pqcea serve exited with %d:\n%s" % (self.proc.returncode, self.log_text()))
            if os.path.exists(port_file):
                with open(port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    return
            time.sleep(0.05)
        self.stop()
        fail("pqcea serve did not start within 60 s:\n" + self.log_text())

    def log_text(self):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()[-4000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def status(self):
        """VmRSS and VmHWM of the server process, in KiB."""
        out = {}
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0]] = int(line.split()[1])
        return out["VmRSS"], out["VmHWM"]

    def metrics(self):
        r = request(self.port, "GET", "/metrics", src=self.monitor.next())  # never rate-limited itself
        if r.status != 200:
            fail("GET /metrics: %r" % r)
        values = {}
        for line in r.body.decode().splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name] = float(value)
        return values

    def row_counts(self):
        """Rows in every table of the database (a read-only connection; WAL readers do not block)."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db_path, uri=True, timeout=30)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {t: con.execute('SELECT COUNT(*) FROM "%s"' % t.replace('"', '""')).fetchone()[0] for t in tables}
        finally:
            con.close()


def rows_written(before, after):
    """Rows added or removed across all tables between two row_counts()."""
    return sum(abs(after.get(t, 0) - before.get(t, 0)) for t in set(before) | set(after))


class Devices:
    """The sec_device coprocess (tests/security/sec_device.cpp): registrations and evidence."""

    def __init__(self, binary, fleet):
        self.proc = subprocess.Popen([binary, fleet], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.lock = threading.Lock()

    def ask(self, line):
        with self.lock:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            out = self.proc.stdout.readline().strip()
        if not out or out.startswith("error:"):
            fail("sec_device %s: %s" % (line, out or "no answer"))
        return out

    def policy(self):
        return self.ask("policy")

    def registration(self, tag, index):
        j = json.loads(self.ask("register %s %d" % (tag, index)))
        return j["device_id"], json.dumps(j["body"])

    def evidence(self, tag, index, nonce_hex):
        return bytes.fromhex(self.ask("evidence %s %d %s" % (tag, index, nonce_hex)))

    def forge(self, tag, index, key_tag, key_index, nonce_hex):
        return bytes.fromhex(self.ask("forge %s %d %s %d %s" % (tag, index, key_tag, key_index, nonce_hex)))

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(10)


def attest_once(port, devices, tag, index, device_id, src, patience=30):
    """Challenge, evidence, attest, as an honest device does: 429 and 503 are retried after their
    Retry-After for up to `patience` seconds in all. Returns (final response, number of retries)."""
    retries = 0
    deadline = time.time() + patience

    def call(*args, **kw):
        nonlocal retries
        while True:
            r = request(port, *args, src=src, **kw)
            if r.status not in (429, 503):
                return r
            wait = int(r.headers.get("retry-after", "1") or 1)
            if time.time() + wait > deadline:
                return r
            retries += 1
            time.sleep(wait)

    r = call("POST", "/v1/challenge", json.dumps({"device_id": device_id}))
    if r.status != 200:
        return r, retries
    token = devices.evidence(tag, index, r.json["nonce"])
    return call("POST", "/v1/attest", token, ctype="application/cose"), retries


def raise_fd_limit(want):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        fail("need %d file descriptors, the hard limit allows %d" % (want, soft))
