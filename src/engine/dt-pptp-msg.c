/* dt-pptp-msg.c — PPTP control message codec (RFC 2637 §1.4, §2). */
#include "dt-pptp-msg.h"

#include <stdio.h>
#include <string.h>

#include "dt-buf.h"

#define PPTP_MESSAGE_TYPE_CONTROL 1

static const struct {
    uint16_t length;
    const char *name;
} msg_info[] = {
    [DT_PPTP_SCCRQ] = {156, "Start-Control-Connection-Request"},
    [DT_PPTP_SCCRP] = {156, "Start-Control-Connection-Reply"},
    [DT_PPTP_STOPCCRQ] = {16, "Stop-Control-Connection-Request"},
    [DT_PPTP_STOPCCRP] = {16, "Stop-Control-Connection-Reply"},
    [DT_PPTP_ECHORQ] = {16, "Echo-Request"},
    [DT_PPTP_ECHORP] = {20, "Echo-Reply"},
    [DT_PPTP_OCRQ] = {168, "Outgoing-Call-Request"},
    [DT_PPTP_OCRP] = {32, "Outgoing-Call-Reply"},
    [DT_PPTP_ICRQ] = {220, "Incoming-Call-Request"},
    [DT_PPTP_ICRP] = {24, "Incoming-Call-Reply"},
    [DT_PPTP_ICCN] = {28, "Incoming-Call-Connected"},
    [DT_PPTP_CCRQ] = {16, "Call-Clear-Request"},
    [DT_PPTP_CDN] = {148, "Call-Disconnect-Notify"},
    [DT_PPTP_WEN] = {40, "WAN-Error-Notify"},
    [DT_PPTP_SLI] = {24, "Set-Link-Info"},
};

uint16_t
dt_pptp_msg_length(unsigned type)
{
    if (type < 1 || type > DT_PPTP_MSG_TYPE_MAX)
        return 0;
    return msg_info[type].length;
}

const char *
dt_pptp_msg_type_to_string(unsigned type)
{
    if (type < 1 || type > DT_PPTP_MSG_TYPE_MAX)
        return "unknown";
    return msg_info[type].name;
}

const char *
dt_pptp_msg_error_to_string(DtPptpMsgError e)
{
    switch (e) {
    case DT_PPTP_MSG_OK:
        return "ok";
    case DT_PPTP_MSG_ERR_SHORT:
        return "truncated message";
    case DT_PPTP_MSG_ERR_LENGTH:
        return "wrong Length for the message type";
    case DT_PPTP_MSG_ERR_PPTP_TYPE:
        return "PPTP-Message-Type is not control";
    case DT_PPTP_MSG_ERR_MAGIC:
        return "bad Magic-Cookie";
    case DT_PPTP_MSG_ERR_CTRL_TYPE:
        return "unknown Control-Message-Type";
    case DT_PPTP_MSG_ERR_RESERVED:
        return "Reserved0 is not zero";
    }
    return "unknown error";
}

DtPptpMsgError
dt_pptp_msg_check_header(const uint8_t *p, size_t len, uint16_t *length, uint16_t *type)
{
    DtReader r;
    dt_reader_init(&r, p, len);
    uint16_t l = dt_reader_u16(&r);
    uint16_t ptype = dt_reader_u16(&r);
    uint32_t magic = dt_reader_u32(&r);
    uint16_t ctype = dt_reader_u16(&r);
    uint16_t reserved0 = dt_reader_u16(&r);
    if (!dt_reader_ok(&r))
        return DT_PPTP_MSG_ERR_SHORT;
    *length = l;
    *type = ctype;
    /* Checked in the order that tells a desynchronised stream from a
     * peer speaking a newer dialect (RFC 2637 §1.4). */
    if (magic != DT_PPTP_MAGIC_COOKIE)
        return DT_PPTP_MSG_ERR_MAGIC;
    if (l < DT_PPTP_HEADER_LEN)
        return DT_PPTP_MSG_ERR_LENGTH;
    if (ptype != PPTP_MESSAGE_TYPE_CONTROL)
        return DT_PPTP_MSG_ERR_PPTP_TYPE;
    if (ctype < 1 || ctype > DT_PPTP_MSG_TYPE_MAX)
        return DT_PPTP_MSG_ERR_CTRL_TYPE;
    if (reserved0 != 0)
        return DT_PPTP_MSG_ERR_RESERVED;
    /* Every RFC 2637 message has one fixed size; a Length that differs
     * means the peer and we disagree about where the next message starts. */
    if (l != msg_info[ctype].length)
        return DT_PPTP_MSG_ERR_LENGTH;
    return DT_PPTP_MSG_OK;
}

/* Copies a NUL-padded text field up to its first NUL (RFC 2637 §2.1 asks
 * for NUL fill; Windows 95 sent garbage after the NUL) and makes it safe
 * for logs. */
static void
read_text(DtReader *r, size_t n, char *dst)
{
    const uint8_t *q = dt_reader_bytes(r, n);
    size_t i = 0;
    if (q) {
        for (; i < n && q[i] != 0; i++)
            dst[i] = (q[i] < 0x20 || q[i] == 0x7F) ? '?' : (char)q[i];
    }
    dst[i] = '\0';
}

static void
write_text(DtWriter *w, const char *s, size_t n)
{
    size_t l = s ? strnlen(s, n) : 0;
    dt_writer_bytes(w, s, l);
    dt_writer_zeros(w, n - l);
}

DtPptpMsgError
dt_pptp_msg_decode(const uint8_t *p, size_t len, DtPptpMsg *m)
{
    uint16_t length, type;
    DtPptpMsgError e = dt_pptp_msg_check_header(p, len, &length, &type);
    if (e == DT_PPTP_MSG_OK && len < length)
        e = DT_PPTP_MSG_ERR_SHORT;
    if (e != DT_PPTP_MSG_OK)
        return e;

    DtPptpMsg out;
    memset(&out, 0, sizeof(out));
    out.type = (DtPptpMsgType)type;
    DtReader r;
    dt_reader_init(&r, p + DT_PPTP_HEADER_LEN, length - DT_PPTP_HEADER_LEN);
    /* Reserved fields after Reserved0 are skipped, not checked: RFC 2637
     * asks senders to zero them, and refusing a message for them would
     * only break interoperability. */
    switch (out.type) {
    case DT_PPTP_SCCRQ:
    case DT_PPTP_SCCRP: {
        DtPptpStartCtrl *s = &out.u.start;
        s->version = dt_reader_u16(&r);
        s->result = dt_reader_u8(&r);
        s->error = dt_reader_u8(&r);
        if (out.type == DT_PPTP_SCCRQ)
            s->result = s->error = 0; /* Reserved1 in the request */
        s->framing_caps = dt_reader_u32(&r);
        s->bearer_caps = dt_reader_u32(&r);
        s->max_channels = dt_reader_u16(&r);
        s->firmware = dt_reader_u16(&r);
        read_text(&r, DT_PPTP_TEXT_LEN, s->host_name);
        read_text(&r, DT_PPTP_TEXT_LEN, s->vendor);
        break;
    }
    case DT_PPTP_STOPCCRQ:
    case DT_PPTP_STOPCCRP:
        out.u.stop.reason = dt_reader_u8(&r);
        out.u.stop.error = dt_reader_u8(&r);
        if (out.type == DT_PPTP_STOPCCRQ)
            out.u.stop.error = 0; /* Reserved1 in the request */
        dt_reader_skip(&r, 2);
        break;
    case DT_PPTP_ECHORQ:
        out.u.echo.id = dt_reader_u32(&r);
        break;
    case DT_PPTP_ECHORP:
        out.u.echo.id = dt_reader_u32(&r);
        out.u.echo.result = dt_reader_u8(&r);
        out.u.echo.error = dt_reader_u8(&r);
        dt_reader_skip(&r, 2);
        break;
    case DT_PPTP_OCRQ: {
        DtPptpOcrq *o = &out.u.ocrq;
        o->call_id = dt_reader_u16(&r);
        o->serial = dt_reader_u16(&r);
        o->min_bps = dt_reader_u32(&r);
        o->max_bps = dt_reader_u32(&r);
        o->bearer_type = dt_reader_u32(&r);
        o->framing_type = dt_reader_u32(&r);
        o->recv_window = dt_reader_u16(&r);
        o->processing_delay = dt_reader_u16(&r);
        o->phone_len = dt_reader_u16(&r);
        dt_reader_skip(&r, 2);
        read_text(&r, DT_PPTP_TEXT_LEN, o->phone);
        read_text(&r, DT_PPTP_TEXT_LEN, o->subaddress);
        break;
    }
    case DT_PPTP_OCRP: {
        DtPptpOcrp *o = &out.u.ocrp;
        o->call_id = dt_reader_u16(&r);
        o->peer_call_id = dt_reader_u16(&r);
        o->result = dt_reader_u8(&r);
        o->error = dt_reader_u8(&r);
        o->cause = dt_reader_u16(&r);
        o->connect_speed = dt_reader_u32(&r);
        o->recv_window = dt_reader_u16(&r);
        o->processing_delay = dt_reader_u16(&r);
        o->channel_id = dt_reader_u32(&r);
        break;
    }
    case DT_PPTP_ICRQ: {
        DtPptpIcrq *i = &out.u.icrq;
        i->call_id = dt_reader_u16(&r);
        i->serial = dt_reader_u16(&r);
        i->bearer_type = dt_reader_u32(&r);
        i->channel_id = dt_reader_u32(&r);
        i->dialed_len = dt_reader_u16(&r);
        i->dialing_len = dt_reader_u16(&r);
        read_text(&r, DT_PPTP_TEXT_LEN, i->dialed);
        read_text(&r, DT_PPTP_TEXT_LEN, i->dialing);
        read_text(&r, DT_PPTP_TEXT_LEN, i->subaddress);
        break;
    }
    case DT_PPTP_ICRP: {
        DtPptpIcrp *i = &out.u.icrp;
        i->call_id = dt_reader_u16(&r);
        i->peer_call_id = dt_reader_u16(&r);
        i->result = dt_reader_u8(&r);
        i->error = dt_reader_u8(&r);
        i->recv_window = dt_reader_u16(&r);
        i->transmit_delay = dt_reader_u16(&r);
        dt_reader_skip(&r, 2);
        break;
    }
    case DT_PPTP_ICCN: {
        DtPptpIccn *i = &out.u.iccn;
        i->peer_call_id = dt_reader_u16(&r);
        dt_reader_skip(&r, 2);
        i->connect_speed = dt_reader_u32(&r);
        i->recv_window = dt_reader_u16(&r);
        i->transmit_delay = dt_reader_u16(&r);
        i->framing_type = dt_reader_u32(&r);
        break;
    }
    case DT_PPTP_CCRQ:
        out.u.ccrq.call_id = dt_reader_u16(&r);
        dt_reader_skip(&r, 2);
        break;
    case DT_PPTP_CDN: {
        DtPptpCdn *c = &out.u.cdn;
        c->call_id = dt_reader_u16(&r);
        c->result = dt_reader_u8(&r);
        c->error = dt_reader_u8(&r);
        c->cause = dt_reader_u16(&r);
        dt_reader_skip(&r, 2);
        read_text(&r, DT_PPTP_STATS_LEN, c->stats);
        break;
    }
    case DT_PPTP_WEN: {
        DtPptpWen *w = &out.u.wen;
        w->peer_call_id = dt_reader_u16(&r);
        dt_reader_skip(&r, 2);
        w->crc_errors = dt_reader_u32(&r);
        w->framing_errors = dt_reader_u32(&r);
        w->hardware_overruns = dt_reader_u32(&r);
        w->buffer_overruns = dt_reader_u32(&r);
        w->timeout_errors = dt_reader_u32(&r);
        w->alignment_errors = dt_reader_u32(&r);
        break;
    }
    case DT_PPTP_SLI:
        out.u.sli.peer_call_id = dt_reader_u16(&r);
        dt_reader_skip(&r, 2);
        out.u.sli.send_accm = dt_reader_u32(&r);
        out.u.sli.recv_accm = dt_reader_u32(&r);
        break;
    }
    /* The table lengths match the field layouts above, so this only fails
     * if the two ever drift apart. */
    if (!dt_reader_ok(&r) || dt_reader_remaining(&r) != 0)
        return DT_PPTP_MSG_ERR_LENGTH;
    *m = out;
    return DT_PPTP_MSG_OK;
}

size_t
dt_pptp_msg_encode(const DtPptpMsg *m, uint8_t *buf, size_t cap)
{
    uint16_t length = dt_pptp_msg_length(m->type);
    if (length == 0 || cap < length)
        return 0;
    DtWriter w;
    dt_writer_init(&w, buf, cap);
    dt_writer_u16(&w, length);
    dt_writer_u16(&w, PPTP_MESSAGE_TYPE_CONTROL);
    dt_writer_u32(&w, DT_PPTP_MAGIC_COOKIE);
    dt_writer_u16(&w, (uint16_t)m->type);
    dt_writer_u16(&w, 0);
    switch (m->type) {
    case DT_PPTP_SCCRQ:
    case DT_PPTP_SCCRP: {
        const DtPptpStartCtrl *s = &m->u.start;
        bool reply = m->type == DT_PPTP_SCCRP;
        dt_writer_u16(&w, s->version);
        dt_writer_u8(&w, reply ? s->result : 0);
        dt_writer_u8(&w, reply ? s->error : 0);
        dt_writer_u32(&w, s->framing_caps);
        dt_writer_u32(&w, s->bearer_caps);
        dt_writer_u16(&w, s->max_channels);
        dt_writer_u16(&w, s->firmware);
        write_text(&w, s->host_name, DT_PPTP_TEXT_LEN);
        write_text(&w, s->vendor, DT_PPTP_TEXT_LEN);
        break;
    }
    case DT_PPTP_STOPCCRQ:
    case DT_PPTP_STOPCCRP:
        dt_writer_u8(&w, m->u.stop.reason);
        dt_writer_u8(&w, m->type == DT_PPTP_STOPCCRP ? m->u.stop.error : 0);
        dt_writer_u16(&w, 0);
        break;
    case DT_PPTP_ECHORQ:
        dt_writer_u32(&w, m->u.echo.id);
        break;
    case DT_PPTP_ECHORP:
        dt_writer_u32(&w, m->u.echo.id);
        dt_writer_u8(&w, m->u.echo.result);
        dt_writer_u8(&w, m->u.echo.error);
        dt_writer_u16(&w, 0);
        break;
    case DT_PPTP_OCRQ: {
        const DtPptpOcrq *o = &m->u.ocrq;
        dt_writer_u16(&w, o->call_id);
        dt_writer_u16(&w, o->serial);
        dt_writer_u32(&w, o->min_bps);
        dt_writer_u32(&w, o->max_bps);
        dt_writer_u32(&w, o->bearer_type);
        dt_writer_u32(&w, o->framing_type);
        dt_writer_u16(&w, o->recv_window);
        dt_writer_u16(&w, o->processing_delay);
        dt_writer_u16(&w, o->phone_len);
        dt_writer_u16(&w, 0);
        write_text(&w, o->phone, DT_PPTP_TEXT_LEN);
        write_text(&w, o->subaddress, DT_PPTP_TEXT_LEN);
        break;
    }
    case DT_PPTP_OCRP: {
        const DtPptpOcrp *o = &m->u.ocrp;
        dt_writer_u16(&w, o->call_id);
        dt_writer_u16(&w, o->peer_call_id);
        dt_writer_u8(&w, o->result);
        dt_writer_u8(&w, o->error);
        dt_writer_u16(&w, o->cause);
        dt_writer_u32(&w, o->connect_speed);
        dt_writer_u16(&w, o->recv_window);
        dt_writer_u16(&w, o->processing_delay);
        dt_writer_u32(&w, o->channel_id);
        break;
    }
    case DT_PPTP_ICRQ: {
        const DtPptpIcrq *i = &m->u.icrq;
        dt_writer_u16(&w, i->call_id);
        dt_writer_u16(&w, i->serial);
        dt_writer_u32(&w, i->bearer_type);
        dt_writer_u32(&w, i->channel_id);
        dt_writer_u16(&w, i->dialed_len);
        dt_writer_u16(&w, i->dialing_len);
        write_text(&w, i->dialed, DT_PPTP_TEXT_LEN);
        write_text(&w, i->dialing, DT_PPTP_TEXT_LEN);
        write_text(&w, i->subaddress, DT_PPTP_TEXT_LEN);
        break;
    }
    case DT_PPTP_ICRP: {
        const DtPptpIcrp *i = &m->u.icrp;
        dt_writer_u16(&w, i->call_id);
        dt_writer_u16(&w, i->peer_call_id);
        dt_writer_u8(&w, i->result);
        dt_writer_u8(&w, i->error);
        dt_writer_u16(&w, i->recv_window);
        dt_writer_u16(&w, i->transmit_delay);
        dt_writer_u16(&w, 0);
        break;
    }
    case DT_PPTP_ICCN: {
        const DtPptpIccn *i = &m->u.iccn;
        dt_writer_u16(&w, i->peer_call_id);
        dt_writer_u16(&w, 0);
        dt_writer_u32(&w, i->connect_speed);
        dt_writer_u16(&w, i->recv_window);
        dt_writer_u16(&w, i->transmit_delay);
        dt_writer_u32(&w, i->framing_type);
        break;
    }
    case DT_PPTP_CCRQ:
        dt_writer_u16(&w, m->u.ccrq.call_id);
        dt_writer_u16(&w, 0);
        break;
    case DT_PPTP_CDN: {
        const DtPptpCdn *c = &m->u.cdn;
        dt_writer_u16(&w, c->call_id);
        dt_writer_u8(&w, c->result);
        dt_writer_u8(&w, c->error);
        dt_writer_u16(&w, c->cause);
        dt_writer_u16(&w, 0);
        write_text(&w, c->stats, DT_PPTP_STATS_LEN);
        break;
    }
    case DT_PPTP_WEN: {
        const DtPptpWen *e = &m->u.wen;
        dt_writer_u16(&w, e->peer_call_id);
        dt_writer_u16(&w, 0);
        dt_writer_u32(&w, e->crc_errors);
        dt_writer_u32(&w, e->framing_errors);
        dt_writer_u32(&w, e->hardware_overruns);
        dt_writer_u32(&w, e->buffer_overruns);
        dt_writer_u32(&w, e->timeout_errors);
        dt_writer_u32(&w, e->alignment_errors);
        break;
    }
    case DT_PPTP_SLI:
        dt_writer_u16(&w, m->u.sli.peer_call_id);
        dt_writer_u16(&w, 0);
        dt_writer_u32(&w, m->u.sli.send_accm);
        dt_writer_u32(&w, m->u.sli.recv_accm);
        break;
    }
    if (!dt_writer_ok(&w) || w.len != length)
        return 0;
    return length;
}

const char *
dt_pptp_result_to_string(DtPptpMsgType type, unsigned result)
{
    switch (type) {
    case DT_PPTP_SCCRP:
        switch (result) {
        case 1:
            return "successful channel establishment";
        case 2:
            return "general error";
        case 3:
            return "a control connection already exists";
        case 4:
            return "requester not authorized";
        case 5:
            return "protocol version not supported";
        }
        break;
    case DT_PPTP_STOPCCRQ:
        switch (result) {
        case 1:
            return "general request";
        case 2:
            return "the peer's protocol version is not supported";
        case 3:
            return "local shutdown";
        }
        break;
    case DT_PPTP_STOPCCRP:
    case DT_PPTP_ECHORP:
        switch (result) {
        case 1:
            return "OK";
        case 2:
            return "general error";
        }
        break;
    case DT_PPTP_OCRP:
        switch (result) {
        case 1:
            return "connected";
        case 2:
            return "general error";
        case 3:
            return "no carrier";
        case 4:
            return "busy";
        case 5:
            return "no dial tone";
        case 6:
            return "time-out";
        case 7:
            return "do not accept";
        }
        break;
    case DT_PPTP_ICRP:
        switch (result) {
        case 1:
            return "connect";
        case 2:
            return "general error";
        case 3:
            return "do not accept";
        }
        break;
    case DT_PPTP_CDN:
        switch (result) {
        case 1:
            return "lost carrier";
        case 2:
            return "general error";
        case 3:
            return "administrative shutdown";
        case 4:
            return "call cleared on request";
        }
        break;
    default:
        break;
    }
    return "unknown result";
}

const char *
dt_pptp_error_to_string(unsigned error)
{
    switch (error) {
    case DT_PPTP_ERROR_NONE:
        return "no error";
    case DT_PPTP_ERROR_NOT_CONNECTED:
        return "no control connection";
    case DT_PPTP_ERROR_BAD_FORMAT:
        return "bad message format";
    case DT_PPTP_ERROR_BAD_VALUE:
        return "bad value";
    case DT_PPTP_ERROR_NO_RESOURCE:
        return "out of resources";
    case DT_PPTP_ERROR_BAD_CALL_ID:
        return "bad call ID";
    case DT_PPTP_ERROR_PAC_ERROR:
        return "PAC error";
    }
    return "unknown error";
}

void
dt_pptp_describe_result(DtPptpMsgType type, unsigned result, unsigned error, unsigned cause,
                        char *buf, size_t cap)
{
    if (!buf || cap == 0)
        return;
    const char *words = dt_pptp_result_to_string(type, result);
    int n;
    /* Result 2 is "general error" in every reply; the Error-Code then says
     * which (RFC 2637 §2.16). */
    if (result == 2 && error != DT_PPTP_ERROR_NONE)
        n = snprintf(buf, cap, "%s: %s", words, dt_pptp_error_to_string(error));
    else if (strcmp(words, "unknown result") == 0)
        n = snprintf(buf, cap, "unknown result %u", result);
    else
        n = snprintf(buf, cap, "%s", words);
    if (cause != 0 && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, " (cause %u)", cause);
}
