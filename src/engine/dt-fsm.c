/* dt-fsm.c — the RFC 1661 §4 option-negotiation automaton.
 *
 * Each event handler below is one row of the §4.1 state transition table
 * (PROTOCOL.md §3.5 reproduces it); the comments give the cell as printed.
 */
#include "dt-fsm.h"

#include <stdio.h>
#include <string.h>

#define FSM_MAX_PACKET 1500 /* largest packet we build (a Reject echoes options) */

static const char *const state_names[] = {
    [DT_FSM_INITIAL] = "initial",   [DT_FSM_STARTING] = "starting", [DT_FSM_CLOSED] = "closed",
    [DT_FSM_STOPPED] = "stopped",   [DT_FSM_CLOSING] = "closing",   [DT_FSM_STOPPING] = "stopping",
    [DT_FSM_REQ_SENT] = "req-sent", [DT_FSM_ACK_RCVD] = "ack-rcvd", [DT_FSM_ACK_SENT] = "ack-sent",
    [DT_FSM_OPENED] = "opened",
};

size_t
dt_fsm_rejected_types(const DtFsm *f, char *buf, size_t len)
{
    size_t n = 0;
    if (len)
        buf[0] = '\0';
    for (unsigned t = 0; t < 256; t++) {
        if (!(f->rejected_types[t / 8] & (1u << (t % 8))))
            continue;
        int w = snprintf(buf + n, len > n ? len - n : 0, "%s%u", n ? "," : "", t);
        if (w < 0 || (size_t)w >= (len > n ? len - n : 0)) {
            if (len > n)
                buf[n] = '\0'; /* no half number */
            break;
        }
        n += (size_t)w;
    }
    return n;
}

const char *
dt_fsm_state_to_string(DtFsmState s)
{
    if ((unsigned)s < sizeof(state_names) / sizeof(state_names[0]))
        return state_names[s];
    return "invalid";
}

void
dt_fsm_init(DtFsm *f, uint16_t protocol, const DtFsmCallbacks *cb, void *proto_ctx,
            const DtFsmOwner *owner, const DtFsmTimers *timers)
{
    memset(f, 0, sizeof(*f));
    f->cb = cb;
    f->proto_ctx = proto_ctx;
    if (owner)
        f->owner = *owner;
    f->protocol = protocol;
    f->state = DT_FSM_INITIAL;
    f->deadline = DT_TIME_NEVER;
    f->reason_option = -1;
    if (timers && timers->restart_ms)
        f->timers = *timers;
    if (!f->timers.restart_ms)
        f->timers.restart_ms = DT_FSM_RESTART_MS;
    if (!f->timers.max_terminate)
        f->timers.max_terminate = DT_FSM_MAX_TERMINATE;
    if (!f->timers.max_configure)
        f->timers.max_configure = DT_FSM_MAX_CONFIGURE;
    if (!f->timers.max_failure)
        f->timers.max_failure = DT_FSM_MAX_FAILURE;
    if (!f->timers.max_nak_received)
        f->timers.max_nak_received = DT_FSM_MAX_NAK_RECEIVED;
    f->next_id = 1;
}

uint8_t
dt_fsm_new_id(DtFsm *f)
{
    return f->next_id++;
}

static void
set_reason(DtFsm *f, DtReason reason, int option, const char *message)
{
    if (f->reason != DT_REASON_NONE)
        return;
    f->reason = reason;
    f->reason_option = option;
    snprintf(f->message, sizeof(f->message), "%s", message ? message : "");
}

void
dt_fsm_send(DtFsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    uint8_t pkt[FSM_MAX_PACKET];
    if (len > sizeof(pkt) - 4)
        len = sizeof(pkt) - 4;
    pkt[0] = code;
    pkt[1] = id;
    dt_put_u16(pkt + 2, (uint16_t)(len + 4));
    if (len)
        memcpy(pkt + 4, data, len);
    if (f->owner.output)
        f->owner.output(f->owner.owner, f, pkt, len + 4);
}

/* ---- actions (RFC 1661 §4.4) ---- */

static void
notify(DtFsm *f, DtFsmNotify what)
{
    if (f->owner.notify)
        f->owner.notify(f->owner.owner, f, what);
}

static void
start_timer(DtFsm *f)
{
    f->deadline = f->now + f->timers.restart_ms;
}

static void
irc_configure(DtFsm *f)
{
    f->restart_count = f->timers.max_configure;
}

static void
irc_terminate(DtFsm *f)
{
    f->restart_count = f->timers.max_terminate;
}

static void
zrc(DtFsm *f)
{
    f->restart_count = 0;
    start_timer(f);
}

/* scr: a retransmission keeps the Identifier unless the previous one was
 * answered (§5.1: it must change when the options change). */
static void
scr(DtFsm *f, bool retransmit)
{
    if (!retransmit || f->req_answered) {
        f->req_id = f->next_id++;
        DtWriter w;
        dt_writer_init(&w, f->req, sizeof(f->req));
        if (f->cb->build_request)
            f->cb->build_request(f, &w);
        f->req_len = dt_writer_ok(&w) ? w.len : 0;
        f->req_answered = false;
    }
    f->peer_term_acked = false;
    dt_fsm_send(f, DT_FSM_CONF_REQ, f->req_id, f->req, f->req_len);
    if (f->restart_count)
        f->restart_count--;
    start_timer(f);
}

static void
str(DtFsm *f)
{
    f->term_id = f->next_id++;
    dt_fsm_send(f, DT_FSM_TERM_REQ, f->term_id, NULL, 0);
    if (f->restart_count)
        f->restart_count--;
    start_timer(f);
}

static void
sta(DtFsm *f, uint8_t id)
{
    dt_fsm_send(f, DT_FSM_TERM_ACK, id, NULL, 0);
}

static void
scj(DtFsm *f, const uint8_t *pkt, size_t len)
{
    dt_fsm_send(f, DT_FSM_CODE_REJ, f->next_id++, pkt, len);
}

static void tld(DtFsm *f);

static void
tlu(DtFsm *f)
{
    f->naks_received = 0;
    if (f->cb->up && !f->cb->up(f)) {
        /* Vetoed (e.g. IPCP refuses the address): close as if asked to,
         * with the reason the protocol recorded. */
        if (f->cb->down)
            f->cb->down(f);
        irc_terminate(f);
        str(f);
        f->state = DT_FSM_CLOSING;
        return;
    }
    notify(f, DT_FSM_NOTIFY_UP);
}

static void
tld(DtFsm *f)
{
    if (f->cb->down)
        f->cb->down(f);
    notify(f, DT_FSM_NOTIFY_DOWN);
}

static void
tls(DtFsm *f)
{
    if (f->cb->started)
        f->cb->started(f);
    notify(f, DT_FSM_NOTIFY_STARTED);
}

static void
tlf(DtFsm *f)
{
    f->deadline = DT_TIME_NEVER;
    if (f->cb->finished)
        f->cb->finished(f);
    notify(f, DT_FSM_NOTIFY_FINISHED);
}

static void
stop_timer_if_settled(DtFsm *f)
{
    switch (f->state) {
    case DT_FSM_INITIAL:
    case DT_FSM_STARTING:
    case DT_FSM_CLOSED:
    case DT_FSM_STOPPED:
    case DT_FSM_OPENED:
        f->deadline = DT_TIME_NEVER;
        break;
    default:
        break;
    }
}

/* ---- administrative and lower-layer events ---- */

void
dt_fsm_lower_up(DtFsm *f, DtTime now)
{
    f->now = now;
    switch (f->state) {
    case DT_FSM_INITIAL: /* Up: 2 */
        f->state = DT_FSM_CLOSED;
        break;
    case DT_FSM_STARTING: /* Up: irc,scr/6 */
        irc_configure(f);
        scr(f, false);
        f->state = DT_FSM_REQ_SENT;
        break;
    default:
        break;
    }
}

void
dt_fsm_lower_down(DtFsm *f, DtTime now)
{
    f->now = now;
    switch (f->state) {
    case DT_FSM_CLOSED: /* Down: 0 */
    case DT_FSM_CLOSING:
        f->state = DT_FSM_INITIAL;
        break;
    case DT_FSM_STOPPED: /* Down: tls/1 */
        f->state = DT_FSM_STARTING;
        tls(f);
        break;
    case DT_FSM_STOPPING: /* Down: 1 */
    case DT_FSM_REQ_SENT:
    case DT_FSM_ACK_RCVD:
    case DT_FSM_ACK_SENT:
        f->state = DT_FSM_STARTING;
        break;
    case DT_FSM_OPENED: /* Down: tld/1 */
        f->state = DT_FSM_STARTING;
        tld(f);
        break;
    default:
        break;
    }
    stop_timer_if_settled(f);
}

void
dt_fsm_open(DtFsm *f, DtTime now)
{
    f->now = now;
    f->passive = false;
    switch (f->state) {
    case DT_FSM_INITIAL: /* Open: tls/1 */
        f->reason = DT_REASON_NONE;
        f->reason_option = -1;
        f->message[0] = '\0';
        f->naks_received = 0;
        f->rejects_sent = 0;
        f->acks_only = 0;
        memset(f->rejected_types, 0, sizeof(f->rejected_types));
        f->state = DT_FSM_STARTING;
        tls(f);
        break;
    case DT_FSM_CLOSED: /* Open: irc,scr/6 */
        f->reason = DT_REASON_NONE;
        f->reason_option = -1;
        f->message[0] = '\0';
        f->naks_received = 0;
        f->rejects_sent = 0;
        f->acks_only = 0;
        memset(f->rejected_types, 0, sizeof(f->rejected_types));
        irc_configure(f);
        scr(f, false);
        f->state = DT_FSM_REQ_SENT;
        break;
    case DT_FSM_CLOSING: /* Open: 5r (no restart option) */
        f->state = DT_FSM_STOPPING;
        break;
    default: /* Starting 1, Stopped 3r, Stopping 5r, 6, 7, 8, Opened 9r */
        break;
    }
}

void
dt_fsm_close(DtFsm *f, DtTime now)
{
    f->now = now;
    switch (f->state) {
    case DT_FSM_STARTING: /* Close: tlf/0 */
        f->state = DT_FSM_INITIAL;
        tlf(f);
        break;
    case DT_FSM_STOPPED: /* Close: 2 */
        f->state = DT_FSM_CLOSED;
        break;
    case DT_FSM_STOPPING: /* Close: 4 */
        f->state = DT_FSM_CLOSING;
        break;
    case DT_FSM_REQ_SENT: /* Close: irc,str/4 */
    case DT_FSM_ACK_RCVD:
    case DT_FSM_ACK_SENT:
        irc_terminate(f);
        str(f);
        f->state = DT_FSM_CLOSING;
        break;
    case DT_FSM_OPENED: /* Close: tld,irc,str/4 */
        f->state = DT_FSM_CLOSING;
        tld(f);
        irc_terminate(f);
        str(f);
        break;
    default: /* Initial 0, Closed 2, Closing 4 */
        break;
    }
    stop_timer_if_settled(f);
}

void
dt_fsm_fail(DtFsm *f, DtReason reason, int option, const char *message, DtTime now)
{
    set_reason(f, reason, option, message);
    dt_fsm_close(f, now);
}

void
dt_fsm_fail_unanswered(DtFsm *f, DtReason reason, const char *message, DtTime wait_ms, DtTime now)
{
    dt_fsm_fail(f, reason, -1, message, now);
    if (f->state == DT_FSM_CLOSING || f->state == DT_FSM_STOPPING) {
        f->restart_count = 0;
        f->deadline = now + wait_ms;
    }
}

/* RXJ- (§4.1): a Code-Reject of an essential code, or a Protocol-Reject of us. */
static void
rxj_minus(DtFsm *f)
{
    switch (f->state) {
    case DT_FSM_CLOSED: /* tlf/2 */
    case DT_FSM_CLOSING:
        f->state = DT_FSM_CLOSED;
        tlf(f);
        break;
    case DT_FSM_STOPPED: /* tlf/3 */
    case DT_FSM_STOPPING:
    case DT_FSM_REQ_SENT:
    case DT_FSM_ACK_RCVD:
    case DT_FSM_ACK_SENT:
        f->state = DT_FSM_STOPPED;
        tlf(f);
        break;
    case DT_FSM_OPENED: /* tld,irc,str/5 */
        f->state = DT_FSM_STOPPING;
        tld(f);
        irc_terminate(f);
        str(f);
        break;
    default:
        break;
    }
    stop_timer_if_settled(f);
}

void
dt_fsm_protocol_rejected(DtFsm *f, DtTime now)
{
    f->now = now;
    set_reason(f, DT_REASON_PROTOCOL_REJECTED, -1, "the peer rejected this protocol");
    rxj_minus(f);
}

/* ---- timer ---- */

DtTime
dt_fsm_next_deadline(const DtFsm *f)
{
    return f->deadline;
}

void
dt_fsm_handle_timeout(DtFsm *f, DtTime now)
{
    if (f->deadline == DT_TIME_NEVER || now < f->deadline)
        return;
    f->now = now;
    f->deadline = DT_TIME_NEVER;
    if (f->restart_count > 0) { /* TO+ */
        switch (f->state) {
        case DT_FSM_CLOSING:  /* str/4 */
        case DT_FSM_STOPPING: /* str/5 */
            str(f);
            break;
        case DT_FSM_REQ_SENT: /* scr/6 */
        case DT_FSM_ACK_RCVD: /* scr/6 */
            scr(f, true);
            f->state = DT_FSM_REQ_SENT;
            break;
        case DT_FSM_ACK_SENT: /* scr/8 */
            scr(f, true);
            break;
        default:
            break;
        }
        return;
    }
    switch (f->state) {  /* TO- */
    case DT_FSM_CLOSING: /* tlf/2 */
        f->state = DT_FSM_CLOSED;
        tlf(f);
        break;
    case DT_FSM_STOPPING: /* tlf/3 */
        f->state = DT_FSM_STOPPED;
        tlf(f);
        break;
    case DT_FSM_REQ_SENT: /* tlf/3p */
    case DT_FSM_ACK_RCVD:
    case DT_FSM_ACK_SENT:
        set_reason(f, DT_REASON_TIMEOUT, -1, "no answer to our Configure-Request");
        f->passive = true;
        f->state = DT_FSM_STOPPED;
        tlf(f);
        break;
    default:
        break;
    }
}

/* ---- receive ---- */

/* Options are Type, Length (≥ 2, covering itself), Value (RFC 1661 §6). */
static bool
options_well_formed(const uint8_t *p, size_t len)
{
    size_t off = 0;
    while (off < len) {
        if (len - off < 2 || p[off + 1] < 2 || p[off + 1] > len - off)
            return false;
        off += p[off + 1];
    }
    return true;
}

/* Judge the peer's options; fills reply with the Nak or Reject list. */
static uint8_t
judge_request(DtFsm *f, const uint8_t *p, size_t len, DtWriter *rej, DtWriter *nak)
{
    if (f->cb->request_begin)
        f->cb->request_begin(f);
    for (size_t off = 0; off < len; off += p[off + 1]) {
        uint8_t type = p[off], olen = p[off + 1];
        size_t before = nak->len;
        DtFsmOptVerdict v = DT_FSM_OPT_REJ;
        if (f->cb->check_option)
            v = f->cb->check_option(f, type, p + off + 2, olen - 2u, nak);
        if (v == DT_FSM_OPT_NAK && f->naks_sent >= f->timers.max_failure)
            v = DT_FSM_OPT_REJ; /* §4.6 Max-Failure: Nak becomes Reject */
        if (v != DT_FSM_OPT_NAK)
            nak->len = before;
        if (v == DT_FSM_OPT_REJ) {
            dt_writer_bytes(rej, p + off, olen);
            f->rejected_types[type / 8] |= (uint8_t)(1u << (type % 8));
            f->options_rejected++;
        }
    }
    uint8_t code = rej->len ? DT_FSM_CONF_REJ : nak->len ? DT_FSM_CONF_NAK : DT_FSM_CONF_ACK;
    if (f->cb->request_done)
        f->cb->request_done(f, code);
    return code;
}

/* Req-Sent after the peer's Terminate-Ack: the peer dropped our request (it
 * was Closed); now that it sends its own, resend ours rather than wait for
 * the restart timer.  Still a retransmission (same Identifier, §4.6 counts
 * it), so a peer that keeps dropping it still runs out the counter. */
static void
resend_if_dropped(DtFsm *f, DtFsmState was)
{
    if (was == DT_FSM_REQ_SENT && f->peer_term_acked)
        scr(f, true);
}

static void
recv_conf_req(DtFsm *f, uint8_t id, const uint8_t *opts, size_t len)
{
    if (!options_well_formed(opts, len)) {
        f->dropped++;
        return;
    }
    DtFsmState was = f->state;
    f->acks_only = 0;
    switch (was) {
    case DT_FSM_CLOSED: /* RCR±: sta/2 */
        sta(f, id);
        return;
    case DT_FSM_CLOSING:  /* 4 */
    case DT_FSM_STOPPING: /* 5 */
        return;
    case DT_FSM_STOPPED: /* irc,scr,sca/8 | irc,scr,scn/6 */
        irc_configure(f);
        scr(f, false);
        break;
    case DT_FSM_OPENED: /* tld,scr,sca/8 | tld,scr,scn/6 */
        tld(f);
        scr(f, false);
        break;
    case DT_FSM_REQ_SENT:
    case DT_FSM_ACK_RCVD:
    case DT_FSM_ACK_SENT:
        break;
    default:
        f->dropped++;
        return;
    }
    uint8_t rej_buf[FSM_MAX_PACKET], nak_buf[FSM_MAX_PACKET];
    DtWriter rej, nak;
    dt_writer_init(&rej, rej_buf, sizeof(rej_buf));
    dt_writer_init(&nak, nak_buf, sizeof(nak_buf));
    uint8_t code = judge_request(f, opts, len, &rej, &nak);
    if (code == DT_FSM_CONF_ACK) { /* RCR+ */
        f->naks_sent = 0;
        f->rejects_sent = 0;
        dt_fsm_send(f, DT_FSM_CONF_ACK, id, opts, len);
        if (was == DT_FSM_ACK_RCVD) { /* sca,tlu/9 */
            f->state = DT_FSM_OPENED;
            f->deadline = DT_TIME_NEVER;
            tlu(f);
        } else {
            f->state = DT_FSM_ACK_SENT;
            resend_if_dropped(f, was);
        }
        return;
    }
    /* RCR-: scn */
    if (code == DT_FSM_CONF_NAK) {
        f->naks_sent++;
        dt_fsm_send(f, DT_FSM_CONF_NAK, id, nak_buf, nak.len);
    } else if (++f->rejects_sent > DT_FSM_MAX_REJECT_SENT) {
        int opt = rej_buf[0];
        const char *oname = f->cb->option_name ? f->cb->option_name((uint8_t)opt) : "?";
        char msg[DT_FSM_MAX_MESSAGE];
        snprintf(msg, sizeof(msg),
                 "%s option %d (%s) never converged: the peer asks for it whatever we reject",
                 f->cb->name, opt, oname);
        dt_fsm_fail(f, DT_REASON_NEGOTIATION_FAILED, opt, msg, f->now);
        return;
    } else {
        dt_fsm_send(f, DT_FSM_CONF_REJ, id, rej_buf, rej.len);
    }
    f->state = was == DT_FSM_ACK_RCVD ? DT_FSM_ACK_RCVD : DT_FSM_REQ_SENT;
    resend_if_dropped(f, was);
}

/* Is this Ack/Nak/Reject an answer to our outstanding request? (§5.2) */
static bool
answers_request(const DtFsm *f, uint8_t id)
{
    switch (f->state) {
    case DT_FSM_REQ_SENT:
    case DT_FSM_ACK_RCVD:
    case DT_FSM_ACK_SENT:
    case DT_FSM_OPENED:
        return id == f->req_id && !f->req_answered;
    default:
        return false;
    }
}

/* The rows shared by RCA and RCN in the states without a request out. */
static bool
answer_when_idle(DtFsm *f, uint8_t id)
{
    switch (f->state) {
    case DT_FSM_CLOSED:  /* sta/2 */
    case DT_FSM_STOPPED: /* sta/3 */
        sta(f, id);
        return true;
    case DT_FSM_CLOSING:  /* 4 */
    case DT_FSM_STOPPING: /* 5 */
        return true;
    case DT_FSM_INITIAL:
    case DT_FSM_STARTING:
        return true;
    default:
        return false;
    }
}

static void
recv_conf_ack(DtFsm *f, uint8_t id, const uint8_t *opts, size_t len)
{
    if (answer_when_idle(f, id))
        return;
    /* §5.2: an Ack must echo our request exactly, with its Identifier. */
    if (!answers_request(f, id) || len != f->req_len || (len && memcmp(opts, f->req, len) != 0)) {
        f->dropped++;
        return;
    }
    f->req_answered = true;
    if (f->cb->acked)
        f->cb->acked(f);
    switch (f->state) {
    case DT_FSM_REQ_SENT: /* irc/7 */
        /* The irc lets a peer that acks every request and never sends its own keep us here for
         * ever (TO+ in Ack-Rcvd resends, the Ack re-initialises): after Max-Configure such Acks,
         * give up as if the counter had run out. */
        if (++f->acks_only > f->timers.max_configure) {
            char msg[DT_FSM_MAX_MESSAGE];
            snprintf(msg, sizeof(msg),
                     "%s: the peer acks our requests but never sends its own Configure-Request",
                     f->cb->name);
            dt_fsm_fail(f, DT_REASON_TIMEOUT, -1, msg, f->now);
            return;
        }
        irc_configure(f);
        f->state = DT_FSM_ACK_RCVD;
        break;
    case DT_FSM_ACK_RCVD: /* scr/6x */
        scr(f, false);
        f->state = DT_FSM_REQ_SENT;
        break;
    case DT_FSM_ACK_SENT: /* irc,tlu/9 */
        irc_configure(f);
        f->state = DT_FSM_OPENED;
        f->deadline = DT_TIME_NEVER;
        tlu(f);
        break;
    case DT_FSM_OPENED: /* tld,scr/6x */
        tld(f);
        scr(f, false);
        f->state = DT_FSM_REQ_SENT;
        break;
    default:
        break;
    }
}

/* A Reject must list options of our request, unmodified (§5.4). */
static bool
option_in_request(const DtFsm *f, const uint8_t *opt, size_t olen)
{
    for (size_t off = 0; off + 2 <= f->req_len; off += f->req[off + 1]) {
        if (f->req[off + 1] < 2)
            return false;
        if (f->req[off + 1] == olen && memcmp(f->req + off, opt, olen) == 0)
            return true;
    }
    return false;
}

static void
recv_conf_nak_rej(DtFsm *f, uint8_t code, uint8_t id, const uint8_t *opts, size_t len)
{
    if (answer_when_idle(f, id))
        return;
    if (!answers_request(f, id) || !options_well_formed(opts, len)) {
        f->dropped++;
        return;
    }
    for (size_t off = 0; off < len; off += opts[off + 1]) {
        uint8_t type = opts[off], olen = opts[off + 1];
        bool ok;
        if (code == DT_FSM_CONF_REJ)
            ok = option_in_request(f, opts + off, olen) &&
                 (!f->cb->reject_option || f->cb->reject_option(f, type));
        else
            ok = !f->cb->nak_option || f->cb->nak_option(f, type, opts + off + 2, olen - 2u);
        if (!ok) {
            f->dropped++;
            return;
        }
    }
    f->req_answered = true;
    if (code == DT_FSM_CONF_NAK && ++f->naks_received > f->timers.max_nak_received) {
        int opt = len >= 2 ? opts[0] : -1;
        const char *oname =
            (opt >= 0 && f->cb->option_name) ? f->cb->option_name((uint8_t)opt) : "?";
        char msg[DT_FSM_MAX_MESSAGE];
        snprintf(msg, sizeof(msg), "%s option %d (%s) never converged: the peer Naks it forever",
                 f->cb->name, opt, oname);
        dt_fsm_fail(f, DT_REASON_NEGOTIATION_FAILED, opt, msg, f->now);
        return;
    }
    if (f->state == DT_FSM_CLOSING || f->state == DT_FSM_STOPPING)
        return; /* the protocol failed the layer while reading the options */
    switch (f->state) {
    case DT_FSM_REQ_SENT: /* irc,scr/6 */
        irc_configure(f);
        scr(f, false);
        break;
    case DT_FSM_ACK_RCVD: /* scr/6x */
        scr(f, false);
        f->state = DT_FSM_REQ_SENT;
        break;
    case DT_FSM_ACK_SENT: /* irc,scr/8 */
        irc_configure(f);
        scr(f, false);
        break;
    case DT_FSM_OPENED: /* tld,scr/6x */
        tld(f);
        scr(f, false);
        f->state = DT_FSM_REQ_SENT;
        break;
    default:
        break;
    }
}

/* "the peer sent Terminate-Request", plus its data when that is text: the
 * data is uninterpreted (RFC 1661 §5.5) but pppd puts its reason there
 * ("MPPE required but peer negotiation failed").  Only printable ASCII is
 * kept, so a peer cannot put control characters in our logs. */
static void
term_req_message(const uint8_t *data, size_t len, char *buf, size_t cap)
{
    char text[72];
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < sizeof(text); i++)
        text[n++] = data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"' ? (char)data[i] : '?';
    text[n] = '\0';
    if (n)
        snprintf(buf, cap, "the peer sent Terminate-Request: \"%s\"", text);
    else
        snprintf(buf, cap, "the peer sent Terminate-Request");
}

static void
recv_term_req(DtFsm *f, uint8_t id, const uint8_t *data, size_t len)
{
    char msg[DT_FSM_MAX_MESSAGE];
    term_req_message(data, len, msg, sizeof(msg));
    switch (f->state) {
    case DT_FSM_CLOSED:   /* sta/2 */
    case DT_FSM_STOPPED:  /* sta/3 */
    case DT_FSM_CLOSING:  /* sta/4 */
    case DT_FSM_STOPPING: /* sta/5 */
        sta(f, id);
        break;
    case DT_FSM_REQ_SENT: /* sta/6 */
    case DT_FSM_ACK_RCVD:
    case DT_FSM_ACK_SENT:
        set_reason(f, DT_REASON_PEER_TERMINATED, -1, msg);
        sta(f, id);
        f->state = DT_FSM_REQ_SENT;
        break;
    case DT_FSM_OPENED: /* tld,zrc,sta/5 */
        set_reason(f, DT_REASON_PEER_TERMINATED, -1, msg);
        f->state = DT_FSM_STOPPING;
        tld(f);
        zrc(f);
        sta(f, id);
        break;
    default:
        f->dropped++;
        break;
    }
}

static void
recv_term_ack(DtFsm *f)
{
    switch (f->state) {
    case DT_FSM_CLOSING: /* tlf/2 */
        f->state = DT_FSM_CLOSED;
        tlf(f);
        break;
    case DT_FSM_STOPPING: /* tlf/3 */
        f->state = DT_FSM_STOPPED;
        tlf(f);
        break;
    case DT_FSM_ACK_RCVD: /* 6 */
        f->state = DT_FSM_REQ_SENT;
        break;
    case DT_FSM_REQ_SENT: /* 6; see resend_if_dropped */
        f->peer_term_acked = true;
        break;
    case DT_FSM_OPENED: /* tld,scr/6 */
        tld(f);
        scr(f, false);
        f->state = DT_FSM_REQ_SENT;
        break;
    default: /* Closed 2, Stopped 3, Ack-Sent 8 */
        break;
    }
    stop_timer_if_settled(f);
}

/* §5.6: rejecting one of the codes 1–7 makes the protocol unusable (RXJ-);
 * rejecting an optional code (Echo, Discard, …) is RXJ+: carry on. */
static void
recv_code_rej(DtFsm *f, const uint8_t *data, size_t len)
{
    if (len < 1) {
        f->dropped++;
        return;
    }
    if (data[0] >= DT_FSM_CONF_REQ && data[0] <= DT_FSM_CODE_REJ) {
        char msg[DT_FSM_MAX_MESSAGE];
        snprintf(msg, sizeof(msg), "the peer Code-Rejected %s code %u", f->cb->name, data[0]);
        set_reason(f, DT_REASON_PROTOCOL_REJECTED, -1, msg);
        rxj_minus(f);
    }
    /* RXJ+: every state stays where it is. */
}

void
dt_fsm_input(DtFsm *f, const uint8_t *pkt, size_t len, DtTime now)
{
    f->now = now;
    DtReader r;
    dt_reader_init(&r, pkt, len);
    uint8_t code = dt_reader_u8(&r);
    uint8_t id = dt_reader_u8(&r);
    uint16_t plen = dt_reader_u16(&r);
    /* §5: Length covers the header; octets beyond it are padding. */
    if (!dt_reader_ok(&r) || plen < 4 || plen > len) {
        f->dropped++;
        return;
    }
    const uint8_t *data = pkt + 4;
    size_t dlen = plen - 4u;
    if (f->state == DT_FSM_INITIAL || f->state == DT_FSM_STARTING) {
        f->dropped++; /* the lower layer is down: nothing can arrive */
        return;
    }
    switch (code) {
    case DT_FSM_CONF_REQ:
        recv_conf_req(f, id, data, dlen);
        break;
    case DT_FSM_CONF_ACK:
        recv_conf_ack(f, id, data, dlen);
        break;
    case DT_FSM_CONF_NAK:
    case DT_FSM_CONF_REJ:
        recv_conf_nak_rej(f, code, id, data, dlen);
        break;
    case DT_FSM_TERM_REQ:
        recv_term_req(f, id, data, dlen);
        break;
    case DT_FSM_TERM_ACK:
        recv_term_ack(f);
        break;
    case DT_FSM_CODE_REJ:
        recv_code_rej(f, data, dlen);
        break;
    default: {
        DtFsmExtraResult res = DT_FSM_EXTRA_UNKNOWN;
        if (f->cb->extra_code)
            res = f->cb->extra_code(f, code, id, data, dlen);
        if (res == DT_FSM_EXTRA_UNKNOWN) /* RUC: scj, same state */
            scj(f, pkt, plen);
        else if (res == DT_FSM_EXTRA_MALFORMED)
            f->dropped++;
        break;
    }
    }
    stop_timer_if_settled(f);
}
