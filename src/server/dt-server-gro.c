/* dt-server-gro.c — joins in-order TCP segments into one TUN write (see dt-server-gro.h). */
#include "dt-server-gro.h"

#include <linux/virtio_net.h>
#include <string.h>

/* RFC 1071 one's-complement sum, folded to 16 bits at the end by the caller. */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t acc)
{
    uint64_t s = acc;
    while (n >= 2) {
        s += (uint32_t)(p[0] << 8 | p[1]);
        p += 2;
        n -= 2;
    }
    if (n)
        s += (uint32_t)p[0] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint32_t)s;
}

static uint16_t
fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}

static uint16_t
rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* RFC 793 §3.1: the pseudo-header sum (addresses, protocol, TCP length). */
static uint32_t
pseudo_sum(const uint8_t *ip, size_t tcp_len)
{
    return sum16(ip + 12, 8, 6u + (uint32_t)tcp_len);
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

/* A segment that may join a train: plain IPv4 (no options, not a fragment) carrying TCP with
 * data and only ACK (PSH allowed), both checksums right. Sets the header length. */
static bool
joinable(const uint8_t *p, size_t len, size_t *hdr)
{
    if (len < 40 || p[0] != 0x45 || p[9] != 6 || rd16(p + 2) != len)
        return false;
    if ((rd16(p + 6) & 0x3fff) != 0) /* MF or an offset: a fragment */
        return false;
    size_t thl = (size_t)(p[20 + 12] >> 4) * 4;
    if (thl < 20 || 20 + thl >= len)
        return false; /* no payload: pure ACKs go as they are */
    uint8_t flags = p[20 + 13];
    if ((flags & ~(TCP_ACK | TCP_PSH)) || !(flags & TCP_ACK))
        return false;
    if (fold(sum16(p, 20, 0)) != 0xffff)
        return false;
    if (fold(sum16(p + 20, len - 20, pseudo_sum(p, len - 20))) != 0xffff)
        return false;
    *hdr = 20 + thl;
    return true;
}

static void
write_raw(DtTun *tun, const uint8_t *pkt, size_t len, uint8_t *scratch)
{
    size_t vh = tun->vnet_hdr_len;
    memset(scratch, 0, vh);
    memcpy(scratch + vh, pkt, len);
    DtIoSlot slot = {
        .buf = scratch, .cap = (uint32_t)(vh + len), .off = 0, .len = (uint32_t)(vh + len)};
    (void)dt_tun_write_batch(tun, &slot, 1, NULL);
}

void
dt_server_gro_flush(DtServerGro *g)
{
    if (!g->tun)
        return;
    size_t vh = g->tun->vnet_hdr_len;
    uint8_t *ip = g->buf + vh;
    struct virtio_net_hdr h;
    memset(&h, 0, sizeof h);
    if (g->segs > 1) {
        /* The kernel takes the train as if a NIC had received it with TSO: total length and
         * header checksum for the whole, the TCP checksum field holding the pseudo-header sum
         * (CHECKSUM_PARTIAL), gso_size = the segments' payload size. */
        size_t tcp_len = g->len - 20;
        wr16(ip + 2, (uint16_t)g->len);
        wr16(ip + 10, 0);
        wr16(ip + 10, (uint16_t)~fold(sum16(ip, 20, 0)));
        wr16(ip + 20 + 16, fold(pseudo_sum(ip, tcp_len)));
        h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
        h.hdr_len = (uint16_t)g->hdr;
        h.gso_size = (uint16_t)g->mss;
        h.csum_start = 20;
        h.csum_offset = 16;
        g->trains++;
    }
    /* A single segment goes with its own checksums and an empty header. */
    memset(g->buf, 0, vh);
    memcpy(g->buf, &h, sizeof h < vh ? sizeof h : vh);
    DtIoSlot slot = {
        .buf = g->buf, .cap = (uint32_t)(vh + g->len), .off = 0, .len = (uint32_t)(vh + g->len)};
    (void)dt_tun_write_batch(g->tun, &slot, 1, NULL);
    g->tun = NULL;
    g->len = 0;
    g->segs = 0;
}

void
dt_server_gro_forget(DtServerGro *g, const DtTun *tun)
{
    if (g->tun == tun) {
        g->tun = NULL;
        g->len = 0;
        g->segs = 0;
    }
}

/* Does p (joinable, hdr octets of header) continue the train? */
static bool
continues(const DtServerGro *g, const DtTun *tun, const uint8_t *p, size_t len, size_t hdr)
{
    const uint8_t *t = g->buf + tun->vnet_hdr_len;
    size_t payload = len - hdr;
    if (g->tun != tun || g->closed || hdr != g->hdr || payload > g->mss)
        return false;
    if (g->len + payload > DT_SERVER_GRO_MAX)
        return false;
    /* Same flow and the same header but for length, ID, checksum, sequence and PSH: TOS, DF, TTL,
     * addresses, ports, acknowledgement, window, options (the timestamps too, as Linux asks). */
    if (p[1] != t[1] || p[6] != t[6] || p[8] != t[8] || memcmp(p + 12, t + 12, 8) != 0)
        return false;
    if (memcmp(p + 20, t + 20, 4) != 0 || memcmp(p + 28, t + 28, 4) != 0 || p[32] != t[32] ||
        memcmp(p + 34, t + 34, 2) != 0 || memcmp(p + 38, t + 38, hdr - 38) != 0)
        return false;
    return rd32(p + 24) == g->next_seq;
}

void
dt_server_gro_add(DtServerGro *g, DtTun *tun, const uint8_t *pkt, size_t len)
{
    size_t hdr;
    size_t vh = tun->vnet_hdr_len;
    if (len > DT_SERVER_GRO_MAX || !joinable(pkt, len, &hdr)) {
        dt_server_gro_flush(g);
        /* Order is kept: the train first, then this packet, through the (now empty) buffer. */
        write_raw(tun, pkt, len, g->buf);
        g->written_as_is++;
        return;
    }
    size_t payload = len - hdr;
    if (g->tun && continues(g, tun, pkt, len, hdr)) {
        memcpy(g->buf + vh + g->len, pkt + hdr, payload);
        g->len += payload;
        g->segs++;
        g->joined++;
        g->next_seq += (uint32_t)payload;
        if (payload < g->mss || (pkt[20 + 13] & TCP_PSH)) {
            uint8_t *t = g->buf + vh;
            t[20 + 13] |= pkt[20 + 13] & TCP_PSH;
            g->closed = true;
        }
        return;
    }
    dt_server_gro_flush(g);
    memcpy(g->buf + vh, pkt, len);
    g->tun = tun;
    g->len = len;
    g->hdr = hdr;
    g->mss = (uint32_t)payload;
    g->segs = 1;
    g->next_seq = rd32(pkt + 24) + (uint32_t)payload;
    g->closed = (pkt[20 + 13] & TCP_PSH) != 0;
}

bool
dt_server_gro_read_fixup(const DtTun *tun, uint8_t *data, size_t len, size_t *ip_off)
{
    struct virtio_net_hdr h;
    size_t vh = tun->vnet_hdr_len;
    if (len < vh)
        return false;
    memcpy(&h, data, sizeof h);
    *ip_off = vh;
    if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE)
        return false; /* no TSO was offered (TUNSETOFFLOAD), so none should come */
    if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        /* The checksum from csum_start on is left to us (no TUN_F_CSUM was offered either, but
         * a kernel may still hand a partial one over). */
        size_t start = h.csum_start, at = (size_t)h.csum_start + h.csum_offset;
        uint8_t *ip = data + vh;
        size_t n = len - vh;
        if (at + 2 > n || start > n)
            return false;
        /* The field holds the pseudo-header sum already: summing over it completes it. */
        wr16(ip + at, (uint16_t)~fold(sum16(ip + start, n - start, 0)));
    }
    return true;
}
