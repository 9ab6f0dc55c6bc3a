/* dt-hdlc.c — RFC 1662 async HDLC-like framing: encoder and streaming decoder. */
#include "dt-hdlc.h"

#include <stdlib.h>
#include <string.h>

#include "dt-fcs.h"

/* 1 MiB: far above any MRU (RFC 1661 §6.1 caps it at 65535). */
#define MAX_FRAME_LIMIT (1u << 20)

size_t
dt_hdlc_fcs_len(DtHdlcFcs fcs)
{
    return fcs == DT_HDLC_FCS_32 ? 4 : 2;
}

/* §4.2: flag and escape always; a control character when its ACCM bit is set. */
static inline bool
needs_escape(uint8_t c, uint32_t accm)
{
    return c == DT_HDLC_FLAG || c == DT_HDLC_ESCAPE || (c < 0x20 && (accm >> c & 1u));
}

static inline void
put_octet(uint8_t c, uint32_t accm, uint8_t *out, size_t cap, size_t *pos)
{
    if (needs_escape(c, accm)) {
        if (*pos < cap)
            out[*pos] = DT_HDLC_ESCAPE;
        (*pos)++;
        c ^= DT_HDLC_TRANS;
    }
    if (*pos < cap)
        out[*pos] = c;
    (*pos)++;
}

size_t
dt_hdlc_encode(const uint8_t *frame, size_t len, uint32_t accm, DtHdlcFcs fcs, unsigned flags,
               uint8_t *out, size_t cap)
{
    size_t pos = 0;
    if (!out)
        cap = 0;
    if (!(flags & DT_HDLC_ENCODE_NO_OPEN_FLAG)) {
        if (pos < cap)
            out[pos] = DT_HDLC_FLAG;
        pos++;
    }
    /* The FCS covers the frame before escaping (§3.1), so compute it as we go. */
    uint8_t trailer[4];
    size_t tlen;
    if (fcs == DT_HDLC_FCS_32) {
        uint32_t f = DT_FCS32_INIT;
        for (size_t i = 0; i < len; i++) {
            f = dt_fcs32_step(f, frame[i]);
            put_octet(frame[i], accm, out, cap, &pos);
        }
        dt_fcs32_put(trailer, f);
        tlen = 4;
    } else {
        uint16_t f = DT_FCS16_INIT;
        for (size_t i = 0; i < len; i++) {
            f = dt_fcs16_step(f, frame[i]);
            put_octet(frame[i], accm, out, cap, &pos);
        }
        dt_fcs16_put(trailer, f);
        tlen = 2;
    }
    for (size_t i = 0; i < tlen; i++)
        put_octet(trailer[i], accm, out, cap, &pos);
    if (pos < cap)
        out[pos] = DT_HDLC_FLAG;
    pos++;
    return pos;
}

bool
dt_hdlc_decoder_init(DtHdlcDecoder *d, const DtHdlcDecoderConfig *cfg)
{
    memset(d, 0, sizeof(*d));
    if (!cfg || cfg->max_frame == 0 || cfg->max_frame > MAX_FRAME_LIMIT)
        return false;
    d->cfg = *cfg;
    if (d->cfg.fcs != DT_HDLC_FCS_32)
        d->cfg.fcs = DT_HDLC_FCS_16;
    /* Room for the largest frame plus either FCS: switching FCS never reallocates. */
    d->cap = cfg->max_frame + 4;
    d->buf = malloc(d->cap);
    if (!d->buf)
        return false;
    dt_hdlc_decoder_reset(d);
    return true;
}

void
dt_hdlc_decoder_clear(DtHdlcDecoder *d)
{
    if (!d)
        return;
    free(d->buf);
    memset(d, 0, sizeof(*d));
}

DtHdlcDecoder *
dt_hdlc_decoder_new(const DtHdlcDecoderConfig *cfg)
{
    DtHdlcDecoder *d = malloc(sizeof(*d));
    if (!d)
        return NULL;
    if (!dt_hdlc_decoder_init(d, cfg)) {
        free(d);
        return NULL;
    }
    return d;
}

void
dt_hdlc_decoder_free(DtHdlcDecoder *d)
{
    if (!d)
        return;
    dt_hdlc_decoder_clear(d);
    free(d);
}

static uint32_t
fcs_init(const DtHdlcDecoder *d)
{
    return d->cfg.fcs == DT_HDLC_FCS_32 ? DT_FCS32_INIT : DT_FCS16_INIT;
}

static void
start_frame(DtHdlcDecoder *d)
{
    d->len = 0;
    d->escape = false;
    d->overflow = false;
    d->fcs = fcs_init(d);
}

void
dt_hdlc_decoder_reset(DtHdlcDecoder *d)
{
    start_frame(d);
    d->hunting = true;
    d->ready = false;
    d->frame_len = 0;
}

void
dt_hdlc_decoder_set_recv_accm(DtHdlcDecoder *d, uint32_t accm)
{
    d->cfg.recv_accm = accm;
}

void
dt_hdlc_decoder_set_fcs(DtHdlcDecoder *d, DtHdlcFcs fcs)
{
    d->cfg.fcs = fcs == DT_HDLC_FCS_32 ? DT_HDLC_FCS_32 : DT_HDLC_FCS_16;
    /* A frame half-received under the old FCS cannot be checked: drop it. */
    start_frame(d);
}

/* A flag closed a non-empty frame: check it (§4.3 "Invalid Frames"). */
static bool
end_frame(DtHdlcDecoder *d)
{
    size_t flen = dt_hdlc_fcs_len(d->cfg.fcs);
    bool good = false;
    if (d->escape) {
        d->counters.aborted++; /* 7D 7E: §4.2, the frame is aborted */
    } else if (d->overflow) {
        d->counters.too_long++;
    } else if (d->len < flen + 2) {
        d->counters.too_short++;
    } else if (d->cfg.fcs == DT_HDLC_FCS_32 ? d->fcs != DT_FCS32_GOOD : d->fcs != DT_FCS16_GOOD) {
        d->counters.bad_fcs++;
    } else {
        d->frame_len = d->len - flen;
        d->ready = true;
        d->counters.frames++;
        good = true;
    }
    start_frame(d);
    return good;
}

size_t
dt_hdlc_decoder_feed(DtHdlcDecoder *d, const uint8_t *p, size_t len)
{
    d->ready = false;
    if (!p)
        return len;
    const size_t limit = d->cfg.max_frame + dt_hdlc_fcs_len(d->cfg.fcs);
    const uint32_t accm = d->cfg.recv_accm;
    const bool fcs32 = d->cfg.fcs == DT_HDLC_FCS_32;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        if (c == DT_HDLC_FLAG) {
            if (d->hunting) {
                d->hunting = false;
                start_frame(d);
            } else if (d->len == 0 && !d->escape && !d->overflow) {
                /* Repeated flags are inter-frame fill (§3): not a frame. */
            } else if (end_frame(d)) {
                return i + 1;
            }
            continue;
        }
        if (d->hunting) {
            d->counters.hunt_octets++;
            continue;
        }
        /* §4.2: a control character flagged in the receive ACCM was inserted
         * by a modem or the line, not sent by the peer: it is discarded
         * before undoing escapes, even between 7D and its octet. */
        if (c < 0x20 && (accm >> c & 1u)) {
            d->counters.accm_dropped++;
            continue;
        }
        if (c == DT_HDLC_ESCAPE) {
            d->escape = true;
            continue;
        }
        if (d->escape) {
            c ^= DT_HDLC_TRANS;
            d->escape = false;
        }
        if (d->overflow)
            continue;
        if (d->len == limit) {
            d->overflow = true;
            continue;
        }
        d->buf[d->len++] = c;
        d->fcs = fcs32 ? dt_fcs32_step(d->fcs, c) : dt_fcs16_step((uint16_t)d->fcs, c);
    }
    return len;
}

const uint8_t *
dt_hdlc_decoder_frame(const DtHdlcDecoder *d, size_t *len)
{
    if (!d->ready) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = d->frame_len;
    return d->buf;
}

const DtHdlcCounters *
dt_hdlc_decoder_counters(const DtHdlcDecoder *d)
{
    return &d->counters;
}
