/* dt-mtu.c — the tunnel's MTU and TCP MSS clamping (see the header). */
#include "dt-mtu.h"

#include "dt-buf.h"
#include "dt-gre.h"
#include "dt-mppe.h"

/* The layers' own figures. */
_Static_assert(DT_MTU_GRE_HEADER == DT_GRE_HEADER_MAX, "GRE header with seq and ack");
_Static_assert(DT_MTU_MPPE_OVERHEAD == DT_MPPE_OVERHEAD, "MPPE header and inner protocol");

#define IPPROTO_TCP_NUMBER 6
#define LCP_DEFAULT_MRU 1500 /* RFC 1661 §6.1 */
#define TCP_HEADER_MIN 20
#define TCP_FLAG_SYN 0x02
#define TCP_OPT_EOL 0 /* RFC 9293 §3.2: End of Option List */
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_MSS_LEN 4

static unsigned
less(unsigned a, unsigned b)
{
    return a > b ? a - b : 0;
}

uint16_t
dt_mtu_compute(const DtMtuStack *st)
{
    unsigned path = st->path_mtu ? st->path_mtu : DT_MTU_ETHERNET;
    unsigned mru = st->peer_mru ? st->peer_mru : LCP_DEFAULT_MRU;
    /* With CCP the Information field carries the MPPE/MPPC header and the inner protocol ahead
     * of the IP packet (RFC 3078 §3), and the MRU bounds the Information field (RFC 1661 §6.1). */
    unsigned ccp = st->ccp ? DT_MTU_MPPE_OVERHEAD + DT_MTU_MPPC_EXPANSION : 0;
    unsigned mtu = less(path, st->outer_header + st->gre_header + st->ppp_header + ccp);
    if (less(mru, ccp) < mtu)
        mtu = less(mru, ccp);
    if (st->local_mtu && less(st->local_mtu, ccp) < mtu)
        mtu = less(st->local_mtu, ccp);
    return (uint16_t)(mtu < DT_MTU_MIN ? DT_MTU_MIN : mtu);
}

uint16_t
dt_mtu_mss_for(uint16_t mtu, bool ipv6)
{
    return (uint16_t)less(mtu, ipv6 ? DT_MTU_TCP_IPV6_HEADERS : DT_MTU_TCP_IPV4_HEADERS);
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), in one's complement arithmetic. */
static uint16_t
update_checksum(uint16_t hc, uint16_t m, uint16_t m_new)
{
    uint32_t sum = (uint32_t)(uint16_t)~hc + (uint16_t)~m + m_new;
    sum = (sum & 0xFFFF) + (sum >> 16);
    sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint16_t
swap16(uint16_t v)
{
    return (uint16_t)(v << 8 | v >> 8);
}

/* Finds the TCP segment in an IP packet: its offset *seg, *seg_len and *ipv6 (returns CLAMPED for
 * "found").  UNTOUCHED: not TCP, or a fragment (its checksum covers octets in the other
 * fragments, which we cannot see); MALFORMED: the IP header does not describe the packet. */
static DtMssResult
find_segment(const uint8_t *pkt, size_t len, size_t *seg, size_t *seg_len, bool *ipv6)
{
    if (len == 0)
        return DT_MSS_UNTOUCHED;
    switch (pkt[0] >> 4) {
    case 4: {
        if (len < 20)
            return DT_MSS_MALFORMED;
        size_t ihl = (size_t)(pkt[0] & 0x0F) * 4;
        size_t total = dt_get_u16(pkt + 2);
        if (ihl < 20 || total < ihl || total > len)
            return DT_MSS_MALFORMED;
        if (pkt[9] != IPPROTO_TCP_NUMBER)
            return DT_MSS_UNTOUCHED;
        if (dt_get_u16(pkt + 6) & 0x3FFF) /* More Fragments or a Fragment Offset */
            return DT_MSS_UNTOUCHED;
        *seg = ihl;
        *seg_len = total - ihl;
        *ipv6 = false;
        return DT_MSS_CLAMPED;
    }
    case 6: {
        if (len < 40)
            return DT_MSS_MALFORMED;
        if (pkt[6] != IPPROTO_TCP_NUMBER) /* extension headers: left alone */
            return DT_MSS_UNTOUCHED;
        size_t payload = dt_get_u16(pkt + 4);
        if (payload > len - 40) /* 0 is a jumbogram's, which needs a Hop-by-Hop header */
            return DT_MSS_MALFORMED;
        *seg = 40;
        *seg_len = payload;
        *ipv6 = true;
        return DT_MSS_CLAMPED;
    }
    default:
        return DT_MSS_UNTOUCHED;
    }
}

/* Checks a SYN's options against the limit.  CLAMPED: some MSS option exceeds it (*tcp and
 * *doff say where the options are); the whole option list parsed (RFC 9293 §3.2). */
static DtMssResult
scan(const uint8_t *pkt, size_t len, uint16_t mtu, size_t *tcp, size_t *doff, uint16_t *limit)
{
    size_t seg_len;
    bool ipv6;
    DtMssResult r = find_segment(pkt, len, tcp, &seg_len, &ipv6);
    if (r != DT_MSS_CLAMPED)
        return r;
    const uint8_t *t = pkt + *tcp;
    if (seg_len < TCP_HEADER_MIN)
        return DT_MSS_MALFORMED;
    if (!(t[13] & TCP_FLAG_SYN))
        return DT_MSS_UNTOUCHED;
    size_t d = (size_t)(t[12] >> 4) * 4;
    if (d < TCP_HEADER_MIN || d > seg_len)
        return DT_MSS_MALFORMED;
    if (mtu < DT_MTU_MIN)
        return DT_MSS_UNTOUCHED;
    *limit = dt_mtu_mss_for(mtu, ipv6);
    *doff = d;
    bool over = false;
    for (size_t i = TCP_HEADER_MIN; i < d;) {
        if (t[i] == TCP_OPT_EOL)
            break;
        if (t[i] == TCP_OPT_NOP) {
            i++;
            continue;
        }
        if (d - i < 2)
            return DT_MSS_MALFORMED;
        size_t olen = t[i + 1];
        if (olen < 2 || olen > d - i)
            return DT_MSS_MALFORMED;
        if (t[i] == TCP_OPT_MSS) {
            if (olen != TCP_OPT_MSS_LEN)
                return DT_MSS_MALFORMED;
            if (dt_get_u16(t + i + 2) > *limit)
                over = true;
        }
        i += olen;
    }
    return over ? DT_MSS_CLAMPED : DT_MSS_UNTOUCHED;
}

DtMssResult
dt_mtu_check_mss(const uint8_t *pkt, size_t len, uint16_t mtu)
{
    size_t tcp, doff;
    uint16_t limit;
    return scan(pkt, len, mtu, &tcp, &doff, &limit);
}

DtMssResult
dt_mtu_clamp_mss(uint8_t *pkt, size_t len, uint16_t mtu)
{
    size_t tcp, doff;
    uint16_t limit;
    DtMssResult r = scan(pkt, len, mtu, &tcp, &doff, &limit);
    if (r != DT_MSS_CLAMPED)
        return r;
    uint8_t *t = pkt + tcp;
    for (size_t i = TCP_HEADER_MIN; i < doff && t[i] != TCP_OPT_EOL;) {
        if (t[i] == TCP_OPT_NOP) {
            i++;
            continue;
        }
        if (t[i] == TCP_OPT_MSS && dt_get_u16(t + i + 2) > limit) {
            uint16_t old = dt_get_u16(t + i + 2);
            /* The checksum sums 16-bit words from the segment's start: a value at an odd
             * offset straddles two words and counts byte-swapped (RFC 1071 §2(B)). */
            bool odd = (i + 2) & 1;
            uint16_t hc = dt_get_u16(t + 16);
            hc = update_checksum(hc, odd ? swap16(old) : old, odd ? swap16(limit) : limit);
            dt_put_u16(t + i + 2, limit);
            dt_put_u16(t + 16, hc);
        }
        i += t[i + 1];
    }
    return DT_MSS_CLAMPED;
}
