/* dt-ppp.c — one PPP link: lifecycle, queues, demultiplexing and time (RFC
 * 1661 §3).  The phases themselves are in dt-ppp-phase.c. */
#include "dt-ppp-private.h"
#include "dt-quirks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const phase_names[] = {"dead", "establish", "authenticate", "network",
                                          "terminate"};

const char *
dt_ppp_phase_to_string(DtPppPhase phase)
{
    return (unsigned)phase < 5 ? phase_names[phase] : "invalid";
}

const char *
dt_ppp_event_type_to_string(DtPppEventType t)
{
    static const char *const names[] = {"phase",  "lcp-up",   "auth",      "ipcp-up", "ipv6cp-up",
                                        "ncp-up", "ncp-down", "link-down", "log"};
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "invalid";
}

/* ---- queues ---- */

DtPppEvent *
dt_ppp_push_event(DtPpp *p, DtPppEventType type)
{
    /* Log lines yield to the events a caller acts on. */
    size_t limit = type == DT_PPP_EVENT_LOG ? DT_PPP_EVENT_QUEUE * 3 / 4 : DT_PPP_EVENT_QUEUE;
    if (p->ev_count >= limit) {
        p->stats.events_dropped++;
        return NULL;
    }
    DtPppEvent *e = &p->ev[(p->ev_head + p->ev_count++) % DT_PPP_EVENT_QUEUE];
    memset(e, 0, sizeof(*e));
    e->type = type;
    e->time = p->now;
    return e;
}

void
dt_ppp_log_line(DtPpp *p, const char *fmt, ...)
{
    DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_LOG);
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->u.log, sizeof(e->u.log), fmt, ap);
    va_end(ap);
}

bool
dt_ppp_poll_event(DtPpp *p, DtPppEvent *ev)
{
    if (!p->ev_count)
        return false;
    *ev = p->ev[p->ev_head];
    p->ev_head = (p->ev_head + 1) % DT_PPP_EVENT_QUEUE;
    p->ev_count--;
    return true;
}

uint32_t
dt_ppp_data_accm(const DtPpp *p)
{
    return p->lcp.up ? p->lcp.neg.remote.accm : DT_PPP_DEFAULT_ACCM;
}

/* Hands the tap its redacted copy (dt-ppp-tap.h). */
static void
tap_frame(DtPpp *p, DtPppTapDirection dir, uint16_t protocol, const uint8_t *pkt, size_t len)
{
    if (!p->cfg.tap.fn || !dt_ppp_tap_wants(protocol))
        return;
    uint8_t copy[DT_PPP_TAP_MAX];
    DtPppTapFrame f = {.direction = dir, .protocol = protocol, .orig_len = len, .time = p->now};
    f.len = dt_ppp_tap_redact(protocol, pkt, len, copy, sizeof(copy));
    f.pkt = f.len ? copy : NULL;
    p->cfg.tap.fn(p->cfg.tap.ctx, &f);
}

void
dt_ppp_enqueue_frame(DtPpp *p, uint16_t protocol, const uint8_t *pkt, size_t len)
{
    if (p->tx_count == DT_PPP_TX_QUEUE || len > DT_PPP_MAX_CONTROL - DT_PPP_HEADER_MAX) {
        p->stats.tx_dropped++; /* the restart timer sends it again */
        return;
    }
    DtPppTxSlot *s = &p->tx[(p->tx_head + p->tx_count++) % DT_PPP_TX_QUEUE];
    size_t n = 0;
    /* RFC 1661 §6.6: LCP always carries Address/Control; others after ACFC may not. */
    if (protocol == DT_PPP_PROTO_LCP || !p->lcp.up || !p->lcp.neg.remote.acfc) {
        s->data[n++] = 0xFF;
        s->data[n++] = 0x03;
    }
    dt_put_u16(s->data + n, protocol); /* control protocols are ≥ 0x100: never PFC */
    n += 2;
    memcpy(s->data + n, pkt, len);
    s->len = n + len;
    s->protocol = protocol;
    /* RFC 1662 §7.1: LCP codes 1–7 as though nothing was negotiated. */
    bool lcp_config = protocol == DT_PPP_PROTO_LCP && len && pkt[0] >= 1 && pkt[0] <= 7;
    s->accm = lcp_config ? DT_PPP_DEFAULT_ACCM : dt_ppp_data_accm(p);
    p->stats.frames_out++;
    tap_frame(p, DT_PPP_TAP_SENT, protocol, pkt, len);
}

size_t
dt_ppp_poll_transmit(DtPpp *p, uint8_t *buf, size_t cap, DtPppTransmit *info)
{
    while (p->tx_count) {
        DtPppTxSlot *s = &p->tx[p->tx_head];
        p->tx_head = (p->tx_head + 1) % DT_PPP_TX_QUEUE;
        p->tx_count--;
        if (s->len > cap) {
            p->stats.tx_dropped++;
            continue;
        }
        memcpy(buf, s->data, s->len);
        if (info) {
            info->len = s->len;
            info->accm = s->accm;
            info->protocol = s->protocol;
        }
        return s->len;
    }
    return 0;
}

/* ---- failures ---- */

/* The first cause wins: it is what the user is told. */
void
dt_ppp_fail_link(DtPpp *p, DtReason reason, uint16_t protocol, int option, const char *message)
{
    if (p->lcp.fsm.reason == DT_REASON_NONE)
        p->fail_protocol = protocol;
    dt_fsm_fail(&p->lcp.fsm, reason, option, message, p->now);
}

/* ---- lifecycle ---- */

static bool
crypto_random_cb(void *ctx, void *buf, size_t len)
{
    return dt_crypto_random(ctx, buf, len);
}

static void
copy_string(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

DtPpp *
dt_ppp_new(const DtPppConfig *cfg)
{
    bool auth = cfg->lcp.n_auth > 0;
    if ((auth || !cfg->random.fn) && !cfg->crypto)
        return NULL;
    if (auth && cfg->role == DT_PPP_ROLE_AUTHENTICATOR && !cfg->lookup)
        return NULL;
    if (cfg->enable_ipcp && cfg->role == DT_PPP_ROLE_AUTHENTICATOR && !cfg->ipcp.local_addr)
        return NULL;
    DtPpp *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->cfg = *cfg;
    copy_string(p->user, sizeof(p->user), cfg->user);
    copy_string(p->password, sizeof(p->password), cfg->password);
    copy_string(p->local_name, sizeof(p->local_name), cfg->local_name);
    p->cfg.user = p->cfg.password = p->cfg.local_name = NULL;
    if (!p->cfg.random.fn) {
        p->cfg.random.fn = crypto_random_cb;
        p->cfg.random.ctx = (void *)cfg->crypto;
    }
    if (!p->cfg.auth_timeout_ms)
        p->cfg.auth_timeout_ms = DT_PPP_AUTH_TIMEOUT_MS;
    p->cfg.lcp.role = cfg->role;
    p->cfg.ipcp.role = cfg->role;
    p->auth_deadline = DT_TIME_NEVER;

    DtFsmOwner owner = dt_ppp_fsm_owner(p);
    DtLcpHooks hooks = {.protocol_rejected = dt_ppp_protocol_rejected_cb, .ctx = p};
    dt_lcp_init(&p->lcp, &p->cfg.lcp, &p->cfg.random, &owner, &p->cfg.timers, &hooks);
    if (cfg->enable_ipcp) {
        dt_ipcp_init(&p->ipcp, &p->cfg.ipcp, &owner, &p->cfg.timers);
        p->ncp[p->n_ncp++] = (DtPppNcp){&p->ipcp.fsm, DT_PPP_PROTO_IPV4, true};
    }
    if (cfg->enable_ipv6cp) {
        dt_ipv6cp_init(&p->ipv6cp, &p->cfg.ipv6cp, &p->cfg.random, &owner, &p->cfg.timers);
        p->ncp[p->n_ncp++] = (DtPppNcp){&p->ipv6cp.fsm, DT_PPP_PROTO_IPV6, true};
    }
    return p;
}

void
dt_ppp_free(DtPpp *p)
{
    if (!p)
        return;
    if (p->auth)
        dt_auth_free(p->auth);
    dt_wipe(p->password, sizeof(p->password));
    free(p);
}

bool
dt_ppp_attach_ncp(DtPpp *p, DtFsm *fsm, uint16_t data_protocol)
{
    if (p->n_ncp == DT_PPP_MAX_NCP)
        return false;
    p->ncp[p->n_ncp++] = (DtPppNcp){fsm, data_protocol, false};
    return true;
}

void
dt_ppp_open(DtPpp *p, DtTime now)
{
    p->now = now;
    if (p->lcp.fsm.state == DT_FSM_INITIAL || p->lcp.fsm.state == DT_FSM_CLOSED) {
        p->down_reported = false;
        p->fail_protocol = 0;
    }
    dt_fsm_open(&p->lcp.fsm, now);
    dt_ppp_after_call(p);
}

void
dt_ppp_close(DtPpp *p, DtReason reason, DtTime now)
{
    p->now = now;
    dt_ppp_fail_link(p, reason != DT_REASON_NONE ? reason : DT_REASON_LOCAL_REQUEST, 0, -1, NULL);
    dt_ppp_after_call(p);
}

void
dt_ppp_lower_up(DtPpp *p, DtTime now)
{
    p->now = now;
    dt_fsm_lower_up(&p->lcp.fsm, now);
    dt_ppp_after_call(p);
}

void
dt_ppp_lower_down(DtPpp *p, DtReason reason, DtTime now)
{
    p->now = now;
    if (p->lcp.fsm.reason == DT_REASON_NONE) {
        p->lcp.fsm.reason = reason != DT_REASON_NONE ? reason : DT_REASON_PEER_STOPPED;
        p->lcp.fsm.reason_option = -1;
        snprintf(p->lcp.fsm.message, sizeof(p->lcp.fsm.message), "the lower layer went down");
    }
    dt_fsm_lower_down(&p->lcp.fsm, now);
    dt_fsm_close(&p->lcp.fsm, now); /* Starting → tlf/0; Initial stays */
    if (!p->down_reported && p->lcp.fsm.state == DT_FSM_INITIAL)
        p->lcp_finished = true;
    dt_ppp_after_call(p);
}

/* ---- input ---- */

static DtPppInputKind
demux(DtPpp *p, uint16_t proto, const uint8_t *frame, size_t off, size_t len, DtPppInput *out)
{
    const uint8_t *info = frame + off;
    if (proto == DT_PPP_PROTO_LCP) {
        dt_fsm_input(&p->lcp.fsm, info, len, p->now);
        return DT_PPP_INPUT_CONTROL;
    }
    for (size_t i = 0; i < p->n_ncp; i++) {
        DtPppNcp *n = &p->ncp[i];
        if (proto == n->fsm->protocol) {
            /* §3.4–3.5: NCP packets count only in the Network phase. */
            if (!p->network) {
                p->stats.discarded++;
                return DT_PPP_INPUT_DROPPED;
            }
            dt_fsm_input(n->fsm, info, len, p->now);
            return DT_PPP_INPUT_CONTROL;
        }
        if (proto == n->data_protocol) {
            if (n->fsm->state != DT_FSM_OPENED) {
                p->stats.discarded++; /* a known protocol that is not open */
                return DT_PPP_INPUT_DROPPED;
            }
            out->protocol = proto;
            out->offset = off;
            out->len = len;
            p->stats.datagrams_in++;
            p->data_at = p->now;
            return DT_PPP_INPUT_DATAGRAM;
        }
    }
    if (proto == DT_PPP_PROTO_PAP || proto == DT_PPP_PROTO_CHAP) {
        if (p->auth && proto == dt_auth_method_protocol(p->lcp.neg.auth)) {
            dt_auth_input(p->auth, info, len, p->now);
            return DT_PPP_INPUT_CONTROL;
        }
        p->stats.discarded++;
        return DT_PPP_INPUT_DROPPED;
    }
    /* §5.7: a protocol we do not implement; only in Opened. */
    if (p->lcp.fsm.state == DT_FSM_OPENED && p->quiet_rejects &&
        dt_quirks_is_quiet_protocol(proto)) {
        /* What this server is known to send (dt-quirks.h): answered, not a surprise. */
        dt_lcp_send_protocol_reject(&p->lcp, proto, info, len);
        p->stats.quiet_rejects++;
        return DT_PPP_INPUT_CONTROL;
    }
    if (p->lcp.fsm.state == DT_FSM_OPENED) {
        dt_lcp_send_protocol_reject(&p->lcp, proto, info, len);
        /* The first few only: a peer repeating one (IPv6CP retries) or spraying
         * protocols must not flood the log; the counter keeps the total. */
        if (p->stats.protocol_rejects < DT_PPP_PROTOCOL_REJECT_LOGS)
            dt_ppp_log_line(p, "layer=lcp event=protocol-reject-sent protocol=0x%04x", proto);
        p->stats.protocol_rejects++;
    } else {
        p->stats.discarded++;
    }
    return DT_PPP_INPUT_DROPPED;
}

DtPppInputKind
dt_ppp_input(DtPpp *p, const uint8_t *frame, size_t len, DtTime now, DtPppInput *out)
{
    DtPppInput local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof(*out));
    p->now = now;
    p->stats.frames_in++;
    DtPppInputKind kind = DT_PPP_INPUT_DROPPED;
    DtReader r;
    dt_reader_init(&r, frame, len);
    /* Uncompressed forms are always accepted; compressed ones only once
     * our request for ACFC/PFC was acked (RFC 1661 §6.5–6.6). */
    if (len >= 2 && frame[0] == 0xFF && frame[1] == 0x03)
        dt_reader_skip(&r, 2);
    else if (!(p->lcp.up && p->lcp.neg.local.acfc))
        goto malformed;
    uint16_t proto;
    if (dt_reader_remaining(&r) >= 1 && (r.p[r.off] & 1)) {
        if (!(p->lcp.up && p->lcp.neg.local.pfc))
            goto malformed;
        proto = dt_reader_u8(&r);
    } else {
        proto = dt_reader_u16(&r);
        /* §2: the low octet is odd, the high octet even. */
        if (!dt_reader_ok(&r) || !(proto & 1) || (proto & 0x100))
            goto malformed;
    }
    dt_lcp_heard(&p->lcp, now);
    tap_frame(p, DT_PPP_TAP_RECEIVED, proto, frame + r.off, dt_reader_remaining(&r));
    kind = demux(p, proto, frame, r.off, dt_reader_remaining(&r), out);
    out->kind = kind;
    dt_ppp_after_call(p);
    return kind;
malformed:
    p->stats.malformed++;
    out->kind = kind;
    dt_ppp_after_call(p);
    return kind;
}

/* ---- time ---- */

void
dt_ppp_data_sent(DtPpp *p, DtTime now)
{
    p->data_at = now;
}

static bool
idle_armed(const DtPpp *p)
{
    return p->cfg.idle_ms && p->network && p->lcp.fsm.state == DT_FSM_OPENED;
}

DtTime
dt_ppp_next_deadline(const DtPpp *p)
{
    DtTime t = dt_lcp_next_deadline(&p->lcp);
    if (idle_armed(p))
        t = dt_time_min(t, p->data_at + p->cfg.idle_ms);
    for (size_t i = 0; i < p->n_ncp; i++)
        t = dt_time_min(t, dt_fsm_next_deadline(p->ncp[i].fsm));
    if (p->auth) {
        t = dt_time_min(t, dt_auth_next_deadline(p->auth));
        t = dt_time_min(t, p->auth_deadline);
    }
    return t;
}

void
dt_ppp_handle_timeout(DtPpp *p, DtTime now)
{
    p->now = now;
    if (idle_armed(p) && now >= p->data_at + p->cfg.idle_ms) {
        char msg[64];
        snprintf(msg, sizeof(msg), "ppp: no traffic for %u s", (unsigned)(p->cfg.idle_ms / 1000));
        dt_ppp_fail_link(p, DT_REASON_IDLE_TIMEOUT, 0, -1, msg);
    }
    dt_lcp_handle_timeout(&p->lcp, now);
    for (size_t i = 0; i < p->n_ncp; i++)
        dt_fsm_handle_timeout(p->ncp[i].fsm, now);
    if (p->auth) {
        dt_auth_handle_timeout(p->auth, now);
        if (now >= p->auth_deadline && dt_auth_state(p->auth) != DT_AUTH_STATE_SUCCEEDED &&
            dt_auth_state(p->auth) != DT_AUTH_STATE_FAILED) {
            p->auth_deadline = DT_TIME_NEVER;
            dt_ppp_fail_link(p, DT_REASON_AUTH_TIMEOUT, dt_auth_method_protocol(p->lcp.neg.auth),
                             -1, "authentication did not finish in time");
        }
    }
    dt_ppp_after_call(p);
}

/* ---- data plane and accessors ---- */

static bool
send_acfc(const DtPpp *p, uint16_t protocol)
{
    return p->lcp.up && p->lcp.neg.remote.acfc && protocol != DT_PPP_PROTO_LCP;
}

static bool
send_pfc(const DtPpp *p, uint16_t protocol)
{
    return p->lcp.up && p->lcp.neg.remote.pfc && protocol < 0x100;
}

size_t
dt_ppp_header_len(const DtPpp *p, uint16_t protocol)
{
    return (send_acfc(p, protocol) ? 0 : 2) + (send_pfc(p, protocol) ? 1 : 2);
}

size_t
dt_ppp_write_header(const DtPpp *p, uint16_t protocol, uint8_t *payload, size_t headroom)
{
    size_t n = dt_ppp_header_len(p, protocol);
    if (headroom < n)
        return 0;
    uint8_t *q = payload - n;
    if (!send_acfc(p, protocol)) {
        *q++ = 0xFF;
        *q++ = 0x03;
    }
    if (send_pfc(p, protocol))
        *q = (uint8_t)protocol;
    else
        dt_put_u16(q, protocol);
    return n;
}

void
dt_ppp_set_quiet_rejects(DtPpp *p, bool quiet)
{
    p->quiet_rejects = quiet;
}

DtPppPhase
dt_ppp_phase(const DtPpp *p)
{
    return p->phase;
}

const DtLcpNegotiated *
dt_ppp_lcp(const DtPpp *p)
{
    return &p->lcp.neg;
}

const DtIpcpNegotiated *
dt_ppp_ipcp(const DtPpp *p)
{
    return &p->ipcp.neg;
}

const DtIpv6cpNegotiated *
dt_ppp_ipv6cp(const DtPpp *p)
{
    return &p->ipv6cp.neg;
}

const DtAuth *
dt_ppp_auth(const DtPpp *p)
{
    return p->auth;
}

DtPppStats
dt_ppp_stats(const DtPpp *p)
{
    DtPppStats s = p->stats;
    s.echo_sent = p->lcp.echo_sent;
    s.echo_replies = p->lcp.echo_replies;
    s.malformed += p->lcp.fsm.dropped;
    for (size_t i = 0; i < p->n_ncp; i++)
        s.malformed += p->ncp[i].fsm->dropped;
    if (p->auth)
        s.malformed += dt_auth_dropped(p->auth);
    return s;
}

const DtFsm *
dt_ppp_lcp_fsm(const DtPpp *p)
{
    return &p->lcp.fsm;
}

const DtFsm *
dt_ppp_ipcp_fsm(const DtPpp *p)
{
    return &p->ipcp.fsm;
}

const DtFsm *
dt_ppp_ipv6cp_fsm(const DtPpp *p)
{
    return &p->ipv6cp.fsm;
}
