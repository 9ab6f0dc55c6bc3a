/* dt-lcp.c — LCP options, loopback detection, keepalive (RFC 1661 §5–§6). */
#include "dt-lcp.h"

#include <stdio.h>

#define LCP_DEFAULT_ACCM 0xFFFFFFFFu
#define LCP_DEFAULT_ECHO_FAILURES 3

static DtLcp *
lcp_of(DtFsm *f)
{
    return f->proto_ctx;
}

const char *
dt_lcp_option_name(uint8_t type)
{
    switch (type) {
    case 0:
        return "vendor-specific";
    case DT_LCP_OPT_MRU:
        return "mru";
    case DT_LCP_OPT_ACCM:
        return "accm";
    case DT_LCP_OPT_AUTH:
        return "auth-protocol";
    case 4:
        return "quality-protocol";
    case DT_LCP_OPT_MAGIC:
        return "magic-number";
    case DT_LCP_OPT_PFC:
        return "pfc";
    case DT_LCP_OPT_ACFC:
        return "acfc";
    case 9:
        return "fcs-alternatives";
    case 13:
        return "callback";
    case 17:
        return "mrru";
    case 18:
        return "short-sequence";
    case 19:
        return "endpoint-discriminator";
    case 23:
        return "link-discriminator";
    default:
        return "unknown";
    }
}

uint8_t
dt_lcp_auth_option_encode(DtAuthMethod m, uint8_t out[3])
{
    switch (m) {
    case DT_AUTH_PAP:
        dt_put_u16(out, DT_PPP_PROTO_PAP);
        return 2;
    case DT_AUTH_CHAP_MD5:
        out[2] = DT_CHAP_ALG_MD5;
        break;
    case DT_AUTH_MSCHAP_V1:
        out[2] = DT_CHAP_ALG_MSCHAP_V1;
        break;
    case DT_AUTH_MSCHAP_V2:
        out[2] = DT_CHAP_ALG_MSCHAP_V2;
        break;
    default:
        return 0;
    }
    dt_put_u16(out, DT_PPP_PROTO_CHAP);
    return 3;
}

/* DT_AUTH_NONE for a protocol/algorithm we do not implement. */
static DtAuthMethod
auth_option_decode(const uint8_t *val, size_t vlen)
{
    if (vlen < 2)
        return DT_AUTH_NONE;
    uint16_t proto = dt_get_u16(val);
    if (proto == DT_PPP_PROTO_PAP && vlen == 2)
        return DT_AUTH_PAP;
    if (proto != DT_PPP_PROTO_CHAP || vlen != 3)
        return DT_AUTH_NONE;
    switch (val[2]) {
    case DT_CHAP_ALG_MD5:
        return DT_AUTH_CHAP_MD5;
    case DT_CHAP_ALG_MSCHAP_V1:
        return DT_AUTH_MSCHAP_V1;
    case DT_CHAP_ALG_MSCHAP_V2:
        return DT_AUTH_MSCHAP_V2;
    default:
        return DT_AUTH_NONE;
    }
}

/* Tokens as dt_auth_method_to_string() gives them; kept here so LCP does
 * not depend on the authentication implementation. */
static const char *
auth_token(DtAuthMethod m)
{
    static const char *const tokens[] = {"none", "pap", "chap-md5", "mschap", "mschapv2"};
    return (unsigned)m < sizeof(tokens) / sizeof(tokens[0]) ? tokens[m] : "unknown";
}

static bool
policy_allows(const DtLcp *l, DtAuthMethod m)
{
    for (size_t i = 0; i < l->cfg.n_auth; i++)
        if (l->cfg.auth[i] == m && m != DT_AUTH_NONE)
            return true;
    return false;
}

/* RFC 1661 §6.4: never zero. */
static uint32_t
new_magic(DtLcp *l)
{
    uint32_t m = 0;
    for (int i = 0; i < 8 && (m == 0 || m == l->want.magic); i++)
        dt_random_fill(&l->random, &m, sizeof(m));
    return m ? m : 0x5A5A0001u ^ l->want.magic;
}

static void
options_default(DtLcpOptions *o)
{
    o->mru = DT_LCP_DEFAULT_MRU;
    o->accm = LCP_DEFAULT_ACCM;
    o->magic = 0;
    o->pfc = false;
    o->acfc = false;
}

static void
reset_wants(DtLcp *l)
{
    options_default(&l->want);
    l->want.mru = l->cfg.mru ? l->cfg.mru : DT_LCP_DEFAULT_MRU;
    l->send_mru = l->want.mru != DT_LCP_DEFAULT_MRU;
    l->send_accm = l->cfg.request_accm;
    l->want.accm = l->cfg.accm;
    l->send_magic = !l->cfg.no_magic;
    l->want.magic = l->send_magic ? new_magic(l) : 0;
    l->send_pfc = l->cfg.request_pfc;
    l->send_acfc = l->cfg.request_acfc;
    l->want_auth =
        l->cfg.role == DT_PPP_ROLE_AUTHENTICATOR && l->cfg.n_auth ? l->cfg.auth[0] : DT_AUTH_NONE;
    l->auth_tried = 0;
    l->collisions = 0;
    l->auth_refused = false;
}

static void
count_collision(DtLcp *l)
{
    /* RFC 1661 §6.4: repeated collisions mean the line is looped back. */
    if (++l->collisions >= l->cfg.loopback_limit)
        dt_fsm_fail(&l->fsm, DT_REASON_LOOPBACK, DT_LCP_OPT_MAGIC,
                    "lcp magic numbers keep colliding: the line is looped back", l->fsm.now);
}

/* ---- our request ---- */

static void
lcp_build_request(DtFsm *f, DtWriter *w)
{
    DtLcp *l = lcp_of(f);
    if (l->send_mru) {
        dt_writer_u8(w, DT_LCP_OPT_MRU);
        dt_writer_u8(w, 4);
        dt_writer_u16(w, l->want.mru);
    }
    if (l->send_accm) {
        dt_writer_u8(w, DT_LCP_OPT_ACCM);
        dt_writer_u8(w, 6);
        dt_writer_u32(w, l->want.accm);
    }
    if (l->want_auth != DT_AUTH_NONE) {
        uint8_t val[3];
        uint8_t n = dt_lcp_auth_option_encode(l->want_auth, val);
        dt_writer_u8(w, DT_LCP_OPT_AUTH);
        dt_writer_u8(w, (uint8_t)(n + 2));
        dt_writer_bytes(w, val, n);
    }
    if (l->send_magic) {
        dt_writer_u8(w, DT_LCP_OPT_MAGIC);
        dt_writer_u8(w, 6);
        dt_writer_u32(w, l->want.magic);
    }
    if (l->send_pfc) {
        dt_writer_u8(w, DT_LCP_OPT_PFC);
        dt_writer_u8(w, 2);
    }
    if (l->send_acfc) {
        dt_writer_u8(w, DT_LCP_OPT_ACFC);
        dt_writer_u8(w, 2);
    }
}

static void
lcp_acked(DtFsm *f)
{
    DtLcp *l = lcp_of(f);
    options_default(&l->neg.local);
    if (l->send_mru)
        l->neg.local.mru = l->want.mru;
    if (l->send_accm)
        l->neg.local.accm = l->want.accm;
    if (l->send_magic)
        l->neg.local.magic = l->want.magic;
    l->neg.local.pfc = l->send_pfc;
    l->neg.local.acfc = l->send_acfc;
    if (l->cfg.role == DT_PPP_ROLE_AUTHENTICATOR)
        l->neg.auth = l->want_auth;
}

/* The authenticator: the peer Nak'd our method with m (or refused it). */
static void
next_auth_method(DtLcp *l, DtAuthMethod suggested)
{
    l->auth_tried |= DT_AUTH_BIT(l->want_auth);
    if (policy_allows(l, suggested) && !(l->auth_tried & DT_AUTH_BIT(suggested))) {
        l->want_auth = suggested;
        return;
    }
    for (size_t i = 0; i < l->cfg.n_auth; i++) {
        if (!(l->auth_tried & DT_AUTH_BIT(l->cfg.auth[i]))) {
            l->want_auth = l->cfg.auth[i];
            return;
        }
    }
    char msg[DT_FSM_MAX_MESSAGE];
    snprintf(msg, sizeof(msg), "lcp auth-protocol: the peer refuses every method we allow%s%s",
             suggested != DT_AUTH_NONE ? " and asks for " : "",
             suggested != DT_AUTH_NONE ? auth_token(suggested) : "");
    dt_fsm_fail(&l->fsm, DT_REASON_AUTH_REFUSED, DT_LCP_OPT_AUTH, msg, l->fsm.now);
}

static bool
lcp_nak_option(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen)
{
    DtLcp *l = lcp_of(f);
    switch (type) {
    case DT_LCP_OPT_MRU:
        if (vlen != 2)
            return false;
        if (dt_get_u16(val) >= DT_LCP_MIN_MRU &&
            (dt_get_u16(val) <= l->want.mru || dt_get_u16(val) <= DT_LCP_DEFAULT_MRU)) {
            l->want.mru = dt_get_u16(val);
            l->send_mru = true;
        }
        return true;
    case DT_LCP_OPT_ACCM:
        if (vlen != 4)
            return false;
        l->want.accm |= dt_get_u32(val); /* escape what the peer needs too */
        return true;
    case DT_LCP_OPT_AUTH:
        if (l->want_auth != DT_AUTH_NONE)
            next_auth_method(l, auth_option_decode(val, vlen));
        return true; /* a peer asking us to authenticate it another way: ignored */
    case DT_LCP_OPT_MAGIC:
        if (vlen != 4)
            return false;
        if (l->send_magic) {
            count_collision(l);
            l->want.magic = new_magic(l);
        }
        return true;
    default:
        return true; /* hints for options we did not send: not taken */
    }
}

static bool
lcp_reject_option(DtFsm *f, uint8_t type)
{
    DtLcp *l = lcp_of(f);
    switch (type) {
    case DT_LCP_OPT_MRU:
        l->send_mru = false;
        l->want.mru = DT_LCP_DEFAULT_MRU;
        break;
    case DT_LCP_OPT_ACCM:
        l->send_accm = false;
        break;
    case DT_LCP_OPT_AUTH:
        /* We must authenticate the peer: without it the link is not ours to give. */
        dt_fsm_fail(f, DT_REASON_AUTH_REFUSED, DT_LCP_OPT_AUTH,
                    "lcp auth-protocol: the peer refuses to authenticate", f->now);
        break;
    case DT_LCP_OPT_MAGIC:
        l->send_magic = false;
        l->want.magic = 0;
        break;
    case DT_LCP_OPT_PFC:
        l->send_pfc = false;
        break;
    case DT_LCP_OPT_ACFC:
        l->send_acfc = false;
        break;
    default:
        return false; /* we never sent it */
    }
    return true;
}

/* ---- the peer's request ---- */

static void
lcp_request_begin(DtFsm *f)
{
    DtLcp *l = lcp_of(f);
    options_default(&l->pending);
    l->pending_auth = DT_AUTH_NONE;
}

static void
nak_auth_with(DtWriter *nak, DtAuthMethod m)
{
    uint8_t val[3];
    uint8_t n = dt_lcp_auth_option_encode(m, val);
    dt_writer_u8(nak, DT_LCP_OPT_AUTH);
    dt_writer_u8(nak, (uint8_t)(n + 2));
    dt_writer_bytes(nak, val, n);
}

static DtFsmOptVerdict
check_auth(DtLcp *l, const uint8_t *val, size_t vlen, DtWriter *nak)
{
    /* We authenticate the peer only as authenticator, and never prove
     * ourselves to a peer asking as one. */
    if (l->cfg.role == DT_PPP_ROLE_AUTHENTICATOR || vlen < 2)
        return DT_FSM_OPT_REJ;
    DtAuthMethod m = auth_option_decode(val, vlen);
    if (policy_allows(l, m)) {
        l->pending_auth = m;
        return DT_FSM_OPT_ACK;
    }
    /* Never a silent fallback: Nak with what our policy prefers, and remember
     * that the failure, if it comes, is a refused method. */
    l->auth_refused = true;
    if (l->cfg.n_auth == 0)
        return DT_FSM_OPT_REJ;
    nak_auth_with(nak, l->cfg.auth[0]);
    return DT_FSM_OPT_NAK;
}

static DtFsmOptVerdict
lcp_check_option(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen, DtWriter *nak)
{
    DtLcp *l = lcp_of(f);
    switch (type) {
    case DT_LCP_OPT_MRU:
        if (vlen != 2)
            return DT_FSM_OPT_REJ;
        if (dt_get_u16(val) < DT_LCP_MIN_MRU) {
            dt_writer_u8(nak, DT_LCP_OPT_MRU);
            dt_writer_u8(nak, 4);
            dt_writer_u16(nak, DT_LCP_MIN_MRU);
            return DT_FSM_OPT_NAK;
        }
        l->pending.mru = dt_get_u16(val);
        return DT_FSM_OPT_ACK;
    case DT_LCP_OPT_ACCM:
        if (vlen != 4)
            return DT_FSM_OPT_REJ;
        l->pending.accm = dt_get_u32(val);
        return DT_FSM_OPT_ACK;
    case DT_LCP_OPT_AUTH:
        return check_auth(l, val, vlen, nak);
    case DT_LCP_OPT_MAGIC: {
        if (vlen != 4)
            return DT_FSM_OPT_REJ;
        uint32_t m = dt_get_u32(val);
        if (m != 0 && !(l->send_magic && m == l->want.magic)) {
            l->pending.magic = m;
            return DT_FSM_OPT_ACK;
        }
        /* §6.4: a collision (or zero): Nak with a fresh number, and choose a
         * new one for ourselves too. */
        if (m != 0)
            count_collision(l);
        uint32_t suggestion = new_magic(l);
        if (m != 0 && l->send_magic)
            l->want.magic = new_magic(l);
        dt_writer_u8(nak, DT_LCP_OPT_MAGIC);
        dt_writer_u8(nak, 6);
        dt_writer_u32(nak, suggestion);
        return DT_FSM_OPT_NAK;
    }
    case DT_LCP_OPT_PFC:
        if (vlen != 0)
            return DT_FSM_OPT_REJ;
        l->pending.pfc = true;
        return DT_FSM_OPT_ACK;
    case DT_LCP_OPT_ACFC:
        if (vlen != 0)
            return DT_FSM_OPT_REJ;
        l->pending.acfc = true;
        return DT_FSM_OPT_ACK;
    default:
        /* Vendor 0, Quality 4, FCS-Alt 9, Callback 13, MRRU 17, SSN 18,
         * Endpoint Discriminator 19, Link Discriminator 23 and the unknown:
         * rejecting converges where a Nak could not. */
        return DT_FSM_OPT_REJ;
    }
}

static void
lcp_request_done(DtFsm *f, uint8_t code)
{
    DtLcp *l = lcp_of(f);
    if (code != DT_FSM_CONF_ACK)
        return;
    l->neg.remote = l->pending;
    if (l->cfg.role == DT_PPP_ROLE_PEER) {
        l->neg.auth = l->pending_auth;
        /* An authenticator that drops its method after our Nak (pppd does) may still give up
         * on us once LCP is up ("peer refused to authenticate"): that is AUTH_REFUSED too, so
         * the flag stays until an NCP comes up (dt-ppp-phase.c). */
        if (l->pending_auth != DT_AUTH_NONE)
            l->auth_refused = false;
    }
}

/* ---- layer actions ---- */

static bool
lcp_up(DtFsm *f)
{
    DtLcp *l = lcp_of(f);
    l->up = true;
    if (l->cfg.role != DT_PPP_ROLE_PEER || l->neg.auth != DT_AUTH_NONE)
        l->auth_refused = false;
    l->echo_outstanding = 0;
    l->echo_deadline = l->cfg.echo_interval_ms ? f->now + l->cfg.echo_interval_ms : DT_TIME_NEVER;
    l->echo_checked_at = f->now;
    return true;
}

static void
lcp_down(DtFsm *f)
{
    DtLcp *l = lcp_of(f);
    l->up = false;
    l->echo_deadline = DT_TIME_NEVER;
}

static void
lcp_started(DtFsm *f)
{
    reset_wants(lcp_of(f));
}

static void
lcp_finished(DtFsm *f)
{
    DtLcp *l = lcp_of(f);
    /* The authenticator gave up on us after we refused its method: say so,
     * not "terminated" or "timeout" (the peer side of AUTH_REFUSED). */
    if (l->auth_refused && f->reason != DT_REASON_LOCAL_REQUEST &&
        f->reason != DT_REASON_LOOPBACK) {
        f->reason = DT_REASON_AUTH_REFUSED;
        f->reason_option = DT_LCP_OPT_AUTH;
        snprintf(f->message, sizeof(f->message),
                 "lcp auth-protocol: the server wants a method this profile does not allow");
    }
    l->echo_deadline = DT_TIME_NEVER;
    reset_wants(l);
}

static DtFsmExtraResult
lcp_extra_code(DtFsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    DtLcp *l = lcp_of(f);
    bool opened = f->state == DT_FSM_OPENED;
    switch (code) {
    case DT_LCP_PROTOCOL_REJ: /* §5.7 */
        if (len < 2)
            return DT_FSM_EXTRA_MALFORMED;
        if (!opened)
            return DT_FSM_EXTRA_HANDLED;
        if (dt_get_u16(data) == DT_PPP_PROTO_LCP)
            dt_fsm_protocol_rejected(f, f->now);
        else if (l->hooks.protocol_rejected)
            l->hooks.protocol_rejected(l->hooks.ctx, dt_get_u16(data), f->now);
        return DT_FSM_EXTRA_HANDLED;
    case DT_LCP_ECHO_REQ: /* §5.8: RXR, ser only in Opened */
        if (len < 4)
            return DT_FSM_EXTRA_MALFORMED;
        if (opened) {
            uint8_t reply[DT_LCP_DEFAULT_MRU];
            size_t n = len - 4;
            size_t max = (size_t)(l->neg.remote.mru >= 8 ? l->neg.remote.mru : 8) - 8;
            if (n > max)
                n = max;
            if (n > sizeof(reply) - 4)
                n = sizeof(reply) - 4;
            dt_put_u32(reply, l->neg.local.magic);
            memcpy(reply + 4, data + 4, n);
            dt_fsm_send(f, DT_LCP_ECHO_REPLY, id, reply, n + 4);
        }
        return DT_FSM_EXTRA_HANDLED;
    case DT_LCP_ECHO_REPLY:
        if (len < 4)
            return DT_FSM_EXTRA_MALFORMED;
        if (opened) {
            l->echo_outstanding = 0;
            l->echo_replies++;
        }
        return DT_FSM_EXTRA_HANDLED;
    case DT_LCP_DISCARD_REQ:
    case DT_LCP_IDENTIFICATION: /* RFC 1570: Windows sends it; ignore, never Code-Reject */
    case DT_LCP_TIME_REMAINING:
        return DT_FSM_EXTRA_HANDLED;
    default:
        return DT_FSM_EXTRA_UNKNOWN;
    }
}

static const DtFsmCallbacks lcp_callbacks = {
    .name = "lcp",
    .option_name = dt_lcp_option_name,
    .build_request = lcp_build_request,
    .request_begin = lcp_request_begin,
    .check_option = lcp_check_option,
    .request_done = lcp_request_done,
    .acked = lcp_acked,
    .nak_option = lcp_nak_option,
    .reject_option = lcp_reject_option,
    .up = lcp_up,
    .down = lcp_down,
    .started = lcp_started,
    .finished = lcp_finished,
    .extra_code = lcp_extra_code,
};

void
dt_lcp_init(DtLcp *l, const DtLcpConfig *cfg, const DtRandom *random, const DtFsmOwner *owner,
            const DtFsmTimers *timers, const DtLcpHooks *hooks)
{
    memset(l, 0, sizeof(*l));
    l->cfg = *cfg;
    if (l->cfg.n_auth > DT_LCP_MAX_AUTH)
        l->cfg.n_auth = DT_LCP_MAX_AUTH;
    if (!l->cfg.echo_failures)
        l->cfg.echo_failures = LCP_DEFAULT_ECHO_FAILURES;
    if (!l->cfg.loopback_limit)
        l->cfg.loopback_limit = DT_LCP_LOOPBACK_LIMIT;
    if (random)
        l->random = *random;
    if (hooks)
        l->hooks = *hooks;
    dt_fsm_init(&l->fsm, DT_PPP_PROTO_LCP, &lcp_callbacks, l, owner, timers);
    reset_wants(l);
    options_default(&l->neg.local);
    options_default(&l->neg.remote);
    l->echo_deadline = DT_TIME_NEVER;
}

DtTime
dt_lcp_next_deadline(const DtLcp *l)
{
    DtTime t = dt_fsm_next_deadline(&l->fsm);
    if (l->fsm.state == DT_FSM_OPENED)
        t = dt_time_min(t, l->echo_deadline);
    return t;
}

void
dt_lcp_heard(DtLcp *l, DtTime now)
{
    l->heard = true;
    l->heard_at = now;
}

void
dt_lcp_handle_timeout(DtLcp *l, DtTime now)
{
    dt_fsm_handle_timeout(&l->fsm, now);
    if (l->fsm.state != DT_FSM_OPENED || now < l->echo_deadline)
        return;
    l->fsm.now = now;
    if (l->heard && l->heard_at >= l->echo_checked_at) {
        l->echo_outstanding = 0;
        l->echo_checked_at = now;
        l->echo_deadline = now + l->cfg.echo_interval_ms;
        return;
    }
    if (l->echo_outstanding >= l->cfg.echo_failures) {
        char msg[DT_FSM_MAX_MESSAGE];
        snprintf(msg, sizeof(msg), "lcp: %u echo requests went unanswered", l->echo_outstanding);
        l->echo_deadline = DT_TIME_NEVER;
        /* Retransmitting Terminate-Requests into the silence would only keep
         * the user waiting: one, and down an echo interval later. */
        dt_fsm_fail_unanswered(&l->fsm, DT_REASON_ECHO_TIMEOUT, msg,
                               l->cfg.echo_interval_ms < l->fsm.timers.restart_ms
                                   ? l->cfg.echo_interval_ms
                                   : l->fsm.timers.restart_ms,
                               now);
        return;
    }
    uint8_t magic[4];
    dt_put_u32(magic, l->neg.local.magic);
    dt_fsm_send(&l->fsm, DT_LCP_ECHO_REQ, dt_fsm_new_id(&l->fsm), magic, sizeof(magic));
    l->echo_outstanding++;
    l->echo_sent++;
    l->echo_checked_at = now;
    l->echo_deadline = now + l->cfg.echo_interval_ms;
}

void
dt_lcp_send_protocol_reject(DtLcp *l, uint16_t protocol, const uint8_t *info, size_t len)
{
    if (l->fsm.state != DT_FSM_OPENED)
        return;
    uint8_t data[DT_LCP_DEFAULT_MRU];
    size_t max = (size_t)(l->neg.remote.mru >= 64 ? l->neg.remote.mru : 64) - 6;
    if (max > sizeof(data) - 2)
        max = sizeof(data) - 2;
    if (len > max)
        len = max;
    dt_put_u16(data, protocol);
    if (len)
        memcpy(data + 2, info, len);
    dt_fsm_send(&l->fsm, DT_LCP_PROTOCOL_REJ, dt_fsm_new_id(&l->fsm), data, len + 2);
}
