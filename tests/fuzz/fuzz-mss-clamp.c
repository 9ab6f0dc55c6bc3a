/* fuzz-mss-clamp.c — TCP MSS clamping (dt_mtu_clamp_mss) on arbitrary IP packets.
 *
 * Input: octets 0–1 the MTU (big-endian), then the IP packet, copied into a buffer of exactly its
 * size so that ASan sees any read or write past it.  Invariants: the clamp returns what the
 * read-only check said; a packet it does not clamp is left as it was; a clamped one differs only
 * in MSS values (now at most the limit) and the TCP checksum, which stays valid when it was
 * valid (recomputed from scratch here), and a second clamp finds nothing to do. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-mtu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Only called on packets the clamp accepted, so the lengths below are sound. */
static size_t
tcp_offset(const uint8_t *ip)
{
    return (ip[0] >> 4) == 6 ? 40 : (size_t)(ip[0] & 0x0F) * 4;
}

static size_t
tcp_length(const uint8_t *ip)
{
    return (ip[0] >> 4) == 6 ? get16(ip + 4) : get16(ip + 2) - tcp_offset(ip);
}

/* The one's complement sum of the pseudo-header and the segment, checksum included: 0xFFFF
 * when the checksum is right (RFC 9293 §3.1). */
static uint16_t
segment_sum(const uint8_t *ip)
{
    bool v6 = (ip[0] >> 4) == 6;
    size_t seg = tcp_length(ip);
    const uint8_t *a = v6 ? ip + 8 : ip + 12;
    uint64_t sum = 6 + seg;
    for (size_t i = 0; i < (v6 ? 32u : 8u); i += 2)
        sum += get16(a + i);
    const uint8_t *t = ip + tcp_offset(ip);
    for (size_t i = 0; i < seg; i += 2)
        sum += (uint32_t)t[i] << 8 | (i + 1 < seg ? t[i + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint16_t mtu = get16(data);
    size_t len = size - 2;
    uint8_t *pkt = malloc(len ? len : 1);
    uint8_t *orig = malloc(len ? len : 1);
    if (!pkt || !orig)
        abort();
    memcpy(pkt, data + 2, len);
    memcpy(orig, data + 2, len);

    DtMssResult want = dt_mtu_check_mss(pkt, len, mtu);
    if (memcmp(pkt, orig, len) != 0)
        abort();
    bool was_valid = want == DT_MSS_CLAMPED && segment_sum(orig) == 0xFFFF;
    DtMssResult got = dt_mtu_clamp_mss(pkt, len, mtu);
    if (got != want)
        abort();
    if (got != DT_MSS_CLAMPED) {
        if (memcmp(pkt, orig, len) != 0)
            abort();
    } else {
        size_t t = tcp_offset(pkt);
        size_t doff = (size_t)(pkt[t + 12] >> 4) * 4;
        uint16_t limit = dt_mtu_mss_for(mtu, (pkt[0] >> 4) == 6);
        /* Outside the checksum and the options nothing moved. */
        for (size_t i = 0; i < len; i++) {
            bool in_options = i >= t + 20 && i < t + doff;
            bool checksum = i == t + 16 || i == t + 17;
            if (!in_options && !checksum && pkt[i] != orig[i])
                abort();
        }
        /* Walk the options as the clamp did: every MSS at most the limit, and a changed one
         * was larger before. */
        for (size_t i = t + 20; i < t + doff && pkt[i] != 0;) {
            if (pkt[i] == 1) {
                i++;
                continue;
            }
            if (pkt[i] == 2) {
                uint16_t now = get16(pkt + i + 2), before = get16(orig + i + 2);
                if (now > limit || (now != before && (before <= limit || now != limit)))
                    abort();
            }
            i += pkt[i + 1];
        }
        if (was_valid && segment_sum(pkt) != 0xFFFF)
            abort();
        if (dt_mtu_clamp_mss(pkt, len, mtu) != DT_MSS_UNTOUCHED)
            abort();
    }
    free(pkt);
    free(orig);
    return 0;
}
