/* dt-ppp-phase.c — the phases of one PPP link (RFC 1661 §3.2–§3.7):
 * authentication, the network phase, what each layer's Up/Down/Finished
 * means for the link, and the bookkeeping after every entry point. */
#include "dt-ppp-private.h"

#include <stdio.h>

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
    p->data_at = p->now;
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
        .random = p->cfg.random.fn,
        .random_ctx = p->cfg.random.ctx,
    };
    p->auth = dt_auth_new(&ac);
    p->auth_reported = false;
    if (!p->auth) {
        dt_ppp_fail_link(p, DT_REASON_INTERNAL, dt_auth_method_protocol(ac.method), -1,
                         "cannot start authentication");
        return;
    }
    p->auth_deadline = p->now + p->cfg.auth_timeout_ms;
    dt_ppp_log_line(p, "layer=auth event=start method=%s role=%s",
                    dt_auth_method_to_string(ac.method),
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
        dt_ppp_enqueue_frame(p, proto, buf, n);
    DtAuthState st = dt_auth_state(p->auth);
    if (p->auth_reported || (st != DT_AUTH_STATE_SUCCEEDED && st != DT_AUTH_STATE_FAILED))
        return;
    p->auth_reported = true;
    p->auth_deadline = DT_TIME_NEVER;
    const DtAuthResult *res = dt_auth_result(p->auth);
    DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_AUTH);
    if (e) {
        e->u.auth.method = p->lcp.neg.auth;
        e->u.auth.ok = st == DT_AUTH_STATE_SUCCEEDED;
        e->u.auth.result = *res;
    }
    if (st == DT_AUTH_STATE_SUCCEEDED) {
        dt_ppp_log_line(p, "layer=auth event=success method=%s",
                        dt_auth_method_to_string(p->lcp.neg.auth));
        enter_network(p);
        return;
    }
    dt_ppp_log_line(p, "layer=auth event=failure method=%s reason=%s code=%u",
                    dt_auth_method_to_string(p->lcp.neg.auth), dt_reason_to_string(res->reason),
                    res->error_code);
    /* The typed reason's sentence first (what the user must do), then what
     * the peer said, which is often only "Authentication failure". */
    DtReason why = res->reason != DT_REASON_NONE ? res->reason : DT_REASON_AUTH_FAILED;
    char msg[DT_FSM_MAX_MESSAGE];
    if (res->message[0])
        snprintf(msg, sizeof(msg), "%s %s: %.70s", dt_reason_describe(why),
                 dt_auth_method_describe(p->lcp.neg.auth), res->message);
    else
        snprintf(msg, sizeof(msg), "%s (%s)", dt_reason_describe(why),
                 dt_auth_method_describe(p->lcp.neg.auth));
    dt_ppp_fail_link(p, why, proto, -1, msg);
}

/* ---- layer notifications ---- */

/* " rejected=2,13": the option types this layer Configure-Rejected on its way up (what the
 * peer offered that we do not use), so a log shows how negotiation converged. */
static const char *
rejected_note(const DtFsm *f, char *buf, size_t len)
{
    char types[128];
    buf[0] = '\0';
    if (dt_fsm_rejected_types(f, types, sizeof(types)))
        snprintf(buf, len, " rejected=%s", types);
    return buf;
}

static void
lcp_notify(DtPpp *p, DtFsmNotify what)
{
    const DtLcpNegotiated *n = &p->lcp.neg;
    char note[160];
    switch (what) {
    case DT_FSM_NOTIFY_UP: {
        DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_LCP_UP);
        if (e)
            e->u.lcp = *n;
        dt_ppp_log_line(
            p,
            "layer=lcp event=up mru=%u peer_mru=%u magic=0x%08x peer_magic=0x%08x auth=%s "
            "pfc=%d acfc=%d accm=0x%08x%s",
            n->local.mru, n->remote.mru, n->local.magic, n->remote.magic,
            dt_auth_method_to_string(n->auth), n->remote.pfc, n->remote.acfc, n->remote.accm,
            rejected_note(&p->lcp.fsm, note, sizeof(note)));
        if (n->auth != DT_AUTH_NONE)
            start_auth(p);
        else
            enter_network(p);
        break;
    }
    case DT_FSM_NOTIFY_DOWN:
        dt_ppp_log_line(p, "layer=lcp event=down state=%s",
                        dt_fsm_state_to_string(p->lcp.fsm.state));
        stop_network(p);
        break;
    case DT_FSM_NOTIFY_STARTED:
        dt_ppp_log_line(p, "layer=lcp event=started");
        break;
    case DT_FSM_NOTIFY_FINISHED:
        dt_ppp_log_line(p, "layer=lcp event=finished reason=%s",
                        dt_reason_to_string(p->lcp.fsm.reason));
        p->lcp_finished = true;
        break;
    }
}

static void
ncp_notify(DtPpp *p, DtFsm *f, DtFsmNotify what)
{
    const char *layer = f->cb->name;
    char note[160];
    switch (what) {
    case DT_FSM_NOTIFY_UP:
        /* The link works: an earlier refused method no longer explains how it ends. */
        p->lcp.auth_refused = false;
        if (f == &p->ipcp.fsm) {
            DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_IPCP_UP);
            if (e)
                e->u.ipcp = p->ipcp.neg;
            const DtIpcpNegotiated *n = &p->ipcp.neg;
            dt_ppp_log_line(p,
                            "layer=ipcp event=up local=0x%08x peer=0x%08x dns1=0x%08x "
                            "dns2=0x%08x%s",
                            n->local_addr, n->peer_addr, n->dns[0], n->dns[1],
                            rejected_note(f, note, sizeof(note)));
        } else if (f == &p->ipv6cp.fsm) {
            DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_IPV6CP_UP);
            if (e)
                e->u.ipv6cp = p->ipv6cp.neg;
            dt_ppp_log_line(p, "layer=ipv6cp event=up%s", rejected_note(f, note, sizeof(note)));
        } else {
            DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_NCP_UP);
            if (e)
                e->u.ncp.protocol = f->protocol;
            dt_ppp_log_line(p, "layer=%s event=up%s", layer, rejected_note(f, note, sizeof(note)));
        }
        break;
    case DT_FSM_NOTIFY_DOWN: {
        DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_NCP_DOWN);
        if (e)
            e->u.ncp.protocol = f->protocol;
        dt_ppp_log_line(p, "layer=%s event=down", layer);
        break;
    }
    case DT_FSM_NOTIFY_STARTED:
        break;
    case DT_FSM_NOTIFY_FINISHED: {
        DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_NCP_DOWN);
        if (e) {
            e->u.ncp.protocol = f->protocol;
            e->u.ncp.reason = f->reason;
        }
        dt_ppp_log_line(p, "layer=%s event=finished reason=%s%s%s", layer,
                        dt_reason_to_string(f->reason), f->message[0] ? " message=" : "",
                        f->message);
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
    dt_ppp_enqueue_frame(owner, f->protocol, pkt, len);
}

void
dt_ppp_protocol_rejected_cb(void *ctx, uint16_t protocol, DtTime now)
{
    DtPpp *p = ctx;
    dt_ppp_log_line(p, "layer=lcp event=protocol-reject protocol=0x%04x", protocol);
    for (size_t i = 0; i < p->n_ncp; i++)
        if (p->ncp[i].fsm->protocol == protocol)
            dt_fsm_protocol_rejected(p->ncp[i].fsm, now);
    if (p->auth && protocol == dt_auth_method_protocol(p->lcp.neg.auth))
        dt_ppp_fail_link(p, DT_REASON_PROTOCOL_REJECTED, protocol, -1,
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
    dt_ppp_fail_link(p,
                     last->reason != DT_REASON_NONE ? last->reason : DT_REASON_NEGOTIATION_FAILED,
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
    DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_LINK_DOWN);
    const DtFsm *f = &p->lcp.fsm;
    DtPppDown d = {.reason = f->reason, .option = f->reason_option};
    d.protocol = p->fail_protocol ? p->fail_protocol : DT_PPP_PROTO_LCP;
    if (d.reason == DT_REASON_NONE)
        d.reason = DT_REASON_LOCAL_REQUEST;
    snprintf(d.message, sizeof(d.message), "%s",
             f->message[0] ? f->message : dt_reason_describe(d.reason));
    if (e)
        e->u.down = d;
    dt_ppp_log_line(p, "layer=%s event=link-down reason=%s option=%d message=\"%s\"",
                    proto_layer(d.protocol), dt_reason_to_string(d.reason), d.option, d.message);
}

void
dt_ppp_after_call(DtPpp *p)
{
    drive_auth(p);
    if (p->ncp_check)
        check_ncps(p);
    if (p->lcp_finished)
        report_link_down(p);
    DtPppPhase ph = current_phase(p);
    if (ph != p->phase) {
        DtPppEvent *e = dt_ppp_push_event(p, DT_PPP_EVENT_PHASE);
        if (e) {
            e->u.phase.from = p->phase;
            e->u.phase.to = ph;
        }
        dt_ppp_log_line(p, "layer=ppp event=phase from=%s to=%s", dt_ppp_phase_to_string(p->phase),
                        dt_ppp_phase_to_string(ph));
        p->phase = ph;
    }
}
