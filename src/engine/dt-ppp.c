/* dt-ppp.c — one PPP link: phases, demultiplexing, queues (RFC 1661 §3). */
#include "dt-ppp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    DtFsm *fsm;
    uint16_t data_protocol;
    bool builtin; /* IPCP/IPv6CP: the link is useless once all of these failed */
} Ncp;

typedef struct {
    uint8_t data[DT_PPP_MAX_CONTROL];
    size_t len;
    uint32_t accm;
    uint16_t protocol;
} TxSlot;

struct DtPpp {
    DtPppConfig cfg;
    char user[DT_AUTH_MAX_NAME];
    char password[DT_AUTH_MAX_PACKET];
    char local_name[DT_AUTH_MAX_NAME];

    DtLcp lcp;
    DtIpcp ipcp;
    DtIpv6cp ipv6cp;
    Ncp ncp[DT_PPP_MAX_NCP];
    size_t n_ncp;

    DtAuth *auth;
    bool auth_reported;
    DtTime auth_deadline;

    DtPppPhase phase;
    bool network;       /* the NCPs were started for this LCP session */
    bool lcp_finished;  /* tlf seen: report the link down */
    bool down_reported; /* once per dt_ppp_open */
    bool ncp_check;
    uint16_t fail_protocol;
    DtTime now;

    TxSlot tx[DT_PPP_TX_QUEUE];
    size_t tx_head, tx_count;
    DtPppEvent ev[DT_PPP_EVENT_QUEUE];
    size_t ev_head, ev_count;
    DtPppStats stats;
};

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

static DtPppEvent *
push_event(DtPpp *p, DtPppEventType type)
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

static void __attribute__((format(printf, 2, 3))) log_line(DtPpp *p, const char *fmt, ...)
{
    DtPppEvent *e = push_event(p, DT_PPP_EVENT_LOG);
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

static void
enqueue_frame(DtPpp *p, uint16_t protocol, const uint8_t *pkt, size_t len)
{
    if (p->tx_count == DT_PPP_TX_QUEUE || len > DT_PPP_MAX_CONTROL - DT_PPP_HEADER_MAX) {
        p->stats.tx_dropped++; /* the restart timer sends it again */
        return;
    }
    TxSlot *s = &p->tx[(p->tx_head + p->tx_count++) % DT_PPP_TX_QUEUE];
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
}

size_t
dt_ppp_poll_transmit(DtPpp *p, uint8_t *buf, size_t cap, DtPppTransmit *info)
{
    while (p->tx_count) {
        TxSlot *s = &p->tx[p->tx_head];
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
static void
fail_link(DtPpp *p, DtReason reason, uint16_t protocol, int option, const char *message)
{
    if (p->lcp.fsm.reason == DT_REASON_NONE)
        p->fail_protocol = protocol;
    dt_fsm_fail(&p->lcp.fsm, reason, option, message, p->now);
}

static const char *
proto_layer(uint16_t proto)
{
    switch (proto) {
    case DT_PPP_PROTO_LCP:
        return "lcp";
    case DT_PPP_PROTO_PAP:
        return "pap";
    case DT_PPP_PROTO_CHAP:
        return "chap";
    case DT_PPP_PROTO_IPCP:
        return "ipcp";
    case DT_PPP_PROTO_IPV6CP:
        return "ipv6cp";
    case DT_PPP_PROTO_CCP:
        return "ccp";
    default:
        return "ppp";
    }
}

/* ---- authentication and the network phase ---- */

static void
enter_network(DtPpp *p)
{
    if (p->network)
        return;
    p->network = true;
    for (size_t i = 0; i < p->n_ncp; i++) {
        dt_fsm_lower_up(p->ncp[i].fsm, p->now);
        dt_fsm_open(p->ncp[i].fsm, p->now);
    }
}

static void
stop_network(DtPpp *p)
{
    p->network = false;
    for (size_t i = 0; i < p->n_ncp; i++)
        dt_fsm_lower_down(p->ncp[i].fsm, p->now);
    if (p->auth) {
        dt_auth_free(p->auth);
        p->auth = NULL;
    }
    p->auth_deadline = DT_TIME_NEVER;
}

static void
start_auth(DtPpp *p)
{
    DtAuthConfig ac = {
        .method = p->lcp.neg.auth,
        .role = p->cfg.role,
        .crypto = p->cfg.crypto,
        .user = p->user,
        .password = p->password,
        .lookup = p->cfg.lookup,
        .lookup_data = p->cfg.lookup_data,
        .local_name = p->local_name,
        .restart_ms = p->lcp.fsm.timers.restart_ms,
        .max_transmits = p->lcp.fsm.timers.max_configure,
        .max_retries = p->cfg.auth_max_retries,
    };
    p->auth = dt_auth_new(&ac);
    p->auth_reported = false;
    if (!p->auth) {
        fail_link(p, DT_REASON_INTERNAL, dt_auth_method_protocol(ac.method), -1,
                  "cannot start authentication");
        return;
    }
    p->auth_deadline = p->now + p->cfg.auth_timeout_ms;
    log_line(p, "layer=auth event=start method=%s role=%s", dt_auth_method_to_string(ac.method),
             p->cfg.role == DT_PPP_ROLE_PEER ? "peer" : "authenticator");
    dt_auth_start(p->auth, p->now);
}

static void
drive_auth(DtPpp *p)
{
    if (!p->auth)
        return;
    uint16_t proto = dt_auth_method_protocol(p->lcp.neg.auth);
    uint8_t buf[DT_AUTH_MAX_PACKET];
    size_t n;
    while ((n = dt_auth_poll_transmit(p->auth, buf, sizeof(buf))) > 0)
        enqueue_frame(p, proto, buf, n);
    DtAuthState st = dt_auth_state(p->auth);
    if (p->auth_reported || (st != DT_AUTH_STATE_SUCCEEDED && st != DT_AUTH_STATE_FAILED))
        return;
    p->auth_reported = true;
    p->auth_deadline = DT_TIME_NEVER;
    const DtAuthResult *res = dt_auth_result(p->auth);
    DtPppEvent *e = push_event(p, DT_PPP_EVENT_AUTH);
    if (e) {
        e->u.auth.method = p->lcp.neg.auth;
        e->u.auth.ok = st == DT_AUTH_STATE_SUCCEEDED;
        e->u.auth.result = *res;
    }
    if (st == DT_AUTH_STATE_SUCCEEDED) {
        log_line(p, "layer=auth event=success method=%s",
                 dt_auth_method_to_string(p->lcp.neg.auth));
        enter_network(p);
        return;
    }
    log_line(p, "layer=auth event=failure method=%s reason=%s code=%u",
             dt_auth_method_to_string(p->lcp.neg.auth), dt_reason_to_string(res->reason),
             res->error_code);
    char msg[DT_FSM_MAX_MESSAGE];
    snprintf(msg, sizeof(msg), "%s: %.100s", dt_auth_method_describe(p->lcp.neg.auth),
             res->message[0] ? res->message : dt_reason_describe(res->reason));
    fail_link(p, res->reason != DT_REASON_NONE ? res->reason : DT_REASON_AUTH_FAILED, proto, -1,
              msg);
}

/* ---- layer notifications ---- */

static void
lcp_notify(DtPpp *p, DtFsmNotify what)
{
    const DtLcpNegotiated *n = &p->lcp.neg;
    switch (what) {
    case DT_FSM_NOTIFY_UP: {
        DtPppEvent *e = push_event(p, DT_PPP_EVENT_LCP_UP);
        if (e)
            e->u.lcp = *n;
        log_line(p,
                 "layer=lcp event=up mru=%u peer_mru=%u magic=0x%08x peer_magic=0x%08x auth=%s "
                 "pfc=%d acfc=%d accm=0x%08x",
                 n->local.mru, n->remote.mru, n->local.magic, n->remote.magic,
                 dt_auth_method_to_string(n->auth), n->remote.pfc, n->remote.acfc, n->remote.accm);
        if (n->auth != DT_AUTH_NONE)
            start_auth(p);
        else
            enter_network(p);
        break;
    }
    case DT_FSM_NOTIFY_DOWN:
        log_line(p, "layer=lcp event=down state=%s", dt_fsm_state_to_string(p->lcp.fsm.state));
        stop_network(p);
        break;
    case DT_FSM_NOTIFY_STARTED:
        log_line(p, "layer=lcp event=started");
        break;
    case DT_FSM_NOTIFY_FINISHED:
        log_line(p, "layer=lcp event=finished reason=%s", dt_reason_to_string(p->lcp.fsm.reason));
        p->lcp_finished = true;
        break;
    }
}

static void
ncp_notify(DtPpp *p, DtFsm *f, DtFsmNotify what)
{
    const char *layer = f->cb->name;
    switch (what) {
    case DT_FSM_NOTIFY_UP:
        if (f == &p->ipcp.fsm) {
            DtPppEvent *e = push_event(p, DT_PPP_EVENT_IPCP_UP);
            if (e)
                e->u.ipcp = p->ipcp.neg;
            const DtIpcpNegotiated *n = &p->ipcp.neg;
            log_line(p, "layer=ipcp event=up local=0x%08x peer=0x%08x dns1=0x%08x dns2=0x%08x",
                     n->local_addr, n->peer_addr, n->dns[0], n->dns[1]);
        } else if (f == &p->ipv6cp.fsm) {
            DtPppEvent *e = push_event(p, DT_PPP_EVENT_IPV6CP_UP);
            if (e)
                e->u.ipv6cp = p->ipv6cp.neg;
            log_line(p, "layer=ipv6cp event=up");
        } else {
            DtPppEvent *e = push_event(p, DT_PPP_EVENT_NCP_UP);
            if (e)
                e->u.ncp.protocol = f->protocol;
            log_line(p, "layer=%s event=up", layer);
        }
        break;
    case DT_FSM_NOTIFY_DOWN: {
        DtPppEvent *e = push_event(p, DT_PPP_EVENT_NCP_DOWN);
        if (e)
            e->u.ncp.protocol = f->protocol;
        log_line(p, "layer=%s event=down", layer);
        break;
    }
    case DT_FSM_NOTIFY_STARTED:
        break;
    case DT_FSM_NOTIFY_FINISHED: {
        DtPppEvent *e = push_event(p, DT_PPP_EVENT_NCP_DOWN);
        if (e) {
            e->u.ncp.protocol = f->protocol;
            e->u.ncp.reason = f->reason;
        }
        log_line(p, "layer=%s event=finished reason=%s%s%s", layer, dt_reason_to_string(f->reason),
                 f->message[0] ? " message=" : "", f->message);
        p->ncp_check = true;
        break;
    }
    }
}

static void
fsm_notify_cb(void *owner, DtFsm *f, DtFsmNotify what)
{
    DtPpp *p = owner;
    if (f == &p->lcp.fsm)
        lcp_notify(p, what);
    else
        ncp_notify(p, f, what);
}

static void
fsm_output_cb(void *owner, DtFsm *f, const uint8_t *pkt, size_t len)
{
    enqueue_frame(owner, f->protocol, pkt, len);
}

static void
protocol_rejected_cb(void *ctx, uint16_t protocol, DtTime now)
{
    DtPpp *p = ctx;
    log_line(p, "layer=lcp event=protocol-reject protocol=0x%04x", protocol);
    for (size_t i = 0; i < p->n_ncp; i++)
        if (p->ncp[i].fsm->protocol == protocol)
            dt_fsm_protocol_rejected(p->ncp[i].fsm, now);
    if (p->auth && protocol == dt_auth_method_protocol(p->lcp.neg.auth))
        fail_link(p, DT_REASON_PROTOCOL_REJECTED, protocol, -1,
                  "the peer rejected the authentication protocol it agreed to");
}

DtFsmOwner
dt_ppp_fsm_owner(DtPpp *p)
{
    DtFsmOwner o = {.output = fsm_output_cb, .notify = fsm_notify_cb, .owner = p};
    return o;
}

/* ---- after every entry point ---- */

static bool
ncp_alive(const DtFsm *f)
{
    return f->state >= DT_FSM_REQ_SENT || f->state == DT_FSM_STARTING;
}

static void
check_ncps(DtPpp *p)
{
    p->ncp_check = false;
    if (!p->network || p->lcp.fsm.state != DT_FSM_OPENED)
        return;
    const DtFsm *last = NULL;
    for (size_t i = 0; i < p->n_ncp; i++) {
        if (!p->ncp[i].builtin)
            continue;
        if (ncp_alive(p->ncp[i].fsm))
            return;
        last = p->ncp[i].fsm;
    }
    if (!last)
        return;
    /* RFC 1661 §3.7: with no network protocol left the link has no use. */
    fail_link(p, last->reason != DT_REASON_NONE ? last->reason : DT_REASON_NEGOTIATION_FAILED,
              last->protocol, last->reason_option,
              last->message[0] ? last->message : "no network protocol came up");
}

static DtPppPhase
current_phase(const DtPpp *p)
{
    switch (p->lcp.fsm.state) {
    case DT_FSM_OPENED:
        return p->network ? DT_PPP_PHASE_NETWORK : DT_PPP_PHASE_AUTHENTICATE;
    case DT_FSM_CLOSING:
    case DT_FSM_STOPPING:
        return DT_PPP_PHASE_TERMINATE;
    case DT_FSM_REQ_SENT:
    case DT_FSM_ACK_RCVD:
    case DT_FSM_ACK_SENT:
        return DT_PPP_PHASE_ESTABLISH;
    default:
        return DT_PPP_PHASE_DEAD;
    }
}

static void
report_link_down(DtPpp *p)
{
    p->lcp_finished = false;
    if (p->lcp.fsm.state == DT_FSM_STOPPED)
        dt_fsm_close(&p->lcp.fsm, p->now); /* 2: do not restart on a stray request */
    if (p->down_reported)
        return;
    p->down_reported = true;
    DtPppEvent *e = push_event(p, DT_PPP_EVENT_LINK_DOWN);
    const DtFsm *f = &p->lcp.fsm;
    DtPppDown d = {.reason = f->reason, .option = f->reason_option};
    d.protocol = p->fail_protocol ? p->fail_protocol : DT_PPP_PROTO_LCP;
    if (d.reason == DT_REASON_NONE)
        d.reason = DT_REASON_LOCAL_REQUEST;
    snprintf(d.message, sizeof(d.message), "%s",
             f->message[0] ? f->message : dt_reason_describe(d.reason));
    if (e)
        e->u.down = d;
    log_line(p, "layer=%s event=link-down reason=%s option=%d message=\"%s\"",
             proto_layer(d.protocol), dt_reason_to_string(d.reason), d.option, d.message);
}

static void
after_call(DtPpp *p)
{
    drive_auth(p);
    if (p->ncp_check)
        check_ncps(p);
    if (p->lcp_finished)
        report_link_down(p);
    DtPppPhase ph = current_phase(p);
    if (ph != p->phase) {
        DtPppEvent *e = push_event(p, DT_PPP_EVENT_PHASE);
        if (e) {
            e->u.phase.from = p->phase;
            e->u.phase.to = ph;
        }
        log_line(p, "layer=ppp event=phase from=%s to=%s", dt_ppp_phase_to_string(p->phase),
                 dt_ppp_phase_to_string(ph));
        p->phase = ph;
    }
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
    DtLcpHooks hooks = {.protocol_rejected = protocol_rejected_cb, .ctx = p};
    dt_lcp_init(&p->lcp, &p->cfg.lcp, &p->cfg.random, &owner, &p->cfg.timers, &hooks);
    if (cfg->enable_ipcp) {
        dt_ipcp_init(&p->ipcp, &p->cfg.ipcp, &owner, &p->cfg.timers);
        p->ncp[p->n_ncp++] = (Ncp){&p->ipcp.fsm, DT_PPP_PROTO_IPV4, true};
    }
    if (cfg->enable_ipv6cp) {
        dt_ipv6cp_init(&p->ipv6cp, &p->cfg.ipv6cp, &p->cfg.random, &owner, &p->cfg.timers);
        p->ncp[p->n_ncp++] = (Ncp){&p->ipv6cp.fsm, DT_PPP_PROTO_IPV6, true};
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
    p->ncp[p->n_ncp++] = (Ncp){fsm, data_protocol, false};
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
    after_call(p);
}

void
dt_ppp_close(DtPpp *p, DtReason reason, DtTime now)
{
    p->now = now;
    fail_link(p, reason != DT_REASON_NONE ? reason : DT_REASON_LOCAL_REQUEST, 0, -1, NULL);
    after_call(p);
}

void
dt_ppp_lower_up(DtPpp *p, DtTime now)
{
    p->now = now;
    dt_fsm_lower_up(&p->lcp.fsm, now);
    after_call(p);
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
    after_call(p);
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
        Ncp *n = &p->ncp[i];
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
    if (p->lcp.fsm.state == DT_FSM_OPENED) {
        dt_lcp_send_protocol_reject(&p->lcp, proto, info, len);
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
    kind = demux(p, proto, frame, r.off, dt_reader_remaining(&r), out);
    out->kind = kind;
    after_call(p);
    return kind;
malformed:
    p->stats.malformed++;
    out->kind = kind;
    after_call(p);
    return kind;
}

/* ---- time ---- */

DtTime
dt_ppp_next_deadline(const DtPpp *p)
{
    DtTime t = dt_lcp_next_deadline(&p->lcp);
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
    dt_lcp_handle_timeout(&p->lcp, now);
    for (size_t i = 0; i < p->n_ncp; i++)
        dt_fsm_handle_timeout(p->ncp[i].fsm, now);
    if (p->auth) {
        dt_auth_handle_timeout(p->auth, now);
        if (now >= p->auth_deadline && dt_auth_state(p->auth) != DT_AUTH_STATE_SUCCEEDED &&
            dt_auth_state(p->auth) != DT_AUTH_STATE_FAILED) {
            p->auth_deadline = DT_TIME_NEVER;
            fail_link(p, DT_REASON_AUTH_TIMEOUT, dt_auth_method_protocol(p->lcp.neg.auth), -1,
                      "authentication did not finish in time");
        }
    }
    after_call(p);
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
