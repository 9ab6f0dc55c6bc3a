/* dt-session-data.c — the data path of a DtSession: TUN ⇄ PPP ⇄ CCP ⇄ GRE.
 *
 * Per packet this file does a constant amount of work and no allocation or
 * logging: counters only.  TCP SYNs get their MSS clamped to the MTU both ways
 * (dt_mtu_clamp_mss), in place, before encryption and after decryption.  Layout of an outgoing
 * packet, built backwards in the caller's headroom (RFC 2637 §4.1, RFC 1661 §2, RFC 3078 §3):
 *
 *   GRE (8–16) | FF 03 | 00 FD | A B C D ccount | inner protocol | IP …
 *                                               \___ MPPE: RC4 ___/
 */
#include "dt-session-private.h"

#include <string.h>

#define PROTO_IPV4 0x0021
#define PROTO_IPV6 0x0057

/* Plain IP is out when the policy requires encryption, and also while a CCP
 * that may encrypt (re)negotiates (RFC 1661 §4.1: a Configure-Request in
 * Opened takes the layer down): only once it is gone for good. */
static bool
plain_forbidden(const DtSession *s)
{
    return s->required ||
           (s->ccp && !s->ccp_off && s->cfg.policy.encryption != DT_MPPE_ENCRYPTION_NONE);
}

/* ---- TUN → GRE ---------------------------------------------------------- */

bool
dt_session_tun_input(DtSession *s, uint8_t *ip, size_t len, size_t headroom, DtTime now,
                     uint8_t **gre, size_t *gre_len)
{
    s->now = now;
    if (s->stage != DT_SESSION_STAGE_NETWORK_UP || !s->call_up) {
        s->stats.tx_not_ready++;
        return false;
    }
    if (len == 0 || headroom < DT_SESSION_HEADROOM) {
        s->stats.tx_errors++;
        return false;
    }
    uint16_t proto;
    switch (ip[0] >> 4) {
    case 4:
        proto = PROTO_IPV4;
        break;
    case 6:
        if (!s->ipv6cp_up) {
            s->stats.tx_not_ready++;
            return false;
        }
        proto = PROTO_IPV6;
        break;
    default:
        s->stats.tx_errors++;
        return false;
    }
    if (len > s->sum.mtu) {
        s->stats.tx_too_big++;
        return false;
    }
    if (!s->cfg.no_mss_clamp && dt_mtu_clamp_mss(ip, len, s->sum.mtu) == DT_MSS_CLAMPED)
        s->stats.tx_mss_clamped++;
    uint8_t *frame;
    size_t flen;
    if (s->ccp && dt_ccp_tx_active(s->ccp)) {
        uint8_t *payload = ip - 2;
        dt_put_u16(payload, proto); /* uncompressed, as Dubiec advises (PROTOCOL.md §7) */
        size_t n = dt_ccp_transmit(s->ccp, payload, len + 2);
        if (n == 0) {
            s->stats.tx_errors++;
            return false;
        }
        frame = payload - DT_CCP_HEADROOM;
        flen = n;
        if (!dt_ppp_lcp(s->ppp)->remote.acfc) {
            frame -= 2;
            frame[0] = 0xFF;
            frame[1] = 0x03;
            flen += 2;
        }
    } else {
        if (plain_forbidden(s)) {
            s->stats.tx_not_ready++;
            return false;
        }
        size_t h = dt_ppp_write_header(s->ppp, proto, ip, headroom);
        frame = ip - h;
        flen = len + h;
    }
    size_t room = (size_t)(frame - (ip - headroom));
    size_t g = dt_gre_tx_write_header(&s->gtx, frame, room, flen, now);
    if (g == 0) {
        s->stats.tx_errors++;
        return false;
    }
    *gre = frame - g;
    *gre_len = flen + g;
    s->stats.tx_packets++;
    s->stats.tx_octets += len;
    dt_ppp_data_sent(s->ppp, now);
    s->stats.gre_tx_packets++;
    s->stats.gre_tx_octets += *gre_len;
    return true;
}

/* ---- GRE → TUN ---------------------------------------------------------- */

static void
update_ack(DtSession *s)
{
    uint32_t seq;
    if (s->grx && dt_gre_rx_ack(s->grx, &seq))
        dt_gre_tx_ack_owed(&s->gtx, seq, s->now);
}

/* The next PPP frame the GRE window releases, in order. */
static bool
next_frame(DtSession *s, uint8_t **frame, size_t *len)
{
    if (s->rx_first) {
        *frame = s->rx_first;
        *len = s->rx_first_len;
        s->rx_first = NULL;
        return true;
    }
    while (s->rx_pop_pending) {
        const uint8_t *p;
        size_t n;
        if (!dt_gre_rx_pop(s->grx, &p, &n)) {
            s->rx_pop_pending = false;
            update_ack(s);
            return false;
        }
        if (n > sizeof(s->rx_copy)) {
            s->stats.rx_ppp_dropped++;
            continue;
        }
        /* The window's slots are read-only to us; decrypt a copy. */
        memcpy(s->rx_copy, p, n);
        *frame = s->rx_copy;
        *len = n;
        return true;
    }
    return false;
}

/* The peer's SYNs too: its MSS tells our hosts how large to send (RFC 9293 §3.7.1).  What
 * MPPC decompressed sits in its history, which later packets copy from as the peer's history
 * holds it: a SYN to clamp there is clamped in a copy. */
static void
clamp_received(DtSession *s, bool via_ccp, uint8_t **info, size_t len)
{
    if (via_ccp && dt_ccp_result(s->ccp)->rx.mppc) {
        if (len > sizeof(s->rx_clamp) || dt_mtu_check_mss(*info, len, s->sum.mtu) != DT_MSS_CLAMPED)
            return;
        memcpy(s->rx_clamp, *info, len);
        *info = s->rx_clamp;
    }
    if (dt_mtu_clamp_mss(*info, len, s->sum.mtu) == DT_MSS_CLAMPED)
        s->stats.rx_mss_clamped++;
}

/* One PPP frame: control frames go to the link, datagrams come back as an
 * IP packet when they are acceptable under the policy. */
static bool
process_frame(DtSession *s, uint8_t *frame, size_t flen, uint8_t **pkt, size_t *len)
{
    DtPppInput in;
    if (!s->ccp)
        dt_session_note_unasked_ccp(s, frame, flen);
    DtPppInputKind kind = dt_ppp_input(s->ppp, frame, flen, s->now, &in);
    if (kind != DT_PPP_INPUT_DATAGRAM) {
        if (kind == DT_PPP_INPUT_DROPPED)
            s->stats.rx_ppp_dropped++;
        dt_session_pump(s); /* control frames move the layers */
        return false;
    }
    uint8_t *info = frame + in.offset;
    size_t ilen = in.len;
    uint16_t proto = in.protocol;
    bool encrypted = false;
    if (proto == DT_PPP_PROTO_COMPRESSED) {
        if (!s->ccp) {
            s->stats.rx_not_ip++;
            return false;
        }
        DtCcpRxResult r = dt_ccp_receive(s->ccp, info, ilen, s->now, &proto, &info, &ilen);
        if (r != DT_CCP_RX_OK) {
            if (r == DT_CCP_RX_MPPC_ERROR || r == DT_CCP_RX_LOSS)
                s->stats.rx_mppc_errors++;
            else
                s->stats.rx_mppe_dropped++;
            return false;
        }
        encrypted = dt_ccp_rx_encrypted(s->ccp);
    }
    /* Linux ppp_generic drops plain packets while MPPE runs; so do we, and
     * whenever the policy requires encryption. */
    if ((!encrypted && s->required) || (proto == in.protocol && plain_forbidden(s))) {
        s->stats.rx_unencrypted++;
        return false;
    }
    if (ilen == 0 || !((proto == PROTO_IPV4 && s->ipcp_up && (info[0] >> 4) == 4) ||
                       (proto == PROTO_IPV6 && s->ipv6cp_up && (info[0] >> 4) == 6))) {
        s->stats.rx_not_ip++;
        return false;
    }
    if (!s->cfg.no_mss_clamp && s->sum.mtu)
        clamp_received(s, proto != in.protocol, &info, ilen);
    *pkt = info;
    *len = ilen;
    s->stats.rx_packets++;
    s->stats.rx_octets += ilen;
    return true;
}

bool
dt_session_poll_tun(DtSession *s, uint8_t **pkt, size_t *len)
{
    if (!s->ppp_started)
        return false;
    uint8_t *frame;
    size_t flen;
    while (next_frame(s, &frame, &flen))
        if (process_frame(s, frame, flen, pkt, len))
            return true;
    return false;
}

void
dt_session_gre_input(DtSession *s, uint8_t *pkt, size_t len, DtTime now)
{
    /* Drain what the caller left: control frames still count. */
    uint8_t *ip;
    size_t iplen;
    while (dt_session_poll_tun(s, &ip, &iplen))
        s->stats.rx_undrained++;
    s->now = now;
    s->stats.gre_rx_packets++;
    s->stats.gre_rx_octets += len;
    if (!s->ppp_started || !s->grx)
        return;
    DtGrePacket g;
    DtGreRxResult r = dt_gre_rx_input(s->grx, pkt, len, now, &g);
    if (r != DT_GRE_RX_MALFORMED && r != DT_GRE_RX_WRONG_CALL && g.has_ack)
        dt_gre_tx_peer_ack(&s->gtx, g.ack);
    if (r == DT_GRE_RX_DELIVER) {
        s->rx_first = pkt + g.header_len; /* g.payload, writable: it is the caller's */
        s->rx_first_len = g.payload_len;
    }
    s->rx_pop_pending = true;
    update_ack(s);
}

size_t
dt_session_poll_gre(DtSession *s, uint8_t *buf, size_t cap)
{
    if (!s->ppp_started || !s->call_up || cap < DT_SESSION_MAX_GRE)
        return 0;
    DtPppTransmit info;
    uint8_t *payload = buf + DT_GRE_HEADER_MAX;
    size_t n = dt_ppp_poll_transmit(s->ppp, payload, cap - DT_GRE_HEADER_MAX, &info);
    size_t out = 0;
    if (n > 0) {
        size_t h = dt_gre_tx_write_header(&s->gtx, payload, DT_GRE_HEADER_MAX, n, s->now);
        if (h == 0)
            return 0;
        if (h < DT_GRE_HEADER_MAX)
            memmove(buf, payload - h, h + n);
        out = h + n;
    } else {
        out = dt_gre_tx_poll_ack_only(&s->gtx, s->now, buf, cap);
        if (out)
            s->stats.gre_acks_only_sent++;
    }
    if (out) {
        s->stats.gre_tx_packets++;
        s->stats.gre_tx_octets += out;
    }
    return out;
}

/* ---- statistics --------------------------------------------------------- */

void
dt_session_stats(const DtSession *s, DtTime now, DtSessionStats *out)
{
    *out = s->stats;
    if (s->grx) {
        const DtGreRxStats *g = dt_gre_rx_stats(s->grx);
        out->gre_lost = g->lost;
        out->gre_reordered = g->reordered;
        out->gre_duplicates = g->duplicates;
        out->gre_bogus = g->bogus;
        out->gre_malformed = g->malformed;
        out->gre_wrong_call = g->wrong_call;
    }
    if (s->ccp) {
        const DtCcpStats *c = dt_ccp_stats(s->ccp);
        out->reset_requests_sent = c->reset_requests_sent;
        out->reset_requests_received = c->reset_requests_received;
        out->reset_acks_received = c->reset_acks_received;
        out->mppc_in = c->mppc_in;
        out->mppc_out = c->mppc_out;
    }
    out->errors = out->tx_errors + out->rx_unencrypted + out->rx_mppe_dropped +
                  out->rx_mppc_errors + out->gre_malformed + out->gre_bogus;
    if (s->started && now >= s->started_at)
        out->duration_ms = now - s->started_at;
    if (s->stage == DT_SESSION_STAGE_NETWORK_UP && now >= s->network_at)
        out->network_ms = now - s->network_at;
}
