#!/usr/bin/env python3
"""The attack suite (issue "Security hardening", item 9) against a live `pqcea serve` on SQLite.

Usage: attack_suite.py PQCEA SEC_DEVICE

Each row is one attack. It prints a table

    attack | expected | observed | rows written | last_result unchanged | verdict

where "rows written" is the change in the row count of every table of the database across the
attack (it must be 0 for every refused request) and "last_result unchanged" compares the watched
devices' last_result (GET /v1/devices/{id} with the admin token) before and after. The exit status
is non-zero if any row fails.

All expected answers are in EXPECT below.
"""
import json
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402

# ---- the expected answers: one place ----------------------------------------------------------
# status: the HTTP status (or a tuple of acceptable ones); error: the "error" code (None: any);
# writes: rows may be written (accepted requests only); group: "service" (authenticated verdicts,
# read tokens, uniform challenges, request ids), "limits" (bounded memory and rate limits) or
# "base" (strict parsing and the admin token).
EXPECT = {
    # forgery and replay
    "forged evidence for another device (attacker's key, victim's nonce)":
        dict(status=400, error="signature_invalid", group="service"),
    "victim attests with that nonce afterwards (the forgery did not consume it)":
        dict(status=200, error=None, writes=True, group="service"),
    "evidence with one signature byte flipped":
        dict(status=400, error="signature_invalid", group="service"),
    "replay of a used token":
        dict(status=409, error="nonce_used", group="base"),
    "evidence of an unregistered device":
        dict(status=(400, 401, 403, 404), error=None, group="base"),
    "evidence of a revoked device":
        dict(status=(400, 401, 403, 404), error=None, group="base"),
    # nonce flooding
    "challenge flood, one address, 300 requests (some refused)":
        dict(status=429, error="rate_limited", writes=True, group="limits"),
    "challenge flood for one device from 40 addresses (per-device rate)":
        dict(status=429, error="rate_limited", writes=True, group="service"),
    "flooded device still gets a nonce and attests":
        dict(status=200, error=None, writes=True, group="service"),
    # enumeration
    "challenge for an unknown id: same answer shape, nothing stored":
        dict(status=200, error=None, group="service"),
    "challenge for a revoked id: same answer shape":
        dict(status=200, error=None, writes=True, group="service"),
    "GET /v1/devices/<registered> without a token":
        dict(status=401, error="unauthorized", group="service"),
    "GET /v1/devices/<unknown> without a token (no oracle)":
        dict(status=401, error="unauthorized", group="service"),
    "GET /v1/results/<random id> without a token":
        dict(status=401, error="unauthorized", group="service"),
    "result ids are 32 random hex characters":
        dict(status=200, error=None, group="service"),
    # tokens
    "admin call without a token":
        dict(status=401, error="unauthorized", group="base"),
    "admin call with a wrong token":
        dict(status=401, error="unauthorized", group="base"),
    "admin call with the token in swapped case":
        dict(status=401, error="unauthorized", group="base"),
    "admin call with the token plus one byte":
        dict(status=401, error="unauthorized", group="base"),
    "admin call with the Basic scheme":
        dict(status=401, error="unauthorized", group="base"),
    "admin call with scheme 'bEARER' (case-insensitive scheme; re-registration)":
        dict(status=409, error="device_exists", group="service"),
    "read with a wrong token":
        dict(status=401, error="unauthorized", group="service"),
    "read with the admin token in swapped case":
        dict(status=401, error="unauthorized", group="service"),
    "read with scheme 'bearer' and the admin token":
        dict(status=200, error=None, group="base"),
    # hostile ids and paths
    "challenge id '../../etc/passwd'": dict(status=400, error="bad_device_id", group="base"),
    "challenge id with a NUL character": dict(status=400, error="bad_device_id", group="base"),
    "challenge id of 300 characters": dict(status=400, error="bad_device_id", group="base"),
    "challenge id of 100,000 characters": dict(status=413, error="body_too_large", group="limits"),
    "challenge id in Unicode": dict(status=400, error="bad_device_id", group="base"),
    "challenge id with SQL quotes": dict(status=400, error="bad_device_id", group="base"),
    "GET /v1/devices/x'%20OR%20'1'%3D'1": dict(status=400, error="bad_device_id", group="base"),
    "GET /v1/devices/..%2F..%2Fetc%2Fpasswd": dict(status=400, error="bad_device_id", group="base"),
    "GET /v1/devices/a%00b": dict(status=400, error="bad_device_id", group="base"),
    "GET /v1/devices/<2,000 characters>": dict(status=400, error="bad_device_id", group="base"),
    "GET /v1/devices/../../etc/passwd (raw)": dict(status=404, error="not_found", group="base"),
    "GET /v1/results/1'%20OR%20'1'%3D'1": dict(status=400, error="bad_result_id", group="base"),
    "revoke id with '; DROP TABLE": dict(status=400, error="bad_device_id", group="base"),
    "request line with a NUL byte": dict(status=400, error="malformed_http", group="base"),
    "request target with raw UTF-8 bytes": dict(status=(400, 404), error=None, group="base"),
    # oversized and slow bodies, bytes in flight, queue
    "attest declaring 10 MB (answered before any body byte)":
        dict(status=413, error="body_too_large", group="limits"),
    "challenge declaring 600 bytes (answered before any body byte)":
        dict(status=413, error="body_too_large", group="limits"),
    "admin call declaring 1 MB, valid token (answered before any body byte)":
        dict(status=413, error="body_too_large", group="limits"),
    "chunked attest body growing past the limit":
        dict(status=413, error="body_too_large", group="limits"),
    "slow body: half a genuine token, then silence":
        dict(status=408, error="request_timeout", group="base"),
    "the same token sent whole afterwards (nonce not consumed)":
        dict(status=200, error=None, writes=True, group="base"),
    "bytes in flight from one address over its share":
        dict(status=429, error="rate_limited", group="limits"),
    "bytes in flight from all addresses over the limit":
        dict(status=503, error="overloaded", group="limits"),
    "honest device attests once the flood is gone":
        dict(status=200, error=None, writes=True, group="limits"),
    "48 simultaneous attestations, queue limit 4":
        dict(status=503, error="overloaded", group="limits"),
    # error answers overall
    "error answers carry error, message, request_id and X-Request-Id":
        dict(status=None, error=None, group="service"),
    "error answers leak no exception or database text":
        dict(status=None, error=None, group="base"),
}

# The server's limits for the run (the limits rows are computed from them).
REQUEST_TIMEOUT_MS = 4000
RATE, BURST = 20, 40
INFLIGHT, INFLIGHT_PER_SOURCE = 256 * 1024, 128 * 1024
MAX_QUEUED = 4
ATTEST_LIMIT = 22872  # http_server.cpp kAttestBodyLimit

LEAK_PATTERNS = re.compile(r"sqlite|postgres|syntax error|constraint|std::|exception|what\(\)|\.cpp|errno",
                           re.IGNORECASE)


class Suite:
    def __init__(self, pqcea, sec_device):
        self.server = seclib.Server(pqcea, "attack", [
            "--request-timeout-ms", str(REQUEST_TIMEOUT_MS), "--rate-per-source", str(RATE),
            "--rate-burst", str(BURST), "--max-inflight-bytes", str(INFLIGHT),
            "--max-inflight-bytes-per-source", str(INFLIGHT_PER_SOURCE), "--max-queued", str(MAX_QUEUED),
            "--workers", "1"])
        self.port = self.server.port
        self.dev = seclib.Devices(sec_device, self.server.fleet)
        self.admin = "Bearer " + self.server.admin
        self.sources = seclib.Sources(5)  # every request from its own address unless a row says
        self.errors = []  # every error answer seen: (row, Response)
        self.rows = []
        self.current = None
        self.watched = []

    # -- plumbing -------------------------------------------------------------------------------
    def req(self, method, path, body=None, ctype="application/json", auth=None, src=None, **kw):
        r = seclib.request(self.port, method, path, body, ctype=ctype, auth=auth, src=src or self.sources.next(), **kw)
        if r.status >= 400:
            self.errors.append((self.current, r))
        return r

    def raw(self, data, **kw):
        raw = seclib.raw_exchange(self.port, data, src=kw.pop("src", None) or self.sources.next(), **kw)
        status, headers, body = seclib.parse_raw(raw)
        r = seclib.Response(status, headers, body)
        if status >= 400:
            self.errors.append((self.current, r))
        return r

    def challenge(self, device_id, src=None):
        r = self.req("POST", "/v1/challenge", json.dumps({"device_id": device_id}), src=src)
        if r.status != 200:
            seclib.fail("challenge for %s: %r" % (device_id, r))
        return r.json["nonce"]

    def register(self, tag, index):
        dev_id, body = self.dev.registration(tag, index)
        r = self.req("POST", "/v1/admin/devices", body, auth=self.admin)
        if r.status != 201:
            seclib.fail("registering %s: %r" % (tag, r))
        return dev_id

    def last_results(self):
        out = {}
        for d in self.watched:
            r = self.req("GET", "/v1/devices/" + d, auth=self.admin)
            out[d] = json.dumps(r.json.get("last_result") if isinstance(r.json, dict) else r.status, sort_keys=True)
        return out

    def row(self, name, fn):
        """Runs one attack; fn returns (observed Response or status, note, extra_ok)."""
        exp = EXPECT[name]
        self.current = name
        before, lr_before = self.server.row_counts(), self.last_results()
        try:
            r, note, extra_ok = fn()
        except Exception as e:  # noqa: BLE001 -- a crashed row is a failed row, with its reason
            r, note, extra_ok = None, "exception: %s" % e, False
        self.current = None
        after, lr_after = self.server.row_counts(), self.last_results()
        written = seclib.rows_written(before, after)
        unchanged = lr_before == lr_after
        status = r.status if isinstance(r, seclib.Response) else r
        error = r.error if isinstance(r, seclib.Response) else None
        want = exp["status"] if isinstance(exp["status"], tuple) else (exp["status"],)
        ok = extra_ok
        if exp["status"] is not None:
            ok = ok and status in want and (exp["error"] is None or error == exp["error"])
        writes = exp.get("writes", False)
        if not writes:
            ok = ok and written == 0 and unchanged
        expected = "" if exp["status"] is None else "/".join(map(str, want)) + (
            " " + exp["error"] if exp["error"] else "")
        observed = ("%s %s" % (status, error or "")).strip() if status is not None else ""
        if note:
            observed = (observed + "; " + note).strip("; ")
        verdict = "PASS" if ok else "FAIL"
        self.rows.append((name, exp["group"], expected, observed,
                          "%d (accepted request)" % written if writes else written,
                          ("yes" if unchanged else "changed (accepted request)") if writes else
                          ("yes" if unchanged else "NO"), verdict))

    # -- the attacks ----------------------------------------------------------------------------
    def run(self):
        s = self
        r = s.req("PUT", "/v1/admin/policy", s.dev.policy(), auth=s.admin)
        if r.status != 200:
            seclib.fail("policy upload: %r" % r)
        victim = s.register("victim", 0)
        s.register("attacker", 0)
        flipped_dev = s.register("flipped", 0)
        slow_dev = s.register("slow", 0)
        flooded = s.register("flooded", 0)
        sprayed = s.register("sprayed", 0)  # target of the one-address flood
        reference = s.register("reference", 0)  # a registered device nobody floods
        revoked = s.register("revoked", 0)
        if s.req("POST", "/v1/admin/devices/%s/revoke" % revoked, "{}", auth=s.admin).status != 200:
            seclib.fail("revoking")
        s.watched = [victim, flooded]
        nonce0 = s.challenge(victim)
        token0 = s.dev.evidence("victim", 0, nonce0)
        r = s.req("POST", "/v1/attest", token0, ctype="application/cose")
        if r.status != 200:
            seclib.fail("the victim's first attestation: %r" % r)
        result_ids = [r.json.get("result_id")]
        unknown = "00" * 17  # a well-formed id nobody registered

        # ---- forgery and replay -----------------------------------------------------------------
        nonce1 = s.challenge(victim)

        def forged():
            return s.req("POST", "/v1/attest", s.dev.forge("victim", 0, "attacker", 0, nonce1),
                         ctype="application/cose"), "", True
        s.row("forged evidence for another device (attacker's key, victim's nonce)", forged)

        def victim_after():
            r = s.req("POST", "/v1/attest", s.dev.evidence("victim", 0, nonce1), ctype="application/cose")
            if r.status == 200:
                result_ids.append(r.json.get("result_id"))
            return r, "", True
        s.row("victim attests with that nonce afterwards (the forgery did not consume it)", victim_after)

        flipped_nonce = s.challenge(flipped_dev)  # before the row: the challenge's own row is not the attack's

        def flipped():
            t = bytearray(s.dev.evidence("flipped", 0, flipped_nonce))
            t[-10] ^= 0x01  # inside the ML-DSA signature, the last field of the COSE_Sign1
            return s.req("POST", "/v1/attest", bytes(t), ctype="application/cose"), "", True
        s.row("evidence with one signature byte flipped", flipped)

        s.row("replay of a used token",
              lambda: (s.req("POST", "/v1/attest", token0, ctype="application/cose"), "", True))
        s.row("evidence of an unregistered device",
              lambda: (s.req("POST", "/v1/attest", s.dev.evidence("stranger", 0, nonce1),
                             ctype="application/cose"), "", True))
        s.row("evidence of a revoked device",
              lambda: (s.req("POST", "/v1/attest", s.dev.evidence("revoked", 0, nonce1),
                             ctype="application/cose"), "", True))

        # ---- nonce flooding ---------------------------------------------------------------------
        # One nonce's worth of rows, to tell the accepted challenges' rows from any refused one's.
        before = s.server.row_counts()
        s.challenge(flooded)
        per_challenge = seclib.rows_written(before, s.server.row_counts())

        def flood_one_address():
            src = s.sources.next()
            codes, retry_ok, first429 = {}, True, None
            for _ in range(300):
                r = s.req("POST", "/v1/challenge", json.dumps({"device_id": sprayed}), src=src)
                codes[r.status] = codes.get(r.status, 0) + 1
                if r.status == 429:
                    first429 = first429 or r
                    retry_ok = retry_ok and r.headers.get("retry-after", "").isdigit()
            return first429 or r, "answers %s, Retry-After %s; rows <= %d per 200" % (
                codes, "on every 429" if retry_ok else "MISSING", per_challenge), retry_ok
        s.flood_row("challenge flood, one address, 300 requests (some refused)", flood_one_address, per_challenge)

        def flood_one_device():
            codes, first429 = {}, None
            for i in range(200):
                r = s.req("POST", "/v1/challenge", json.dumps({"device_id": flooded}),
                          src="127.6.%d.%d" % (i % 40, 1 + i // 40))
                codes[r.status] = codes.get(r.status, 0) + 1
                if r.status == 429:
                    first429 = first429 or r
            return first429 or r, "answers %s" % codes, True
        s.flood_row("challenge flood for one device from 40 addresses (per-device rate)", flood_one_device,
                    per_challenge)

        def flooded_attests():
            r, retries = seclib.attest_once(s.port, s.dev, "flooded", 0, flooded, s.sources.next(), patience=90)
            return r, "%d retries after Retry-After" % retries, True
        s.row("flooded device still gets a nonce and attests", flooded_attests)

        # ---- enumeration ------------------------------------------------------------------------
        reg = s.req("POST", "/v1/challenge", json.dumps({"device_id": reference}))
        shape = lambda r: (sorted(r.json), len(r.json.get("nonce", ""))) if isinstance(r.json, dict) else None  # noqa: E731

        def same_shape(device_id):
            r = s.req("POST", "/v1/challenge", json.dumps({"device_id": device_id}))
            ok = r.status == 200 and shape(r) == shape(reg)
            return r, "shape %s vs registered %s" % (shape(r), shape(reg)), ok
        s.row("challenge for an unknown id: same answer shape, nothing stored", lambda: same_shape(unknown))
        s.row("challenge for a revoked id: same answer shape", lambda: same_shape(revoked))
        s.row("GET /v1/devices/<registered> without a token", lambda: (s.req("GET", "/v1/devices/" + victim), "", True))
        s.row("GET /v1/devices/<unknown> without a token (no oracle)",
              lambda: (s.req("GET", "/v1/devices/" + unknown), "", True))
        s.row("GET /v1/results/<random id> without a token",
              lambda: (s.req("GET", "/v1/results/" + os.urandom(16).hex()), "", True))

        def result_id_form():
            ok = len(result_ids) >= 2 and all(isinstance(i, str) and re.fullmatch(r"[0-9a-f]{32}", i)
                                              for i in result_ids) and result_ids[0] != result_ids[1]
            return 200, "result ids %s" % result_ids, ok
        s.row("result ids are 32 random hex characters", result_id_form)

        # ---- tokens -----------------------------------------------------------------------------
        _, attacker_body = s.dev.registration("attacker", 0)
        tok = s.server.admin
        swapped = tok.swapcase() if tok.swapcase() != tok else tok[:-1] + chr(ord(tok[-1]) ^ 1)
        for name, auth in (("admin call without a token", None),
                           ("admin call with a wrong token", "Bearer " + os.urandom(len(tok) // 2 + 1).hex()[:len(tok)]),
                           ("admin call with the token in swapped case", "Bearer " + swapped),
                           ("admin call with the token plus one byte", "Bearer " + tok + "0"),
                           ("admin call with the Basic scheme", "Basic " + tok),
                           ("admin call with scheme 'bEARER' (case-insensitive scheme; re-registration)",
                            "bEARER " + tok)):
            s.row(name, lambda auth=auth: (s.req("POST", "/v1/admin/devices", attacker_body, auth=auth), "", True))
        for name, auth in (("read with a wrong token", "Bearer " + os.urandom(16).hex()),
                           ("read with the admin token in swapped case", "Bearer " + swapped),
                           ("read with scheme 'bearer' and the admin token", "bearer " + tok)):
            s.row(name, lambda auth=auth: (s.req("GET", "/v1/devices/" + victim, auth=auth), "", True))

        # ---- hostile ids and paths --------------------------------------------------------------
        def challenge_id(device_id):
            return lambda: (s.req("POST", "/v1/challenge", json.dumps({"device_id": device_id})), "", True)
        s.row("challenge id '../../etc/passwd'", challenge_id("../../etc/passwd"))
        s.row("challenge id with a NUL character", challenge_id("dev\u0000ice"))
        s.row("challenge id of 300 characters", challenge_id("a" * 300))
        s.row("challenge id of 100,000 characters", challenge_id("a" * 100000))
        s.row("challenge id in Unicode", challenge_id("d\u00e9vice-\u00fc\u2603"))
        s.row("challenge id with SQL quotes", challenge_id("x' OR '1'='1"))
        for path in ("/v1/devices/x'%20OR%20'1'%3D'1", "/v1/devices/..%2F..%2Fetc%2Fpasswd", "/v1/devices/a%00b",
                     "/v1/results/1'%20OR%20'1'%3D'1"):
            s.row("GET " + path, lambda path=path: (s.req("GET", path, auth=s.admin), "", True))
        s.row("GET /v1/devices/<2,000 characters>",
              lambda: (s.req("GET", "/v1/devices/" + "a" * 2000, auth=s.admin), "", True))
        s.row("GET /v1/devices/../../etc/passwd (raw)", lambda: (s.raw(
            b"GET /v1/devices/../../etc/passwd HTTP/1.1\r\nHost: v\r\nAuthorization: " + s.admin.encode() +
            b"\r\nConnection: close\r\n\r\n"), "", True))
        s.row("revoke id with '; DROP TABLE", lambda: (s.req(
            "POST", "/v1/admin/devices/x'%3B%20DROP%20TABLE%20devices%3B--/revoke", "{}", auth=s.admin), "", True))
        s.row("request line with a NUL byte", lambda: (s.raw(b"GET /v1/dev\x00ices/x HTTP/1.1\r\nHost: v\r\n\r\n"), "", True))
        s.row("request target with raw UTF-8 bytes", lambda: (s.raw(
            ("GET /v1/devices/d\u00e9vice HTTP/1.1\r\nHost: v\r\nAuthorization: %s\r\nConnection: close\r\n\r\n"
            % s.admin).encode()), "", True))

        # ---- oversized and slow bodies ----------------------------------------------------------
        def header_only(head):
            # Only the header is sent: an answer proves the body was never waited for.
            t0 = time.time()
            r = s.raw(head, timeout=10)
            return r, "answered in %.0f ms with no body byte sent" % ((time.time() - t0) * 1e3), r.status != 0
        s.row("attest declaring 10 MB (answered before any body byte)", lambda: header_only(
            b"POST /v1/attest HTTP/1.1\r\nHost: v\r\nContent-Type: application/cose\r\nContent-Length: 10000000\r\n\r\n"))
        s.row("challenge declaring 600 bytes (answered before any body byte)", lambda: header_only(
            b"POST /v1/challenge HTTP/1.1\r\nHost: v\r\nContent-Type: application/json\r\nContent-Length: 600\r\n\r\n"))
        s.row("admin call declaring 1 MB, valid token (answered before any body byte)", lambda: header_only(
            b"POST /v1/admin/devices HTTP/1.1\r\nHost: v\r\nContent-Type: application/json\r\nAuthorization: " +
            s.admin.encode() + b"\r\nContent-Length: 1000000\r\n\r\n"))

        def chunked():
            chunk = b"\x9f" * 8000
            body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(4)) + b"0\r\n\r\n"
            return s.raw(b"POST /v1/attest HTTP/1.1\r\nHost: v\r\nContent-Type: application/cose\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n" + body), "4 chunks of 8,000 bytes", True
        s.row("chunked attest body growing past the limit", chunked)

        slow_token = s.dev.evidence("slow", 0, s.challenge(slow_dev))

        def slow():
            t0 = time.time()
            r = s.raw(b"POST /v1/attest HTTP/1.1\r\nHost: v\r\nContent-Type: application/cose\r\nContent-Length: %d\r\n\r\n"
                      % len(slow_token) + slow_token[:len(slow_token) // 2], timeout=REQUEST_TIMEOUT_MS / 1000 + 10)
            secs = time.time() - t0
            return r, "answered after %.1f s (limit %.1f s)" % (secs, REQUEST_TIMEOUT_MS / 1000), \
                secs < REQUEST_TIMEOUT_MS / 1000 + 5
        s.row("slow body: half a genuine token, then silence", slow)
        s.row("the same token sent whole afterwards (nonce not consumed)",
              lambda: (s.req("POST", "/v1/attest", slow_token, ctype="application/cose"), "", True))

        # Connections that declare a full-size attestation and send one byte: held until answered
        # (or until the request timeout, so each row opens its connections at once and then looks).
        held = []

        def hold_all(srcs):
            conns = []
            for src in srcs:
                c = socket.create_connection(("127.0.0.1", s.port), timeout=10, source_address=(src, 0))
                c.sendall(b"POST /v1/attest HTTP/1.1\r\nHost: v\r\nContent-Type: application/cose\r\n"
                          b"Content-Length: %d\r\n\r\n\x84" % ATTEST_LIMIT)
                conns.append(c)
                time.sleep(0.02)  # in order: the server admits them one after the other
            held.extend(conns)
            time.sleep(0.5)
            answers = []
            for c in conns:
                c.setblocking(False)
                try:
                    raw = c.recv(65536)  # an answer now: refused at the end of its header
                except BlockingIOError:
                    answers.append(None)
                    continue
                status, headers, body = seclib.parse_raw(raw)
                r = seclib.Response(status, headers, body)
                s.errors.append((s.current, r))
                answers.append(r)
            return answers

        def per_source():
            fits = INFLIGHT_PER_SOURCE // ATTEST_LIMIT
            answers = hold_all([s.sources.next()] * (fits + 2))
            early = [a for a in answers[:fits] if a is not None]
            refused = [a for a in answers[fits:] if a is not None]
            ok = not early and len(refused) == 2 and all(a.headers.get("retry-after") for a in refused)
            return (refused[0] if refused else 0), "%d held, then %s" % (fits, [a.status for a in refused]), ok
        s.row("bytes in flight from one address over its share", per_source)

        def global_limit():
            answers = hold_all([s.sources.next() for _ in range(INFLIGHT // ATTEST_LIMIT + 2)])
            refused = [a for a in answers if a is not None]
            held_bytes = s.server.metrics().get("pqcea_inflight_body_bytes", -1)
            ok = bool(refused) and all(a.headers.get("retry-after") for a in refused) and held_bytes <= INFLIGHT
            return (refused[0] if refused else 0), "%d connections held, %d bytes held (limit %d), refused %s" % (
                len(held), held_bytes, INFLIGHT, [a.status for a in refused]), ok
        s.row("bytes in flight from all addresses over the limit", global_limit)

        def after_flood():
            for c in held:
                c.close()
            deadline = time.time() + 10
            while time.time() < deadline and s.server.metrics().get("pqcea_inflight_body_bytes", -1) != 0:
                time.sleep(0.1)
            held_bytes = s.server.metrics().get("pqcea_inflight_body_bytes", -1)
            r, retries = seclib.attest_once(s.port, s.dev, "victim", 0, victim, s.sources.next())
            return r, "body bytes held after the flood: %d" % held_bytes, held_bytes == 0
        s.row("honest device attests once the flood is gone", after_flood)

        def queue_limit():
            # Tokens that pass the transport and need an appraisal (a replay: refused 409 by the
            # worker). All 48 are written at once; the worker cannot keep up and the queue fills.
            body = token0
            msg = (b"POST /v1/attest HTTP/1.1\r\nHost: v\r\nContent-Type: application/cose\r\nContent-Length: %d\r\n"
                   b"Connection: close\r\n\r\n" % len(body)) + body
            for attempt in range(5):
                conns = [socket.create_connection(("127.0.0.1", s.port), timeout=20,
                                                  source_address=(s.sources.next(), 0)) for _ in range(48)]
                for c in conns:
                    c.sendall(msg)
                answers = []
                for c in conns:
                    raw = b""
                    while True:
                        chunk = c.recv(65536)
                        if not chunk:
                            break
                        raw += chunk
                    c.close()
                    status, headers, b = seclib.parse_raw(raw)
                    answers.append(seclib.Response(status, headers, b))
                codes = {}
                for a in answers:
                    codes[a.status] = codes.get(a.status, 0) + 1
                busy = [a for a in answers if a.status == 503]
                if busy:
                    for a in answers:
                        if a.status >= 400:
                            s.errors.append((s.current, a))
                    return busy[0], "answers %s (round %d)" % (codes, attempt + 1), \
                        all(a.headers.get("retry-after") for a in busy) and set(codes) <= {409, 503}
            return answers[0], "answers %s: the queue never filled in 5 rounds" % codes, False
        s.row("48 simultaneous attestations, queue limit 4", queue_limit)

        # ---- error answers overall --------------------------------------------------------------
        def shape_of_errors():
            bad = [(row, r) for row, r in s.errors
                   if not (isinstance(r.json, dict) and {"error", "message", "request_id"} <= set(r.json)
                           and r.headers.get("x-request-id"))]
            return None, "%d of %d error answers lack them%s" % (
                len(bad), len(s.errors), " (first: %s: %r)" % (bad[0][0], bad[0][1]) if bad else ""), not bad
        s.row("error answers carry error, message, request_id and X-Request-Id", shape_of_errors)

        def leaks():
            bad = [(row, r) for row, r in s.errors if LEAK_PATTERNS.search(r.body.decode("utf-8", "replace"))]
            return None, "%d of %d error answers%s" % (
                len(bad), len(s.errors), " (first: %s: %r)" % (bad[0][0], bad[0][1]) if bad else ""), not bad
        s.row("error answers leak no exception or database text", leaks)

    def flood_row(self, name, fn, per_challenge):
        """A flood: accepted challenges may write their nonce rows, refused ones nothing."""
        before = self.server.row_counts()
        accepted = [0]

        def counted():
            r, note, ok = fn()
            accepted[0] = int(re.search(r"200: (\d+)", note).group(1)) if "200:" in note else 0
            return r, note, ok
        self.row(name, counted)
        written = seclib.rows_written(before, self.server.row_counts())
        last = list(self.rows[-1])
        if written > accepted[0] * per_challenge:
            last[3] += "; %d rows for %d accepted" % (written, accepted[0])
            last[6] = "FAIL"
        self.rows[-1] = tuple(last)

    def report(self):
        widths = [min(60, max(len(str(r[i])) for r in self.rows + [self.header()])) for i in range(7)]
        widths[3] = 70
        def line(cells):
            out = []
            for c, w in zip(cells, widths):
                c = str(c)
                out.append(c if len(c) <= w else c[:w - 1] + "~")
                out[-1] = out[-1].ljust(w)
            return " | ".join(out)
        print(line(self.header()))
        print("-+-".join("-" * w for w in widths))
        for r in self.rows:
            print(line(r))
        counts = {}
        for r in self.rows:
            counts[r[6]] = counts.get(r[6], 0) + 1
        print("\nattack suite: %d rows: %s" % (len(self.rows), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
        long_notes = [(r[0], r[3]) for r in self.rows if len(str(r[3])) > widths[3]]
        for name, obs in long_notes:
            print("  %s: %s" % (name, obs))
        return 1 if counts.get("FAIL") else 0

    @staticmethod
    def header():
        return ("attack", "group", "expected", "observed", "rows written", "last_result unchanged", "verdict")


def main():
    if len(sys.argv) != 3:
        seclib.fail("usage: attack_suite.py PQCEA SEC_DEVICE")
    t0 = time.time()
    suite = Suite(*sys.argv[1:])
    try:
        suite.run()
    finally:
        suite.dev.close()
        suite.server.stop()
    rc = suite.report()
    print("attack suite: %.0f s" % (time.time() - t0))
    return rc


if __name__ == "__main__":
    sys.exit(main())
