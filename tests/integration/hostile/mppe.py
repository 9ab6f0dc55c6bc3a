# mppe.py — 128-bit MPPE for hostile-server.py: RFC 3079 §3 keys from the MS-CHAP v2 master key,
# RFC 3078 §7 stateless (a key change per coherency count) and §8.2 stateful encryption.
import hashlib
import struct


def rc4(key, data):
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for b in data:
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 0xFF])
    return bytes(out)


MAGIC2 = b"On the client side, this is the send key; on the server side, it is the receive key."
MAGIC3 = b"On the client side, this is the receive key; on the server side, it is the send key."


def get_new_key_from_sha(start, session):
    return hashlib.sha1(start + b"\0" * 40 + session + b"\xf2" * 40).digest()[:16]


class Mppe:
    """One direction: GetAsymmetricStartKey, the initial key, a rekey per coherency count."""

    def __init__(self, master, magic):
        self.start = get_new_key_from_sha(master, magic)  # GetAsymmetricStartKey (§3.4)
        self.key = get_new_key_from_sha(self.start, self.start)
        self.ccount = 4095

    def rekey(self):
        interim = get_new_key_from_sha(self.start, self.key)
        self.key = rc4(interim, interim)
        self.ccount = (self.ccount + 1) % 4096

    def seal(self, proto, payload, flags=0x9000):
        self.rekey()
        return struct.pack("!H", flags | self.ccount) + rc4(self.key, struct.pack("!H", proto) + payload)

    def open(self, data):
        hdr = struct.unpack("!H", data[:2])[0]
        if not hdr & 0x1000:
            return None
        cc = hdr & 0x0FFF
        if (cc - self.ccount) % 4096 > 2048:
            return None  # late
        while self.ccount != cc:
            self.rekey()
        plain = rc4(self.key, data[2:])
        return struct.unpack("!H", plain[:2])[0], plain[2:]


class Rc4:
    """RC4 whose keystream runs on across calls (stateful MPPE)."""

    def __init__(self, key):
        self.s, j = list(range(256)), 0
        for i in range(256):
            j = (j + self.s[i] + key[i % len(key)]) & 0xFF
            self.s[i], self.s[j] = self.s[j], self.s[i]
        self.i = self.j = 0

    def crypt(self, data):
        s, i, j, out = self.s, self.i, self.j, bytearray()
        for b in data:
            i = (i + 1) & 0xFF
            j = (j + s[i]) & 0xFF
            s[i], s[j] = s[j], s[i]
            out.append(b ^ s[(s[i] + s[j]) & 0xFF])
        self.i, self.j = i, j
        return bytes(out)


def is_flag(cc):
    return cc & 0xFF == 0xFF


class StatefulMppe(Mppe):
    """RFC 3078 §8.2 as the client does it by default (DT_MPPE_COMPAT_RFC): a key change before
    each flag packet (count & 0xFF == 0xFF); A re-initialises RC4 with the current key."""

    def __init__(self, master, magic):
        super().__init__(master, magic)
        self.rc4 = Rc4(self.key)
        self.flush_next = True  # §3.1: A on the first packet
        self.discard = False

    def change_key(self):
        interim = get_new_key_from_sha(self.start, self.key)
        self.key = rc4(interim, interim)

    def seal(self, proto, payload, flags=0x9000):
        cc = (self.ccount + 1) % 4096
        flush = self.flush_next
        if is_flag(cc):
            self.change_key()
            flush = True
        if flush:
            self.rc4 = Rc4(self.key)
        self.ccount, self.flush_next = cc, False
        return struct.pack("!H", 0x1000 | (0x8000 if flush else 0) | cc) + self.rc4.crypt(struct.pack("!H", proto) + payload)

    def open(self, data):
        hdr = struct.unpack("!H", data[:2])[0]
        cc, flushed = hdr & 0x0FFF, bool(hdr & 0x8000)
        if not hdr & 0x1000 or (not flushed and is_flag(cc)):
            return None
        if flushed:
            ahead = (cc - self.ccount) % 4096
            for i in range(1, ahead):
                if is_flag((self.ccount + i) % 4096):
                    self.change_key()
            if ahead and is_flag(cc):
                self.change_key()
            self.ccount, self.discard = cc, False
            self.rc4 = Rc4(self.key)
        elif self.discard or cc != (self.ccount + 1) % 4096:
            self.discard = True
            return None
        else:
            self.ccount = cc
        plain = self.rc4.crypt(data[2:])
        return struct.unpack("!H", plain[:2])[0], plain[2:]
