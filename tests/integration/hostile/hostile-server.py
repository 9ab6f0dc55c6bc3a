#!/usr/bin/env python3
"""hostile-server.py — a scripted PPTP/PPP server (PAC, authenticator) that misbehaves on purpose.

    hostile-server.py --list                      the table: NAME EXPECT STATUS REASON DNS PING KNOWN QUIRKS WHAT
    hostile-server.py CASE LISTEN-ADDR LOG-FILE   serve one connection, attacking as CASE says

It speaks just enough PPTP (RFC 2637: SCCRP, OCRP, GRE) and PPP (RFC 1661 LCP, RFC 2759
MS-CHAP v2 as authenticator, RFC 3078/3079 CCP and stateless 128-bit MPPE, RFC 1332/1877 IPCP)
for the real client to get as far as each case needs, then does what the case says. Standard
library only: TCP 1723 and a raw GRE socket (protocol 47). Every wait is bounded (LIFETIME).

EXPECT is "refused" (the client must end by itself, with STATUS and stage=end reason=REASON,
having applied no address, route or name server) or "survived" (the client must ignore the
attack and come up; the driver then stops it with SIGTERM, so STATUS 0 and reason
local-request), or "ended" (the client must come up, then end by itself as for
"refused" when the attack comes). DNS: for a survived case, the name servers resolv.conf must list while the link
is up, comma-separated ("-": not checked). PING "yes": once the link is up the server pings the
client through the tunnel (MPPE both ways) and logs event=echo-reply when the answer decrypts; the
driver waits for it. Any event=unsafe line in the log (the client answered what it must drop)
fails the case. KNOWN "finding": the client fails this case today (FINDINGS); the driver runs
it only when named on its command line; "slow" likewise, for cases that wait out one of the
client's own timeouts. QUIRKS: the server quirks (dt-quirks.h) the client must log as applied
for the vendor and firmware this case's SCCRP claims, comma-separated, "-" for none (every other
case claims "hostile-vendor", which has none). Any event=wrong line in the log (the client did
not answer as the case needs: a Protocol-Reject missing, options rejected over several rounds)
fails the case too.
"""
import hashlib
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from md4 import md4  # noqa: E402
from mppe import MAGIC2, MAGIC3, Mppe, StatefulMppe  # noqa: E402

PASSWORD = "pw-Hostile-9"
USER = "alice"
LIFETIME = float(os.environ.get("DT_HOSTILE_LIFETIME", "25"))  # test-hostile.sh: 90 for slow cases
MAGIC_COOKIE = 0x1A2B3C4D
OUR_CALL_ID = 0x4242

SERVER_TUNNEL_ADDR = "198.51.100.1"
CLIENT_TUNNEL_ADDR = "198.51.100.10"
DNS = ("198.51.100.53", "198.51.100.54")

GOOD_DNS = ",".join(DNS)
ORIG_DNS = "192.0.2.153"  # test-hostile.sh's resolv.conf: a name server nobody offered

# name, expect, exit status, reason, name servers while up, ping, what it does
CASES = [
    ("baseline", "survived", 0, "local-request", GOOD_DNS, "yes", "no attack: proves the harness gets the client up"),
    ("sccrp-truncated", "refused", 6, "peer-stopped", "-", "no", "40 bytes of an SCCRP, then FIN"),
    ("sccrp-bad-cookie", "refused", 1, "malformed", "-", "no", "SCCRP with magic cookie 0xdeadbeef"),
    ("sccrp-length-long", "refused", 1, "malformed", "-", "no", "SCCRP whose Length says 200 (156 + junk)"),
    ("sccrp-length-short", "refused", 1, "malformed", "-", "no", "SCCRP whose Length says 12"),
    ("ctrl-length-zero", "refused", 1, "malformed", "-", "no", "a control message with Length 0"),
    ("ctrl-huge", "refused", 1, "malformed", "-", "no", "a 65535-byte control message"),
    ("ctrl-unknown-type", "survived", 0, "local-request", GOOD_DNS, "no", "message type 99 after SCCRP"),
    ("sccrp-refused", "refused", 5, "control-refused", "-", "no", "SCCRP result 2 (general error)"),
    ("ctrl-byte-by-byte", "survived", 0, "local-request", GOOD_DNS, "yes", "SCCRP and OCRP one byte per TCP segment"),
    ("ctrl-echo-flood", "survived", 0, "local-request", GOOD_DNS, "yes", "300 PPTP Echo-Requests once up"),
    ("ctrl-sli-wen", "survived", 0, "local-request", GOOD_DNS, "yes", "Set-Link-Info (ours, another call's) and WAN-Error-Notify once up"),
    ("ctrl-length-lies-later", "ended", 1, "malformed", "-", "no", "once up, an Echo-Request whose Length says 24"),
    ("ctrl-stop", "refused", 6, "peer-stopped", "-", "no", "Stop-Control-Connection-Request during LCP"),
    ("ocrp-wrong-call-id", "survived", 0, "local-request", GOOD_DNS, "no", "a busy OCRP for another call ID (ignored), then the right OCRP"),
    ("ocrp-never", "refused", 7, "timeout", "-", "no", "only an OCRP for another call ID: the client waits out its 60 s reply timeout"),
    ("ocrp-refused", "refused", 5, "call-refused", "-", "no", "OCRP result 4 (busy)"),
    ("cdn-wrong-call-id", "survived", 0, "local-request", GOOD_DNS, "yes", "Call-Disconnect-Notify for another call ID once up"),
    ("cdn", "refused", 6, "peer-stopped", "-", "no", "Call-Disconnect-Notify for the call, before LCP (control for the above)"),
    ("gre-seq-jumps", "survived", 0, "local-request", GOOD_DNS, "no", "GRE seq 5000 behind (a Terminate-Request), +2^31-4096, acks of the unsent"),
    ("gre-seq-half", "refused", 7, "auth-timeout", "-", "no", "GRE seq +2^31 once LCP is up: all looks old, authentication times out (30 s)"),
    ("gre-wrong-key", "survived", 0, "local-request", GOOD_DNS, "no", "LCP Terminate-Request under a wrong GRE key"),
    ("gre-terminate", "refused", 6, "peer-terminated", "-", "no", "LCP Terminate-Request under the right key (control for the above)"),
    ("gre-garbage", "survived", 0, "local-request", GOOD_DNS, "yes", "short GRE, lying lengths, random payloads"),
    ("lcp-option-flood", "survived", 0, "local-request", GOOD_DNS, "no", "an LCP Configure-Request of 255 unknown options"),
    ("lcp-nak-storm", "refused", 1, "negotiation-failed", "-", "no", "Configure-Nak of every request, a new MRU each"),
    ("lcp-mru-loop", "refused", 1, "negotiation-failed", "-", "no", "Configure-Request for MRU 0, again and again, whatever the Nak or Reject"),
    ("lcp-ack-only", "refused", 7, "timeout", "-", "no", "Acks every Configure-Request, never sends its own (ends after 10 Acks, ~30 s)"),
    ("lcp-mru-huge", "survived", 0, "local-request", GOOD_DNS, "yes", "Configure-Request for MRU 65535 (legal: the TUN MTU stays <= 1500)"),
    ("lcp-loopback", "refused", 1, "loopback", "-", "no", "a looped-back line: every LCP packet the client sends comes back to it"),
    ("lcp-protocol-reject-early", "survived", 0, "local-request", GOOD_DNS, "no", "Protocol-Reject of LCP before Opened (RFC 1661 5.7: discard)"),
    ("lcp-protocol-reject", "refused", 1, "protocol-rejected", "-", "no", "Protocol-Reject of LCP once Opened"),
    ("lcp-protocol-reject-ipcp", "refused", 1, "protocol-rejected", "-", "no", "Protocol-Reject of IPCP after authentication"),
    ("mschapv2-bad-authenticator", "refused", 3, "auth-bad-server", "-", "no", "Success with a wrong S="),
    ("mschapv2-no-authenticator", "refused", 3, "auth-bad-server", "-", "no", "Success with no S= at all"),
    ("ccp-offers-nothing", "refused", 4, "mppe-refused", "-", "no", "CCP option 18 with no bits"),
    ("ccp-offers-everything", "refused", 4, "mppe-refused", "-", "no", "CCP option 18 with all 32 bits"),
    ("ccp-nothing-then-everything", "survived", 0, "local-request", GOOD_DNS, "yes", "our CCP requests: no bits, then all 32, then H+S"),
    ("mppe-ccount-jumps", "survived", 0, "local-request", GOOD_DNS, "yes", "MPPE coherency count +2047, +1000, late, replayed, 2049 ahead"),
    ("mppe-flushed-flood", "survived", 0, "local-request", GOOD_DNS, "yes", "300 flushed MPPE packets of garbage, each a count ahead"),
    ("mppe-stateful-loss", "survived", 0, "local-request", GOOD_DNS, "yes", "stateful MPPE: 5 packets lost, so a Reset-Request; answered by a flushed packet"),
    ("mppe-stateful-flood", "survived", 0, "local-request", GOOD_DNS, "yes", "stateful MPPE: 300 flushed packets of garbage, one across a flag count"),
    ("mppe-unencrypted", "survived", 0, "local-request", GOOD_DNS, "yes", "pings as bare IP and as MPPE without the D bit: never answered"),
    ("ipcp-addr-zero", "refused", 1, "address-refused", "-", "no", "IPCP Nak: our address 0.0.0.0"),
    ("ipcp-addr-loopback", "refused", 1, "address-refused", "-", "no", "IPCP Nak: our address 127.0.0.1"),
    ("ipcp-addr-multicast", "refused", 1, "address-refused", "-", "no", "IPCP Nak: our address 224.0.0.1"),
    ("ipcp-addr-broadcast", "refused", 1, "address-refused", "-", "no", "IPCP Nak: our address 255.255.255.255"),
    ("ipcp-addr-server-tunnel", "refused", 1, "address-refused", "-", "no", "IPCP Nak: the server's tunnel address as ours"),
    ("ipcp-addr-server-public", "refused", 1, "address-refused", "-", "no", "IPCP Nak: the PPTP server's public address as ours"),
    ("ipcp-peer-loopback", "survived", 0, "local-request", GOOD_DNS, "no", "IPCP Configure-Request: the server's own address 127.0.0.1 (then none, once rejected)"),
    ("ipcp-peer-server-public", "refused", 1, "address-refused", "-", "no", "IPCP Configure-Request: the server's own address = its public one"),
    ("ipcp-peer-loop", "refused", 1, "negotiation-failed", "-", "no", "IPCP Configure-Request for 127.0.0.1 as the server's address, whatever the Reject"),
    ("ipcp-dns-bogus", "survived", 0, "local-request", ORIG_DNS, "no", "IPCP Nak: DNS 0.0.0.0 and 255.255.255.255 (none applied)"),
    ("ipcp-dns-loopback", "survived", 0, "local-request", ORIG_DNS, "no", "IPCP Nak: DNS 127.0.0.53 and 127.1.2.3"),
    ("ipcp-dns-multicast", "survived", 0, "local-request", ORIG_DNS, "no", "IPCP Nak: DNS 224.0.0.251 and 239.255.255.250"),
    ("ipcp-dns-mixed", "survived", 0, "local-request", DNS[1], "no", "IPCP Nak: DNS 127.0.0.1 and a good one (only the good one applied)"),
    ("quirk-ms-cbcp", "survived", 0, "local-request", GOOD_DNS, "yes", "vendor Microsoft: LCP callback+MRRU+ED, then CBCP, BACP, BAP (quiet Protocol-Rejects)"),
    ("quirk-other-cbcp", "survived", 0, "local-request", GOOD_DNS, "yes", "the same from an unknown vendor: generic Protocol-Rejects, no quirk"),
    ("quirk-nt4-stateful", "survived", 0, "local-request", GOOD_DNS, "yes", "vendor Microsoft Windows NT, firmware 1381: rejects a stateless MPPE request, acks stateful"),
    ("quirk-stateless-refused", "refused", 4, "mppe-refused", "-", "no", "the same server under an unknown vendor: the client asks stateless, MPPE is refused"),
]
# The SCCRP's vendor and firmware per case (RFC 2637 2.2); others: "hostile-vendor", 1.
VENDORS = {
    "quirk-ms-cbcp": (b"Microsoft", 3790),
    "quirk-nt4-stateful": (b"Microsoft Windows NT", 1381),
    "quirk-stateless-refused": (b"hostile-vendor", 1381),
}
# The quirks the client must apply (dt-quirks.h), for --list.
QUIRKS = {"quirk-ms-cbcp": "quiet-cbcp-bacp", "quirk-nt4-stateful": "quiet-cbcp-bacp,prefer-stateful"}
# Cases whose LCP request carries Windows' callback (CBCP), MRRU and a null endpoint
# discriminator until the client rejects them, and that send CBCP, BACP and BAP once LCP is up.
MS_LCP = {"quirk-ms-cbcp", "quirk-other-cbcp"}
# Cases that reject a request for stateless MPPE, as old Windows NT RAS is said to mishandle it.
NO_STATELESS = {"quirk-nt4-stateful", "quirk-stateless-refused"}
MS_LCP_OPTS = b"\x0d\x03\x06" + b"\x11\x04\x05\xdc" + b"\x13\x03\x00"
PROTO_CBCP, PROTO_BACP, PROTO_BAP = 0xC029, 0xC02B, 0xC02D
# Cases the client currently fails: --list marks them "finding" and the driver runs them only
# when named, with the expectation unchanged. Empty since dt-fsm.c was fixed for lcp-mru-loop
# and ipcp-peer-loop (a peer re-requesting what was rejected, for ever) and lcp-ack-only (every
# Ack re-initialised the restart counter, RFC 1661 §4.1 RCA: irc, so a peer that acks and never
# asks kept the client in Establish for ever).
FINDINGS = set()
# Cases that honestly take longer than the suite's budget (the client's own timeouts): --list
# marks them "slow"; the driver runs them only when named, with a 90 s wait.
SLOW = {"ocrp-never", "gre-seq-half", "lcp-ack-only"}
BAD_DNS = {
    "ipcp-dns-bogus": ("0.0.0.0", "255.255.255.255"),
    "ipcp-dns-loopback": ("127.0.0.53", "127.1.2.3"),
    "ipcp-dns-multicast": ("224.0.0.251", "239.255.255.250"),
    "ipcp-dns-mixed": ("127.0.0.1", DNS[1]),
}
BAD_PEER = {"ipcp-peer-loopback": "127.0.0.1", "ipcp-peer-server-public": None, "ipcp-peer-loop": "127.0.0.1"}
BAD_ADDR = {
    "ipcp-addr-zero": "0.0.0.0",
    "ipcp-addr-loopback": "127.0.0.1",
    "ipcp-addr-multicast": "224.0.0.1",
    "ipcp-addr-broadcast": "255.255.255.255",
    "ipcp-addr-server-tunnel": SERVER_TUNNEL_ADDR,
    "ipcp-addr-server-public": None,  # the listen address, filled in at start
}

PROTO_LCP, PROTO_CHAP, PROTO_CCP, PROTO_IPCP = 0xC021, 0xC223, 0x80FD, 0x8021
PROTO_COMP, PROTO_IP = 0x00FD, 0x0021
MPPE_H, MPPE_S = 0x01000000, 0x00000040
PING_GOOD, PING_BAD = 0x600D, 0x0BAD  # ICMP identifiers: pings to answer, pings to drop


def log(msg):
    print("hostile: " + msg, file=LOGF, flush=True)


def ip4(s):
    return socket.inet_aton(s)


# ---- PPTP control (RFC 2637 §2) ----


def ctrl(msg_type, body, length=None, cookie=MAGIC_COOKIE):
    n = 12 + len(body) if length is None else length
    return struct.pack("!HHIHH", n, 1, cookie, msg_type, 0) + body


def sccrp_body(result=1, vendor=b"hostile-vendor", firmware=1):
    return struct.pack("!HBBIIHH", 0x0100, result, 0, 1, 1, 1, firmware) + b"hostile".ljust(64, b"\0") + vendor.ljust(64, b"\0")


def ocrp_body(peer_call_id, result=1):
    return struct.pack("!HHBBHIHHI", OUR_CALL_ID, peer_call_id, result, 0, 0, 10000000, 64, 0, 0)


def cdn_body(call_id):
    return struct.pack("!HBBHH", call_id, 3, 0, 0, 0) + b"\0" * 128


# ---- the ping the data phase carries ----


def csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xFFFF)
    t += t >> 16
    return (~t) & 0xFFFF


def ping(ident, seq):
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"hostile-ping-payload"
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq, 0, 64, 1, 0, ip4(SERVER_TUNNEL_ADDR), ip4(CLIENT_TUNNEL_ADDR))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + icmp


class Server:
    def __init__(self, case, listen):
        self.case = case
        self.listen = listen
        self.deadline = time.monotonic() + LIFETIME
        self.tcp = None
        self.buf = b""
        self.client_ip = None
        self.peer_call_id = None
        self.gre = None
        self.tx_seq = 0
        self.rx_seq = None
        self.ident = 1
        self.lcp_acked = self.lcp_acking = False
        self.lcp_open_done = False
        self.lcp_req = None
        self.lcp_req_at = 0.0
        self.auth_sent = False
        self.ncp_started = False
        self.chap_id = 7
        self.challenge = os.urandom(16)
        self.naks = 0
        self.ccp_tries = 0
        self.master = None
        self.tx_mppe = self.rx_mppe = None
        self.ccp_acked = self.ccp_acking = self.ipcp_acked = self.ipcp_acking = False
        self.data_at = None
        self.attacked = False
        self.attack_seq = 0
        self.replies = 0
        self.ping_seq = 0
        self.next_ping = 0.0
        if case == "ipcp-addr-server-public":
            BAD_ADDR[case] = listen
        if case == "ipcp-peer-server-public":
            BAD_PEER[case] = listen
        self.peer_rejected = False
        self.lcp_rejected = False
        self.proto_rejected = set()

    # -- I/O --

    def send_ctrl(self, data):
        log("ctrl tx %d bytes type=%d" % (len(data), struct.unpack("!H", data[8:10])[0] if len(data) >= 10 else -1))
        if self.case != "ctrl-byte-by-byte":
            self.tcp.sendall(data)
            return
        self.tcp.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(data)):
            self.tcp.send(data[i : i + 1])
            time.sleep(0.001)

    def send_gre_raw(self, pkt):
        self.gre.sendto(pkt, (self.client_ip, 0))

    def send_ppp(self, proto, payload, key=None, seq=None, ack=None):
        ppp = b"\xff\x03" + struct.pack("!H", proto) + payload
        flags = 0x3001 | (0x0080 if (ack is not None or self.rx_seq is not None) else 0)
        hdr = struct.pack("!HHHH", flags, 0x880B, len(ppp), self.peer_call_id if key is None else key)
        if seq is None:
            seq = self.tx_seq
            self.tx_seq = (self.tx_seq + 1) & 0xFFFFFFFF
        hdr += struct.pack("!I", seq)
        if flags & 0x0080:
            hdr += struct.pack("!I", self.rx_seq if ack is None else ack)
        self.send_gre_raw(hdr + ppp)

    def send_cp(self, proto, code, ident, data=b""):
        self.send_ppp(proto, struct.pack("!BBH", code, ident, 4 + len(data)) + data)

    def next_id(self):
        self.ident = (self.ident + 1) & 0xFF
        return self.ident

    def read_ctrl(self):
        """One whole control message from the buffer, or None."""
        if len(self.buf) < 12:
            return None
        n = struct.unpack("!H", self.buf[:2])[0]
        if n < 12 or len(self.buf) < n:
            return None
        m, self.buf = self.buf[:n], self.buf[n:]
        return m

    # -- the run --

    def run(self):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((self.listen, 1723))
        ls.listen(1)
        self.gre = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
        log("event=listen case=%s" % self.case)
        r, _, _ = select.select([ls], [], [], LIFETIME)
        if not r:
            log("no client")
            return
        self.tcp, addr = ls.accept()
        self.client_ip = addr[0]
        ls.close()
        while time.monotonic() < self.deadline:
            r, _, _ = select.select([self.tcp, self.gre], [], [], 0.1)
            if self.tcp in r:
                d = self.tcp.recv(65536)
                if not d:
                    log("event=client-closed")
                    return
                self.buf += d
                while True:
                    m = self.read_ctrl()
                    if m is None:
                        break
                    if self.on_ctrl(m) is False:
                        return
            if self.gre in r:
                pkt, src = self.gre.recvfrom(65536)
                if src[0] == self.client_ip:
                    self.on_gre(pkt)
            self.tick()
        log("lifetime over")

    def hang_up(self):
        """FIN on the control connection, after a moment for the client to read."""
        time.sleep(0.2)
        self.tcp.shutdown(socket.SHUT_WR)

    def on_ctrl(self, m):
        t = struct.unpack("!H", m[8:10])[0]
        log("ctrl rx type=%d len=%d" % (t, len(m)))
        c = self.case
        if t == 1:  # SCCRQ
            vendor, firmware = VENDORS.get(c, (b"hostile-vendor", 1))
            full = ctrl(2, sccrp_body(vendor=vendor, firmware=firmware))
            if c == "sccrp-truncated":
                self.send_ctrl(full[:40])
                self.hang_up()
            elif c == "sccrp-bad-cookie":
                self.send_ctrl(ctrl(2, sccrp_body(), cookie=0xDEADBEEF))
            elif c == "sccrp-length-long":
                self.send_ctrl(ctrl(2, sccrp_body() + b"\xa5" * 44, length=200))
            elif c == "sccrp-length-short":
                self.send_ctrl(ctrl(2, sccrp_body(), length=12)[:12] + full[12:])
            elif c == "ctrl-length-zero":
                self.send_ctrl(ctrl(2, sccrp_body(), length=0))
            elif c == "ctrl-huge":
                self.send_ctrl(ctrl(2, sccrp_body() + b"\x5a" * (65535 - 156), length=65535))
            elif c == "sccrp-refused":
                self.send_ctrl(ctrl(2, sccrp_body(result=2)))
            else:
                self.send_ctrl(full)
                if c == "ctrl-unknown-type":
                    self.send_ctrl(ctrl(99, b"\x01" * 20))
        elif t == 7:  # OCRQ
            self.peer_call_id = struct.unpack("!H", m[12:14])[0]
            if c in ("ocrp-wrong-call-id", "ocrp-never"):
                # Were this taken as the reply to our call, the client would end with call-refused.
                self.send_ctrl(ctrl(8, ocrp_body((self.peer_call_id + 1) & 0xFFFF, result=4)))
                time.sleep(0.3)
            if c == "ocrp-never":
                return True
            if c == "ocrp-refused":
                self.send_ctrl(ctrl(8, ocrp_body(self.peer_call_id, result=4)))
            else:
                self.send_ctrl(ctrl(8, ocrp_body(self.peer_call_id)))
                if c == "cdn":
                    self.send_ctrl(ctrl(13, cdn_body(OUR_CALL_ID)))
                    return True
                if c == "ctrl-stop":
                    self.send_ctrl(ctrl(3, b"\x01\x00\x00\x00"))  # reason 1: none
                self.start_lcp()
        elif t == 5:  # Echo-Request
            self.send_ctrl(ctrl(6, m[12:16] + b"\x01\x00\x00\x00"))
        elif t == 12:  # Call-Clear-Request
            self.send_ctrl(ctrl(13, cdn_body(OUR_CALL_ID)))
        elif t == 3:  # Stop-Control-Connection-Request
            self.send_ctrl(ctrl(4, b"\x01\x00\x00\x00"))
            self.hang_up()
        return True

    # -- GRE and PPP --

    def on_gre(self, pkt):
        ihl = (pkt[0] & 0x0F) * 4
        g = pkt[ihl:]
        if len(g) < 8:
            return
        flags, proto, plen, key = struct.unpack("!HHHH", g[:8])
        if proto != 0x880B:
            return
        off = 8
        if flags & 0x1000:
            self.rx_seq = struct.unpack("!I", g[off : off + 4])[0]
            off += 4
        if flags & 0x0080:
            off += 4
        ppp = g[off : off + plen]
        if not ppp:
            return
        if ppp[:2] == b"\xff\x03":
            ppp = ppp[2:]
        if ppp[0] & 1:
            proto, data = ppp[0], ppp[1:]
        else:
            proto, data = struct.unpack("!H", ppp[:2])[0], ppp[2:]
        if proto == PROTO_COMP:
            self.on_mppe(data)
            return
        if len(data) < 4 and proto in (PROTO_LCP, PROTO_CHAP, PROTO_CCP, PROTO_IPCP):
            return
        if proto == PROTO_LCP:
            self.on_lcp(data)
        elif proto == PROTO_CHAP:
            self.on_chap(data)
        elif proto == PROTO_CCP:
            self.on_ccp(data)
        elif proto == PROTO_IPCP:
            self.on_ipcp(data)
        else:
            log("gre rx proto=0x%04x len=%d" % (proto, len(data)))

    def lcp_request(self):
        opts = b"\x03\x05\xc2\x23\x81" + b"\x05\x06" + os.urandom(4)
        c = self.case
        if c == "lcp-option-flood" and self.ident < 3:
            opts = b"".join(bytes([100 + (i % 150), 2]) for i in range(255))
        elif c == "lcp-mru-loop":
            opts = struct.pack("!BBH", 1, 4, 0) + opts
        elif c == "lcp-mru-huge":
            opts = struct.pack("!BBH", 1, 4, 65535) + opts
        elif c in MS_LCP and not self.lcp_rejected:
            opts = MS_LCP_OPTS + opts
        self.lcp_req = (self.next_id(), opts)
        self.lcp_req_at = time.monotonic()
        self.send_cp(PROTO_LCP, 1, *self.lcp_req)

    def start_lcp(self):
        c = self.case
        if c == "gre-garbage":
            self.send_gre_raw(b"\x30\x01\x88")  # shorter than any GRE header
            self.send_gre_raw(struct.pack("!HHHHI", 0x3001, 0x880B, 60000, self.peer_call_id, 0) + b"\xff\x03\xc0\x21")
            self.send_gre_raw(struct.pack("!HHHH", 0x3001, 0x880B, 0, self.peer_call_id))  # S set, no seq
            self.send_gre_raw(struct.pack("!HHHH", 0x3081, 0x880B, 4, self.peer_call_id) + b"\0\0")  # A set, cut
            for i in range(20):
                body = os.urandom(1 + (i * 37) % 1400)
                self.send_gre_raw(struct.pack("!HHHHI", 0x3001, 0x880B, len(body), self.peer_call_id, self.tx_seq) + body)
                self.tx_seq += 1
            for proto in (PROTO_LCP, PROTO_CHAP, PROTO_CCP, PROTO_IPCP, 0x00FD, 0x0021):
                self.send_ppp(proto, os.urandom(3))
                self.send_ppp(proto, struct.pack("!BBH", 1, 1, 2000) + os.urandom(8))
        if c not in ("lcp-loopback", "lcp-ack-only"):
            self.lcp_request()
        if c == "lcp-protocol-reject-early":
            self.send_cp(PROTO_LCP, 8, self.next_id(), struct.pack("!H", PROTO_LCP) + b"\x01\x01\x00\x04")

    def lcp_opened(self):
        """LCP Opened on our side: where a Terminate-Request or Protocol-Reject would end it.
        False: the case has sent its ending, authenticate no further."""
        c = self.case
        terminate = struct.pack("!BBH", 5, 99, 4)
        if c == "gre-wrong-key":
            # A Terminate-Request that would end the link, were it not for another call's key.
            self.send_ppp(PROTO_LCP, terminate, key=(self.peer_call_id + 1) & 0xFFFF)
        elif c == "gre-terminate":
            self.send_ppp(PROTO_LCP, terminate)
            return False
        elif c == "gre-seq-jumps":
            # A Terminate-Request far behind the window, acking what was never sent: dropped.
            self.send_ppp(PROTO_LCP, terminate, seq=(self.tx_seq - 5000) & 0xFFFFFFFF, ack=0x12345678)
            # Nearly the largest forward jump serial arithmetic allows (RFC 1982), each acking
            # what was never sent; Discard-Requests (RFC 1661 §5.9) until the client resyncs.
            self.tx_seq = (self.tx_seq + 0x7FFFF000) & 0xFFFFFFFF
            for i in range(10):
                self.send_ppp(PROTO_LCP, struct.pack("!BBH", 11, 40 + i, 8) + b"\0\0\0\0", ack=0xFFFFFFF0 - i)
        elif c == "gre-seq-half":
            self.tx_seq = (self.tx_seq + 0x80000000) & 0xFFFFFFFF
        elif c == "lcp-protocol-reject":
            self.send_cp(PROTO_LCP, 8, self.next_id(), struct.pack("!H", PROTO_LCP) + b"\x01\x01\x00\x04")
            return False
        elif c in MS_LCP:
            # What a Windows RAS server with callback and BAP configured sends (PROTOCOL.md 9.2).
            self.send_cp(PROTO_CBCP, 1, self.next_id(), b"\x01\x02")  # Callback-Request: no callback
            self.send_cp(PROTO_BACP, 1, self.next_id(), b"\x01\x06" + os.urandom(4))  # Favored-Peer
            self.send_cp(PROTO_BAP, 1, self.next_id(), b"\x01\x06\x00\x00\x00\x01")  # Call-Request
        return True

    def on_lcp(self, d):
        code, ident, n = struct.unpack("!BBH", d[:4])
        opts = d[4:n]
        c = self.case
        log("lcp rx code=%d id=%d len=%d" % (code, ident, n))
        if c == "lcp-loopback":
            self.send_ppp(PROTO_LCP, d[:n])  # a looped line: the client hears itself
            return
        if code == 1:  # Configure-Request
            if c == "lcp-nak-storm":
                self.naks += 1
                self.send_cp(PROTO_LCP, 3, ident, struct.pack("!BBH", 1, 4, 600 + self.naks))
                return
            self.send_cp(PROTO_LCP, 2, ident, opts)
            self.lcp_acking = True
        elif code == 2:  # Configure-Ack
            self.lcp_acked = True
        elif code in (3, 4):  # Nak / Reject of ours: ask again, and in the loop cases the same
            if code == 4 and c in MS_LCP and not self.lcp_rejected:
                self.lcp_rejected = True
                if opts != MS_LCP_OPTS:  # all three in one round, nothing else
                    log("event=wrong the first Configure-Reject carried %s, not callback+MRRU+ED" % opts.hex())
            self.lcp_request()
        elif code == 8 and n >= 6:  # Protocol-Reject
            proto = struct.unpack("!H", d[4:6])[0]
            self.proto_rejected.add(proto)
            log("event=protocol-reject protocol=0x%04x" % proto)
        elif code == 5:  # Terminate-Request
            self.send_cp(PROTO_LCP, 6, ident)
            return
        elif code == 9:  # Echo-Request
            self.send_cp(PROTO_LCP, 10, ident, b"\0\0\0\0" + d[8:n])
        if self.lcp_acked and self.lcp_acking and not self.lcp_open_done:
            self.lcp_open_done = True
            if not self.lcp_opened():
                return
        if self.lcp_acked and self.lcp_acking and not self.auth_sent:
            self.auth_sent = True
            self.send_cp(PROTO_CHAP, 1, self.chap_id, b"\x10" + self.challenge + b"hostile")

    def on_chap(self, d):
        code, ident, n = struct.unpack("!BBH", d[:4])
        if code != 2 or n < 4 + 1 + 49:
            return
        val = d[5:54]
        peer_chal, nt_resp = val[:16], val[24:48]
        name = d[54:n]
        # RFC 2759 §8.7 GenerateAuthenticatorResponse.
        hh = md4(md4(PASSWORD.encode("utf-16-le")))
        digest = hashlib.sha1(hh + nt_resp + b"Magic server to client signing constant").digest()
        chal = hashlib.sha1(peer_chal + self.challenge + name).digest()[:8]
        auth = hashlib.sha1(digest + chal + b"Pad to make it do more than one iteration").digest()
        # RFC 3079 §3.4 GetMasterKey.
        self.master = hashlib.sha1(hh + nt_resp + b"This is the MPPE Master Key").digest()[:16]
        if self.case == "mschapv2-bad-authenticator":
            auth = bytes([auth[0] ^ 0x01]) + auth[1:]
        msg = b"S=" + auth.hex().upper().encode() + b" M=Welcome"
        if self.case == "mschapv2-no-authenticator":
            msg = b"M=Welcome"
        log("chap rx response name=%r; tx success" % name)
        self.send_cp(PROTO_CHAP, 3, ident, msg)
        if not self.ncp_started:
            self.ncp_started = True
            if self.case == "lcp-protocol-reject-ipcp":
                self.send_cp(PROTO_LCP, 8, self.next_id(), struct.pack("!H", PROTO_IPCP) + b"\x01\x01\x00\x04")
                return
            self.send_cp(PROTO_CCP, 1, self.next_id(), self.ccp_opt())
            self.send_cp(PROTO_IPCP, 1, self.next_id(), b"\x03\x06" + ip4(self.peer_addr()))

    def peer_addr(self):
        return BAD_PEER.get(self.case) or SERVER_TUNNEL_ADDR

    def stateful(self):
        return self.case.startswith("mppe-stateful") or self.case in NO_STATELESS

    def mppe_want(self):
        return MPPE_S if self.stateful() else MPPE_H | MPPE_S

    def ccp_opt(self):
        bits = self.mppe_want()
        if self.case == "ccp-offers-nothing":
            bits = 0
        elif self.case == "ccp-offers-everything":
            bits = 0xFFFFFFFF
        elif self.case == "ccp-nothing-then-everything":
            bits = (0, 0xFFFFFFFF, MPPE_H | MPPE_S)[min(self.ccp_tries, 2)]
        self.ccp_tries += 1
        return struct.pack("!BBI", 18, 6, bits)

    def on_ccp(self, d):
        code, ident, n = struct.unpack("!BBH", d[:4])
        opts = d[4:n]
        log("ccp rx code=%d %s" % (code, opts.hex()))
        want = struct.pack("!BBI", 18, 6, self.mppe_want())
        if code == 1:
            bits = struct.unpack("!I", opts[2:6])[0] if len(opts) >= 6 and opts[0] == 18 else 0
            if self.case in NO_STATELESS and bits & MPPE_H:
                log("ccp: a stateless request, rejected")
                self.send_cp(PROTO_CCP, 4, ident, opts)
            elif self.case in ("ccp-offers-nothing", "ccp-offers-everything"):
                self.send_cp(PROTO_CCP, 3, ident, struct.pack("!BBI", 18, 6, 0))
            elif opts == want:
                self.send_cp(PROTO_CCP, 2, ident, opts)
                self.ccp_acking = True
            else:
                self.send_cp(PROTO_CCP, 3, ident, want)
        elif code == 2:
            self.ccp_acked = opts == want
        elif code in (3, 4):
            self.send_cp(PROTO_CCP, 1, self.next_id(), self.ccp_opt())
        elif code == 5:
            self.send_cp(PROTO_CCP, 6, ident)
        elif code == 14 and self.tx_mppe:  # Reset-Request (RFC 1962 §2): flush the next packet
            log("event=reset-request")
            self.send_cp(PROTO_CCP, 15, ident)
            self.tx_mppe.flush_next = True
        self.check_up()

    def on_ipcp(self, d):
        code, ident, n = struct.unpack("!BBH", d[:4])
        opts = d[4:n]
        log("ipcp rx code=%d %s" % (code, opts.hex()))
        if code == 1:
            addr = BAD_ADDR.get(self.case, CLIENT_TUNNEL_ADDR)
            dns = BAD_DNS.get(self.case, DNS)
            want = {3: ip4(addr), 129: ip4(dns[0]), 131: ip4(dns[1])}
            nak, i = b"", 0
            while i + 2 <= len(opts):
                t, ln = opts[i], opts[i + 1]
                if ln < 2:
                    break
                if t in want and opts[i + 2 : i + ln] != want[t]:
                    nak += bytes([t, 6]) + want[t]
                i += ln
            if nak:
                self.send_cp(PROTO_IPCP, 3, ident, nak)
            else:
                self.send_cp(PROTO_IPCP, 2, ident, opts)
                self.ipcp_acking = True
        elif code == 2:
            self.ipcp_acked = True
        elif code in (3, 4):
            if code == 4 and self.case != "ipcp-peer-loop":
                self.peer_rejected = True  # an honest server stops telling its address
            opts = b"" if self.peer_rejected else b"\x03\x06" + ip4(self.peer_addr())
            self.send_cp(PROTO_IPCP, 1, self.next_id(), opts)
        elif code == 5:
            self.send_cp(PROTO_IPCP, 6, ident)
        self.check_up()

    # -- the data phase: MPPE both ways, pings through the tunnel --

    def check_up(self):
        if self.data_at or not (self.ccp_acked and self.ccp_acking and self.ipcp_acked and self.ipcp_acking):
            return
        kind = StatefulMppe if self.stateful() else Mppe
        self.tx_mppe = kind(self.master, MAGIC3)  # the server's send key
        self.rx_mppe = kind(self.master, MAGIC2)  # the client's send key
        self.data_at = time.monotonic() + 1.0  # the client applies its address meanwhile
        log("event=network-up")
        if self.case in MS_LCP:
            for proto in {PROTO_CBCP, PROTO_BACP, PROTO_BAP} - self.proto_rejected:
                log("event=wrong protocol 0x%04x was not Protocol-Rejected" % proto)
        if self.case == "cdn-wrong-call-id":
            self.send_ctrl(ctrl(13, cdn_body((OUR_CALL_ID + 1) & 0xFFFF)))
        elif self.case == "ctrl-echo-flood":
            for i in range(300):
                self.send_ctrl(ctrl(5, struct.pack("!I", 0x10000 + i)))
        elif self.case == "ctrl-sli-wen":
            for call in (self.peer_call_id, (self.peer_call_id + 1) & 0xFFFF):
                self.send_ctrl(ctrl(15, struct.pack("!HHII", call, 0, 0xFFFFFFFF, 0)))
                self.send_ctrl(ctrl(14, struct.pack("!HH6I", call, 0, 1, 2, 3, 4, 5, 6)))
        elif self.case == "ctrl-length-lies-later":
            self.send_ctrl(ctrl(5, struct.pack("!I", 7) + b"\0" * 8))

    def send_mppe(self, proto, payload, flags=0x9000):
        self.send_ppp(PROTO_COMP, self.tx_mppe.seal(proto, payload, flags))

    def tick(self):
        # RFC 1661 §4.6: our Configure-Request again, same Identifier, until it is acked. A GRE
        # packet can overtake the OCRP and arrive before the client has the call.
        if self.lcp_req and not self.lcp_acked and time.monotonic() - self.lcp_req_at > 1.0:
            self.lcp_req_at = time.monotonic()
            self.send_cp(PROTO_LCP, 1, *self.lcp_req)
        if not self.data_at or time.monotonic() < self.data_at:
            return
        if not self.attacked and (self.case != "mppe-stateful-loss" or self.replies >= 3):
            self.attacked = True
            self.attack_seq = self.ping_seq
            self.attack_data()
        if time.monotonic() >= self.next_ping:
            self.next_ping = time.monotonic() + 0.3
            self.ping_seq += 1
            self.send_mppe(PROTO_IP, ping(PING_GOOD, self.ping_seq))

    def attack_data(self):
        c, m = self.case, self.tx_mppe
        if c == "mppe-ccount-jumps":
            for jump in (2047, 1000):
                for _ in range(jump - 1):
                    m.rekey()
                self.send_mppe(PROTO_IP, ping(PING_GOOD, 900 + jump))
            here = m.ccount
            for cc in ((here - 100) % 4096, here, (here + 2049) % 4096):  # late, replayed, "late"
                self.send_ppp(PROTO_COMP, struct.pack("!H", 0x9000 | cc) + os.urandom(60))
            log("event=attack ccount=%d" % m.ccount)
        elif c == "mppe-flushed-flood":
            for i in range(300):
                m.rekey()  # each a count ahead, so our own next packet is still in step
                self.send_ppp(PROTO_COMP, struct.pack("!H", 0x9000 | m.ccount) + os.urandom(20 + i % 200))
            log("event=attack ccount=%d" % m.ccount)
        elif c == "mppe-stateful-loss":
            for i in range(5):
                m.seal(PROTO_IP, ping(PING_GOOD, 500 + i))  # sealed and lost on the way
            log("event=attack ccount=%d" % m.ccount)
        elif c == "mppe-stateful-flood":
            for i in range(300):
                m.seal(PROTO_IP, b"")  # our count and keys as if sent
                self.send_ppp(PROTO_COMP, struct.pack("!H", 0x9000 | m.ccount) + os.urandom(20 + i % 200))
            m.flush_next = True  # each garbage packet re-initialised the client's RC4
            log("event=attack ccount=%d" % m.ccount)
        elif c == "mppe-unencrypted":
            for i in range(5):
                self.send_ppp(PROTO_IP, ping(PING_BAD, i))  # bare IP on an encrypted link
                plain = struct.pack("!H", PROTO_IP) + ping(PING_BAD, 100 + i)
                m.rekey()
                self.send_ppp(PROTO_COMP, struct.pack("!H", 0x8000 | m.ccount) + plain)  # no D bit
            log("event=attack ccount=%d" % m.ccount)

    def on_mppe(self, data):
        if not self.rx_mppe or len(data) < 4:
            return
        got = self.rx_mppe.open(data)
        if not got:
            return
        proto, ip = got
        if proto != PROTO_IP or len(ip) < 28 or ip[9] != 1 or ip[20] != 0:
            return
        ident, seq = struct.unpack("!HH", ip[24:28])
        if ident == PING_GOOD:
            self.replies += 1
            # Only an answer to a ping sent after the attack shows the data path survived it.
            log("%s seq=%d" % ("event=echo-reply" if self.attacked and seq > self.attack_seq else "echo-reply-before-attack", seq))
        elif ident == PING_BAD:
            log("event=unsafe echo-reply to a ping the client should have dropped, seq=%d" % seq)


def main():
    global LOGF
    if sys.argv[1:] == ["--list"]:
        for name, expect, status, reason, dns, ping, what in CASES:
            known = "finding" if name in FINDINGS else "slow" if name in SLOW else "-"
            print("%s %s %d %s %s %s %s %s %s" % (name, expect, status, reason, dns, ping, known, QUIRKS.get(name, "-"), what))
        return 0
    if len(sys.argv) != 4 or sys.argv[1] not in [c[0] for c in CASES]:
        print(__doc__, file=sys.stderr)
        return 2
    LOGF = open(sys.argv[3], "a")
    try:
        Server(sys.argv[1], sys.argv[2]).run()
    except OSError as e:
        log("error=%s" % e)  # the client hung up hard (RST): an ending, not a server bug
    return 0


LOGF = sys.stderr
if __name__ == "__main__":
    sys.exit(main())
