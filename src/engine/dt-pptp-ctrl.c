/* dt-pptp-ctrl.c — PPTP control connection state machine (RFC 2637 §2, §3):
 * the connection itself, its queues and keepalive.  Its calls live in
 * dt-pptp-ctrl-call.c. */
#include "dt-pptp-ctrl-private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unknown types are skipped by their Length, but only short ones: a long
 * Length is more likely a desynchronised stream than a real message. */
#define SKIP_MAX_LEN 256

static const char *
peer_word(const DtPptpCtrl *c)
{
    return c->config.role == DT_PPTP_ROLE_PNS ? "server" : "client";
}

DtPptpCtrl *
dt_pptp_ctrl_new(const DtPptpCtrlConfig *config)
{
    if (!config || (config->role != DT_PPTP_ROLE_PNS && config->role != DT_PPTP_ROLE_PAC))
        return NULL;
    DtPptpCtrlConfig cfg = *config;
    if (cfg.max_calls == 0)
        cfg.max_calls = cfg.role == DT_PPTP_ROLE_PNS ? 1 : 64;
    if (cfg.max_calls > DT_PPTP_CTRL_MAX_CALLS)
        return NULL;
    if (cfg.framing_caps == 0)
        cfg.framing_caps = DT_PPTP_FRAMING_ASYNC | DT_PPTP_FRAMING_SYNC;
    if (cfg.bearer_caps == 0)
        cfg.bearer_caps = DT_PPTP_BEARER_ANALOG | DT_PPTP_BEARER_DIGITAL;
    if (cfg.recv_window == 0)
        cfg.recv_window = 64;
    if (cfg.min_bps == 0)
        cfg.min_bps = 300;
    if (cfg.max_bps == 0)
        cfg.max_bps = 100000000;
    if (cfg.bearer_type == 0)
        cfg.bearer_type = DT_PPTP_BEARER_ANALOG | DT_PPTP_BEARER_DIGITAL;
    if (cfg.framing_type == 0)
        cfg.framing_type = DT_PPTP_FRAMING_ASYNC | DT_PPTP_FRAMING_SYNC;
    if (cfg.echo_interval_ms == 0)
        cfg.echo_interval_ms = 60000;
    if (cfg.echo_timeout_ms == 0)
        cfg.echo_timeout_ms = 60000;
    if (cfg.reply_timeout_ms == 0)
        cfg.reply_timeout_ms = 60000;
    if (cfg.stop_timeout_ms == 0)
        cfg.stop_timeout_ms = 10000;

    DtPptpCtrl *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->calls = calloc(cfg.max_calls, sizeof(DtPptpCtrlCall));
    if (!c->calls) {
        free(c);
        return NULL;
    }
    if (config->host_name)
        snprintf(c->host_name, sizeof(c->host_name), "%s", config->host_name);
    if (config->vendor)
        snprintf(c->vendor, sizeof(c->vendor), "%s", config->vendor);
    cfg.host_name = c->host_name;
    cfg.vendor = c->vendor;
    c->config = cfg;
    c->state = DT_PPTP_CTRL_IDLE;
    c->state_deadline = DT_TIME_NEVER;
    c->next_call_id = cfg.call_id_base ? cfg.call_id_base : 1;
    c->next_serial = 1;
    return c;
}

void
dt_pptp_ctrl_free(DtPptpCtrl *c)
{
    if (!c)
        return;
    free(c->calls);
    free(c);
}

/* ---- output queues ------------------------------------------------------ */

static size_t
tx_space(const DtPptpCtrl *c)
{
    return DT_PPTP_CTRL_TX_CAP - (c->tx_len - c->tx_off);
}

bool
dt_pptp_ctrl_send_msg(DtPptpCtrl *c, const DtPptpMsg *m)
{
    if (c->tx_off > 0 && DT_PPTP_CTRL_TX_CAP - c->tx_len < DT_PPTP_MAX_MSG_LEN) {
        memmove(c->tx, c->tx + c->tx_off, c->tx_len - c->tx_off);
        c->tx_len -= c->tx_off;
        c->tx_off = 0;
    }
    size_t n = dt_pptp_msg_encode(m, c->tx + c->tx_len, DT_PPTP_CTRL_TX_CAP - c->tx_len);
    if (n == 0)
        return false;
    c->tx_len += n;
    c->stats.messages_out++;
    return true;
}

DtPptpEvent *
dt_pptp_ctrl_push_event(DtPptpCtrl *c, DtPptpEventType type)
{
    /* Input processing stops while the queue is nearly full, so this
     * rarely fails; the last slot is kept for CLOSED, so a caller that
     * polls late still learns that (and why) the connection ended. */
    if (c->ev_len + (type == DT_PPTP_EVENT_CLOSED ? 0 : 1) >= DT_PPTP_CTRL_EVENT_CAP)
        return NULL;
    DtPptpEvent *ev = &c->events[(c->ev_head + c->ev_len) % DT_PPTP_CTRL_EVENT_CAP];
    c->ev_len++;
    memset(ev, 0, sizeof(*ev));
    ev->type = type;
    return ev;
}

void
dt_pptp_ctrl_set_message(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, DT_PPTP_CTRL_MESSAGE_LEN, fmt, ap);
    va_end(ap);
}

static void
close_ctrl(DtPptpCtrl *c, DtReason reason, uint8_t result, uint8_t error, const char *message)
{
    if (c->state == DT_PPTP_CTRL_CLOSED)
        return;
    c->state = DT_PPTP_CTRL_CLOSED;
    c->state_deadline = DT_TIME_NEVER;
    c->reason = reason;
    snprintf(c->reason_message, sizeof(c->reason_message), "%s", message);
    /* The calls die with their control connection (RFC 2637 §2.3). */
    for (unsigned i = 0; i < c->config.max_calls; i++)
        c->calls[i].info.state = DT_PPTP_CALL_FREE;
    c->call_count = 0;
    c->rx_off = c->rx_len = 0;
    DtPptpEvent *ev = dt_pptp_ctrl_push_event(c, DT_PPTP_EVENT_CLOSED);
    if (ev) {
        ev->reason = reason;
        ev->result = result;
        ev->error = error;
        snprintf(ev->message, sizeof(ev->message), "%s", message);
    }
}

/* ---- received messages, one function each -------------------------------- */

static void
store_peer(DtPptpCtrl *c, const DtPptpStartCtrl *s)
{
    c->peer.valid = true;
    c->peer.version = s->version;
    c->peer.framing_caps = s->framing_caps;
    c->peer.bearer_caps = s->bearer_caps;
    c->peer.max_channels = s->max_channels;
    c->peer.firmware = s->firmware;
    memcpy(c->peer.host_name, s->host_name, sizeof(c->peer.host_name));
    memcpy(c->peer.vendor, s->vendor, sizeof(c->peer.vendor));
}

static void
control_up(DtPptpCtrl *c)
{
    c->state = DT_PPTP_CTRL_ESTABLISHED;
    c->state_deadline = DT_TIME_NEVER;
    DtPptpEvent *ev = dt_pptp_ctrl_push_event(c, DT_PPTP_EVENT_CONTROL_UP);
    if (ev)
        dt_pptp_ctrl_set_message(ev->message,
                                 "PPTP control connection up with %s \"%s\" (%s, firmware %u)",
                                 peer_word(c), c->peer.host_name, c->peer.vendor, c->peer.firmware);
}

static void
on_sccrq(DtPptpCtrl *c, const DtPptpStartCtrl *s)
{
    DtPptpMsg m = {.type = DT_PPTP_SCCRP};
    m.u.start.version = DT_PPTP_VERSION;
    m.u.start.framing_caps = c->config.framing_caps;
    m.u.start.bearer_caps = c->config.bearer_caps;
    m.u.start.max_channels = (uint16_t)c->config.max_calls;
    m.u.start.firmware = c->config.firmware;
    snprintf(m.u.start.host_name, sizeof(m.u.start.host_name), "%s", c->host_name);
    snprintf(m.u.start.vendor, sizeof(m.u.start.vendor), "%s", c->vendor);
    if (c->state != DT_PPTP_CTRL_WAIT_SCCRQ) {
        /* One control connection per pair (RFC 2637 §2.2 result 3). */
        m.u.start.result = DT_PPTP_SCCRP_EXISTS;
        dt_pptp_ctrl_send_msg(c, &m);
        c->stats.unexpected++;
        return;
    }
    store_peer(c, s);
    if (s->version != DT_PPTP_VERSION) {
        m.u.start.result = DT_PPTP_SCCRP_BAD_VERSION;
        dt_pptp_ctrl_send_msg(c, &m);
        char words[DT_PPTP_CTRL_MESSAGE_LEN];
        dt_pptp_ctrl_set_message(words,
                                 "The client speaks PPTP version %u.%02u; only 1.00 is supported",
                                 s->version >> 8, s->version & 0xFF);
        close_ctrl(c, DT_REASON_CONTROL_REFUSED, DT_PPTP_SCCRP_BAD_VERSION, 0, words);
        return;
    }
    m.u.start.result = DT_PPTP_SCCRP_OK;
    dt_pptp_ctrl_send_msg(c, &m);
    control_up(c);
}

static void
on_sccrp(DtPptpCtrl *c, const DtPptpStartCtrl *s)
{
    if (c->state != DT_PPTP_CTRL_WAIT_SCCRP) {
        c->stats.unexpected++;
        return;
    }
    store_peer(c, s);
    char words[DT_PPTP_CTRL_MESSAGE_LEN];
    if (s->result != DT_PPTP_SCCRP_OK) {
        char res[96];
        dt_pptp_describe_result(DT_PPTP_SCCRP, s->result, s->error, 0, res, sizeof(res));
        dt_pptp_ctrl_set_message(words, "The server refused the control connection: %s", res);
        close_ctrl(c, DT_REASON_CONTROL_REFUSED, s->result, s->error, words);
        return;
    }
    if (s->version != DT_PPTP_VERSION) {
        dt_pptp_ctrl_set_message(words,
                                 "The server speaks PPTP version %u.%02u; only 1.00 is supported",
                                 s->version >> 8, s->version & 0xFF);
        close_ctrl(c, DT_REASON_CONTROL_REFUSED, s->result, s->error, words);
        return;
    }
    control_up(c);
    for (unsigned i = 0; i < c->config.max_calls; i++) {
        if (c->calls[i].info.state == DT_PPTP_CALL_PENDING)
            dt_pptp_ctrl_send_ocrq(c, &c->calls[i]);
    }
}

static void
on_stopccrq(DtPptpCtrl *c, const DtPptpStopCtrl *s)
{
    DtPptpMsg m = {.type = DT_PPTP_STOPCCRP};
    m.u.stop.reason = DT_PPTP_STOPCCRP_OK;
    dt_pptp_ctrl_send_msg(c, &m);
    char words[DT_PPTP_CTRL_MESSAGE_LEN];
    if (c->state == DT_PPTP_CTRL_WAIT_STOP_REPLY) {
        /* Both sides stopped at once: ours was the request that counts. */
        close_ctrl(c, DT_REASON_LOCAL_REQUEST, s->reason, 0,
                   "The PPTP control connection was stopped");
        return;
    }
    dt_pptp_ctrl_set_message(words, "The %s stopped the PPTP control connection: %s", peer_word(c),
                             dt_pptp_result_to_string(DT_PPTP_STOPCCRQ, s->reason));
    close_ctrl(c, DT_REASON_PEER_STOPPED, s->reason, 0, words);
}

static void
on_stopccrp(DtPptpCtrl *c, const DtPptpStopCtrl *s)
{
    if (c->state != DT_PPTP_CTRL_WAIT_STOP_REPLY) {
        c->stats.unexpected++;
        return;
    }
    close_ctrl(c, DT_REASON_LOCAL_REQUEST, s->reason, s->error,
               "The PPTP control connection was stopped");
}

static void
on_echorq(DtPptpCtrl *c, const DtPptpEcho *e)
{
    DtPptpMsg m = {.type = DT_PPTP_ECHORP};
    m.u.echo.id = e->id;
    m.u.echo.result = DT_PPTP_ECHORP_OK;
    if (dt_pptp_ctrl_send_msg(c, &m))
        c->stats.echo_requests_answered++;
}

static void
on_echorp(DtPptpCtrl *c, const DtPptpEcho *e)
{
    if (!c->echo_outstanding || e->id != c->echo_id) {
        c->stats.unexpected++;
        return;
    }
    c->echo_outstanding = false;
    c->stats.echo_replies_received++;
}

static void
dispatch(DtPptpCtrl *c, const DtPptpMsg *m)
{
    switch (m->type) {
    case DT_PPTP_SCCRQ:
        if (c->config.role == DT_PPTP_ROLE_PAC)
            on_sccrq(c, &m->u.start);
        else
            c->stats.unexpected++;
        break;
    case DT_PPTP_SCCRP:
        on_sccrp(c, &m->u.start);
        break;
    case DT_PPTP_STOPCCRQ:
        on_stopccrq(c, &m->u.stop);
        break;
    case DT_PPTP_STOPCCRP:
        on_stopccrp(c, &m->u.stop);
        break;
    case DT_PPTP_ECHORQ:
        on_echorq(c, &m->u.echo);
        break;
    case DT_PPTP_ECHORP:
        on_echorp(c, &m->u.echo);
        break;
    case DT_PPTP_OCRQ:
        dt_pptp_ctrl_on_ocrq(c, &m->u.ocrq);
        break;
    case DT_PPTP_OCRP:
        dt_pptp_ctrl_on_ocrp(c, &m->u.ocrp);
        break;
    case DT_PPTP_ICRQ:
        dt_pptp_ctrl_on_icrq(c, &m->u.icrq);
        break;
    case DT_PPTP_CCRQ:
        dt_pptp_ctrl_on_ccrq(c, &m->u.ccrq);
        break;
    case DT_PPTP_CDN:
        dt_pptp_ctrl_on_cdn(c, &m->u.cdn);
        break;
    case DT_PPTP_WEN:
        dt_pptp_ctrl_on_wen(c, &m->u.wen);
        break;
    case DT_PPTP_SLI:
        dt_pptp_ctrl_on_sli(c, &m->u.sli);
        break;
    case DT_PPTP_ICRP: /* we never send Incoming-Call-Request */
    case DT_PPTP_ICCN:
        c->stats.unexpected++;
        break;
    }
}

/* Handles every complete message in the reassembly buffer while there is
 * room for what it may produce (one event, one reply). */
static void
process_rx(DtPptpCtrl *c)
{
    while (c->state != DT_PPTP_CTRL_CLOSED && c->state != DT_PPTP_CTRL_IDLE &&
           c->ev_len + 2 <= DT_PPTP_CTRL_EVENT_CAP && tx_space(c) >= 2 * DT_PPTP_MAX_MSG_LEN) {
        const uint8_t *p = c->rx + c->rx_off;
        size_t avail = c->rx_len - c->rx_off;
        uint16_t length, type;
        DtPptpMsgError e = dt_pptp_msg_check_header(p, avail, &length, &type);
        if (e == DT_PPTP_MSG_ERR_SHORT)
            break;
        bool skippable = e == DT_PPTP_MSG_ERR_CTRL_TYPE || e == DT_PPTP_MSG_ERR_PPTP_TYPE ||
                         e == DT_PPTP_MSG_ERR_RESERVED;
        if (e != DT_PPTP_MSG_OK && !(skippable && length <= SKIP_MAX_LEN)) {
            /* The header is wrong as soon as it is complete: end now rather
             * than wait for octets a lying Length promises. */
            char words[DT_PPTP_CTRL_MESSAGE_LEN];
            dt_pptp_ctrl_set_message(words, "The %s sent a malformed PPTP control message (%s)",
                                     peer_word(c), dt_pptp_msg_error_to_string(e));
            close_ctrl(c, DT_REASON_MALFORMED, 0, 0, words);
            break;
        }
        if (avail < length)
            break;
        c->rx_off += length;
        c->last_rx = c->now;
        if (e != DT_PPTP_MSG_OK) {
            c->stats.skipped++;
            continue;
        }
        DtPptpMsg m;
        if (dt_pptp_msg_decode(p, length, &m) != DT_PPTP_MSG_OK) {
            c->stats.skipped++;
            continue;
        }
        c->stats.messages_in++;
        dispatch(c, &m);
    }
    if (c->rx_off == c->rx_len)
        c->rx_off = c->rx_len = 0;
}

/* ---- the public entry points -------------------------------------------- */

void
dt_pptp_ctrl_start(DtPptpCtrl *c, DtTime now)
{
    if (c->state != DT_PPTP_CTRL_IDLE)
        return;
    c->now = now;
    c->last_rx = now;
    c->state_deadline = now + c->config.reply_timeout_ms;
    if (c->config.role == DT_PPTP_ROLE_PAC) {
        c->state = DT_PPTP_CTRL_WAIT_SCCRQ;
    } else {
        DtPptpMsg m = {.type = DT_PPTP_SCCRQ};
        m.u.start.version = DT_PPTP_VERSION;
        m.u.start.framing_caps = c->config.framing_caps;
        m.u.start.bearer_caps = c->config.bearer_caps;
        m.u.start.max_channels = 0; /* the PNS sends 0 (RFC 2637 §2.1) */
        m.u.start.firmware = c->config.firmware;
        snprintf(m.u.start.host_name, sizeof(m.u.start.host_name), "%s", c->host_name);
        snprintf(m.u.start.vendor, sizeof(m.u.start.vendor), "%s", c->vendor);
        dt_pptp_ctrl_send_msg(c, &m);
        c->state = DT_PPTP_CTRL_WAIT_SCCRP;
    }
    process_rx(c);
}

size_t
dt_pptp_ctrl_input_space(const DtPptpCtrl *c)
{
    if (c->state == DT_PPTP_CTRL_CLOSED)
        return SIZE_MAX;
    return DT_PPTP_CTRL_RX_CAP - (c->rx_len - c->rx_off);
}

size_t
dt_pptp_ctrl_input(DtPptpCtrl *c, const uint8_t *data, size_t len, DtTime now)
{
    c->now = now;
    if (c->state == DT_PPTP_CTRL_CLOSED)
        return len; /* nothing more matters */
    if (c->rx_off > 0) {
        memmove(c->rx, c->rx + c->rx_off, c->rx_len - c->rx_off);
        c->rx_len -= c->rx_off;
        c->rx_off = 0;
    }
    size_t n = DT_PPTP_CTRL_RX_CAP - c->rx_len;
    if (n > len)
        n = len;
    if (n)
        memcpy(c->rx + c->rx_len, data, n);
    c->rx_len += n;
    process_rx(c);
    return n;
}

void
dt_pptp_ctrl_input_eof(DtPptpCtrl *c, DtTime now)
{
    c->now = now;
    if (c->state == DT_PPTP_CTRL_CLOSED)
        return;
    process_rx(c);
    char words[DT_PPTP_CTRL_MESSAGE_LEN];
    if (c->state == DT_PPTP_CTRL_WAIT_STOP_REPLY) {
        close_ctrl(c, DT_REASON_LOCAL_REQUEST, 0, 0, "The PPTP control connection was stopped");
        return;
    }
    dt_pptp_ctrl_set_message(words, "The %s closed the PPTP control connection", peer_word(c));
    close_ctrl(c, DT_REASON_PEER_STOPPED, 0, 0, words);
}

DtTime
dt_pptp_ctrl_next_deadline(const DtPptpCtrl *c)
{
    if (c->state == DT_PPTP_CTRL_CLOSED || c->state == DT_PPTP_CTRL_IDLE)
        return DT_TIME_NEVER;
    DtTime t = c->state_deadline;
    if (c->state == DT_PPTP_CTRL_ESTABLISHED) {
        t = dt_time_min(t, c->echo_outstanding ? c->echo_sent_at + c->config.echo_timeout_ms
                                               : c->last_rx + c->config.echo_interval_ms);
        for (unsigned i = 0; i < c->config.max_calls; i++) {
            if (c->calls[i].info.state != DT_PPTP_CALL_FREE)
                t = dt_time_min(t, c->calls[i].deadline);
        }
    }
    return t;
}

void
dt_pptp_ctrl_handle_timeout(DtPptpCtrl *c, DtTime now)
{
    c->now = now;
    char words[DT_PPTP_CTRL_MESSAGE_LEN];
    switch (c->state) {
    case DT_PPTP_CTRL_IDLE:
    case DT_PPTP_CTRL_CLOSED:
        return;
    case DT_PPTP_CTRL_WAIT_SCCRP:
    case DT_PPTP_CTRL_WAIT_SCCRQ:
        if (now >= c->state_deadline) {
            dt_pptp_ctrl_set_message(
                words, "The %s did not start the PPTP control connection in time", peer_word(c));
            close_ctrl(c, DT_REASON_TIMEOUT, 0, 0, words);
        }
        return;
    case DT_PPTP_CTRL_WAIT_STOP_REPLY:
        if (now >= c->state_deadline)
            close_ctrl(c, DT_REASON_LOCAL_REQUEST, 0, 0,
                       "The PPTP control connection was stopped (no reply to the stop request)");
        return;
    case DT_PPTP_CTRL_ESTABLISHED:
        break;
    }
    if (c->echo_outstanding && now >= c->echo_sent_at + c->config.echo_timeout_ms) {
        dt_pptp_ctrl_set_message(words, "The %s did not answer PPTP echo requests for %u seconds",
                                 peer_word(c), c->config.echo_timeout_ms / 1000);
        close_ctrl(c, DT_REASON_ECHO_TIMEOUT, 0, 0, words);
        return;
    }
    if (!c->echo_outstanding && now >= c->last_rx + c->config.echo_interval_ms) {
        DtPptpMsg m = {.type = DT_PPTP_ECHORQ};
        m.u.echo.id = ++c->echo_id;
        if (dt_pptp_ctrl_send_msg(c, &m)) {
            c->echo_outstanding = true;
            c->echo_sent_at = now;
            c->stats.echo_requests_sent++;
        }
    }
    dt_pptp_ctrl_calls_timeout(c, now);
}

const uint8_t *
dt_pptp_ctrl_peek_transmit(const DtPptpCtrl *c, size_t *len)
{
    *len = c->tx_len - c->tx_off;
    return *len ? c->tx + c->tx_off : NULL;
}

void
dt_pptp_ctrl_consume_transmit(DtPptpCtrl *c, size_t n)
{
    size_t pending = c->tx_len - c->tx_off;
    c->tx_off += n < pending ? n : pending;
    if (c->tx_off == c->tx_len)
        c->tx_off = c->tx_len = 0;
    process_rx(c);
}

size_t
dt_pptp_ctrl_poll_transmit(DtPptpCtrl *c, uint8_t *buf, size_t cap)
{
    size_t n;
    const uint8_t *p = dt_pptp_ctrl_peek_transmit(c, &n);
    if (n > cap)
        n = cap;
    if (n)
        memcpy(buf, p, n);
    dt_pptp_ctrl_consume_transmit(c, n);
    return n;
}

bool
dt_pptp_ctrl_poll_event(DtPptpCtrl *c, DtPptpEvent *ev)
{
    if (c->ev_len == 0)
        return false;
    *ev = c->events[c->ev_head];
    c->ev_head = (c->ev_head + 1) % DT_PPTP_CTRL_EVENT_CAP;
    c->ev_len--;
    process_rx(c);
    return true;
}

void
dt_pptp_ctrl_stop(DtPptpCtrl *c, uint8_t reason, DtTime now)
{
    c->now = now;
    if (c->state == DT_PPTP_CTRL_CLOSED || c->state == DT_PPTP_CTRL_WAIT_STOP_REPLY)
        return;
    if (c->state != DT_PPTP_CTRL_ESTABLISHED) {
        close_ctrl(c, DT_REASON_LOCAL_REQUEST, 0, 0, "The PPTP control connection was stopped");
        return;
    }
    /* Clear the calls first, as RFC 2637 §2.3 asks (pptp-linux does the
     * same); if the output is full, stopping clears them implicitly. */
    for (unsigned i = 0; i < c->config.max_calls; i++) {
        DtPptpCtrlCall *k = &c->calls[i];
        if (k->info.state != DT_PPTP_CALL_ESTABLISHED || tx_space(c) < 2 * DT_PPTP_MAX_MSG_LEN)
            continue;
        if (c->config.role == DT_PPTP_ROLE_PNS)
            dt_pptp_ctrl_send_ccrq(c, k->info.call_id);
        else
            dt_pptp_ctrl_send_cdn(c, k->info.call_id, DT_PPTP_CDN_ADMIN_SHUTDOWN);
    }
    DtPptpMsg m = {.type = DT_PPTP_STOPCCRQ};
    m.u.stop.reason = reason ? reason : DT_PPTP_STOP_REASON_NONE;
    dt_pptp_ctrl_send_msg(c, &m);
    c->state = DT_PPTP_CTRL_WAIT_STOP_REPLY;
    c->state_deadline = now + c->config.stop_timeout_ms;
}

DtPptpRole
dt_pptp_ctrl_role(const DtPptpCtrl *c)
{
    return c->config.role;
}

DtPptpCtrlState
dt_pptp_ctrl_state(const DtPptpCtrl *c)
{
    return c->state;
}

const char *
dt_pptp_ctrl_state_to_string(DtPptpCtrlState s)
{
    switch (s) {
    case DT_PPTP_CTRL_IDLE:
        return "idle";
    case DT_PPTP_CTRL_WAIT_SCCRP:
        return "wait-sccrp";
    case DT_PPTP_CTRL_WAIT_SCCRQ:
        return "wait-sccrq";
    case DT_PPTP_CTRL_ESTABLISHED:
        return "established";
    case DT_PPTP_CTRL_WAIT_STOP_REPLY:
        return "wait-stop-reply";
    case DT_PPTP_CTRL_CLOSED:
        return "closed";
    }
    return "unknown";
}

DtReason
dt_pptp_ctrl_reason(const DtPptpCtrl *c)
{
    return c->reason;
}

const char *
dt_pptp_ctrl_reason_message(const DtPptpCtrl *c)
{
    return c->reason_message;
}

const DtPptpPeerInfo *
dt_pptp_ctrl_peer(const DtPptpCtrl *c)
{
    return &c->peer;
}

const DtPptpCtrlStats *
dt_pptp_ctrl_stats(const DtPptpCtrl *c)
{
    return &c->stats;
}
