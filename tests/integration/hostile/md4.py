# md4.py — MD4 (RFC 1320) in pure Python, for the NT password hash of MS-CHAP v2.
# OpenSSL 3 moved MD4 to its legacy provider, so hashlib.new("md4") may be missing.
import struct


def _f(x, y, z):
    return (x & y) | (~x & z)


def _g(x, y, z):
    return (x & y) | (x & z) | (y & z)


def _h(x, y, z):
    return x ^ y ^ z


def _rotl(v, s):
    v &= 0xFFFFFFFF
    return ((v << s) | (v >> (32 - s))) & 0xFFFFFFFF


def md4(data: bytes) -> bytes:
    msg = bytearray(data)
    bit_len = (8 * len(data)) & 0xFFFFFFFFFFFFFFFF
    msg.append(0x80)
    while len(msg) % 64 != 56:
        msg.append(0)
    msg += struct.pack("<Q", bit_len)
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for off in range(0, len(msg), 64):
        x = struct.unpack("<16I", bytes(msg[off : off + 64]))
        aa, bb, cc, dd = a, b, c, d
        # Round 1 (RFC 1320 §3.4)
        for i in range(0, 16, 4):
            a = _rotl(a + _f(b, c, d) + x[i], 3)
            d = _rotl(d + _f(a, b, c) + x[i + 1], 7)
            c = _rotl(c + _f(d, a, b) + x[i + 2], 11)
            b = _rotl(b + _f(c, d, a) + x[i + 3], 19)
        # Round 2
        for i in range(4):
            a = _rotl(a + _g(b, c, d) + x[i] + 0x5A827999, 3)
            d = _rotl(d + _g(a, b, c) + x[i + 4] + 0x5A827999, 5)
            c = _rotl(c + _g(d, a, b) + x[i + 8] + 0x5A827999, 9)
            b = _rotl(b + _g(c, d, a) + x[i + 12] + 0x5A827999, 13)
        # Round 3
        for i in (0, 2, 1, 3):
            a = _rotl(a + _h(b, c, d) + x[i] + 0x6ED9EBA1, 3)
            d = _rotl(d + _h(a, b, c) + x[i + 8] + 0x6ED9EBA1, 9)
            c = _rotl(c + _h(d, a, b) + x[i + 4] + 0x6ED9EBA1, 11)
            b = _rotl(b + _h(c, d, a) + x[i + 12] + 0x6ED9EBA1, 15)
        a = (a + aa) & 0xFFFFFFFF
        b = (b + bb) & 0xFFFFFFFF
        c = (c + cc) & 0xFFFFFFFF
        d = (d + dd) & 0xFFFFFFFF
    return struct.pack("<4I", a, b, c, d)


# RFC 1320 appendix A.5, checked whenever the module is used.
assert md4(b"").hex() == "31d6cfe0d16ae931b73c59d7e0c089c0"
assert md4(b"abc").hex() == "a448017aaf21d8525fc10ae87aa6729d"
assert md4(b"message digest").hex() == "d9130a8164549fe818874806e1c7014b"
