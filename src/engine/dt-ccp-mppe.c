/* dt-ccp-mppe.c — CCP option 18 negotiation (RFC 1962, RFC 3078 §2, RFC 2118 §2).
 *
 * Negotiation follows pppd's ccp.c practice (PROTOCOL.md §6): a request
 * with several strengths is Nak'd down to the single strongest we accept,
 * a request with none is Nak'd with ours, unknown and obsolete bits are
 * Nak'd off, and stateful mode, which breaks on loss and reordering, is
 * Nak'd to stateless unless the policy allows it.
 */
#include "dt-ccp-mppe.h"

#include <stdio.h>
#include <string.h>

static uint32_t
allowed_strengths(const DtCcpMppePolicy *p)
{
    if (!p->have_keys)
        return 0;
    switch (p->encryption) {
    case DT_MPPE_ENCRYPTION_NONE:
        return 0;
    case DT_MPPE_ENCRYPTION_OPTIONAL:
    case DT_MPPE_ENCRYPTION_REQUIRE:
        return DT_MPPE_BITS_STRENGTH;
    case DT_MPPE_ENCRYPTION_REQUIRE_128:
        return DT_MPPE_BIT_S;
    }
    return 0;
}

static bool
encryption_required(const DtCcpMppePolicy *p)
{
    return p->encryption == DT_MPPE_ENCRYPTION_REQUIRE ||
           p->encryption == DT_MPPE_ENCRYPTION_REQUIRE_128;
}

uint32_t
dt_ccp_mppe_strongest(uint32_t bits)
{
    if (bits & DT_MPPE_BIT_S)
        return DT_MPPE_BIT_S;
    if (bits & DT_MPPE_BIT_M)
        return DT_MPPE_BIT_M;
    if (bits & DT_MPPE_BIT_L)
        return DT_MPPE_BIT_L;
    return 0;
}

uint32_t
dt_ccp_mppe_policy_bits(const DtCcpMppePolicy *p)
{
    uint32_t s = allowed_strengths(p);
    /* Stateless first: stateful mode loses sync on every lost packet. */
    uint32_t bits = s ? s | DT_MPPE_BIT_H : 0;
    if (p->compression)
        bits |= DT_MPPE_BIT_C;
    return bits;
}

DtReason
dt_ccp_mppe_check_policy(const DtCcpMppePolicy *p)
{
    /* RFC 3079 keys come from MS-CHAP only (PROTOCOL.md §6). */
    if (encryption_required(p) && !p->have_keys)
        return DT_REASON_MPPE_NO_KEYS;
    return DT_REASON_NONE;
}

/* The stateless/stateful choice for a set that includes a strength. */
static uint32_t
choose_mode(const DtCcpMppePolicy *p, uint32_t offered)
{
    /* A peer that asked for no encryption at all said nothing about the
     * mode: suggest ours, stateless. */
    if ((offered & DT_MPPE_BIT_H) || !(offered & DT_MPPE_BITS_STRENGTH))
        return DT_MPPE_BIT_H;
    return p->allow_stateful ? 0 : DT_MPPE_BIT_H;
}

DtCcpVerdict
dt_ccp_mppe_evaluate(const DtCcpMppePolicy *p, uint32_t peer, uint32_t *nak)
{
    uint32_t allowed = allowed_strengths(p);
    uint32_t out = 0;
    *nak = 0;
    if (allowed) {
        uint32_t s = dt_ccp_mppe_strongest(peer & allowed);
        if (!s && encryption_required(p))
            s = dt_ccp_mppe_strongest(allowed); /* no acceptable strength: suggest ours */
        if (s)
            out = s | choose_mode(p, peer);
    }
    if (!(out & DT_MPPE_BITS_STRENGTH))
        out |= peer & DT_MPPE_BIT_H;
    if ((peer & DT_MPPE_BIT_C) && p->compression)
        out |= DT_MPPE_BIT_C;
    if (!(out & (DT_MPPE_BITS_STRENGTH | DT_MPPE_BIT_C)))
        return DT_CCP_REJECT; /* nothing in this option we could use */
    if (out == peer)
        return DT_CCP_ACK;
    *nak = out;
    return DT_CCP_NAK;
}

bool
dt_ccp_mppe_parse_option(const uint8_t *opt, size_t len, uint32_t *bits)
{
    DtReader r;
    dt_reader_init(&r, opt, len);
    uint8_t type = dt_reader_u8(&r);
    uint8_t olen = dt_reader_u8(&r);
    uint32_t v = dt_reader_u32(&r);
    if (!dt_reader_ok(&r) || type != DT_CCP_OPT_MPPE || olen != DT_CCP_OPT_MPPE_LEN ||
        len != DT_CCP_OPT_MPPE_LEN)
        return false;
    *bits = v;
    return true;
}

void
dt_ccp_mppe_write_option(DtWriter *w, uint32_t bits)
{
    dt_writer_u8(w, DT_CCP_OPT_MPPE);
    dt_writer_u8(w, DT_CCP_OPT_MPPE_LEN);
    dt_writer_u32(w, bits);
}

/* ---- words ------------------------------------------------------------ */

static void
append(char *buf, size_t len, size_t *n, const char *s)
{
    size_t l = strlen(s);
    if (len > 0 && *n < len - 1) {
        size_t room = len - 1 - *n;
        size_t k = l < room ? l : room;
        memcpy(buf + *n, s, k);
        buf[*n + k] = '\0';
    }
    *n += l;
}

size_t
dt_ccp_mppe_describe(uint32_t bits, char *buf, size_t len)
{
    size_t n = 0;
    if (len > 0)
        buf[0] = '\0';
    if (bits & DT_MPPE_BITS_STRENGTH) {
        append(buf, len, &n, "MPPE ");
        const char *sep = "";
        static const struct {
            uint32_t bit;
            const char *name;
        } s[] = {{DT_MPPE_BIT_S, "128"}, {DT_MPPE_BIT_M, "56"}, {DT_MPPE_BIT_L, "40"}};
        for (size_t i = 0; i < 3; i++) {
            if (bits & s[i].bit) {
                append(buf, len, &n, sep);
                append(buf, len, &n, s[i].name);
                sep = "/";
            }
        }
        append(buf, len, &n, (bits & DT_MPPE_BIT_H) ? "-bit stateless" : "-bit stateful");
    }
    if (bits & DT_MPPE_BIT_C)
        append(buf, len, &n, n ? ", MPPC" : "MPPC");
    if (n == 0)
        append(buf, len, &n, "no encryption or compression");
    return n;
}

static const char *
bits_word(DtMppeBits b)
{
    return b == DT_MPPE_BITS_128 ? "128" : b == DT_MPPE_BITS_56 ? "56" : "40";
}

size_t
dt_ccp_mppe_describe_result(const DtCcpMppeResult *r, char *buf, size_t len)
{
    size_t n = 0;
    const DtCcpMppeDirection *t = &r->tx, *x = &r->rx;
    if (len > 0)
        buf[0] = '\0';
    if (t->mppe && x->mppe) {
        append(buf, len, &n, "MPPE ");
        append(buf, len, &n, bits_word(t->bits));
        if (t->bits != x->bits) {
            append(buf, len, &n, "-bit sending, ");
            append(buf, len, &n, bits_word(x->bits));
            append(buf, len, &n, "-bit receiving");
        } else {
            append(buf, len, &n, "-bit");
        }
        if (t->stateless == x->stateless && t->bits != x->bits)
            append(buf, len, &n, t->stateless ? ", stateless" : ", stateful");
        else if (t->stateless == x->stateless)
            append(buf, len, &n, t->stateless ? " stateless" : " stateful");
        else
            append(buf, len, &n,
                   t->stateless ? ", stateless sending, stateful receiving"
                                : ", stateful sending, stateless receiving");
    } else if (t->mppe || x->mppe) {
        /* Only one direction encrypted: say which, so nobody reads it as protected. */
        append(buf, len, &n, "MPPE ");
        append(buf, len, &n, bits_word(t->mppe ? t->bits : x->bits));
        append(buf, len, &n, t->mppe ? "-bit sending only" : "-bit receiving only");
    }
    if (t->mppc && x->mppc)
        append(buf, len, &n, n ? ", MPPC" : "MPPC");
    else if (t->mppc || x->mppc)
        append(buf, len, &n,
               t->mppc ? (n ? ", MPPC sending only" : "MPPC sending only")
                       : (n ? ", MPPC receiving only" : "MPPC receiving only"));
    if (n == 0)
        append(buf, len, &n, "no encryption or compression");
    return n;
}

size_t
dt_ccp_mppe_explain_bits(uint32_t bits, char *buf, size_t len)
{
    static const struct {
        uint32_t bit;
        const char *words;
    } letters[] = {
        {DT_MPPE_BIT_H, "H = stateless (new key every packet)"},
        {DT_MPPE_BIT_S, "S = 128-bit MPPE"},
        {DT_MPPE_BIT_M, "M = 56-bit MPPE"},
        {DT_MPPE_BIT_L, "L = 40-bit MPPE"},
        {DT_MPPE_BIT_D, "D = obsolete bit (should be clear)"},
        {DT_MPPE_BIT_C, "C = MPPC compression"},
    };
    char hex[16];
    size_t n = 0;
    if (len > 0)
        buf[0] = '\0';
    snprintf(hex, sizeof(hex), "0x%08X", (unsigned)bits);
    append(buf, len, &n, hex);
    const char *sep = ": ";
    for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++) {
        if (bits & letters[i].bit) {
            append(buf, len, &n, sep);
            append(buf, len, &n, letters[i].words);
            sep = ", ";
        }
    }
    if (bits & ~DT_MPPE_BITS_KNOWN) {
        snprintf(hex, sizeof(hex), "0x%08X", (unsigned)(bits & ~DT_MPPE_BITS_KNOWN));
        append(buf, len, &n, sep);
        append(buf, len, &n, "unknown bits ");
        append(buf, len, &n, hex);
        sep = ", ";
    }
    if (!bits)
        append(buf, len, &n, ": none set");
    return n;
}

/* ---- negotiation state ------------------------------------------------ */

void
dt_ccp_mppe_init(DtCcpMppe *m, const DtCcpMppePolicy *p)
{
    memset(m, 0, sizeof(*m));
    m->policy = *p;
    m->first_request = dt_ccp_mppe_policy_bits(p);
    dt_ccp_mppe_reset(m);
}

void
dt_ccp_mppe_reset(DtCcpMppe *m)
{
    m->request = m->first_request;
    m->requesting = m->first_request != 0 && dt_ccp_mppe_check_policy(&m->policy) == DT_REASON_NONE;
    m->our_acked = false;
    m->peer_acked = false;
    m->peer_sent = false;
    m->peer_rejected = false;
}

void
dt_ccp_mppe_add_request(DtCcpMppe *m, DtWriter *w)
{
    if (!m->requesting)
        return;
    m->our_acked = false;
    DtWriter s;
    dt_writer_init(&s, m->sent, sizeof(m->sent));
    dt_ccp_mppe_write_option(&s, m->request);
    dt_ccp_mppe_write_option(w, m->request);
}

DtCcpVerdict
dt_ccp_mppe_peer_request(DtCcpMppe *m, const uint8_t *opt, size_t len, DtWriter *answer)
{
    m->peer_acked = false;
    uint32_t bits;
    if (!dt_ccp_mppe_parse_option(opt, len, &bits)) {
        /* RFC 1661 §5.4: an option we cannot parse is rejected as sent. */
        dt_writer_bytes(answer, opt, len);
        return DT_CCP_REJECT;
    }
    memcpy(m->received, opt, DT_CCP_OPT_MPPE_LEN);
    m->have_received = true;
    m->peer_sent = true;
    m->peer_request = bits;
    uint32_t nak;
    DtCcpVerdict v = dt_ccp_mppe_evaluate(&m->policy, bits, &nak);
    switch (v) {
    case DT_CCP_ACK:
        m->peer_acked = true;
        break;
    case DT_CCP_NAK:
        dt_ccp_mppe_write_option(answer, nak);
        break;
    case DT_CCP_REJECT:
        dt_writer_bytes(answer, opt, len);
        break;
    }
    return v;
}

void
dt_ccp_mppe_peer_request_without(DtCcpMppe *m)
{
    m->peer_acked = false;
}

DtReason
dt_ccp_mppe_got_nak(DtCcpMppe *m, const uint8_t *opt, size_t len)
{
    uint32_t nb;
    bool need = encryption_required(&m->policy);
    if (!dt_ccp_mppe_parse_option(opt, len, &nb))
        return need ? DT_REASON_MPPE_REFUSED : DT_REASON_NONE;
    uint32_t next = 0;
    uint32_t s = dt_ccp_mppe_strongest(nb & allowed_strengths(&m->policy));
    if (s) {
        if ((nb & DT_MPPE_BIT_H) || m->policy.allow_stateful)
            next = s | (nb & DT_MPPE_BIT_H);
    }
    if (need && !(next & DT_MPPE_BITS_STRENGTH))
        return DT_REASON_MPPE_REFUSED;
    if ((nb & DT_MPPE_BIT_C) && m->policy.compression)
        next |= DT_MPPE_BIT_C;
    if (next == 0) {
        /* Optional encryption and nothing common: leave option 18 out. */
        m->requesting = false;
        return DT_REASON_NONE;
    }
    m->request = next;
    return DT_REASON_NONE;
}

DtReason
dt_ccp_mppe_got_reject(DtCcpMppe *m)
{
    m->requesting = false;
    m->peer_rejected = true;
    /* pppd: "MPPE required but peer refused". */
    return encryption_required(&m->policy) ? DT_REASON_MPPE_REFUSED : DT_REASON_NONE;
}

void
dt_ccp_mppe_got_ack(DtCcpMppe *m)
{
    m->our_acked = m->requesting;
}

static DtCcpMppeDirection
direction_from_bits(uint32_t b)
{
    DtCcpMppeDirection d = {false, DT_MPPE_BITS_128, false, false};
    uint32_t s = dt_ccp_mppe_strongest(b);
    d.mppe = s != 0;
    d.bits = s == DT_MPPE_BIT_S   ? DT_MPPE_BITS_128
             : s == DT_MPPE_BIT_M ? DT_MPPE_BITS_56
                                  : DT_MPPE_BITS_40;
    d.stateless = (b & DT_MPPE_BIT_H) != 0;
    d.mppc = (b & DT_MPPE_BIT_C) != 0;
    return d;
}

void
dt_ccp_mppe_failure(const DtCcpMppe *m, DtReason reason, DtCcpMppeFailure *fail)
{
    fail->reason = reason;
    fail->offered = m->first_request;
    fail->peer_offered = m->peer_sent ? m->peer_request : 0;
    fail->peer_sent = m->peer_sent;
    fail->peer_rejected = m->peer_rejected;
}

bool
dt_ccp_mppe_decide(const DtCcpMppe *m, DtCcpMppeResult *out, DtCcpMppeFailure *fail)
{
    memset(out, 0, sizeof(*out));
    dt_ccp_mppe_failure(m, DT_REASON_NONE, fail);
    DtReason keys = dt_ccp_mppe_check_policy(&m->policy);
    if (keys != DT_REASON_NONE) {
        fail->reason = keys;
        return false;
    }
    out->rx = direction_from_bits(m->requesting && m->our_acked ? m->request : 0);
    out->tx = direction_from_bits(m->peer_acked ? m->peer_request : 0);
    bool need = encryption_required(&m->policy);
    /* Encrypting one way only would leave the other in the clear. */
    if ((need && (!out->rx.mppe || !out->tx.mppe)) || out->rx.mppe != out->tx.mppe) {
        fail->reason = DT_REASON_MPPE_REFUSED;
        return false;
    }
    return true;
}

const char *
dt_ccp_verdict_to_string(DtCcpVerdict v)
{
    switch (v) {
    case DT_CCP_ACK:
        return "ack";
    case DT_CCP_NAK:
        return "nak";
    case DT_CCP_REJECT:
        return "reject";
    }
    return "unknown";
}
