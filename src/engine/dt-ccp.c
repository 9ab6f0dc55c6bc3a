/* dt-ccp.c — CCP (RFC 1962) on dt-fsm, option 18 from dt-ccp-mppe, and the
 * MPPE/MPPC data plane of both directions. */
#include "dt-ccp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt-mppc.h"

#define CCOUNT_MASK 0x0FFFu

struct DtCcp {
    DtFsm fsm;
    DtCcpConfig cfg;
    DtPpp *ppp;
    DtCcpMppe m;
    bool need_init; /* fetch the keys and restart option 18 at the next request */
    bool saw_18;    /* the peer's request being judged carried option 18 */
    bool up;
    DtCcpMppeResult res;
    DtCcpMppeFailure fail;
    DtMppeStartKeys keys;

    /* MPPE per direction, set up when CCP opens. */
    bool mtx_on, mrx_on;
    DtMppeTx mtx;
    DtMppeRx mrx;
    /* MPPC alone (no MPPE): the coherency count is ours to keep. */
    uint16_t tx_ccount;
    uint16_t rx_ccount;
    bool rx_started;
    bool rx_discard;
    /* MPPC's histories and scratch (about 120 KiB), allocated the first time CCP settles on
     * MPPC in either direction and kept until dt_ccp_free(): a call without compression
     * never pays for them (a server holds a thousand). */
    struct DtCcpMppc *mppc;

    /* Reset-Request retries while our receiver is out of sync. */
    DtTime reset_due;
    DtTime now;

    DtCcpStats stats;
};

struct DtCcpMppc {
    DtMppcCompressor comp;
    DtMppcDecompressor decomp;
    uint8_t scratch[DT_MPPC_HISTORY];
};

static DtCcp *
ccp_of(DtFsm *f)
{
    return f->proto_ctx;
}

static bool
encryption_required(const DtCcp *c)
{
    return c->cfg.policy.encryption == DT_MPPE_ENCRYPTION_REQUIRE ||
           c->cfg.policy.encryption == DT_MPPE_ENCRYPTION_REQUIRE_128;
}

static const char *
ccp_option_name(uint8_t t)
{
    switch (t) {
    case DT_CCP_OPT_MPPE:
        return "mppe";
    case 17:
        return "stac-lzs";
    case 21:
        return "deflate";
    case 26:
        return "deflate-draft";
    default:
        return "unknown";
    }
}

/* ---- the strength filter -------------------------------------------------
 * The Encryption levels say "any" or "128-bit only"; cfg.strengths narrows
 * that further (40-bit only, no 56-bit …) around dt-ccp-mppe's decisions. */

static uint32_t
allowed_mask(const DtCcp *c)
{
    uint32_t m =
        c->cfg.strengths ? c->cfg.strengths & DT_MPPE_BITS_STRENGTH : DT_MPPE_BITS_STRENGTH;
    if (c->cfg.policy.encryption == DT_MPPE_ENCRYPTION_REQUIRE_128)
        m &= DT_MPPE_BIT_S;
    return m;
}

static uint32_t
filter_bits(const DtCcp *c, uint32_t bits)
{
    uint32_t out = bits & ~(DT_MPPE_BITS_STRENGTH & ~allowed_mask(c));
    if (!(out & DT_MPPE_BITS_STRENGTH) && (bits & DT_MPPE_BITS_STRENGTH))
        out &= ~DT_MPPE_BIT_H; /* the mode means nothing without a strength */
    return out;
}

static void
write_option(uint8_t *opt, uint32_t bits)
{
    DtWriter w;
    dt_writer_init(&w, opt, DT_CCP_OPT_MPPE_LEN);
    dt_ccp_mppe_write_option(&w, bits);
}

/* ---- failure records -------------------------------------------------- */

size_t
dt_ccp_describe_failure(const DtCcp *c, char *buf, size_t len)
{
    const DtCcpMppeFailure *f = &c->fail;
    char ours[128], theirs[128];
    if (f->offered)
        dt_ccp_mppe_explain_bits(f->offered, ours, sizeof(ours));
    else
        snprintf(ours, sizeof(ours), "no option 18 (no MPPE keys or nothing allowed)");
    if (f->peer_sent)
        dt_ccp_mppe_explain_bits(f->peer_offered, theirs, sizeof(theirs));
    else
        snprintf(theirs, sizeof(theirs), "no option 18");
    int n = snprintf(buf, len, "we offered %s; the peer offered %s%s", ours, theirs,
                     f->peer_rejected ? " and rejected ours" : "");
    return n < 0 ? 0 : (size_t)n;
}

/* Record why (first cause wins) in the failure and the automaton. */
static void
record_failure(DtCcp *c, DtReason reason, const char *what)
{
    if (c->fail.reason != DT_REASON_NONE)
        return;
    dt_ccp_mppe_failure(&c->m, reason, &c->fail);
    if (c->fsm.reason != DT_REASON_NONE)
        return;
    char detail[200];
    dt_ccp_describe_failure(c, detail, sizeof(detail));
    c->fsm.reason = reason;
    c->fsm.reason_option = DT_CCP_OPT_MPPE;
    snprintf(c->fsm.message, sizeof(c->fsm.message), "%.60s (%.60s)", what, detail);
}

static void
fail_now(DtCcp *c, DtReason reason, const char *what)
{
    record_failure(c, reason, what);
    dt_fsm_close(&c->fsm, c->fsm.now);
}

/* ---- data plane set-up ------------------------------------------------ */

static void
teardown(DtCcp *c)
{
    if (c->mtx_on)
        dt_mppe_tx_clear(&c->mtx);
    if (c->mrx_on)
        dt_mppe_rx_clear(&c->mrx);
    c->mtx_on = c->mrx_on = false;
    c->up = false;
    c->reset_due = DT_TIME_NEVER;
}

static const uint8_t *
start_key(const DtCcp *c, DtMppeBits bits, bool send)
{
    if (bits == DT_MPPE_BITS_128)
        return send ? c->keys.send_128 : c->keys.recv_128;
    if (!c->keys.have_64)
        return NULL;
    return send ? c->keys.send_64 : c->keys.recv_64;
}

static bool
setup(DtCcp *c)
{
    const DtCcpMppeDirection *tx = &c->res.tx, *rx = &c->res.rx;
    if (tx->mppe) {
        const uint8_t *k = start_key(c, tx->bits, true);
        DtMppeConfig mc = {tx->bits, tx->stateless, c->cfg.compat};
        if (!k || !dt_mppe_tx_init(&c->mtx, c->cfg.crypto, &mc, k))
            return false;
        c->mtx_on = true;
    }
    if (rx->mppe) {
        const uint8_t *k = start_key(c, rx->bits, false);
        DtMppeConfig mc = {rx->bits, rx->stateless, c->cfg.compat};
        if (!k || !dt_mppe_rx_init(&c->mrx, c->cfg.crypto, &mc, k))
            return false;
        c->mrx_on = true;
    }
    if (tx->mppc || rx->mppc) {
        if (!c->mppc && !(c->mppc = malloc(sizeof(*c->mppc))))
            return false;
        dt_mppc_compressor_init(&c->mppc->comp);
        dt_mppc_decompressor_init(&c->mppc->decomp);
    }
    c->tx_ccount = CCOUNT_MASK; /* the first packet carries count 0 */
    c->rx_started = false;
    c->rx_discard = false;
    c->reset_due = DT_TIME_NEVER;
    return true;
}

/* ---- automaton callbacks ---------------------------------------------- */

static void
init_negotiation(DtCcp *c)
{
    memset(&c->keys, 0, sizeof(c->keys));
    const DtAuth *a = c->ppp ? dt_ppp_auth(c->ppp) : NULL;
    if (a && dt_auth_state(a) == DT_AUTH_STATE_SUCCEEDED)
        dt_auth_mppe_keys(a, &c->keys);
    DtCcpMppePolicy p = c->cfg.policy;
    p.have_keys = c->keys.available;
    /* 40/56-bit need the 8-octet keys (MS-CHAP v1 without an LM hash has none). */
    if (p.have_keys && !c->keys.have_64 && p.encryption != DT_MPPE_ENCRYPTION_NONE)
        p.encryption = p.encryption == DT_MPPE_ENCRYPTION_OPTIONAL ? p.encryption
                                                                   : DT_MPPE_ENCRYPTION_REQUIRE_128;
    dt_ccp_mppe_init(&c->m, &p);
    c->m.first_request = filter_bits(c, c->m.first_request);
    if (c->cfg.prefer_stateful && c->cfg.policy.allow_stateful)
        c->m.first_request &= ~DT_MPPE_BIT_H;
    c->m.request = c->m.first_request;
    if (c->m.first_request == 0)
        c->m.requesting = false;
    memset(&c->fail, 0, sizeof(c->fail));
    c->need_init = false;
}

static void
ccp_build_request(DtFsm *f, DtWriter *w)
{
    DtCcp *c = ccp_of(f);
    if (c->need_init)
        init_negotiation(c);
    dt_ccp_mppe_add_request(&c->m, w);
}

static void
ccp_request_begin(DtFsm *f)
{
    DtCcp *c = ccp_of(f);
    if (c->need_init)
        init_negotiation(c);
    c->saw_18 = false;
}

static DtFsmOptVerdict
ccp_check_option(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen, DtWriter *nak)
{
    DtCcp *c = ccp_of(f);
    if (type != DT_CCP_OPT_MPPE || c->saw_18)
        return DT_FSM_OPT_REJ; /* only option 18, once (one algorithm per direction) */
    c->saw_18 = true;
    uint8_t opt[2 + 255];
    opt[0] = type;
    opt[1] = (uint8_t)(vlen + 2);
    memcpy(opt + 2, val, vlen);
    uint8_t ans[2 + 255];
    DtWriter aw;
    dt_writer_init(&aw, ans, sizeof(ans));
    uint32_t bits, want = 0;
    bool filtered = false;
    if (dt_ccp_mppe_parse_option(opt, vlen + 2, &bits)) {
        want = filter_bits(c, bits);
        if (want != bits) {
            /* Judge what we could accept; then ask for it instead. */
            filtered = true;
            write_option(opt, want);
        }
    }
    DtCcpVerdict v = dt_ccp_mppe_peer_request(&c->m, opt, vlen + 2, &aw);
    if (filtered) {
        memcpy(c->m.received + 2, val, 4); /* the peer's real octets, for the status window */
        c->m.peer_request = bits;
        if (v == DT_CCP_ACK) {
            c->m.peer_acked = false;
            write_option(ans, want);
            dt_writer_bytes(nak, ans, DT_CCP_OPT_MPPE_LEN);
            return DT_FSM_OPT_NAK;
        }
    }
    switch (v) {
    case DT_CCP_ACK:
        return DT_FSM_OPT_ACK;
    case DT_CCP_NAK: {
        uint32_t nb;
        if (dt_ccp_mppe_parse_option(ans, aw.len, &nb))
            write_option(ans, filter_bits(c, nb));
        dt_writer_bytes(nak, ans, aw.len);
        return DT_FSM_OPT_NAK;
    }
    case DT_CCP_REJECT:
        break;
    }
    return DT_FSM_OPT_REJ;
}

static void
ccp_request_done(DtFsm *f, uint8_t code)
{
    (void)code;
    DtCcp *c = ccp_of(f);
    if (!c->saw_18)
        dt_ccp_mppe_peer_request_without(&c->m);
}

static void
ccp_acked(DtFsm *f)
{
    dt_ccp_mppe_got_ack(&ccp_of(f)->m);
}

static bool
ccp_nak_option(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen)
{
    DtCcp *c = ccp_of(f);
    if (type != DT_CCP_OPT_MPPE)
        return true; /* a suggestion of an algorithm we do not have: ignore it */
    uint8_t opt[2 + 255];
    opt[0] = type;
    opt[1] = (uint8_t)(vlen + 2);
    memcpy(opt + 2, val, vlen);
    DtReason r = dt_ccp_mppe_got_nak(&c->m, opt, vlen + 2);
    uint32_t nb;
    if (r == DT_REASON_NONE && c->m.requesting && filter_bits(c, c->m.request) != c->m.request &&
        dt_ccp_mppe_parse_option(opt, vlen + 2, &nb)) {
        /* dt-ccp-mppe chose a strength our filter forbids: the strongest
         * one left, or none. */
        uint32_t st = dt_ccp_mppe_strongest(nb & allowed_mask(c));
        if (st)
            c->m.request = (c->m.request & ~DT_MPPE_BITS_STRENGTH) | st;
        else if (encryption_required(c))
            r = DT_REASON_MPPE_REFUSED;
        else if ((c->m.request = filter_bits(c, c->m.request)) == 0)
            c->m.requesting = false;
    }
    if (r != DT_REASON_NONE)
        fail_now(c, r, "MPPE required but the peer suggested a setting the policy forbids");
    return true;
}

static bool
ccp_reject_option(DtFsm *f, uint8_t type)
{
    DtCcp *c = ccp_of(f);
    if (type != DT_CCP_OPT_MPPE)
        return true;
    DtReason r = dt_ccp_mppe_got_reject(&c->m);
    if (r != DT_REASON_NONE)
        fail_now(c, r, "MPPE required but the peer refused it");
    return true;
}

static bool
ccp_up(DtFsm *f)
{
    DtCcp *c = ccp_of(f);
    DtCcpMppeFailure fail;
    if (!dt_ccp_mppe_decide(&c->m, &c->res, &fail)) {
        record_failure(c, fail.reason,
                       fail.reason == DT_REASON_MPPE_NO_KEYS
                           ? "MPPE required but the authentication gave no keys"
                           : "MPPE required but no common setting was agreed");
        return false;
    }
    if (!setup(c)) {
        teardown(c);
        record_failure(c, DT_REASON_MPPE_NO_KEYS, "MPPE keys for the agreed strength are missing");
        return false;
    }
    c->up = true;
    return true;
}

static void
ccp_down(DtFsm *f)
{
    DtCcp *c = ccp_of(f);
    teardown(c);
}

static void
ccp_finished(DtFsm *f)
{
    DtCcp *c = ccp_of(f);
    teardown(c);
    /* RFC 1962 §1: without CCP the link runs uncompressed — unless the policy
     * requires encryption (pppd: "MPPE required but peer refused"). */
    if (encryption_required(c) && c->fail.reason == DT_REASON_NONE)
        record_failure(c, DT_REASON_MPPE_REFUSED,
                       c->m.peer_rejected || f->reason == DT_REASON_NONE
                           ? "MPPE required but the peer refused CCP"
                           : "MPPE required but CCP negotiation failed");
    c->need_init = true;
}

static void
send_reset_request(DtCcp *c)
{
    dt_fsm_send(&c->fsm, DT_CCP_RESET_REQUEST, dt_fsm_new_id(&c->fsm), NULL, 0);
    c->stats.reset_requests_sent++;
    uint32_t retry = c->cfg.reset_retry_ms ? c->cfg.reset_retry_ms : DT_CCP_DEFAULT_RESET_RETRY_MS;
    c->reset_due = c->now + retry;
}

static DtFsmExtraResult
ccp_extra_code(DtFsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    DtCcp *c = ccp_of(f);
    switch (code) {
    case DT_CCP_RESET_REQUEST:
        /* §2.9 / RFC 3078 §8.2: the peer's decompressor lost sync. */
        c->stats.reset_requests_received++;
        if (!c->up)
            return DT_FSM_EXTRA_HANDLED;
        if (c->mtx_on)
            dt_mppe_tx_reset(&c->mtx);
        if (c->mppc)
            dt_mppc_compressor_reset(&c->mppc->comp);
        dt_fsm_send(f, DT_CCP_RESET_ACK, id, NULL, 0);
        return DT_FSM_EXTRA_HANDLED;
    case DT_CCP_RESET_ACK:
        c->stats.reset_acks_received++;
        return DT_FSM_EXTRA_HANDLED;
    default:
        return DT_FSM_EXTRA_UNKNOWN;
    }
}

static const DtFsmCallbacks ccp_callbacks = {
    .name = "ccp",
    .option_name = ccp_option_name,
    .build_request = ccp_build_request,
    .request_begin = ccp_request_begin,
    .check_option = ccp_check_option,
    .request_done = ccp_request_done,
    .acked = ccp_acked,
    .nak_option = ccp_nak_option,
    .reject_option = ccp_reject_option,
    .up = ccp_up,
    .down = ccp_down,
    .finished = ccp_finished,
    .extra_code = ccp_extra_code,
};

/* ---- lifecycle --------------------------------------------------------- */

DtCcp *
dt_ccp_new(const DtCcpConfig *cfg)
{
    if (!cfg || !cfg->crypto)
        return NULL;
    DtCcp *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->cfg = *cfg;
    c->need_init = true;
    c->reset_due = DT_TIME_NEVER;
    DtCcpMppePolicy p = cfg->policy;
    p.have_keys = false;
    dt_ccp_mppe_init(&c->m, &p);
    return c;
}

void
dt_ccp_free(DtCcp *c)
{
    if (!c)
        return;
    teardown(c);
    dt_wipe(&c->keys, sizeof(c->keys));
    free(c->mppc);
    free(c);
}

void
dt_ccp_set_prefer_stateful(DtCcp *c, bool prefer)
{
    c->cfg.prefer_stateful = prefer;
}

bool
dt_ccp_attach(DtCcp *c, DtPpp *p)
{
    DtFsmOwner owner = dt_ppp_fsm_owner(p);
    dt_fsm_init(&c->fsm, DT_PPP_PROTO_CCP, &ccp_callbacks, c, &owner, &c->cfg.timers);
    c->ppp = p;
    return dt_ppp_attach_ncp(p, &c->fsm, DT_PPP_PROTO_COMPRESSED);
}

/* ---- data plane -------------------------------------------------------- */

static bool
is_flag_count(uint16_t cc)
{
    return (cc & 0xFF) == 0xFF;
}

size_t
dt_ccp_transmit(DtCcp *c, uint8_t *payload, size_t len)
{
    if (!c->up || len == 0)
        return 0;
    const DtCcpMppeDirection *d = &c->res.tx;
    uint8_t flags = 0;
    if (d->mppc) {
        /* The header's A also tells the peer's decompressor to clear its
         * history: whenever MPPE is about to set it (stateless, flag packet,
         * after a Reset-Request) our history must restart too. */
        bool a = d->stateless;
        if (c->mtx_on && !a)
            a = c->mtx.flush_next || is_flag_count((uint16_t)((c->mtx.ccount + 1) & CCOUNT_MASK));
        if (a)
            dt_mppc_compressor_reset(&c->mppc->comp);
        size_t n = dt_mppc_compress(&c->mppc->comp, payload, len, c->mppc->scratch,
                                    sizeof(c->mppc->scratch), &flags);
        c->stats.mppc_in += len;
        if (flags & DT_MPPC_FLAG_C) {
            memcpy(payload, c->mppc->scratch, n); /* smaller than what it replaces */
            len = n;
        }
        c->stats.mppc_out += len;
    }
    size_t out;
    if (c->mtx_on) {
        out = dt_mppe_tx_encrypt(&c->mtx, payload, len, flags);
    } else if (d->mppc) {
        c->tx_ccount = (uint16_t)((c->tx_ccount + 1) & CCOUNT_MASK);
        uint8_t *h = payload - DT_CCP_HEADROOM;
        dt_put_u16(h, DT_MPPE_PROTOCOL);
        dt_put_u16(h + 2, (uint16_t)((flags & 0xE0) << 8 | c->tx_ccount));
        out = len + DT_CCP_HEADROOM;
    } else {
        return 0;
    }
    if (out)
        c->stats.tx_packets++;
    return out;
}

static DtCcpRxResult
rx_drop(DtCcp *c, DtCcpRxResult r)
{
    c->stats.rx_dropped[r]++;
    return r;
}

DtCcpRxResult
dt_ccp_receive(DtCcp *c, uint8_t *data, size_t len, DtTime now, uint16_t *protocol, uint8_t **info,
               size_t *info_len)
{
    c->now = now;
    const DtCcpMppeDirection *d = &c->res.rx;
    if (!c->up || !(d->mppe || d->mppc))
        return rx_drop(c, DT_CCP_RX_NOT_UP);
    uint8_t flags;
    uint8_t *body;
    size_t blen;
    if (c->mrx_on) {
        DtMppeRxPacket pkt;
        DtMppeRxResult r = dt_mppe_rx_decrypt(&c->mrx, data, len, &pkt);
        if (dt_mppe_rx_poll_reset_request(&c->mrx))
            send_reset_request(c);
        if (r != DT_MPPE_RX_OK)
            return rx_drop(c, DT_CCP_RX_MPPE_DROPPED);
        if (!dt_mppe_rx_discarding(&c->mrx) && !(c->mppc && c->mppc->decomp.broken))
            c->reset_due = DT_TIME_NEVER;
        flags = pkt.flags;
        body = pkt.data;
        blen = pkt.len;
    } else {
        if (len < 2)
            return rx_drop(c, DT_CCP_RX_SHORT);
        flags = data[0] & 0xF0;
        uint16_t cc = (uint16_t)((data[0] & 0x0F) << 8 | data[1]);
        /* RFC 2118 §3: a gap in the count means lost history; drop until A. */
        if (c->rx_started && cc != ((c->rx_ccount + 1) & CCOUNT_MASK) && !c->rx_discard &&
            !d->stateless) {
            c->rx_discard = true;
            send_reset_request(c);
        }
        c->rx_started = true;
        c->rx_ccount = cc;
        if (c->rx_discard) {
            if (!(flags & DT_MPPC_FLAG_A))
                return rx_drop(c, DT_CCP_RX_LOSS);
            c->rx_discard = false;
            c->reset_due = DT_TIME_NEVER;
        }
        body = data + 2;
        blen = len - 2;
    }
    if (d->mppc) {
        const uint8_t *out;
        size_t olen;
        DtMppcResult r = dt_mppc_decompress(&c->mppc->decomp, body, blen, flags, &out, &olen);
        if (r != DT_MPPC_OK) {
            if (c->reset_due == DT_TIME_NEVER && !d->stateless)
                send_reset_request(c);
            return rx_drop(c, DT_CCP_RX_MPPC_ERROR);
        }
        /* The octets are in our history or in the caller's buffer, both
         * writable; dt-mppc hands them out read-only. */
        body = (uint8_t *)(uintptr_t)out;
        blen = olen;
    }
    size_t n = dt_mppe_parse_protocol(body, blen, protocol);
    if (n == 0)
        return rx_drop(c, DT_CCP_RX_BAD_PROTOCOL);
    *info = body + n;
    *info_len = blen - n;
    c->stats.rx_packets++;
    return DT_CCP_RX_OK;
}

DtTime
dt_ccp_next_deadline(const DtCcp *c)
{
    return c->up ? c->reset_due : DT_TIME_NEVER;
}

void
dt_ccp_handle_timeout(DtCcp *c, DtTime now)
{
    c->now = now;
    if (!c->up || now < c->reset_due)
        return;
    bool out_of_sync = (c->mrx_on && dt_mppe_rx_discarding(&c->mrx)) || c->rx_discard ||
                       (c->res.rx.mppc && c->mppc && c->mppc->decomp.broken);
    if (out_of_sync)
        send_reset_request(c);
    else
        c->reset_due = DT_TIME_NEVER;
}

/* ---- queries ----------------------------------------------------------- */

bool
dt_ccp_is_up(const DtCcp *c)
{
    return c->up;
}

const DtCcpMppeResult *
dt_ccp_result(const DtCcp *c)
{
    return &c->res;
}

const DtCcpMppeFailure *
dt_ccp_failure(const DtCcp *c)
{
    return &c->fail;
}

const DtCcpMppe *
dt_ccp_negotiation(const DtCcp *c)
{
    return &c->m;
}

const DtFsm *
dt_ccp_fsm(const DtCcp *c)
{
    return &c->fsm;
}

bool
dt_ccp_tx_active(const DtCcp *c)
{
    return c->up && (c->res.tx.mppe || c->res.tx.mppc);
}

bool
dt_ccp_tx_encrypted(const DtCcp *c)
{
    return c->up && c->mtx_on;
}

bool
dt_ccp_rx_encrypted(const DtCcp *c)
{
    return c->up && c->mrx_on;
}

const DtCcpStats *
dt_ccp_stats(const DtCcp *c)
{
    return &c->stats;
}

const DtMppeRxStats *
dt_ccp_mppe_rx_stats(const DtCcp *c)
{
    return c->mrx_on ? dt_mppe_rx_stats(&c->mrx) : NULL;
}

const char *
dt_ccp_rx_result_to_string(DtCcpRxResult r)
{
    switch (r) {
    case DT_CCP_RX_OK:
        return "ok";
    case DT_CCP_RX_NOT_UP:
        return "not-up";
    case DT_CCP_RX_SHORT:
        return "short";
    case DT_CCP_RX_MPPE_DROPPED:
        return "mppe-dropped";
    case DT_CCP_RX_MPPC_ERROR:
        return "mppc-error";
    case DT_CCP_RX_LOSS:
        return "loss";
    case DT_CCP_RX_BAD_PROTOCOL:
        return "bad-protocol";
    }
    return "unknown";
}
