/* dt-pptp-ctrl-call.c — the calls of a PPTP control connection (RFC 2637
 * §2.7–§2.15): the call table, the call messages, one function each, and
 * the call entry points of dt-pptp-ctrl.h. */
#include "dt-pptp-ctrl-private.h"

#include <stdio.h>
#include <string.h>

/* ---- calls -------------------------------------------------------------- */

static DtPptpCtrlCall *
find_call(DtPptpCtrl *c, uint16_t call_id)
{
    for (unsigned i = 0; i < c->config.max_calls; i++) {
        if (c->calls[i].info.state != DT_PPTP_CALL_FREE && c->calls[i].info.call_id == call_id)
            return &c->calls[i];
    }
    return NULL;
}

static DtPptpCtrlCall *
find_call_by_peer(DtPptpCtrl *c, uint16_t peer_call_id)
{
    for (unsigned i = 0; i < c->config.max_calls; i++) {
        DtPptpCtrlCall *k = &c->calls[i];
        if (k->info.state != DT_PPTP_CALL_FREE && k->info.state != DT_PPTP_CALL_PENDING &&
            k->info.state != DT_PPTP_CALL_WAIT_REPLY && k->info.peer_call_id == peer_call_id)
            return k;
    }
    return NULL;
}

static DtPptpCtrlCall *
alloc_call(DtPptpCtrl *c)
{
    if (c->call_count >= c->config.max_calls)
        return NULL;
    DtPptpCtrlCall *slot = NULL;
    for (unsigned i = 0; i < c->config.max_calls && !slot; i++) {
        if (c->calls[i].info.state == DT_PPTP_CALL_FREE)
            slot = &c->calls[i];
    }
    if (!slot)
        return NULL;
    uint16_t id;
    do {
        id = c->next_call_id++;
    } while (id == 0 || find_call(c, id));
    memset(slot, 0, sizeof(*slot));
    slot->info.call_id = id;
    slot->deadline = DT_TIME_NEVER;
    c->call_count++;
    return slot;
}

static void
free_call(DtPptpCtrl *c, DtPptpCtrlCall *k)
{
    k->info.state = DT_PPTP_CALL_FREE;
    k->deadline = DT_TIME_NEVER;
    c->call_count--;
}

static void
call_down(DtPptpCtrl *c, DtPptpCtrlCall *k, DtReason reason, uint8_t result, uint8_t error,
          uint16_t cause, const char *message)
{
    DtPptpEvent *ev = dt_pptp_ctrl_push_event(c, DT_PPTP_EVENT_CALL_DOWN);
    if (ev) {
        ev->call_id = k->info.call_id;
        ev->peer_call_id = k->info.peer_call_id;
        ev->reason = reason;
        ev->result = result;
        ev->error = error;
        ev->cause = cause;
        snprintf(ev->message, sizeof(ev->message), "%s", message);
    }
    free_call(c, k);
}

static void
call_event(DtPptpCtrl *c, DtPptpEventType type, const DtPptpCtrlCall *k)
{
    DtPptpEvent *ev = dt_pptp_ctrl_push_event(c, type);
    if (ev) {
        ev->call_id = k->info.call_id;
        ev->peer_call_id = k->info.peer_call_id;
    }
}

bool
dt_pptp_ctrl_send_ocrq(DtPptpCtrl *c, DtPptpCtrlCall *k)
{
    DtPptpMsg m = {.type = DT_PPTP_OCRQ};
    m.u.ocrq.call_id = k->info.call_id;
    m.u.ocrq.serial = k->info.serial;
    m.u.ocrq.min_bps = c->config.min_bps;
    m.u.ocrq.max_bps = c->config.max_bps;
    m.u.ocrq.bearer_type = c->config.bearer_type;
    m.u.ocrq.framing_type = c->config.framing_type;
    m.u.ocrq.recv_window = c->config.recv_window;
    m.u.ocrq.processing_delay = c->config.processing_delay;
    if (!dt_pptp_ctrl_send_msg(c, &m))
        return false;
    k->info.state = DT_PPTP_CALL_WAIT_REPLY;
    k->deadline = c->now + c->config.reply_timeout_ms;
    return true;
}

void
dt_pptp_ctrl_send_ccrq(DtPptpCtrl *c, uint16_t call_id)
{
    DtPptpMsg m = {.type = DT_PPTP_CCRQ};
    m.u.ccrq.call_id = call_id;
    dt_pptp_ctrl_send_msg(c, &m);
}

void
dt_pptp_ctrl_send_cdn(DtPptpCtrl *c, uint16_t call_id, uint8_t result)
{
    DtPptpMsg m = {.type = DT_PPTP_CDN};
    m.u.cdn.call_id = call_id;
    m.u.cdn.result = result;
    dt_pptp_ctrl_send_msg(c, &m);
}

/* The per-call timers: a call the PAC never answered, or a clear it never
 * confirmed (RFC 2637 §2.8, §2.13), ends with the reason of its state. */
void
dt_pptp_ctrl_calls_timeout(DtPptpCtrl *c, DtTime now)
{
    for (unsigned i = 0; i < c->config.max_calls && c->ev_len + 1 < DT_PPTP_CTRL_EVENT_CAP; i++) {
        DtPptpCtrlCall *k = &c->calls[i];
        if (k->info.state == DT_PPTP_CALL_FREE || now < k->deadline)
            continue;
        if (k->info.state == DT_PPTP_CALL_WAIT_REPLY) {
            /* Clear it, so a late OCRP does not leave a call open on the PAC. */
            dt_pptp_ctrl_send_ccrq(c, k->info.call_id);
            call_down(c, k, DT_REASON_TIMEOUT, 0, 0, 0, "The server did not answer the call");
        } else if (k->info.state == DT_PPTP_CALL_WAIT_CDN) {
            call_down(c, k, DT_REASON_LOCAL_REQUEST, 0, 0, 0,
                      "The call was cleared (the server did not confirm)");
        }
    }
}

/* ---- received call messages, one function each ---------------------------- */

void
dt_pptp_ctrl_on_ocrq(DtPptpCtrl *c, const DtPptpOcrq *o)
{
    if (c->config.role != DT_PPTP_ROLE_PAC || c->state != DT_PPTP_CTRL_ESTABLISHED) {
        c->stats.unexpected++;
        return;
    }
    if (find_call_by_peer(c, o->call_id)) {
        c->stats.unexpected++; /* a repeated request for a call we have */
        return;
    }
    DtPptpCtrlCall *k = alloc_call(c);
    if (!k) {
        /* More calls than Maximum-Channels: refuse as busy. */
        DtPptpMsg m = {.type = DT_PPTP_OCRP};
        m.u.ocrp.peer_call_id = o->call_id;
        m.u.ocrp.result = DT_PPTP_OCRP_BUSY;
        dt_pptp_ctrl_send_msg(c, &m);
        return;
    }
    k->info.state = DT_PPTP_CALL_WAIT_ANSWER;
    k->info.peer_call_id = o->call_id;
    k->info.serial = o->serial;
    k->info.peer_recv_window = o->recv_window;
    k->info.peer_processing_delay = o->processing_delay;
    k->info.peer_min_bps = o->min_bps;
    k->info.peer_max_bps = o->max_bps;
    k->info.peer_bearer_type = o->bearer_type;
    k->info.peer_framing_type = o->framing_type;
    memcpy(k->info.phone, o->phone, sizeof(k->info.phone));
    call_event(c, DT_PPTP_EVENT_CALL_REQUEST, k);
}

void
dt_pptp_ctrl_on_ocrp(DtPptpCtrl *c, const DtPptpOcrp *o)
{
    if (c->config.role != DT_PPTP_ROLE_PNS || c->state != DT_PPTP_CTRL_ESTABLISHED) {
        c->stats.unexpected++;
        return;
    }
    DtPptpCtrlCall *k = find_call(c, o->peer_call_id);
    if (!k || k->info.state != DT_PPTP_CALL_WAIT_REPLY) {
        c->stats.call_id_mismatch++;
        return;
    }
    k->info.peer_call_id = o->call_id;
    if (o->result != DT_PPTP_OCRP_CONNECTED) {
        char res[96], words[DT_PPTP_CTRL_MESSAGE_LEN];
        dt_pptp_describe_result(DT_PPTP_OCRP, o->result, o->error, o->cause, res, sizeof(res));
        dt_pptp_ctrl_set_message(words, "The server refused the call: %s", res);
        call_down(c, k, DT_REASON_CALL_REFUSED, o->result, o->error, o->cause, words);
        return;
    }
    k->info.state = DT_PPTP_CALL_ESTABLISHED;
    k->deadline = DT_TIME_NEVER;
    k->info.connect_speed = o->connect_speed;
    k->info.peer_recv_window = o->recv_window;
    k->info.peer_processing_delay = o->processing_delay;
    call_event(c, DT_PPTP_EVENT_CALL_UP, k);
}

void
dt_pptp_ctrl_on_icrq(DtPptpCtrl *c, const DtPptpIcrq *i)
{
    if (c->config.role != DT_PPTP_ROLE_PNS || c->state != DT_PPTP_CTRL_ESTABLISHED) {
        c->stats.unexpected++;
        return;
    }
    /* A VPN client takes no incoming calls (RFC 2637 §2.10 result 3). */
    DtPptpMsg m = {.type = DT_PPTP_ICRP};
    m.u.icrp.peer_call_id = i->call_id;
    m.u.icrp.result = DT_PPTP_ICRP_DO_NOT_ACCEPT;
    dt_pptp_ctrl_send_msg(c, &m);
}

void
dt_pptp_ctrl_on_ccrq(DtPptpCtrl *c, const DtPptpCcrq *q)
{
    if (c->config.role != DT_PPTP_ROLE_PAC || c->state != DT_PPTP_CTRL_ESTABLISHED) {
        c->stats.unexpected++;
        return;
    }
    DtPptpCtrlCall *k = find_call_by_peer(c, q->call_id);
    if (!k) {
        c->stats.call_id_mismatch++;
        return;
    }
    dt_pptp_ctrl_send_cdn(c, k->info.call_id, DT_PPTP_CDN_REQUEST);
    call_down(c, k, DT_REASON_PEER_STOPPED, DT_PPTP_CDN_REQUEST, 0, 0,
              "The client cleared the call");
}

void
dt_pptp_ctrl_on_cdn(DtPptpCtrl *c, const DtPptpCdn *d)
{
    if (c->config.role != DT_PPTP_ROLE_PNS || c->state != DT_PPTP_CTRL_ESTABLISHED) {
        c->stats.unexpected++;
        return;
    }
    DtPptpCtrlCall *k = find_call_by_peer(c, d->call_id);
    if (!k) {
        c->stats.call_id_mismatch++;
        return;
    }
    char res[96], words[DT_PPTP_CTRL_MESSAGE_LEN];
    dt_pptp_describe_result(DT_PPTP_CDN, d->result, d->error, d->cause, res, sizeof(res));
    if (k->info.state == DT_PPTP_CALL_WAIT_CDN) {
        dt_pptp_ctrl_set_message(words, "The call was cleared: %s", res);
        call_down(c, k, DT_REASON_LOCAL_REQUEST, d->result, d->error, d->cause, words);
    } else {
        dt_pptp_ctrl_set_message(words, "The server disconnected the call: %s", res);
        call_down(c, k, DT_REASON_PEER_STOPPED, d->result, d->error, d->cause, words);
    }
}

void
dt_pptp_ctrl_on_wen(DtPptpCtrl *c, const DtPptpWen *w)
{
    if (c->config.role != DT_PPTP_ROLE_PNS || c->state != DT_PPTP_CTRL_ESTABLISHED) {
        c->stats.unexpected++;
        return;
    }
    /* Peer's-Call-ID is the receiver's own ID (RFC 2637 §2.14). */
    DtPptpCtrlCall *k = find_call(c, w->peer_call_id);
    if (!k) {
        c->stats.call_id_mismatch++;
        return;
    }
    c->stats.wan_error_notifies++;
    DtPptpWen *t = &k->info.wan_errors;
    k->info.wan_error_notifies++;
    t->crc_errors += w->crc_errors;
    t->framing_errors += w->framing_errors;
    t->hardware_overruns += w->hardware_overruns;
    t->buffer_overruns += w->buffer_overruns;
    t->timeout_errors += w->timeout_errors;
    t->alignment_errors += w->alignment_errors;
    DtPptpEvent *ev = dt_pptp_ctrl_push_event(c, DT_PPTP_EVENT_WAN_ERROR);
    if (ev) {
        ev->call_id = k->info.call_id;
        ev->peer_call_id = k->info.peer_call_id;
        dt_pptp_ctrl_set_message(
            ev->message,
            "The server reports line errors: %u CRC, %u framing, %u hardware overruns, "
            "%u buffer overruns, %u time-outs, %u alignment",
            w->crc_errors, w->framing_errors, w->hardware_overruns, w->buffer_overruns,
            w->timeout_errors, w->alignment_errors);
    }
}

void
dt_pptp_ctrl_on_sli(DtPptpCtrl *c, const DtPptpSli *s)
{
    if (c->config.role != DT_PPTP_ROLE_PAC || c->state != DT_PPTP_CTRL_ESTABLISHED) {
        c->stats.unexpected++;
        return;
    }
    DtPptpCtrlCall *k = find_call(c, s->peer_call_id);
    if (!k) {
        c->stats.call_id_mismatch++;
        return;
    }
    /* Informational only: ACCM never applies inside GRE (PROTOCOL.md §9.3). */
    k->info.have_accm = true;
    k->info.send_accm = s->send_accm;
    k->info.recv_accm = s->recv_accm;
    call_event(c, DT_PPTP_EVENT_SET_LINK_INFO, k);
}

/* ---- the public call entry points -------------------------------------- */

bool
dt_pptp_ctrl_call(DtPptpCtrl *c, DtTime now, uint16_t *call_id)
{
    c->now = now;
    if (c->config.role != DT_PPTP_ROLE_PNS || c->state == DT_PPTP_CTRL_CLOSED ||
        c->state == DT_PPTP_CTRL_WAIT_STOP_REPLY)
        return false;
    DtPptpCtrlCall *k = alloc_call(c);
    if (!k)
        return false;
    k->info.serial = c->next_serial++;
    k->info.state = DT_PPTP_CALL_PENDING;
    if (c->state == DT_PPTP_CTRL_ESTABLISHED && !dt_pptp_ctrl_send_ocrq(c, k)) {
        free_call(c, k);
        return false;
    }
    *call_id = k->info.call_id;
    return true;
}

bool
dt_pptp_ctrl_answer_call(DtPptpCtrl *c, uint16_t call_id, uint8_t result, uint8_t error,
                         uint16_t cause, uint32_t connect_speed, DtTime now)
{
    c->now = now;
    DtPptpCtrlCall *k = find_call(c, call_id);
    if (c->config.role != DT_PPTP_ROLE_PAC || c->state != DT_PPTP_CTRL_ESTABLISHED || !k ||
        k->info.state != DT_PPTP_CALL_WAIT_ANSWER)
        return false;
    DtPptpMsg m = {.type = DT_PPTP_OCRP};
    m.u.ocrp.call_id = call_id;
    m.u.ocrp.peer_call_id = k->info.peer_call_id;
    m.u.ocrp.result = result;
    m.u.ocrp.error = error;
    m.u.ocrp.cause = cause;
    if (result == DT_PPTP_OCRP_CONNECTED) {
        m.u.ocrp.connect_speed = connect_speed ? connect_speed : k->info.peer_max_bps;
        m.u.ocrp.recv_window = c->config.recv_window;
        m.u.ocrp.processing_delay = c->config.processing_delay;
    }
    if (!dt_pptp_ctrl_send_msg(c, &m))
        return false;
    if (result != DT_PPTP_OCRP_CONNECTED) {
        free_call(c, k);
        return true;
    }
    k->info.state = DT_PPTP_CALL_ESTABLISHED;
    k->info.connect_speed = m.u.ocrp.connect_speed;
    call_event(c, DT_PPTP_EVENT_CALL_UP, k);
    return true;
}

bool
dt_pptp_ctrl_set_link_info(DtPptpCtrl *c, uint16_t call_id, uint32_t send_accm, uint32_t recv_accm,
                           DtTime now)
{
    c->now = now;
    DtPptpCtrlCall *k = find_call(c, call_id);
    if (c->config.role != DT_PPTP_ROLE_PNS || c->state != DT_PPTP_CTRL_ESTABLISHED || !k ||
        k->info.state != DT_PPTP_CALL_ESTABLISHED)
        return false;
    DtPptpMsg m = {.type = DT_PPTP_SLI};
    m.u.sli.peer_call_id = k->info.peer_call_id;
    m.u.sli.send_accm = send_accm;
    m.u.sli.recv_accm = recv_accm;
    return dt_pptp_ctrl_send_msg(c, &m);
}

bool
dt_pptp_ctrl_clear_call(DtPptpCtrl *c, uint16_t call_id, DtTime now)
{
    c->now = now;
    DtPptpCtrlCall *k = find_call(c, call_id);
    if (!k || c->state == DT_PPTP_CTRL_CLOSED || c->ev_len + 1 >= DT_PPTP_CTRL_EVENT_CAP)
        return false;
    switch (k->info.state) {
    case DT_PPTP_CALL_PENDING:
        call_down(c, k, DT_REASON_LOCAL_REQUEST, 0, 0, 0, "The call was cancelled");
        return true;
    case DT_PPTP_CALL_WAIT_REPLY:
    case DT_PPTP_CALL_ESTABLISHED:
        if (c->config.role == DT_PPTP_ROLE_PNS) {
            dt_pptp_ctrl_send_ccrq(c, call_id);
            k->info.state = DT_PPTP_CALL_WAIT_CDN;
            k->deadline = now + c->config.reply_timeout_ms;
            return true;
        }
        dt_pptp_ctrl_send_cdn(c, call_id, DT_PPTP_CDN_ADMIN_SHUTDOWN);
        call_down(c, k, DT_REASON_LOCAL_REQUEST, DT_PPTP_CDN_ADMIN_SHUTDOWN, 0, 0,
                  "The call was cleared");
        return true;
    case DT_PPTP_CALL_WAIT_ANSWER:
        return dt_pptp_ctrl_answer_call(c, call_id, DT_PPTP_OCRP_GENERAL_ERROR, DT_PPTP_ERROR_NONE,
                                        0, 0, now);
    case DT_PPTP_CALL_WAIT_CDN:
    case DT_PPTP_CALL_FREE:
        break;
    }
    return false;
}

const char *
dt_pptp_call_state_to_string(DtPptpCallState s)
{
    switch (s) {
    case DT_PPTP_CALL_FREE:
        return "free";
    case DT_PPTP_CALL_PENDING:
        return "pending";
    case DT_PPTP_CALL_WAIT_REPLY:
        return "wait-reply";
    case DT_PPTP_CALL_WAIT_ANSWER:
        return "wait-answer";
    case DT_PPTP_CALL_ESTABLISHED:
        return "established";
    case DT_PPTP_CALL_WAIT_CDN:
        return "wait-cdn";
    }
    return "unknown";
}

bool
dt_pptp_ctrl_call_info(const DtPptpCtrl *c, uint16_t call_id, DtPptpCallInfo *info)
{
    for (unsigned i = 0; i < c->config.max_calls; i++) {
        if (c->calls[i].info.state != DT_PPTP_CALL_FREE && c->calls[i].info.call_id == call_id) {
            *info = c->calls[i].info;
            return true;
        }
    }
    return false;
}

unsigned
dt_pptp_ctrl_call_count(const DtPptpCtrl *c)
{
    return c->call_count;
}
