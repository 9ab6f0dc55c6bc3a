/* fuzz-hdlc-decoder.c — the RFC 1662 streaming decoder on arbitrary serial bytes.
 *
 * Input: an 8-octet header (FCS type, max frame size, receive ACCM, chunking
 * seed), then the line octets, fed in chunk sizes drawn from the seed.
 * Invariants: feed consumes 1..len octets and stops early only with a frame
 * ready; every frame fits max_frame, sits in the decoder's buffer, carries
 * a good FCS, and survives encode → decode unchanged; the frame counter
 * matches what was yielded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-fcs.h"
#include "dt-hdlc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t
next_rand(uint32_t *s)
{
    /* xorshift32: chunk sizes must be a function of the input alone. */
    uint32_t x = *s ? *s : 0x9E3779B9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void
check_round_trip(const uint8_t *f, size_t n, const DtHdlcDecoderConfig *cfg)
{
    size_t need = dt_hdlc_encode(f, n, 0xFFFFFFFFu, cfg->fcs, 0, NULL, 0);
    if (need > DT_HDLC_ENCODED_MAX(n))
        abort();
    uint8_t *wire = malloc(need);
    if (!wire)
        return;
    if (dt_hdlc_encode(f, n, 0xFFFFFFFFu, cfg->fcs, 0, wire, need) != need)
        abort();
    DtHdlcDecoder d;
    if (!dt_hdlc_decoder_init(&d, cfg))
        abort();
    size_t used = dt_hdlc_decoder_feed(&d, wire, need);
    size_t got;
    const uint8_t *back = dt_hdlc_decoder_frame(&d, &got);
    if (used != need || !back || got != n || memcmp(back, f, n) != 0)
        abort();
    dt_hdlc_decoder_clear(&d);
    free(wire);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    DtHdlcDecoderConfig cfg = {
        .fcs = data[0] & 1 ? DT_HDLC_FCS_32 : DT_HDLC_FCS_16,
        .max_frame = 1 + ((size_t)data[1] | (size_t)(data[2] & 0x07) << 8),
        .recv_accm = (uint32_t)data[3] | (uint32_t)data[4] << 8 | (uint32_t)data[5] << 16 |
                     (uint32_t)data[6] << 24,
    };
    uint32_t seed = data[7] | (uint32_t)size << 8;
    const uint8_t *p = data + 8;
    size_t len = size - 8;
    size_t fcs_len = dt_hdlc_fcs_len(cfg.fcs);

    DtHdlcDecoder d;
    if (!dt_hdlc_decoder_init(&d, &cfg))
        abort();
    uint64_t yielded = 0;
    while (len > 0) {
        size_t chunk = 1 + next_rand(&seed) % 64;
        if (chunk > len)
            chunk = len;
        size_t used = dt_hdlc_decoder_feed(&d, p, chunk);
        if (used == 0 || used > chunk)
            abort();
        size_t flen;
        const uint8_t *f = dt_hdlc_decoder_frame(&d, &flen);
        if (used < chunk && !f)
            abort();
        if (f) {
            if (f != d.buf || flen > cfg.max_frame || flen + fcs_len > d.cap || flen < 2)
                abort();
            if (cfg.fcs == DT_HDLC_FCS_32 ? dt_fcs32(f, flen + 4) != DT_FCS32_GOOD
                                          : dt_fcs16(f, flen + 2) != DT_FCS16_GOOD)
                abort();
            yielded++;
            check_round_trip(f, flen, &cfg);
        }
        p += used;
        len -= used;
    }
    if (d.counters.frames != yielded)
        abort();
    dt_hdlc_decoder_clear(&d);
    return 0;
}
