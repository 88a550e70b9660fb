#!/usr/bin/env python3
"""Malformed key shares fail the TLS handshake cleanly, with no crash.

openssl s_server (pqcea provider, one group) runs behind a small TCP proxy that rewrites the
key_share of the ClientHello or of the ServerHello (keeping every length field consistent):
  c_short   client share one byte short            -> the server refuses it (alert), client fails
  c_long    client share one byte long             -> same
  c_ek_ff   ML-KEM encapsulation key all 0xFF      -> fails the FIPS 203 7.2 modulus check
  c_ec_bad  EC point replaced (P-256: 0x04||0xFF..; X25519 is skipped: any 32 bytes are a key)
  s_short   server share one byte short            -> the client refuses it
  s_ct_flip one ML-KEM ciphertext bit flipped      -> implicit rejection: different secrets, the
                                                      client cannot decrypt EncryptedExtensions
Each case: s_client exits with an error (not a signal), the server process is still alive, and a
direct clean handshake with data exchange succeeds afterwards. Processes are always stopped.
Usage: malformed_shares.py MODULE_DIR GROUP
"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

OPENSSL = os.environ.get("OPENSSL", "/usr/bin/openssl")
MOD, GROUP = sys.argv[1], sys.argv[2]
PROV = ["-provider-path", MOD, "-provider", "pqcea", "-provider", "default"]
LAYOUT = {  # group: (codepoint, ML-KEM first?, EC share bytes, ML-KEM ek bytes, ML-KEM ct bytes)
    "X25519MLKEM768": (0x11EC, True, 32, 1184, 1088),
    "SecP256r1MLKEM768": (0x11EB, False, 65, 1184, 1088),
    "SecP384r1MLKEM1024": (0x11ED, False, 97, 1568, 1568),
    "MLKEM768": (0x0201, True, 0, 1184, 1088),
}
GID, MLKEM_FIRST, EC_LEN, EK_LEN, CT_LEN = LAYOUT[GROUP]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def read_record(sock):
    hdr = recv_exact(sock, 5)
    return hdr, recv_exact(sock, struct.unpack(">H", hdr[3:5])[0])


def rewrite_key_share(hs, is_client, fn):
    """hs = one handshake message (type, 3-byte length, body). Returns it with the key_share entry
    of our group rewritten by fn(bytes) -> bytes, all enclosing lengths fixed."""
    body = hs[4:]
    p = 2 + 32
    p += 1 + body[p]  # session id
    if is_client:
        p += 2 + struct.unpack(">H", body[p:p + 2])[0]  # cipher suites
        p += 1 + body[p]  # compression methods
    else:
        p += 2 + 1  # cipher suite, compression
    head, ext_total = body[:p], struct.unpack(">H", body[p:p + 2])[0]
    exts, q, out = body[p + 2:p + 2 + ext_total], 0, b""
    changed = False
    while q < len(exts):
        etype, elen = struct.unpack(">HH", exts[q:q + 4])
        edata = exts[q + 4:q + 4 + elen]
        q += 4 + elen
        if etype == 51:
            if is_client:  # client_shares<..>: list of (group, key_exchange)
                r, shares = 2, b""
                while r < len(edata):
                    g, kl = struct.unpack(">HH", edata[r:r + 4])
                    ke = edata[r + 4:r + 4 + kl]
                    r += 4 + kl
                    if g == GID:
                        ke, changed = fn(ke), True
                    shares += struct.pack(">HH", g, len(ke)) + ke
                edata = struct.pack(">H", len(shares)) + shares
            else:
                g, kl = struct.unpack(">HH", edata[:4])
                if g == GID and kl == len(edata) - 4:
                    ke = fn(edata[4:])
                    edata, changed = struct.pack(">HH", g, len(ke)) + ke, True
        out += struct.pack(">HH", etype, len(edata)) + edata
    if not changed:
        raise RuntimeError("key_share for the group not found")
    nb = head + struct.pack(">H", len(out)) + out
    return hs[:1] + struct.pack(">I", len(nb))[1:] + nb


def ek_slice():
    return (0, EK_LEN) if MLKEM_FIRST else (EC_LEN, EC_LEN + EK_LEN)


def ct_slice():
    return (0, CT_LEN) if MLKEM_FIRST else (EC_LEN, EC_LEN + CT_LEN)


def mutate_ek_ff(ke):
    a, b = ek_slice()
    return ke[:a] + b"\xff" * (b - a) + ke[b:]


def mutate_ec_bad(ke):
    a = EK_LEN if MLKEM_FIRST else 0
    return ke[:a] + b"\x04" + b"\xff" * (EC_LEN - 1) + ke[a + EC_LEN:]


def mutate_ct_flip(ke):
    a, _ = ct_slice()
    return ke[:a + 7] + bytes([ke[a + 7] ^ 0x01]) + ke[a + 8:]


CASES = {
    "c_short": (True, lambda ke: ke[:-1]),
    "c_long": (True, lambda ke: ke + b"\x00"),
    "c_ek_ff": (True, mutate_ek_ff),
    "c_ec_bad": (True, mutate_ec_bad),
    "s_short": (False, lambda ke: ke[:-1]),
    "s_ct_flip": (False, mutate_ct_flip),
}


def proxy_once(listener, target_port, is_client, fn, result):
    try:
        c, _ = listener.accept()
        s = socket.create_connection(("127.0.0.1", target_port))
        for sock in (c, s):
            sock.settimeout(10)
        src, dst = (c, s) if is_client else (s, c)
        if not is_client:  # forward the ClientHello untouched first
            hdr, body = read_record(c)
            s.sendall(hdr + body)
        hdr, body = read_record(src)
        new = rewrite_key_share(body, is_client, fn)
        dst.sendall(hdr[:3] + struct.pack(">H", len(new)) + new)
        result["rewritten"] = True

        def pump(a, b):
            try:
                while True:
                    d = a.recv(65536)
                    if not d:
                        break
                    b.sendall(d)
            except OSError:
                pass
            for x in (a, b):
                try:
                    x.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        t1 = threading.Thread(target=pump, args=(c, s))
        t2 = threading.Thread(target=pump, args=(s, c))
        t1.start(), t2.start(), t1.join(15), t2.join(15)
        c.close(), s.close()
    except Exception as e:  # reported by the caller
        result["error"] = repr(e)


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def client(port, data=b"pqcea-data-check\n"):
    """s_client with data on stdin, kept open until the reversed echo arrives or the client exits."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([OPENSSL, "s_client", *PROV, "-groups", GROUP, "-connect", f"127.0.0.1:{port}"],
                             stdin=subprocess.PIPE, stdout=out, stderr=err)
        try:
            p.stdin.write(data)
            p.stdin.flush()
            for _ in range(100):
                if p.poll() is not None:
                    break
                out.seek(0)
                if b"kcehc-atad-aecqp" in out.read():
                    break
                time.sleep(0.1)
            try:
                p.stdin.close()
            except OSError:
                pass
            p.wait(timeout=15)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        out.seek(0), err.seek(0)
        return Result(p.returncode, out.read(), err.read())


def main():
    tmp = tempfile.mkdtemp()
    key, crt = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", crt, "-subj", "/CN=localhost", "-days", "2"], check=True,
                   capture_output=True)
    port = free_port()
    srv_log = open(os.path.join(tmp, "srv.out"), "w+")
    srv = subprocess.Popen([OPENSSL, "s_server", *PROV, "-groups", GROUP, "-accept", f"127.0.0.1:{port}", "-key",
                            key, "-cert", crt, "-rev"], stdout=srv_log, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)
    failures = 0
    try:
        for _ in range(50):
            srv_log.seek(0)
            if "ACCEPT" in srv_log.read():
                break
            time.sleep(0.1)
        for name, (is_client, fn) in CASES.items():
            if name == "c_ec_bad" and EC_LEN in (0, 32):
                print(f"skip {name}: no point validation for this group (X25519 takes any 32 bytes)")
                continue
            lst = socket.socket()
            lst.bind(("127.0.0.1", 0))
            lst.listen(1)
            result = {}
            t = threading.Thread(target=proxy_once, args=(lst, port, is_client, fn, result))
            t.start()
            r = client(lst.getsockname()[1])
            t.join(20)
            lst.close()
            out = (r.stdout + r.stderr).decode(errors="replace")
            alerts = sorted({l.split(":")[-1].strip() for l in out.splitlines() if "alert" in l.lower()})
            ok = (result.get("rewritten") and r.returncode not in (0,) and 0 < r.returncode < 128
                  and b"kcehc-atad-aecqp" not in r.stdout and srv.poll() is None)
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}: s_client rc={r.returncode}, "
                  f"server alive={srv.poll() is None}, proxy={result}, alerts={alerts[:3]}")
        r = client(port)
        ok = r.returncode == 0 and b"kcehc-atad-aecqp" in r.stdout and srv.poll() is None
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} clean handshake afterwards: rc={r.returncode}, "
              f"server alive={srv.poll() is None}")
    finally:
        srv.kill()
        srv.wait()
    if failures:
        srv_log.seek(0)
        print("---- server output\n" + srv_log.read()[-3000:])
    print(f"{failures} failure(s)")
    return 1 if failures else 0


sys.exit(main())
