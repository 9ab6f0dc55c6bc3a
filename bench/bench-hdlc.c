/* bench-hdlc.c — RFC 1662 encode and decode throughput, with memcpy as the yardstick.
 *
 * Frames of 1500 random octets (so about 1 in 8 needs escaping under the
 * default ACCM, 2 in 256 under ACCM 0), encoded into one stream and
 * decoded in 4 KiB reads, as a serial read loop would.  MB/s counts the
 * unframed payload octets.  Usage: bench-hdlc [seconds per case, default 1]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dt-hdlc.h"

#define FRAME 1500
#define FRAMES 512

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t
next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static volatile uint8_t sink;

int
main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    uint8_t *frames = malloc((size_t)FRAME * FRAMES);
    uint8_t *wire = malloc(DT_HDLC_ENCODED_MAX(FRAME) * FRAMES);
    uint8_t *copy = malloc((size_t)FRAME * FRAMES);
    if (!frames || !wire || !copy)
        return 1;
    uint32_t seed = 0x12345678;
    for (size_t i = 0; i < (size_t)FRAME * FRAMES; i++)
        frames[i] = (uint8_t)next_rand(&seed);
    const double mb = (double)FRAME * FRAMES / 1e6;

    /* The yardstick: the same octets through memcpy. */
    double t0 = now_s(), t;
    unsigned rounds = 0;
    do {
        memcpy(copy, frames, (size_t)FRAME * FRAMES);
        sink = copy[rounds % FRAME];
        rounds++;
    } while ((t = now_s()) - t0 < secs);
    printf("memcpy                 %9.1f MB/s\n", mb * rounds / (t - t0));

    const struct {
        const char *name;
        uint32_t accm;
        DtHdlcFcs fcs;
    } cases[] = {
        {"accm=ffffffff fcs16", 0xFFFFFFFFu, DT_HDLC_FCS_16},
        {"accm=00000000 fcs16", 0, DT_HDLC_FCS_16},
        {"accm=00000000 fcs32", 0, DT_HDLC_FCS_32},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        size_t wlen = 0;
        rounds = 0;
        t0 = now_s();
        do {
            wlen = 0;
            for (size_t f = 0; f < FRAMES; f++)
                wlen += dt_hdlc_encode(frames + f * FRAME, FRAME, cases[c].accm, cases[c].fcs, 0,
                                       wire + wlen, DT_HDLC_ENCODED_MAX(FRAME));
            rounds++;
        } while ((t = now_s()) - t0 < secs);
        printf("encode %s %9.1f MB/s  (wire %.3f x payload)\n", cases[c].name,
               mb * rounds / (t - t0), (double)wlen / ((double)FRAME * FRAMES));

        DtHdlcDecoderConfig cfg = {.max_frame = FRAME, .fcs = cases[c].fcs, .recv_accm = 0};
        DtHdlcDecoder *d = dt_hdlc_decoder_new(&cfg);
        if (!d)
            return 1;
        rounds = 0;
        uint64_t got = 0;
        t0 = now_s();
        do {
            for (size_t off = 0; off < wlen;) {
                size_t n = wlen - off < 4096 ? wlen - off : 4096;
                const uint8_t *p = wire + off;
                off += n;
                while (n > 0) {
                    size_t used = dt_hdlc_decoder_feed(d, p, n);
                    p += used;
                    n -= used;
                    size_t flen;
                    if (dt_hdlc_decoder_frame(d, &flen))
                        got++;
                }
            }
            rounds++;
        } while ((t = now_s()) - t0 < secs);
        if (got != (uint64_t)rounds * FRAMES || d->counters.bad_fcs != 0) {
            fprintf(stderr, "decode lost frames: %llu of %llu\n", (unsigned long long)got,
                    (unsigned long long)rounds * FRAMES);
            return 1;
        }
        printf("decode %s %9.1f MB/s\n", cases[c].name, mb * rounds / (t - t0));
        dt_hdlc_decoder_free(d);
    }
    free(frames);
    free(wire);
    free(copy);
    return 0;
}
