#!/usr/bin/env python3
"""Bounded memory under a connection flood (issue "Security hardening", item 3).

Usage: memory_test.py PQCEA SEC_DEVICE

A real `pqcea serve` (SQLite) gets 3,000 hostile connections in each of two phases while an honest
device, from its own address, keeps attesting:

  phase 1  30 attacking addresses x 100 connections: a third declare a 10 MB attestation (413 at
           once, body never read), a third send 63 KB of a 64 KB admin body and stall (held, up
           to the per-address byte limit, then 429), a third send a complete 16 KB junk token;
  phase 2  3,000 attacking addresses, one connection each, all sending 63 KB of a 64 KB body and
           stalling: the global byte limit holds (503 beyond it).

Server limits for the run: --max-inflight-bytes 32 MiB, --max-inflight-bytes-per-source 1 MiB.

The bound: the server's peak resident memory (VmHWM) may exceed its resident memory before the
attack by at most
    32 MiB (the bodies the global limit lets it hold)
  + 3,000 x 16 KiB (per connection: the session, its parser and a read buffer that never grows
    past a header plus 4 KiB, kernel-side socket buffers are not resident memory of the process)
  + 32 MiB (allocator slack, the SQLite cache, thread stacks touched under load),
i.e. about 111 MiB, and 256 MiB in absolute terms. Without the limits the same flood makes the
server hold every body it was sent: 3,000 x 63 KB = 189 MB in phase 2 alone, above both.

The honest device must get every attestation of phase 1 answered 200 (its address has its own
share), and attest again after phase 2. The /metrics counters of refused requests must show each
refusal kind. Exits non-zero on any failure.
"""
import errno
import os
import selectors
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402

MiB = 1 << 20
GLOBAL_CAP = 32 * MiB
SOURCE_CAP = 1 * MiB
CONNECTIONS = 3000
PER_CONNECTION = 16 * 1024
SLACK = 32 * MiB
ABSOLUTE_BOUND = 256 * MiB
REQUEST_TIMEOUT_MS = 12000
HOLD_SECONDS = 8  # each phase keeps its connections this long after the last one is opened


class Conn:
    __slots__ = ("kind", "sock", "out", "sent", "stall_at", "inbuf", "status", "closed")


def open_conn(sel, port, src, kind):
    c = Conn()
    c.kind = kind
    c.inbuf = b""
    c.status = None
    c.closed = False
    c.sent = 0
    if kind == "oversized":
        c.out = (b"POST /v1/attest HTTP/1.1\r\nHost: v\r\nContent-Type: application/cose\r\n"
                 b"Content-Length: 10000000\r\n\r\n")
        c.stall_at = len(c.out)
    elif kind == "full":
        body = b"\x9f" * 16000
        c.out = (b"POST /v1/attest HTTP/1.1\r\nHost: v\r\nContent-Type: application/cose\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body)) + body
        c.stall_at = len(c.out)
    else:  # slow: 63 KB of a 64 KB admin body, then nothing
        head = (b"POST /v1/admin/devices HTTP/1.1\r\nHost: v\r\nContent-Type: application/json\r\n"
                b"Content-Length: 64000\r\n\r\n")
        c.out = head + b"{" + b" " * 63999
        c.stall_at = len(head) + 63000
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.setblocking(False)
    err = s.connect_ex(("127.0.0.1", port))
    if err not in (0, errno.EINPROGRESS):
        s.close()
        seclib.fail("connect from %s: %s" % (src, os.strerror(err)))
    c.sock = s
    sel.register(s, selectors.EVENT_READ, c)
    return c


def pump(sel, conns, seconds, chunk):
    """Sends up to `chunk` more bytes per connection every 0.25 s and collects answers."""
    end = time.time() + seconds
    next_tick = 0
    while time.time() < end:
        now = time.time()
        if now >= next_tick:
            next_tick = now + 0.25
            for c in conns:
                if c.closed or c.sent >= c.stall_at:
                    continue
                n = min(chunk if c.kind == "slow" else len(c.out), c.stall_at - c.sent)
                try:
                    c.sent += c.sock.send(c.out[c.sent:c.sent + n])
                except BlockingIOError:
                    pass
                except OSError:
                    c.closed = True  # refused and closed by the server (its answer is read below)
        for key, _ in sel.select(timeout=0.05):
            c = key.data
            try:
                data = c.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data:
                c.inbuf += data
                if c.status is None and b"\r\n" in c.inbuf:
                    c.status = int(c.inbuf.split(b" ", 2)[1])
            else:
                c.closed = True
                sel.unregister(c.sock)


def close_all(sel, conns):
    for c in conns:
        try:
            sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()


def tally(conns):
    out = {}
    for c in conns:
        key = (c.kind, c.status if c.status is not None else "none")
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))))


class Sampler(threading.Thread):
    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.peak_rss = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            rss, _ = self.server.status()
            self.peak_rss = max(self.peak_rss, rss)
            time.sleep(0.1)


def main():
    if len(sys.argv) != 3:
        seclib.fail("usage: memory_test.py PQCEA SEC_DEVICE")
    pqcea, sec_device = sys.argv[1:]
    seclib.raise_fd_limit(CONNECTIONS + 512)
    t_start = time.time()
    server = seclib.Server(pqcea, "memory", [
        "--max-inflight-bytes", str(GLOBAL_CAP), "--max-inflight-bytes-per-source", str(SOURCE_CAP),
        "--request-timeout-ms", str(REQUEST_TIMEOUT_MS), "--quiet"])
    devices = seclib.Devices(sec_device, server.fleet)
    failures = []
    try:
        admin = "Bearer " + server.admin
        r = seclib.request(server.port, "PUT", "/v1/admin/policy", devices.policy(), auth=admin)
        if r.status != 200:
            seclib.fail("policy upload: %r" % r)
        dev_id, body = devices.registration("honest", 0)
        r = seclib.request(server.port, "POST", "/v1/admin/devices", body, auth=admin)
        if r.status != 201:
            seclib.fail("registration: %r" % r)
        honest_src = "127.0.0.2"
        r, _ = seclib.attest_once(server.port, devices, "honest", 0, dev_id, honest_src)
        if r.status != 200:
            seclib.fail("honest attestation before the attack: %r" % r)
        base_rss, base_hwm = server.status()
        print("server before the attack: VmRSS %.1f MiB, VmHWM %.1f MiB" % (base_rss / 1024, base_hwm / 1024))

        # The honest device attests in a loop during both phases.
        phase = ["1"]
        honest = []
        stop = threading.Event()

        def honest_loop():
            while not stop.is_set():
                p = phase[0]
                t0 = time.time()
                res, retries = seclib.attest_once(server.port, devices, "honest", 0, dev_id, honest_src)
                honest.append((p, res.status, retries, time.time() - t0))
                time.sleep(0.2)

        sampler = Sampler(server)
        sampler.start()
        sel = selectors.DefaultSelector()

        # ---- phase 1: 30 addresses x 100 connections --------------------------------------------
        kinds = ("oversized", "slow", "full")
        conns = []
        t0 = time.time()
        for i in range(CONNECTIONS):
            src = "127.1.0.%d" % (1 + i % 30)
            conns.append(open_conn(sel, server.port, src, kinds[i % 3]))
        print("phase 1: %d connections from 30 addresses opened in %.1f s" % (len(conns), time.time() - t0))
        worker = threading.Thread(target=honest_loop, daemon=True)
        worker.start()
        pump(sel, conns, HOLD_SECONDS, chunk=8192)
        m1 = server.metrics()
        rss1, _ = server.status()
        t1 = tally(conns)
        phase[0] = "between"
        close_all(sel, conns)
        print("phase 1 answers (kind, status): count:", t1)
        print("phase 1 server VmRSS at the end: %.1f MiB, inflight body bytes %d" %
              (rss1 / 1024, m1.get("pqcea_inflight_body_bytes", -1)))

        # ---- phase 2: 3,000 addresses, one slow connection each --------------------------------
        time.sleep(1)
        phase[0] = "2"
        conns = []
        sources = seclib.Sources(2)
        t0 = time.time()
        for i in range(CONNECTIONS):
            conns.append(open_conn(sel, server.port, sources.next(), "slow"))
        print("phase 2: %d connections from %d addresses opened in %.1f s" % (len(conns), CONNECTIONS,
                                                                            time.time() - t0))
        pump(sel, conns, HOLD_SECONDS, chunk=16384)
        m2 = server.metrics()
        rss2, _ = server.status()
        t2 = tally(conns)
        close_all(sel, conns)
        phase[0] = "after"
        print("phase 2 answers (kind, status): count:", t2)
        print("phase 2 server VmRSS at the end: %.1f MiB, inflight body bytes %d" %
              (rss2 / 1024, m2.get("pqcea_inflight_body_bytes", -1)))
        time.sleep(1.5)
        stop.set()
        worker.join(60)
        sampler.stop.set()
        sampler.join()

        # ---- after: recovery, memory, counters -------------------------------------------------
        r, retries = seclib.attest_once(server.port, devices, "honest", 0, dev_id, honest_src)
        if r.status != 200:
            failures.append("honest attestation after the attack: %r" % r)
        _, hwm = server.status()
        peak = max(hwm, sampler.peak_rss)
        bound_rel = base_rss * 1024 + GLOBAL_CAP + CONNECTIONS * PER_CONNECTION + SLACK
        print("server peak resident memory: VmHWM %.1f MiB (sampled VmRSS peak %.1f MiB); bound %.1f MiB "
              "(before %.1f + limit %d + %d x %d KiB + slack %d), absolute bound %d MiB" %
              (hwm / 1024, sampler.peak_rss / 1024, bound_rel / MiB, base_rss / 1024, GLOBAL_CAP // MiB,
               CONNECTIONS, PER_CONNECTION // 1024, SLACK // MiB, ABSOLUTE_BOUND // MiB))
        if peak * 1024 > bound_rel:
            failures.append("peak resident memory %.1f MiB exceeds the bound %.1f MiB" % (peak / 1024,
                                                                                      bound_rel / MiB))
        if peak * 1024 > ABSOLUTE_BOUND:
            failures.append("peak resident memory %.1f MiB exceeds %d MiB" % (peak / 1024, ABSOLUTE_BOUND // MiB))

        by_phase = {}
        for p, status, retries, secs in honest:
            by_phase.setdefault(p, []).append((status, retries, secs))
        for p in ("1", "2", "after"):
            got = by_phase.get(p, [])
            print("honest device, phase %s: %d attestations, statuses %s, retries %d, slowest %.2f s" % (
                p, len(got), sorted(set(s for s, _, _ in got)), sum(r for _, r, _ in got),
                max([s for _, _, s in got] or [0])))
        p1 = by_phase.get("1", [])
        if len(p1) < 3:
            failures.append("the honest device completed only %d attestations during phase 1" % len(p1))
        if any(s != 200 for s, _, _ in p1):
            failures.append("an honest attestation during phase 1 was not accepted: %s" % p1)

        # Each kind of refusal happened, and was refused without reading the body.
        def count(m, code, reason):
            return m.get('pqcea_http_rejected_total{code="%s",reason="%s"}' % (code, reason), 0)
        if t1.get(("oversized", 413), 0) < CONNECTIONS // 3 * 0.9:
            failures.append("phase 1: 413 for %d of %d oversized declarations" % (t1.get(("oversized", 413), 0),
                                                                                 CONNECTIONS // 3))
        if count(m1, 413, "body_too_large") < CONNECTIONS // 3 * 0.9:
            failures.append("phase 1: /metrics counts %d body_too_large" % count(m1, 413, "body_too_large"))
        if count(m1, 429, "source_bytes") == 0:
            failures.append("phase 1: the per-address byte limit never refused (429 source_bytes)")
        if count(m2, 503, "inflight_bytes") == 0:
            failures.append("phase 2: the global byte limit never refused (503 inflight_bytes)")
        for m, label in ((m1, "phase 1"), (m2, "phase 2")):
            if m.get("pqcea_inflight_body_bytes", 0) > GLOBAL_CAP:
                failures.append("%s: %d body bytes held, over the limit" % (label, m["pqcea_inflight_body_bytes"]))
        print("refused (/metrics): 413 body_too_large %d, 429 source_bytes %d, 503 inflight_bytes %d, "
              "429 rate %d, 503 queue_full %d" % (
                  count(m2, 413, "body_too_large"), count(m2, 429, "source_bytes"), count(m2, 503, "inflight_bytes"),
                  count(m2, 429, "rate"), count(m2, 503, "queue_full")))
    finally:
        devices.close()
        server.stop()
    print("memory test: %.0f s" % (time.time() - t_start))
    if failures:
        for f in failures:
            print("FAIL: " + f)
        return 1
    print("memory test: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
