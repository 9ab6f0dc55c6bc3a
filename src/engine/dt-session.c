/* dt-session.c — one PPTP call: the layers, their events, and teardown.
 *
 * Order of a client bring-up (RFC 2637 §1.3, RFC 1661 §3): SCCRQ/SCCRP,
 * OCRQ/OCRP, then PPP over GRE: LCP, authentication, and in the Network
 * phase IPCP (and IPv6CP) beside CCP.  IP flows only once IPCP is up and
 * CCP has settled, so that an encrypted link never lets a first packet
 * out in the clear.  Teardown runs the other way: LCP Terminate, then the
 * call (Call-Clear-Request / Call-Disconnect-Notify), then (client) the
 * control connection.
 */
#include "dt-quirks.h"
#include "dt-session-private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- events ------------------------------------------------------------ */

static DtSessionEvent *
push_event(DtSession *s, DtSessionEventType type)
{
    /* The last slot is kept for DOWN, so the end is always reported. */
    unsigned limit =
        type == DT_SESSION_EVENT_DOWN ? DT_SESSION_EVENT_QUEUE : DT_SESSION_EVENT_QUEUE - 1;
    if (s->down_reported || s->ev_count >= limit) {
        s->events_dropped++;
        return NULL;
    }
    DtSessionEvent *e = &s->events[(s->ev_head + s->ev_count) % DT_SESSION_EVENT_QUEUE];
    s->ev_count++;
    memset(e, 0, sizeof(*e));
    e->type = type;
    e->time = s->now;
    return e;
}

void
dt_session_log(DtSession *s, const char *fmt, ...)
{
    DtSessionEvent *e = push_event(s, DT_SESSION_EVENT_LOG);
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->u.log, sizeof(e->u.log), fmt, ap);
    va_end(ap);
}

bool
dt_session_poll_event(DtSession *s, DtSessionEvent *ev)
{
    if (s->ev_count == 0)
        return false;
    *ev = s->events[s->ev_head];
    s->ev_head = (s->ev_head + 1) % DT_SESSION_EVENT_QUEUE;
    s->ev_count--;
    return true;
}

static void
set_stage(DtSession *s, DtSessionStage st)
{
    if (s->stage == st || s->stage == DT_SESSION_STAGE_DOWN)
        return;
    DtSessionEvent *e = push_event(s, DT_SESSION_EVENT_STAGE);
    if (e) {
        e->u.stage.from = s->stage;
        e->u.stage.to = st;
    }
    s->stage = st;
}

/* The peer ended the link without saying why: a Terminate-Request, or the
 * call or control connection going away (RFC 2637 §2.13, §2.3).  These are
 * usually the echo of a cause one of our own layers already knows or is
 * about to report (the server clears the call right after its MS-CHAP
 * Failure), so they are kept only until something says more. */
static bool
is_consequence(DtReason r)
{
    return r == DT_REASON_PEER_STOPPED || r == DT_REASON_PEER_TERMINATED;
}

void
dt_session_note_unasked_ccp(DtSession *s, const uint8_t *frame, size_t len)
{
    size_t off = 0;
    if (len >= 2 && frame[0] == 0xFF && frame[1] == 0x03)
        off = 2; /* RFC 1662 §3.1 address and control, unless ACFC dropped them */
    if (len < off + 2 || frame[off] != 0x80 || frame[off + 1] != 0xFD)
        return; /* CCP's protocol number is even in its first octet: never compressed */
    off += 2;
    /* Code 1 (Configure-Request), Identifier, Length, then options (RFC 1962 §2). */
    if (len < off + 4 || frame[off] != 1)
        return;
    size_t plen = (size_t)frame[off + 2] << 8 | frame[off + 3];
    if (plen < 4 || plen > len - off)
        return;
    for (size_t o = off + 4; o + 2 <= off + plen && frame[o + 1] >= 2; o += frame[o + 1]) {
        uint32_t bits;
        if (o + frame[o + 1] > off + plen)
            return;
        if (dt_ccp_mppe_parse_option(frame + o, frame[o + 1], &bits)) {
            s->peer_ccp_mppe = true;
            s->peer_ccp_bits = bits;
        }
    }
}

/* The peer asked for MPPE encryption that our policy does not allow at all
 * (Encryption=none): its Configure-Request carried a strength bit, and we
 * either run no CCP or could not accept the option. */
static bool
peer_wanted_refused_mppe(const DtSession *s, uint32_t *bits)
{
    if (s->cfg.policy.encryption != DT_MPPE_ENCRYPTION_NONE || s->sum.encrypted)
        return false;
    if (!s->ccp) {
        *bits = s->peer_ccp_bits;
        return s->peer_ccp_mppe && (s->peer_ccp_bits & DT_MPPE_BITS_STRENGTH);
    }
    const DtCcpMppe *m = dt_ccp_negotiation(s->ccp);
    *bits = m->peer_request;
    return m->peer_sent && (m->peer_request & DT_MPPE_BITS_STRENGTH);
}

/* The first meaningful cause wins: later ones are consequences (a Terminate
 * after MPPE_REFUSED, a closed control connection after a cleared call).  A
 * consequence recorded first gives way to the first real cause after it. */
static void
record_down(DtSession *s, DtReason reason, uint16_t protocol, int option, const char *message)
{
    if (reason == DT_REASON_NONE)
        return;
    if (s->down.reason != DT_REASON_NONE &&
        (!is_consequence(s->down.reason) || is_consequence(reason) ||
         reason == DT_REASON_LOCAL_REQUEST || s->stage == DT_SESSION_STAGE_DOWN))
        return;
    s->down.reason = reason;
    s->down.protocol = protocol;
    s->down.option = option;
    snprintf(s->down.message, sizeof(s->down.message), "%s",
             message && message[0] ? message : dt_reason_describe(reason));
    /* A server that requires MPPE ends the link once we refuse it (pppd: LCP
     * Terminate-Request "MPPE required but peer negotiation failed"): that is
     * the typed cause, not a bare Terminate. */
    uint32_t bits;
    if (is_consequence(reason) && s->stage < DT_SESSION_STAGE_NETWORK_UP &&
        peer_wanted_refused_mppe(s, &bits)) {
        char said[DT_SESSION_MAX_MESSAGE];
        snprintf(said, sizeof(said), "%s", s->down.message);
        s->down.reason = DT_REASON_MPPE_REFUSED;
        s->down.protocol = DT_PPP_PROTO_CCP;
        s->down.option = DT_CCP_OPT_MPPE;
        snprintf(s->down.message, sizeof(s->down.message),
                 "The server requires MPPE encryption (it asked for 0x%08x), which this "
                 "profile refuses (Encryption=none); then %.120s",
                 bits, said);
    }
}

static void
finish(DtSession *s)
{
    if (s->stage == DT_SESSION_STAGE_DOWN)
        return;
    if (s->down.reason == DT_REASON_NONE)
        record_down(s, DT_REASON_LOCAL_REQUEST, 0, -1, NULL);
    set_stage(s, DT_SESSION_STAGE_DOWN);
    dt_session_log(s, "layer=session event=down reason=%s protocol=0x%04x",
                   dt_reason_to_string(s->down.reason), s->down.protocol);
    DtSessionEvent *e = push_event(s, DT_SESSION_EVENT_DOWN);
    if (e)
        e->u.down = s->down;
    s->down_reported = true;
}

/* ---- bring-up ----------------------------------------------------------- */

static void
begin_ppp(DtSession *s)
{
    if (s->ppp_started)
        return;
    s->ppp_started = true;
    s->call_up = true;
    s->sum.call_id = s->call_id;
    s->sum.peer_call_id = s->peer_call_id;
    dt_gre_tx_init(&s->gtx, s->peer_call_id, s->cfg.gre_first_seq ? s->cfg.gre_first_seq : 1);
    if (s->cfg.gre_ack_delay_ms)
        s->gtx.ack_delay_ms = s->cfg.gre_ack_delay_ms;
    set_stage(s, DT_SESSION_STAGE_CALL_UP);
    dt_session_log(s, "layer=session event=call-up call_id=%u peer_call_id=%u", s->call_id,
                   s->peer_call_id);
    dt_ppp_open(s->ppp, s->now);
    dt_ppp_lower_up(s->ppp, s->now);
}

/* The layers as dt-session-data.c frames them: with CCP, FF 03 unless the peer took ACFC, then
 * 00 FD uncompressed; without, what dt_ppp_write_header() writes for IP. */
static uint16_t
stack_mtu(DtSession *s, const DtLcpNegotiated *l)
{
    bool ccp = s->ccp && dt_ccp_tx_active(s->ccp);
    DtMtuStack st = {
        .path_mtu = s->cfg.path_mtu,
        .outer_header = s->cfg.path_ipv6 ? DT_MTU_IPV6_HEADER : DT_MTU_IPV4_HEADER,
        .gre_header = DT_MTU_GRE_HEADER,
        .ppp_header = ccp ? (uint16_t)((l->remote.acfc ? 0 : 2) + 2)
                          : (uint16_t)dt_ppp_header_len(s->ppp, DT_PPP_PROTO_IPV4),
        .ccp = ccp,
        .peer_mru = l->remote.mru,
        .local_mtu = s->cfg.mtu,
    };
    s->sum.path_mtu = st.path_mtu ? st.path_mtu : DT_MTU_ETHERNET;
    return dt_mtu_compute(&st);
}

static void
check_network(DtSession *s)
{
    if (s->stage >= DT_SESSION_STAGE_NETWORK_UP || s->ppp_down)
        return;
    if (!s->ipcp_up || !s->ccp_settled)
        return;
    if (s->required && !(s->ccp && dt_ccp_tx_encrypted(s->ccp) && dt_ccp_rx_encrypted(s->ccp)))
        return; /* cannot happen: CCP fails the link first */
    const DtLcpNegotiated *l = dt_ppp_lcp(s->ppp);
    s->sum.mru = l->local.mru;
    s->sum.peer_mru = l->remote.mru;
    s->sum.mtu = stack_mtu(s, l);
    if (s->sum.mtu > DT_SESSION_MAX_PACKET - DT_SESSION_HEADROOM)
        s->sum.mtu = DT_SESSION_MAX_PACKET - DT_SESSION_HEADROOM;
    /* A peer MRU above 1500 (RFC 1661 §6.1 allows up to 65535) over a path above 1500 says
     * only what the peer could receive; the TUN never gets more than the 1500 the link's
     * privileged parent accepts, or the whole link would be refused for it. */
    if (s->sum.mtu > DT_SESSION_MAX_MTU)
        s->sum.mtu = DT_SESSION_MAX_MTU;
    if (!s->sum.ccp_up)
        snprintf(s->sum.description, sizeof(s->sum.description), "no encryption or compression");
    s->network_at = s->now;
    set_stage(s, DT_SESSION_STAGE_NETWORK_UP);
    dt_session_log(s, "layer=session event=network-up mtu=%u path_mtu=%u peer_mru=%u %s",
                   s->sum.mtu, s->sum.path_mtu, s->sum.peer_mru, s->sum.description);
    DtSessionEvent *e = push_event(s, DT_SESSION_EVENT_NEGOTIATED);
    if (e)
        e->u.summary = s->sum;
}

static void
fill_ccp_summary(DtSession *s)
{
    const DtCcpMppe *m = dt_ccp_negotiation(s->ccp);
    s->sum.have_ccp_sent = m->sent[0] == DT_CCP_OPT_MPPE;
    memcpy(s->sum.ccp_sent, m->sent, sizeof(s->sum.ccp_sent));
    s->sum.have_ccp_received = m->have_received;
    memcpy(s->sum.ccp_received, m->received, sizeof(s->sum.ccp_received));
    if (!dt_ccp_is_up(s->ccp))
        return;
    const DtCcpMppeResult *r = dt_ccp_result(s->ccp);
    s->sum.ccp_up = true;
    s->sum.ccp = *r;
    s->sum.encrypted = r->tx.mppe && r->rx.mppe;
    s->sum.bits = r->tx.bits < r->rx.bits ? r->tx.bits : r->rx.bits;
    s->sum.stateless = r->tx.stateless && r->rx.stateless;
    s->sum.compressed = r->tx.mppc || r->rx.mppc;
    dt_ccp_mppe_describe_result(r, s->sum.description, sizeof(s->sum.description));
    if (!s->sum.encrypted && s->sum.compressed && !r->tx.mppe && !r->rx.mppe)
        snprintf(s->sum.description, sizeof(s->sum.description), "%s",
                 r->tx.mppc && r->rx.mppc ? "MPPC, no encryption"
                 : r->tx.mppc             ? "MPPC sending only, no encryption"
                                          : "MPPC receiving only, no encryption");
}

static bool
method_has_keys(DtAuthMethod m)
{
    return m == DT_AUTH_MSCHAP_V1 || m == DT_AUTH_MSCHAP_V2;
}

static void
fail_link(DtSession *s, DtReason reason, uint16_t protocol, int option, const char *message)
{
    record_down(s, reason, protocol, option, message);
    dt_session_log(s, "layer=session event=fail reason=%s message=\"%s\"",
                   dt_reason_to_string(reason), message);
    set_stage(s, DT_SESSION_STAGE_DISCONNECTING);
    dt_ppp_close(s->ppp, reason, s->now);
}

static void
ccp_finished(DtSession *s, DtReason fsm_reason)
{
    const DtCcpMppeFailure *f = dt_ccp_failure(s->ccp);
    fill_ccp_summary(s);
    if (s->required || f->reason != DT_REASON_NONE) {
        DtReason r = f->reason != DT_REASON_NONE ? f->reason : DT_REASON_MPPE_REFUSED;
        char detail[160], msg[DT_SESSION_MAX_MESSAGE];
        dt_ccp_describe_failure(s->ccp, detail, sizeof(detail));
        const char *peer = s->cfg.role == DT_SESSION_CLIENT ? "server" : "client";
        if (r == DT_REASON_MPPE_NO_KEYS)
            snprintf(msg, sizeof(msg), "MPPE required but the authentication gave no keys (%s)",
                     detail);
        else
            snprintf(msg, sizeof(msg), "MPPE required but the %s refused it (%s)", peer, detail);
        fail_link(s, r, DT_PPP_PROTO_CCP, DT_CCP_OPT_MPPE, msg);
        return;
    }
    /* Optional: run without CCP (RFC 1962 §1). */
    dt_session_log(s, "layer=ccp event=finished reason=%s action=continue-uncompressed",
                   dt_reason_to_string(fsm_reason));
    s->ccp_settled = true;
    s->ccp_off = true;
    check_network(s);
}

static void
handle_link_down(DtSession *s, const DtPppDown *d)
{
    s->ppp_down = true;
    record_down(s, d->reason, d->protocol, d->option, d->message);
    set_stage(s, DT_SESSION_STAGE_DISCONNECTING);
    if (s->cfg.role == DT_SESSION_SERVER) {
        /* RFC 2637 §2.13: the PAC ends the call with Call-Disconnect-Notify. */
        if (s->call_up && !s->ctrl_closed)
            dt_pptp_ctrl_clear_call(s->ctrl, s->call_id, s->now);
        s->call_up = false;
        finish(s);
        return;
    }
    /* §2.3: the PNS stops the control connection (it clears the call first). */
    if (!s->ctrl_closed)
        dt_pptp_ctrl_stop(s->ctrl, DT_PPTP_STOP_REASON_NONE, s->now);
    else
        finish(s);
}

static void
handle_ppp_event(DtSession *s, const DtPppEvent *ev)
{
    switch (ev->type) {
    case DT_PPP_EVENT_LCP_UP:
        s->sum.auth = ev->u.lcp.auth;
        s->sum.mru = ev->u.lcp.local.mru;
        s->sum.peer_mru = ev->u.lcp.remote.mru;
        set_stage(s, DT_SESSION_STAGE_LCP_UP);
        if (s->cfg.role == DT_SESSION_CLIENT)
            /* §2.15: tell the PAC the ACCMs (informational over GRE). */
            dt_pptp_ctrl_set_link_info(s->ctrl, s->call_id, ev->u.lcp.remote.accm,
                                       ev->u.lcp.local.accm, s->now);
        if (s->required && !method_has_keys(ev->u.lcp.auth)) {
            char msg[DT_SESSION_MAX_MESSAGE];
            snprintf(
                msg, sizeof(msg), "MPPE required but %s authentication gives no encryption keys",
                ev->u.lcp.auth == DT_AUTH_NONE ? "no" : dt_auth_method_describe(ev->u.lcp.auth));
            fail_link(s, DT_REASON_MPPE_NO_KEYS, DT_PPP_PROTO_CCP, -1, msg);
        } else if (ev->u.lcp.auth == DT_AUTH_NONE) {
            set_stage(s, DT_SESSION_STAGE_AUTHENTICATED);
        }
        break;
    case DT_PPP_EVENT_AUTH:
        if (ev->u.auth.ok) {
            snprintf(s->sum.peer_name, sizeof(s->sum.peer_name), "%s", ev->u.auth.result.peer_name);
            set_stage(s, DT_SESSION_STAGE_AUTHENTICATED);
        } else {
            /* Record it now: the peer's Terminate-Request and cleared call
             * that follow are its consequences (RFC 1994 §4.4: the
             * authenticator ends the link after a Failure).  dt-ppp has
             * already failed LCP with the reason and its sentence. */
            const DtFsm *l = dt_ppp_lcp_fsm(s->ppp);
            DtReason r = l->reason != DT_REASON_NONE ? l->reason : ev->u.auth.result.reason;
            record_down(s, r != DT_REASON_NONE ? r : DT_REASON_AUTH_FAILED,
                        dt_auth_method_protocol(ev->u.auth.method), -1, l->message);
            set_stage(s, DT_SESSION_STAGE_DISCONNECTING);
        }
        break;
    case DT_PPP_EVENT_IPCP_UP:
        s->ipcp_up = true;
        s->sum.local_ip = ev->u.ipcp.local_addr;
        s->sum.peer_ip = ev->u.ipcp.peer_addr;
        memcpy(s->sum.dns, ev->u.ipcp.dns, sizeof(s->sum.dns));
        memcpy(s->sum.nbns, ev->u.ipcp.nbns, sizeof(s->sum.nbns));
        check_network(s);
        break;
    case DT_PPP_EVENT_IPV6CP_UP:
        s->ipv6cp_up = true;
        s->sum.ipv6 = true;
        memcpy(s->sum.local_iid, ev->u.ipv6cp.local_iid, 8);
        memcpy(s->sum.peer_iid, ev->u.ipv6cp.peer_iid, 8);
        break;
    case DT_PPP_EVENT_NCP_UP:
        if (s->ccp && ev->u.ncp.protocol == DT_PPP_PROTO_CCP) {
            fill_ccp_summary(s);
            s->ccp_settled = true;
            s->ccp_off = false;
            const DtCcpMppe *m = dt_ccp_negotiation(s->ccp);
            dt_session_log(s, "layer=ccp event=up sent=0x%08x received=0x%08x %s",
                           m->sent[0] ? (uint32_t)m->sent[2] << 24 | (uint32_t)m->sent[3] << 16 |
                                            (uint32_t)m->sent[4] << 8 | m->sent[5]
                                      : 0u,
                           m->peer_request, s->sum.description);
            if (s->stage < DT_SESSION_STAGE_CCP_UP)
                set_stage(s, DT_SESSION_STAGE_CCP_UP);
            check_network(s);
        }
        break;
    case DT_PPP_EVENT_NCP_DOWN:
        if (s->ccp && ev->u.ncp.protocol == DT_PPP_PROTO_CCP) {
            const DtFsm *f = dt_ccp_fsm(s->ccp);
            if (f->state == DT_FSM_CLOSED || f->state == DT_FSM_STOPPED)
                ccp_finished(s, ev->u.ncp.reason);
        } else if (ev->u.ncp.protocol == DT_PPP_PROTO_IPCP) {
            s->ipcp_up = false;
        }
        break;
    case DT_PPP_EVENT_LINK_DOWN:
        handle_link_down(s, &ev->u.down);
        break;
    case DT_PPP_EVENT_LOG: {
        DtSessionEvent *e = push_event(s, DT_SESSION_EVENT_LOG);
        if (e)
            snprintf(e->u.log, sizeof(e->u.log), "%s", ev->u.log);
        break;
    }
    case DT_PPP_EVENT_PHASE:
        break;
    }
}

/* The call went away while LCP was already terminating (the peer's
 * Terminate-Request came first): that is the cause, not the cleared call. */
static void
record_lcp_cause(DtSession *s)
{
    if (!s->ppp_started || s->ppp_down)
        return;
    const DtFsm *l = dt_ppp_lcp_fsm(s->ppp);
    if (l->reason != DT_REASON_NONE)
        record_down(s, l->reason, DT_PPP_PROTO_LCP, l->reason_option, l->message);
}

/* The SCCRP came, before any LCP: the known quirks of this server (dt-quirks.h), each logged
 * once.  Only those that change something under this profile's policy, which they never
 * change. */
static void
apply_quirks(DtSession *s, const DtPptpPeerInfo *p)
{
    DtQuirks q = dt_quirks_effective(dt_quirks_match(p->vendor, p->firmware), &s->cfg.policy);
    if (!s->ccp)
        q &= ~(DtQuirks)DT_QUIRK_PREFER_STATEFUL;
    s->sum.quirks = q;
    if (q & DT_QUIRK_QUIET_CBCP_BACP)
        dt_ppp_set_quiet_rejects(s->ppp, true);
    if (q & DT_QUIRK_PREFER_STATEFUL)
        dt_ccp_set_prefer_stateful(s->ccp, true);
    for (unsigned i = 0; i < DT_QUIRK_COUNT; i++) {
        DtQuirk k = dt_quirk_nth(i);
        if (q & k)
            dt_session_log(s, "layer=session event=quirk-applied quirk=%s firmware=%u what=\"%s\"",
                           dt_quirk_name(k), p->firmware, dt_quirk_describe(k));
    }
}

static void
handle_pptp_event(DtSession *s, const DtPptpEvent *ev)
{
    switch (ev->type) {
    case DT_PPTP_EVENT_CONTROL_UP:
        if (s->cfg.role == DT_SESSION_CLIENT && s->stage < DT_SESSION_STAGE_CONTROL_UP) {
            set_stage(s, DT_SESSION_STAGE_CONTROL_UP);
            const DtPptpPeerInfo *p = dt_pptp_ctrl_peer(s->ctrl);
            dt_session_log(s, "layer=pptp event=control-up host=\"%s\" vendor=\"%s\"", p->host_name,
                           p->vendor);
            apply_quirks(s, p);
        }
        break;
    case DT_PPTP_EVENT_CALL_UP:
        if (ev->call_id != s->call_id || s->ppp_down || s->stage == DT_SESSION_STAGE_DISCONNECTING)
            break;
        s->peer_call_id = ev->peer_call_id;
        begin_ppp(s);
        break;
    case DT_PPTP_EVENT_CALL_DOWN:
        if (ev->call_id != s->call_id)
            break;
        s->call_up = false;
        record_lcp_cause(s);
        record_down(s, ev->reason != DT_REASON_NONE ? ev->reason : DT_REASON_PEER_STOPPED, 0, -1,
                    ev->message);
        set_stage(s, DT_SESSION_STAGE_DISCONNECTING);
        if (s->ppp_started && !s->ppp_down) {
            dt_ppp_lower_down(s->ppp, DT_REASON_PEER_STOPPED, s->now);
        } else if (s->cfg.role == DT_SESSION_CLIENT && !s->ctrl_closed) {
            dt_pptp_ctrl_stop(s->ctrl, DT_PPTP_STOP_REASON_NONE, s->now);
        } else {
            finish(s);
        }
        break;
    case DT_PPTP_EVENT_CLOSED:
        s->ctrl_closed = true;
        s->call_up = false;
        record_lcp_cause(s);
        record_down(s, ev->reason != DT_REASON_NONE ? ev->reason : DT_REASON_PEER_STOPPED, 0, -1,
                    ev->message);
        set_stage(s, DT_SESSION_STAGE_DISCONNECTING);
        if (s->ppp_started && !s->ppp_down)
            dt_ppp_lower_down(s->ppp, DT_REASON_PEER_STOPPED, s->now);
        else
            finish(s);
        break;
    case DT_PPTP_EVENT_SET_LINK_INFO:
    case DT_PPTP_EVENT_WAN_ERROR:
        if (ev->call_id == s->call_id)
            dt_session_log(s, "layer=pptp event=%s",
                           ev->type == DT_PPTP_EVENT_SET_LINK_INFO ? "set-link-info" : "wan-error");
        break;
    case DT_PPTP_EVENT_CALL_REQUEST:
    case DT_PPTP_EVENT_NONE:
        break;
    }
}

/* After every entry point: let the layers' events drive each other until
 * nothing changes (each handler only moves state forward, so this ends). */
void
dt_session_pump(DtSession *s)
{
    for (int guard = 0; guard < 64; guard++) {
        bool any = false;
        DtPppEvent pe;
        while (dt_ppp_poll_event(s->ppp, &pe)) {
            handle_ppp_event(s, &pe);
            any = true;
        }
        if (s->own_ctrl) {
            DtPptpEvent ce;
            while (dt_pptp_ctrl_poll_event(s->ctrl, &ce)) {
                handle_pptp_event(s, &ce);
                any = true;
            }
        }
        if (!any)
            break;
    }
}

/* ---- lifecycle ---------------------------------------------------------- */

DtSession *
dt_session_new(const DtSessionConfig *cfg)
{
    if (!cfg || !cfg->crypto)
        return NULL;
    if (cfg->role == DT_SESSION_SERVER && (!cfg->ctrl || cfg->call_id == 0))
        return NULL;
    DtSession *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cfg = *cfg;
    s->cfg.ppp.user = s->cfg.ppp.password = NULL;
    s->required = cfg->policy.encryption == DT_MPPE_ENCRYPTION_REQUIRE ||
                  cfg->policy.encryption == DT_MPPE_ENCRYPTION_REQUIRE_128;
    s->down.option = -1;

    DtPppConfig pc = cfg->ppp;
    pc.role = cfg->role == DT_SESSION_CLIENT ? DT_PPP_ROLE_PEER : DT_PPP_ROLE_AUTHENTICATOR;
    pc.crypto = cfg->crypto;
    pc.random = cfg->random;
    pc.enable_ipcp = true;
    if (!pc.lcp.mru)
        pc.lcp.mru = DT_SESSION_DEFAULT_MRU;
    s->ppp = dt_ppp_new(&pc);
    if (!s->ppp)
        goto fail;

    if (cfg->policy.encryption != DT_MPPE_ENCRYPTION_NONE || cfg->policy.compression) {
        DtCcpConfig cc = {
            .crypto = cfg->crypto,
            .policy = cfg->policy,
            .compat = cfg->mppe_compat,
            .timers = cfg->ppp.timers,
            .reset_retry_ms = cfg->reset_retry_ms,
            .strengths = cfg->mppe_strengths,
            .prefer_stateful = cfg->prefer_stateful,
        };
        s->ccp = dt_ccp_new(&cc);
        if (!s->ccp || !dt_ccp_attach(s->ccp, s->ppp))
            goto fail;
    } else {
        s->ccp_settled = true;
    }

    if (cfg->role == DT_SESSION_CLIENT) {
        DtPptpCtrlConfig pcfg = cfg->pptp;
        pcfg.role = DT_PPTP_ROLE_PNS;
        s->ctrl = dt_pptp_ctrl_new(&pcfg);
        if (!s->ctrl)
            goto fail;
        s->own_ctrl = true;
    } else {
        s->ctrl = cfg->ctrl;
        s->call_id = cfg->call_id;
        s->peer_call_id = cfg->peer_call_id;
        s->call_placed = true;
    }
    s->stats.duration_ms = 0;
    return s;
fail:
    dt_session_free(s);
    return NULL;
}

/* The GRE receiver needs our call ID, which the client learns only when it
 * places the call. */
static bool
make_gre_rx(DtSession *s)
{
    DtGreRxConfig g = s->cfg.gre;
    g.call_id = s->call_id;
    if (!g.slot_size)
        g.slot_size = DT_SESSION_MAX_PACKET;
    if (g.slot_size > DT_SESSION_MAX_PACKET)
        g.slot_size = DT_SESSION_MAX_PACKET; /* what rx_copy holds */
    s->grx = dt_gre_rx_new(&g);
    return s->grx != NULL;
}

void
dt_session_free(DtSession *s)
{
    if (!s)
        return;
    dt_ccp_free(s->ccp);
    dt_ppp_free(s->ppp);
    dt_gre_rx_free(s->grx);
    if (s->own_ctrl)
        dt_pptp_ctrl_free(s->ctrl);
    dt_wipe(s, sizeof(*s));
    free(s);
}

void
dt_session_start(DtSession *s, DtTime now)
{
    s->now = now;
    if (s->started)
        return;
    s->started = true;
    s->started_at = now;
    if (s->cfg.role == DT_SESSION_CLIENT) {
        set_stage(s, DT_SESSION_STAGE_CONTROL);
        dt_pptp_ctrl_start(s->ctrl, now);
        if (!dt_pptp_ctrl_call(s->ctrl, now, &s->call_id) || !make_gre_rx(s)) {
            record_down(s, DT_REASON_INTERNAL, 0, -1, "could not place the call");
            finish(s);
            return;
        }
        s->call_placed = true;
    } else {
        if (!make_gre_rx(s)) {
            record_down(s, DT_REASON_INTERNAL, 0, -1, "no memory for the GRE window");
            dt_pptp_ctrl_clear_call(s->ctrl, s->call_id, now);
            finish(s);
            return;
        }
        begin_ppp(s);
    }
    dt_session_pump(s);
}

void
dt_session_close(DtSession *s, DtReason reason, DtTime now)
{
    s->now = now;
    if (s->stage == DT_SESSION_STAGE_DOWN)
        return;
    record_down(s, reason != DT_REASON_NONE ? reason : DT_REASON_LOCAL_REQUEST, 0, -1,
                "disconnected on request");
    set_stage(s, DT_SESSION_STAGE_DISCONNECTING);
    if (s->ppp_started && !s->ppp_down) {
        dt_ppp_close(s->ppp, reason, now); /* LINK_DOWN follows the Terminate-Ack */
    } else if (s->cfg.role == DT_SESSION_CLIENT && !s->ctrl_closed && s->started) {
        dt_pptp_ctrl_stop(s->ctrl, DT_PPTP_STOP_REASON_NONE, now);
    } else {
        if (s->cfg.role == DT_SESSION_SERVER && s->call_up)
            dt_pptp_ctrl_clear_call(s->ctrl, s->call_id, now);
        finish(s);
    }
    dt_session_pump(s);
}

/* ---- control connection ------------------------------------------------ */

size_t
dt_session_control_input(DtSession *s, const uint8_t *data, size_t len, DtTime now)
{
    s->now = now;
    if (!s->own_ctrl)
        return 0;
    size_t n = dt_pptp_ctrl_input(s->ctrl, data, len, now);
    dt_session_pump(s);
    return n;
}

void
dt_session_control_eof(DtSession *s, DtTime now)
{
    s->now = now;
    if (!s->own_ctrl)
        return;
    dt_pptp_ctrl_input_eof(s->ctrl, now);
    dt_session_pump(s);
}

const uint8_t *
dt_session_control_peek(const DtSession *s, size_t *len)
{
    *len = 0;
    if (!s->own_ctrl)
        return NULL;
    return dt_pptp_ctrl_peek_transmit(s->ctrl, len);
}

void
dt_session_control_consume(DtSession *s, size_t n)
{
    if (s->own_ctrl)
        dt_pptp_ctrl_consume_transmit(s->ctrl, n);
}

void
dt_session_pptp_event(DtSession *s, const DtPptpEvent *ev, DtTime now)
{
    s->now = now;
    if (s->own_ctrl)
        return;
    handle_pptp_event(s, ev);
    dt_session_pump(s);
}

/* ---- time --------------------------------------------------------------- */

DtTime
dt_session_next_deadline(const DtSession *s)
{
    if (!s->started || s->stage == DT_SESSION_STAGE_DOWN)
        return DT_TIME_NEVER;
    DtTime t = DT_TIME_NEVER;
    if (s->own_ctrl)
        t = dt_time_min(t, dt_pptp_ctrl_next_deadline(s->ctrl));
    if (s->ppp_started) {
        t = dt_time_min(t, dt_ppp_next_deadline(s->ppp));
        t = dt_time_min(t, dt_gre_tx_next_deadline(&s->gtx));
        if (s->grx)
            t = dt_time_min(t, dt_gre_rx_next_deadline(s->grx));
        if (s->ccp)
            t = dt_time_min(t, dt_ccp_next_deadline(s->ccp));
    }
    return t;
}

void
dt_session_handle_timeout(DtSession *s, DtTime now)
{
    s->now = now;
    if (!s->started || s->stage == DT_SESSION_STAGE_DOWN)
        return;
    if (s->own_ctrl)
        dt_pptp_ctrl_handle_timeout(s->ctrl, now);
    if (s->ppp_started) {
        if (s->grx) {
            dt_gre_rx_handle_timeout(s->grx, now);
            s->rx_pop_pending = true; /* what the skipped gap released */
        }
        dt_ppp_handle_timeout(s->ppp, now);
        if (s->ccp)
            dt_ccp_handle_timeout(s->ccp, now);
    }
    dt_session_pump(s);
}

/* ---- state -------------------------------------------------------------- */

DtSessionRole
dt_session_role(const DtSession *s)
{
    return s->cfg.role;
}

DtSessionStage
dt_session_stage(const DtSession *s)
{
    return s->stage;
}

bool
dt_session_is_down(const DtSession *s)
{
    return s->stage == DT_SESSION_STAGE_DOWN;
}

const DtSessionSummary *
dt_session_summary(const DtSession *s)
{
    return &s->sum;
}

const DtSessionDown *
dt_session_down(const DtSession *s)
{
    return &s->down;
}

uint16_t
dt_session_mtu(const DtSession *s)
{
    return s->sum.mtu;
}

uint16_t
dt_session_call_id(const DtSession *s)
{
    return s->call_id;
}

const DtPpp *
dt_session_ppp(const DtSession *s)
{
    return s->ppp;
}

const DtPptpCtrl *
dt_session_ctrl(const DtSession *s)
{
    return s->ctrl;
}

const char *
dt_session_stage_to_string(DtSessionStage st)
{
    static const char *const names[] = {
        "idle",          "control", "control-up", "call-up",       "lcp-up",
        "authenticated", "ccp-up",  "network-up", "disconnecting", "down",
    };
    return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "unknown";
}

const char *
dt_session_event_type_to_string(DtSessionEventType t)
{
    switch (t) {
    case DT_SESSION_EVENT_STAGE:
        return "stage";
    case DT_SESSION_EVENT_NEGOTIATED:
        return "negotiated";
    case DT_SESSION_EVENT_LOG:
        return "log";
    case DT_SESSION_EVENT_DOWN:
        return "down";
    }
    return "unknown";
}
