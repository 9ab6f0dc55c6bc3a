/* bench-mppc.c — MPPC compress and decompress speed and ratio, ours against
 * FreeRDP's codec (RDP 4.0 = RFC 2118 8 KB), same corpus, same run.
 *
 * Corpus: every .in of the shared MPPC vectors, each as one packet from a
 * fresh history, plus two streams: seq0..seq7 and a generated mix of
 * traffic-like packets, compressed with the history kept across packets.
 * Decompression speed counts output octets. */
#include <freerdp/codec/mppc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dt-mppc.h"

#define MIN_SECONDS 0.4
#define MAXPKTS 4096

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    const char *name;
    int n;
    uint8_t *pkt[MAXPKTS];
    size_t len[MAXPKTS];
    bool stream; /* history kept across packets */
} Corpus;

static uint8_t *
read_file(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/mppc/%s", DT_VECTORS_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    uint8_t *b = malloc(DT_MPPC_HISTORY);
    *len = fread(b, 1, DT_MPPC_HISTORY, f);
    fclose(f);
    return b;
}

static void
make_traffic(Corpus *c)
{
    static const char *text[] = {
        "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n",
        "Accept: text/html,application/xhtml+xml\r\n",
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n",
        "<p>The quick brown fox jumps over the lazy dog.</p>\n",
        "Cookie: session=0123456789abcdef; theme=dark\r\n\r\n",
    };
    uint32_t x = 99;
    c->name = "traffic mix (stream)";
    c->stream = true;
    c->n = 2000;
    for (int i = 0; i < c->n; i++) {
        x = x * 1103515245u + 12345u;
        size_t len = 40 + (x >> 8) % 1400;
        uint8_t *p = malloc(len);
        p[0] = 0x00;
        p[1] = 0x21;
        for (size_t k = 2; k < 42 && k < len; k++)
            p[k] = (uint8_t)(k == 7 ? (size_t)i : k == 8 ? (size_t)i >> 8 : k * 3);
        size_t k = 42 < len ? 42 : len;
        int kind = (int)((x >> 20) % 10);
        while (k < len) {
            x = x * 1103515245u + 12345u;
            if (kind < 6) {
                const char *t = text[(x >> 16) % 5];
                for (size_t j = 0; t[j] && k < len; j++)
                    p[k++] = (uint8_t)t[j];
            } else if (kind < 8) {
                p[k++] = (uint8_t)(x >> 16); /* encrypted-looking payload */
            } else {
                p[k++] = 0;
            }
        }
        c->pkt[i] = p;
        c->len[i] = len;
    }
}

/* One pass over a corpus; returns the compressed total. */
static size_t
ours_compress(Corpus *c, DtMppcCompressor *z, uint8_t **out, uint8_t *flags, size_t *olen)
{
    size_t total = 0;
    dt_mppc_compressor_reset(z);
    for (int i = 0; i < c->n; i++) {
        if (!c->stream)
            dt_mppc_compressor_reset(z); /* A: a fresh history, as on a link */
        size_t n = dt_mppc_compress(z, c->pkt[i], c->len[i], out[i], DT_MPPC_HISTORY, &flags[i]);
        olen[i] = (flags[i] & DT_MPPC_FLAG_C) ? n : c->len[i];
        if (!(flags[i] & DT_MPPC_FLAG_C))
            memcpy(out[i], c->pkt[i], c->len[i]);
        total += olen[i];
    }
    return total;
}

static size_t
freerdp_compress(Corpus *c, MPPC_CONTEXT *z, uint8_t **out, uint8_t *flags, size_t *olen)
{
    size_t total = 0;
    mppc_context_reset(z, TRUE);
    for (int i = 0; i < c->n; i++) {
        if (!c->stream)
            mppc_context_reset(z, TRUE);
        BYTE *dst = out[i];
        UINT32 dlen = DT_MPPC_HISTORY, fl = 0;
        if (mppc_compress(z, c->pkt[i], (UINT32)c->len[i], &dst, &dlen, &fl) < 0)
            exit(2);
        if (dst != out[i])
            memcpy(out[i], dst, dlen);
        flags[i] = (uint8_t)fl;
        olen[i] = dlen;
        total += dlen;
    }
    return total;
}

static long errors;

static void
ours_decompress(Corpus *c, DtMppcDecompressor *d, uint8_t **in, uint8_t *flags, size_t *ilen)
{
    dt_mppc_decompressor_init(d);
    for (int i = 0; i < c->n; i++) {
        const uint8_t *o;
        size_t n;
        uint8_t f = c->stream ? flags[i] : (uint8_t)(flags[i] | DT_MPPC_FLAG_A);
        if (dt_mppc_decompress(d, in[i], ilen[i], f, &o, &n) != DT_MPPC_OK || n != c->len[i])
            errors++;
    }
}

static void
freerdp_decompress(Corpus *c, MPPC_CONTEXT *d, uint8_t **in, uint8_t *flags, size_t *ilen)
{
    mppc_context_reset(d, TRUE);
    for (int i = 0; i < c->n; i++) {
        BYTE *o = NULL;
        UINT32 n = 0;
        UINT32 f = c->stream ? flags[i] : (uint8_t)(flags[i] | DT_MPPC_FLAG_A);
        if (mppc_decompress(d, in[i], (UINT32)ilen[i], &o, &n, f) < 0 || n != c->len[i])
            errors++;
    }
}

static uint8_t *outs[MAXPKTS], *fouts[MAXPKTS];
static uint8_t oflags[MAXPKTS], fflags[MAXPKTS];
static size_t olens[MAXPKTS], flens[MAXPKTS];

typedef void (*PassFn)(Corpus *c, void *codec);

static void
ours_compress_pass(Corpus *c, void *z)
{
    ours_compress(c, z, outs, oflags, olens);
}

static void
freerdp_compress_pass(Corpus *c, void *z)
{
    freerdp_compress(c, z, fouts, fflags, flens);
}

static void
ours_decompress_pass(Corpus *c, void *d)
{
    ours_decompress(c, d, outs, oflags, olens);
}

static void
freerdp_decompress_pass(Corpus *c, void *d)
{
    freerdp_decompress(c, d, fouts, fflags, flens);
}

/* MB/s of input octets, the best of several short runs (shared machine). */
static double
rate(size_t octets, PassFn fn, Corpus *c, void *codec, void *unused)
{
    (void)unused;
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        long r = 0;
        double t0 = now(), t;
        do {
            fn(c, codec);
            r++;
        } while ((t = now()) - t0 < MIN_SECONDS / 5);
        double v = (double)octets * r / (t - t0) / 1e6;
        if (v > best)
            best = v;
    }
    return best;
}

static void
bench(Corpus *c, DtMppcCompressor *z, DtMppcDecompressor *d, MPPC_CONTEXT *fz, MPPC_CONTEXT *fd)
{
    size_t in_total = 0;
    for (int i = 0; i < c->n; i++)
        in_total += c->len[i];
    size_t ours = ours_compress(c, z, outs, oflags, olens);
    size_t theirs = freerdp_compress(c, fz, fouts, fflags, flens);

    double oc = rate(in_total, ours_compress_pass, c, z, NULL);
    double fc = rate(in_total, freerdp_compress_pass, c, fz, NULL);
    double od = rate(in_total, ours_decompress_pass, c, d, NULL);
    double fdd = rate(in_total, freerdp_decompress_pass, c, fd, NULL);
    /* Cross-check: each side decompresses the other's output once. */
    freerdp_decompress(c, fd, outs, oflags, olens);
    ours_decompress(c, d, fouts, fflags, flens);

    printf("%-24s %7zu | %7zu %6.3f %7.0f %7.0f | %7zu %6.3f %7.0f %7.0f\n", c->name, in_total,
           ours, (double)ours / in_total, oc, od, theirs, (double)theirs / in_total, fc, fdd);
}

/* `bench-mppc once ours|freerdp seq|mix`: one stream compressed 4 times and
 * nothing else, for instruction counts under callgrind (the machine is too
 * noisy for seconds to compare small changes). */
static int
run_once(const char *who, const char *what, Corpus *seq, Corpus *mix, DtMppcCompressor *z,
         MPPC_CONTEXT *fz)
{
    bool ours = strcmp(who, "ours") == 0;
    Corpus *c = strcmp(what, "seq") == 0 ? seq : strcmp(what, "mix") == 0 ? mix : NULL;
    if ((!ours && strcmp(who, "freerdp") != 0) || !c) {
        fprintf(stderr, "usage: bench-mppc [once ours|freerdp seq|mix]\n");
        return 2;
    }
    size_t out = 0;
    for (int rep = 0; rep < 4; rep++)
        out += ours ? ours_compress(c, z, outs, oflags, olens)
                    : freerdp_compress(c, fz, fouts, fflags, flens);
    printf("%s %s: %zu octets out\n", who, what, out);
    return 0;
}

int
main(int argc, char **argv)
{
    static const char *files[] = {"bells.in",       "text1400.in", "random1400.in",  "zeros1400.in",
                                  "bytes0to255.in", "run8000.in",  "ppp_ipv4_dns.in"};
    for (int i = 0; i < MAXPKTS; i++) {
        outs[i] = malloc(DT_MPPC_HISTORY);
        fouts[i] = malloc(DT_MPPC_HISTORY);
    }
    DtMppcCompressor *z = malloc(sizeof(*z));
    DtMppcDecompressor *d = malloc(sizeof(*d));
    dt_mppc_compressor_init(z);
    MPPC_CONTEXT *fz = mppc_context_new(0, TRUE);
    MPPC_CONTEXT *fd = mppc_context_new(0, FALSE);

    bool once = argc == 4 && strcmp(argv[1], "once") == 0;
    if (argc > 1 && !once) {
        fprintf(stderr, "usage: bench-mppc [once ours|freerdp seq|mix]\n");
        return 2;
    }
    if (!once)
        printf("%-24s %7s | %-38s | %-38s\n", "", "", "dialtone", "FreeRDP 2 (level 0, 8 KB)");
    if (!once)
        printf("%-24s %7s | %7s %6s %7s %7s | %7s %6s %7s %7s\n", "corpus", "octets", "out",
               "ratio", "c MB/s", "d MB/s", "out", "ratio", "c MB/s", "d MB/s");
    for (size_t f = 0; !once && f < sizeof(files) / sizeof(files[0]); f++) {
        static Corpus c;
        c.name = files[f];
        c.stream = false;
        /* The same packet 64 times, each from a fresh history. */
        size_t len;
        uint8_t *p = read_file(files[f], &len);
        c.n = 64;
        for (int i = 0; i < c.n; i++) {
            c.pkt[i] = p;
            c.len[i] = len;
        }
        bench(&c, z, d, fz, fd);
        free(p);
    }
    static Corpus seq;
    seq.name = "seq0..7 (stream)";
    seq.stream = true;
    seq.n = 8 * 16;
    uint8_t *sp[8];
    size_t sl[8];
    for (int i = 0; i < 8; i++) {
        char name[32];
        snprintf(name, sizeof(name), "seq%d.in", i);
        sp[i] = read_file(name, &sl[i]);
    }
    for (int i = 0; i < seq.n; i++) {
        seq.pkt[i] = sp[i % 8];
        seq.len[i] = sl[i % 8];
    }
    static Corpus mix;
    make_traffic(&mix);
    if (once)
        return run_once(argv[2], argv[3], &seq, &mix, z, fz);
    bench(&seq, z, d, fz, fd);
    bench(&mix, z, d, fz, fd);
    if (errors)
        printf("!! %ld packets did not decompress to their input\n", errors);
    printf("ratio = output/input (lower is better); d MB/s counts decompressed octets\n");
    return errors ? 1 : 0;
}
