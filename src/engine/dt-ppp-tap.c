/* dt-ppp-tap.c — redaction of PPP control frames for captures (see the header). */
#include "dt-ppp-tap.h"

#include "dt-auth.h"
#include "dt-buf.h"
#include "dt-lcp.h"

#include <string.h>

#define PAP_REQUEST 1 /* RFC 1334 §2.2.1 */
#define PAP_ACK 2
#define PAP_NAK 3
#define CHAP_CHALLENGE 1 /* RFC 1994 §4 */
#define CHAP_RESPONSE 2
#define CHAP_SUCCESS 3
#define CHAP_FAILURE 4
#define HEADER_LEN 4 /* Code, Identifier, Length */

static bool
is_ncp(uint16_t protocol)
{
    return protocol >= 0x8000 && protocol <= 0xBFFF;
}

bool
dt_ppp_tap_wants(uint16_t protocol)
{
    return protocol == DT_PPP_PROTO_LCP || protocol == DT_PPP_PROTO_PAP ||
           protocol == DT_PPP_PROTO_CHAP || is_ncp(protocol);
}

/* The packet's own length: its Length field when that is consistent, else
 * every octet we were given (LCP and NCPs only: a malformed one is worth
 * seeing, and it holds nothing of ours). */
static size_t
packet_len(const uint8_t *pkt, size_t len)
{
    if (len < HEADER_LEN)
        return len;
    size_t n = dt_get_u16(pkt + 2);
    return n >= HEADER_LEN && n <= len ? n : len;
}

/* Authentication packets are parsed strictly: the Length field must hold. */
static bool
auth_len(const uint8_t *pkt, size_t len, size_t *n)
{
    if (len < HEADER_LEN)
        return false;
    *n = dt_get_u16(pkt + 2);
    return *n >= HEADER_LEN && *n <= len;
}

static size_t
copy_cut(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
    size_t n = len < cap ? len : cap;
    memcpy(out, pkt, n);
    return n;
}

/* RFC 1334 §2.2.1: Peer-ID Length, Peer-ID, Passwd-Length, Password. */
static size_t
redact_pap(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
    size_t n;
    if (!auth_len(pkt, len, &n))
        return 0;
    if (pkt[0] != PAP_REQUEST) {
        /* Ack and Nak: a Msg-Length and a message for people. */
        if (pkt[0] < PAP_ACK || pkt[0] > PAP_NAK || n > cap)
            return 0;
        memcpy(out, pkt, n);
        return n;
    }
    DtReader r;
    dt_reader_init(&r, pkt + HEADER_LEN, n - HEADER_LEN);
    uint8_t id_len = dt_reader_u8(&r);
    const uint8_t *id = dt_reader_bytes(&r, id_len);
    uint8_t pw_len = dt_reader_u8(&r);
    dt_reader_skip(&r, pw_len);
    if (!dt_reader_ok(&r))
        return 0;
    DtWriter w;
    dt_writer_init(&w, out, cap);
    dt_writer_u8(&w, pkt[0]);
    dt_writer_u8(&w, pkt[1]);
    dt_writer_u16(&w, 0); /* patched below */
    dt_writer_u8(&w, id_len);
    dt_writer_bytes(&w, id, id_len);
    dt_writer_u8(&w, sizeof DT_PPP_TAP_PASSWORD - 1);
    dt_writer_bytes(&w, DT_PPP_TAP_PASSWORD, sizeof DT_PPP_TAP_PASSWORD - 1);
    if (!dt_writer_ok(&w))
        return 0;
    dt_put_u16(out + 2, (uint16_t)w.len);
    return w.len;
}

/* RFC 2759 §5: "S=" and 40 hex digits; every hex digit after an "S=" that
 * starts the message or follows a space becomes '0'. */
static void
zero_authenticator_response(uint8_t *msg, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (msg[i] != 'S' || msg[i + 1] != '=' || (i > 0 && msg[i - 1] != ' '))
            continue;
        for (i += 2; i < len; i++) {
            uint8_t c = msg[i];
            bool hex = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
            if (!hex)
                break;
            msg[i] = '0';
        }
    }
}

/* RFC 1994 §4.1–4.2; RFC 2433 §5–6, RFC 2759 §4–6 for the MS-CHAP forms. */
static size_t
redact_chap(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
    size_t n;
    if (!auth_len(pkt, len, &n) || n > cap)
        return 0;
    switch (pkt[0]) {
    case CHAP_CHALLENGE:
    case CHAP_RESPONSE: {
        /* Value-Size, Value, Name. */
        if (n < HEADER_LEN + 1 || (size_t)pkt[HEADER_LEN] > n - HEADER_LEN - 1)
            return 0;
        memcpy(out, pkt, n);
        if (pkt[0] == CHAP_RESPONSE)
            memset(out + HEADER_LEN + 1, 0, pkt[HEADER_LEN]);
        return n;
    }
    case CHAP_SUCCESS:
        memcpy(out, pkt, n);
        zero_authenticator_response(out + HEADER_LEN, n - HEADER_LEN);
        return n;
    case CHAP_FAILURE:
        /* "E=691 R=1 C=<challenge> V=3 M=…": nothing derived from a secret. */
        memcpy(out, pkt, n);
        return n;
    default:
        /* MS-CHAP Change-Password (v1: 5 and 6, v2: 7) carries encrypted
         * passwords; anything unknown might. */
        return 0;
    }
}

/* RFC 1661 §5.7: Rejected-Protocol, Rejected-Information. */
static size_t
redact_lcp(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
    size_t n = packet_len(pkt, len);
    if (n >= HEADER_LEN + 2 && pkt[0] == DT_LCP_PROTOCOL_REJ && !is_ncp(dt_get_u16(pkt + 4))) {
        if (cap < HEADER_LEN + 2)
            return 0;
        memcpy(out, pkt, HEADER_LEN + 2);
        dt_put_u16(out + 2, HEADER_LEN + 2);
        return HEADER_LEN + 2;
    }
    return copy_cut(pkt, n, out, cap);
}

size_t
dt_ppp_tap_redact(uint16_t protocol, const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
    if (!pkt || !out || !len || !cap)
        return 0;
    switch (protocol) {
    case DT_PPP_PROTO_PAP:
        return redact_pap(pkt, len, out, cap);
    case DT_PPP_PROTO_CHAP:
        return redact_chap(pkt, len, out, cap);
    case DT_PPP_PROTO_LCP:
        return redact_lcp(pkt, len, out, cap);
    default:
        return is_ncp(protocol) ? copy_cut(pkt, packet_len(pkt, len), out, cap) : 0;
    }
}
