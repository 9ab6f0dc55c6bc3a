#!/usr/bin/env python3
"""hostile-client.py — a scripted PPTP client (PNS) that misbehaves on purpose, against
dialtone-server.

    hostile-client.py --list                       the case table: NAME EXPECT WHAT
    hostile-client.py CASE SERVER-ADDR LOG-FILE    attack once, log what the server did

EXPECT is "closed" (the server must close the control connection within WAIT seconds) or
"answered" (the server must ignore the attack and still answer a proper SCCRQ with an SCCRP of
result 1 on the same connection). Either way test-hostile.sh then checks that the server is
still running, reports no sanitizer error, and brings a real dialtone-link up. Standard library
only; every wait is bounded. The outcome is one line: event=closed, event=answered or
event=neither (with what was seen).
"""
import os
import select
import socket
import struct
import sys
import time

MAGIC_COOKIE = 0x1A2B3C4D
WAIT = 10.0

CASES = [
    ("sccrq-truncated", "closed", "40 bytes of an SCCRQ, then FIN"),
    ("sccrq-bad-cookie", "closed", "SCCRQ with magic cookie 0xdeadbeef"),
    ("sccrq-length-short", "closed", "SCCRQ whose Length says 12"),
    ("ctrl-length-zero", "closed", "a control message with Length 0"),
    ("ctrl-huge", "closed", "a 65535-byte control message"),
    ("ctrl-unknown-type", "answered", "message type 99 before SCCRQ"),
    ("ocrq-before-sccrq", "answered", "an Outgoing-Call-Request before any SCCRQ"),
    ("sccrq-byte-by-byte", "answered", "the SCCRQ one byte per TCP segment"),
    ("gre-garbage", "answered", "random GRE to the server for calls that do not exist"),
    ("ocrq-flood", "answered", "SCCRQ, then 200 OCRQs, each a new call ID, never used"),
]


def log(msg):
    print("hostile-client: " + msg, file=LOGF, flush=True)


def ctrl(msg_type, body, length=None, cookie=MAGIC_COOKIE):
    n = 12 + len(body) if length is None else length
    return struct.pack("!HHIHH", n, 1, cookie, msg_type, 0) + body


def sccrq_body():
    return struct.pack("!HBBIIHH", 0x0100, 0, 0, 1, 1, 1, 0) + b"hostile".ljust(64, b"\0") + b"hostile-vendor".ljust(64, b"\0")


def ocrq_body(call_id):
    return struct.pack("!HHIIIIHHHH", call_id, call_id, 300, 100000000, 1, 1, 64, 0, 0, 0) + b"\0" * 128


def closed_within(tcp, wait):
    """True when the server closes (FIN or RST) within wait seconds; what it sent is drained."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        r, _, _ = select.select([tcp], [], [], 0.2)
        if tcp in r:
            try:
                if not tcp.recv(65536):
                    return True
            except OSError:
                return True
    return False


def read_sccrp(tcp, wait):
    """The result code of the next SCCRP on tcp (skipping other messages), or None."""
    buf, end = b"", time.monotonic() + wait
    while time.monotonic() < end:
        r, _, _ = select.select([tcp], [], [], 0.2)
        if tcp not in r:
            continue
        try:
            d = tcp.recv(65536)
        except OSError:
            return None
        if not d:
            return None
        buf += d
        while len(buf) >= 12:
            n, _, cookie, t, _ = struct.unpack("!HHIHH", buf[:12])
            if n < 12 or len(buf) < n:
                break
            m, buf = buf[:n], buf[n:]
            if t == 2 and n >= 15:
                return m[14]
    return None


def main():
    global LOGF
    if sys.argv[1:] == ["--list"]:
        for case in CASES:
            print("%s %s %s" % case)
        return 0
    if len(sys.argv) != 4 or sys.argv[1] not in [c[0] for c in CASES]:
        print(__doc__, file=sys.stderr)
        return 2
    case, addr = sys.argv[1], sys.argv[2]
    LOGF = open(sys.argv[3], "a")
    tcp = socket.create_connection((addr, 1723), timeout=WAIT)
    full = ctrl(1, sccrq_body())
    try:
        if case == "sccrq-truncated":
            tcp.sendall(full[:40])
            tcp.shutdown(socket.SHUT_WR)
        elif case == "sccrq-bad-cookie":
            tcp.sendall(ctrl(1, sccrq_body(), cookie=0xDEADBEEF))
        elif case == "sccrq-length-short":
            tcp.sendall(ctrl(1, sccrq_body(), length=12))
        elif case == "ctrl-length-zero":
            tcp.sendall(ctrl(1, sccrq_body(), length=0))
        elif case == "ctrl-huge":
            tcp.sendall(ctrl(1, sccrq_body() + b"\x5a" * (65535 - 156), length=65535))
        elif case == "ctrl-unknown-type":
            tcp.sendall(ctrl(99, b"\x01" * 20))
        elif case == "ocrq-before-sccrq":
            tcp.sendall(ctrl(7, ocrq_body(77)))
        elif case == "gre-garbage":
            gre = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
            for i in range(200):
                body = os.urandom(i % 300)
                gre.sendto(struct.pack("!HHHHI", 0x3001, 0x880B, len(body), i, i) + body, (addr, 0))
            gre.sendto(b"\x30", (addr, 0))
        if case == "sccrq-byte-by-byte":
            tcp.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for i in range(len(full)):
                tcp.send(full[i : i + 1])
                time.sleep(0.002)
        elif case in ("ctrl-unknown-type", "ocrq-before-sccrq", "gre-garbage", "ocrq-flood"):
            tcp.sendall(full)
        else:
            log("event=closed" if closed_within(tcp, WAIT) else "event=neither (still open after %gs)" % WAIT)
            return 0
        result = read_sccrp(tcp, WAIT)
        if case == "ocrq-flood" and result == 1:
            for i in range(200):
                tcp.sendall(ctrl(7, ocrq_body(1000 + i)))
            # Still serving this connection: an Echo-Request is answered.
            tcp.sendall(ctrl(5, struct.pack("!I", 0xEC40)))
            end, buf = time.monotonic() + WAIT, b""
            result = None
            while time.monotonic() < end and result is None:
                r, _, _ = select.select([tcp], [], [], 0.2)
                if tcp in r:
                    d = tcp.recv(65536)
                    if not d:
                        break
                    buf += d
                    while len(buf) >= 12 and len(buf) >= struct.unpack("!H", buf[:2])[0] >= 12:
                        n = struct.unpack("!H", buf[:2])[0]
                        m, buf = buf[:n], buf[n:]
                        if struct.unpack("!H", m[8:10])[0] == 6 and m[12:16] == struct.pack("!I", 0xEC40):
                            result = 1
        log("event=answered" if result == 1 else "event=neither (SCCRP result %r)" % result)
    except OSError as e:
        log("event=closed (%s)" % e)
    return 0


LOGF = sys.stderr
if __name__ == "__main__":
    sys.exit(main())
