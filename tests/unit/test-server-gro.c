/* test-server-gro.c — the server's TUN coalescer (src/server/dt-server-gro.c).
 *
 * The "TUN" is one end of a SOCK_SEQPACKET socketpair, so every write arrives as one message
 * with its virtio-net header. Segments are built here with their own checksum code (RFC 1071),
 * and each train is checked the way the kernel would use it: header fields, the payloads in
 * order, and a TCP checksum that completes to a valid one from the pseudo-header sum.
 */
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dt-server-gro.h"
#include "dt-test.h"

#define VH 12 /* struct virtio_net_hdr_mrg_rxbuf, as dt-tun sets it */

static guint32
csum_add(const guint8 *p, gsize n, guint32 s)
{
    for (gsize i = 0; i + 1 < n; i += 2)
        s += (guint32)p[i] << 8 | p[i + 1];
    if (n & 1)
        s += (guint32)p[n - 1] << 8;
    return s;
}

static guint16
csum_fold(guint32 s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (guint16)s;
}

static guint32
pseudo(const guint8 *ip, gsize tcp_len)
{
    return csum_add(ip + 12, 8, 6 + (guint32)tcp_len);
}

static gboolean
tcp_ok(const guint8 *ip, gsize len)
{
    return csum_fold(csum_add(ip + 20, len - 20, pseudo(ip, len - 20))) == 0xffff;
}

/* An IPv4/TCP segment 10.0.0.1:1000 -> 10.0.0.2:2000 with timestamps (thl 32), payload bytes
 * (seq + i) & 0xff so that the order of joined payloads shows. */
static gsize
segment(guint8 *p, guint32 seq, gsize payload, guint8 flags, guint8 proto)
{
    gsize thl = 32, len = 20 + thl + payload;
    memset(p, 0, len);
    p[0] = 0x45;
    p[2] = (guint8)(len >> 8);
    p[3] = (guint8)len;
    p[4] = (guint8)(seq >> 8); /* ID */
    p[6] = 0x40;               /* DF */
    p[8] = 64;
    p[9] = proto;
    const guint8 addrs[8] = {10, 0, 0, 1, 10, 0, 0, 2};
    memcpy(p + 12, addrs, 8);
    guint16 ipc = (guint16)~csum_fold(csum_add(p, 20, 0));
    p[10] = (guint8)(ipc >> 8);
    p[11] = (guint8)ipc;
    guint8 *t = p + 20;
    t[0] = 1000 >> 8;
    t[1] = 1000 & 0xff;
    t[2] = 2000 >> 8;
    t[3] = 2000 & 0xff;
    for (int i = 0; i < 4; i++)
        t[4 + i] = (guint8)(seq >> (24 - 8 * i));
    t[8] = 0x11; /* ack */
    t[12] = (guint8)(thl / 4) << 4;
    t[13] = flags;
    t[14] = 0x01; /* window */
    const guint8 ts[12] = {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9};
    memcpy(t + 20, ts, sizeof ts);
    for (gsize i = 0; i < payload; i++)
        t[thl + i] = (guint8)(seq + i);
    guint16 c = (guint16)~csum_fold(csum_add(t, thl + payload, pseudo(p, thl + payload)));
    t[16] = (guint8)(c >> 8);
    t[17] = (guint8)c;
    return len;
}

typedef struct {
    int sv[2];
    DtTun tun;
    DtServerGro *gro;
    guint8 pkt[2048];
    guint8 msg[VH + 65536];
} Fixture;

static void
fixture_init(Fixture *f)
{
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, f->sv), ==, 0);
    int big = 1 << 20;
    setsockopt(f->sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    setsockopt(f->sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    memset(&f->tun, 0, sizeof f->tun);
    f->tun.fd = f->sv[0];
    f->tun.vnet_hdr_len = VH;
    f->gro = g_malloc0(sizeof *f->gro);
}

static void
fixture_clear(Fixture *f)
{
    g_free(f->gro);
    close(f->sv[0]);
    close(f->sv[1]);
}

static void
add(Fixture *f, guint32 seq, gsize payload, guint8 flags)
{
    gsize len = segment(f->pkt, seq, payload, flags, 6);
    dt_server_gro_add(f->gro, &f->tun, f->pkt, len);
}

/* The next message: its header in *h, the IP packet's length returned, the packet at msg+VH. */
static gsize
next_msg(Fixture *f, struct virtio_net_hdr *h)
{
    ssize_t n = recv(f->sv[1], f->msg, sizeof f->msg, MSG_DONTWAIT);
    g_assert_cmpint(n, >, VH);
    memcpy(h, f->msg, sizeof *h);
    return (gsize)n - VH;
}

static void
assert_empty(Fixture *f)
{
    g_assert_cmpint(recv(f->sv[1], f->msg, sizeof f->msg, MSG_DONTWAIT), <, 0);
}

/* A train of segs segments of mss octets from seq: header, length, payload order, checksums. */
static void
assert_train(Fixture *f, guint32 seq, unsigned segs, gsize mss, gsize last)
{
    struct virtio_net_hdr h;
    gsize len = next_msg(f, &h);
    guint8 *ip = f->msg + VH;
    gsize payload = (segs - 1) * mss + last;
    g_assert_cmpuint(len, ==, 52 + payload);
    g_assert_cmpuint(h.flags, ==, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    g_assert_cmpuint(h.gso_type, ==, VIRTIO_NET_HDR_GSO_TCPV4);
    g_assert_cmpuint(h.gso_size, ==, mss);
    g_assert_cmpuint(h.hdr_len, ==, 52);
    g_assert_cmpuint(h.csum_start, ==, 20);
    g_assert_cmpuint(h.csum_offset, ==, 16);
    g_assert_cmpuint((guint)(ip[2] << 8 | ip[3]), ==, len);
    g_assert_cmphex(csum_fold(csum_add(ip, 20, 0)), ==, 0xffff);
    guint32 got_seq = (guint32)ip[24] << 24 | (guint32)ip[25] << 16 | (guint32)ip[26] << 8 | ip[27];
    g_assert_cmpuint(got_seq, ==, seq);
    for (gsize i = 0; i < payload; i++)
        g_assert_cmpuint(ip[52 + i], ==, (guint8)(seq + i));
    /* The field holds the pseudo-header sum; finishing it as a NIC would gives a valid one. */
    g_assert_cmphex((guint)(ip[36] << 8 | ip[37]), ==, csum_fold(pseudo(ip, len - 20)));
    guint16 c = (guint16)~csum_fold(csum_add(ip + 20, len - 20, 0));
    ip[36] = (guint8)(c >> 8);
    ip[37] = (guint8)c;
    g_assert_true(tcp_ok(ip, len));
}

/* A packet written as it came: an empty header and the very octets. */
static void
assert_as_is(Fixture *f, const guint8 *want, gsize want_len)
{
    struct virtio_net_hdr h, zero;
    memset(&zero, 0, sizeof zero);
    gsize len = next_msg(f, &h);
    dt_assert_mem(&h, &zero, sizeof h);
    g_assert_cmpuint(len, ==, want_len);
    dt_assert_mem(f->msg + VH, want, len);
}

static void
test_train(void)
{
    Fixture f;
    fixture_init(&f);
    for (unsigned i = 0; i < 10; i++)
        add(&f, 5000 + i * 1000, 1000, 0x10);
    assert_empty(&f); /* nothing goes before the flush */
    dt_server_gro_flush(f.gro);
    assert_train(&f, 5000, 10, 1000, 1000);
    assert_empty(&f);
    fixture_clear(&f);
}

static void
test_short_and_psh_close(void)
{
    Fixture f;
    fixture_init(&f);
    add(&f, 0, 1000, 0x10);
    add(&f, 1000, 1000, 0x10);
    add(&f, 2000, 500, 0x10); /* short: the last of its train */
    add(&f, 2500, 1000, 0x10);
    add(&f, 3500, 1000, 0x18); /* PSH joins and ends the train */
    add(&f, 4500, 1000, 0x10);
    dt_server_gro_flush(f.gro);
    assert_train(&f, 0, 3, 1000, 500);
    assert_train(&f, 2500, 2, 1000, 1000);
    g_assert_cmpuint(f.msg[VH + 33] & 0x08, ==, 0x08);
    /* A train of one goes as it came. */
    guint8 want[2048];
    gsize n = segment(want, 4500, 1000, 0x10, 6);
    assert_as_is(&f, want, n);
    assert_empty(&f);
    fixture_clear(&f);
}

static void
test_breaks_keep_order(void)
{
    Fixture f;
    guint8 bad[2048], udp[2048], syn[2048];
    fixture_init(&f);
    add(&f, 0, 800, 0x10);
    add(&f, 800, 800, 0x10);
    /* A corrupted segment (one payload bit) is not joined: it goes as is, for the kernel to
     * drop, and the train before it goes first. */
    gsize nbad = segment(bad, 1600, 800, 0x10, 6);
    bad[100] ^= 1;
    dt_server_gro_add(f.gro, &f.tun, bad, nbad);
    add(&f, 2400, 800, 0x10);
    add(&f, 4000, 800, 0x10); /* a gap: a new train */
    add(&f, 4800, 800, 0x10);
    gsize nudp = segment(udp, 7, 100, 0, 17);
    dt_server_gro_add(f.gro, &f.tun, udp, nudp);
    gsize nsyn = segment(syn, 9000, 10, 0x12, 6);
    dt_server_gro_add(f.gro, &f.tun, syn, nsyn);
    dt_server_gro_flush(f.gro);

    assert_train(&f, 0, 2, 800, 800);
    assert_as_is(&f, bad, nbad);
    guint8 want[2048];
    gsize n = segment(want, 2400, 800, 0x10, 6);
    assert_as_is(&f, want, n);
    assert_train(&f, 4000, 2, 800, 800);
    assert_as_is(&f, udp, nudp);
    assert_as_is(&f, syn, nsyn);
    assert_empty(&f);
    fixture_clear(&f);
}

static void
test_other_flow_and_tun(void)
{
    Fixture f;
    DtTun other;
    int sv2[2];
    fixture_init(&f);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv2), ==, 0);
    memset(&other, 0, sizeof other);
    other.fd = sv2[0];
    other.vnet_hdr_len = VH;
    add(&f, 0, 600, 0x10);
    add(&f, 600, 600, 0x10);
    /* The same segment for another call's TUN: the first train goes to its own TUN. */
    gsize n = segment(f.pkt, 1200, 600, 0x10, 6);
    dt_server_gro_add(f.gro, &other, f.pkt, n);
    /* The train of the call being freed is forgotten, never written to a closed fd. */
    dt_server_gro_forget(f.gro, &other);
    dt_server_gro_flush(f.gro);
    assert_train(&f, 0, 2, 600, 600);
    assert_empty(&f);
    g_assert_cmpint(recv(sv2[1], f.msg, sizeof f.msg, MSG_DONTWAIT), <, 0);
    close(sv2[0]);
    close(sv2[1]);
    fixture_clear(&f);
}

static void
test_read_fixup(void)
{
    DtTun tun;
    guint8 buf[VH + 2048];
    gsize ip_off;
    memset(&tun, 0, sizeof tun);
    tun.vnet_hdr_len = VH;
    gsize n = segment(buf + VH, 1, 300, 0x10, 6);
    /* A partial checksum, as a kernel with TUN_F_CSUM would hand it over. */
    guint16 ps = csum_fold(pseudo(buf + VH, n - 20));
    buf[VH + 36] = (guint8)(ps >> 8);
    buf[VH + 37] = (guint8)ps;
    struct virtio_net_hdr h = {
        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 20, .csum_offset = 16};
    memset(buf, 0, VH);
    memcpy(buf, &h, sizeof h);
    g_assert_false(tcp_ok(buf + VH, n));
    g_assert_true(dt_server_gro_read_fixup(&tun, buf, VH + n, &ip_off));
    g_assert_cmpuint(ip_off, ==, VH);
    g_assert_true(tcp_ok(buf + VH, n));
    /* A TSO train was never offered: refused. Out-of-range offsets too. */
    h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    memcpy(buf, &h, sizeof h);
    g_assert_false(dt_server_gro_read_fixup(&tun, buf, VH + n, &ip_off));
    h.gso_type = 0;
    h.csum_start = 4000;
    memcpy(buf, &h, sizeof h);
    g_assert_false(dt_server_gro_read_fixup(&tun, buf, VH + n, &ip_off));
    g_assert_false(dt_server_gro_read_fixup(&tun, buf, VH - 1, &ip_off));
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/server-gro/train", test_train);
    g_test_add_func("/server-gro/short-and-psh-close", test_short_and_psh_close);
    g_test_add_func("/server-gro/breaks-keep-order", test_breaks_keep_order);
    g_test_add_func("/server-gro/other-flow-and-tun", test_other_flow_and_tun);
    g_test_add_func("/server-gro/read-fixup", test_read_fixup);
    return dt_test_run();
}
