/* test-mppc-freerdp.c — interoperability with FreeRDP's MPPC codec (RDP 4.0
 * bulk compression, the same bit stream as RFC 2118 with an 8 KB history).
 *
 * FreeRDP is an independent implementation: it decompresses what we
 * compress and we decompress what it compresses, packet streams long enough
 * to wrap the history many times, with resets.  Built only when
 * freerdp2-dev is installed (tools/deps installs it for CI). */
#include <string.h>

#include <freerdp/codec/mppc.h>

#include "dt-buf.h"
#include "dt-mppc.h"
#include "dt-test.h"

/* Traffic that looks like a PPP link: IPv4/TCP headers that change a little
 * from packet to packet, HTTP-ish text, DNS, runs, and random payloads. */
static size_t
make_packet(GRand *rand, uint8_t *p, size_t max, uint32_t seq)
{
    static const char *text[] = {
        "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n",
        "Accept: text/html,application/xhtml+xml\r\n",
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n",
        "<html><head><title>Dialtone</title></head><body>",
        "<p>The quick brown fox jumps over the lazy dog.</p>\n",
        "Cookie: session=0123456789abcdef; theme=dark\r\n\r\n",
    };
    size_t len = (size_t)g_rand_int_range(rand, 20, (gint32)max + 1);
    p[0] = 0x00;
    p[1] = 0x21;
    /* IPv4 + TCP header: addresses fixed, id/seq/checksum moving. */
    static const uint8_t hdr[40] = {
        0x45, 0,    0, 0,  0, 0, 0x40, 0, 0x40, 6, 0, 0, 192,  168,  0,    2,    10, 0, 0, 1,
        0xC3, 0x50, 0, 80, 0, 0, 0,    0, 0,    0, 0, 0, 0x50, 0x18, 0xFA, 0xF0, 0,  0, 0, 0};
    size_t h = len - 2 < 40 ? len - 2 : 40;
    memcpy(p + 2, hdr, h);
    if (h >= 40) {
        p[4] = (uint8_t)(len >> 8);
        p[5] = (uint8_t)len;
        p[6] = (uint8_t)(seq >> 8);
        p[7] = (uint8_t)seq;
        p[12] = (uint8_t)g_rand_int(rand);
        p[13] = (uint8_t)g_rand_int(rand);
        dt_put_u32(p + 26, seq * 1400u);
    }
    size_t i = 2 + h;
    int kind = g_rand_int_range(rand, 0, 10);
    while (i < len) {
        if (kind < 5) {
            const char *t = text[g_rand_int_range(rand, 0, G_N_ELEMENTS(text))];
            for (size_t k = 0; t[k] && i < len; k++)
                p[i++] = (uint8_t)t[k];
        } else if (kind < 7) {
            p[i++] = (uint8_t)g_rand_int(rand);
        } else if (kind < 8) {
            p[i++] = 0;
        } else {
            p[i] = (uint8_t)(i * 7 + (i % 5 == 0 ? g_rand_int_range(rand, 0, 3) : 0));
            i++;
        }
    }
    return len;
}

typedef struct {
    MPPC_CONTEXT *fc; /* FreeRDP compressor */
    MPPC_CONTEXT *fd; /* FreeRDP decompressor */
    DtMppcCompressor *c;
    DtMppcDecompressor *d;
} Codecs;

static void
codecs_init(Codecs *k)
{
    k->fc = mppc_context_new(0, TRUE); /* level 0 = RDP 4.0, 8 KB history */
    k->fd = mppc_context_new(0, FALSE);
    g_assert_nonnull(k->fc);
    g_assert_nonnull(k->fd);
    k->c = g_new(DtMppcCompressor, 1);
    k->d = g_new(DtMppcDecompressor, 1);
    dt_mppc_compressor_init(k->c);
    dt_mppc_decompressor_init(k->d);
}

static void
codecs_clear(Codecs *k)
{
    mppc_context_free(k->fc);
    mppc_context_free(k->fd);
    g_free(k->c);
    g_free(k->d);
}

/* Ours → FreeRDP. */
static void
ours_to_freerdp(Codecs *k, uint8_t *in, size_t len)
{
    uint8_t out[DT_MPPC_HISTORY];
    uint8_t flags;
    size_t n = dt_mppc_compress(k->c, in, len, out, sizeof(out), &flags);
    BYTE *src = (flags & DT_MPPC_FLAG_C) ? out : in;
    UINT32 slen = (flags & DT_MPPC_FLAG_C) ? (UINT32)n : (UINT32)len;
    BYTE *dec = NULL;
    UINT32 dlen = 0;
    int rc = mppc_decompress(k->fd, src, slen, &dec, &dlen, flags);
    g_assert_cmpint(rc, >=, 0);
    g_assert_cmpmem(dec, dlen, in, len);
}

/* FreeRDP → ours. */
static void
freerdp_to_ours(Codecs *k, uint8_t *in, size_t len)
{
    uint8_t buf[DT_MPPC_HISTORY];
    BYTE *out = buf;
    UINT32 olen = sizeof(buf);
    UINT32 flags = 0;
    int rc = mppc_compress(k->fc, in, (UINT32)len, &out, &olen, &flags);
    g_assert_cmpint(rc, >=, 0);
    const uint8_t *dec;
    size_t dlen;
    DtMppcResult r = dt_mppc_decompress(k->d, out, olen, (uint8_t)flags, &dec, &dlen);
    g_assert_cmpstr(dt_mppc_result_to_string(r), ==, "ok");
    g_assert_cmpmem(dec, dlen, in, len);
}

static void
test_streams(void)
{
    guint32 seed = dt_test_seed();
    static const size_t maxes[] = {1500, 300, 4000, 8000};
    for (gsize m = 0; m < G_N_ELEMENTS(maxes); m++) {
        GRand *rand = g_rand_new_with_seed(seed + (guint32)m);
        Codecs k;
        codecs_init(&k);
        /* Each direction moves well past 20 history wraps. */
        size_t total = 0;
        for (uint32_t seq = 0; total < 40 * DT_MPPC_HISTORY; seq++) {
            uint8_t in[DT_MPPC_HISTORY];
            size_t len = make_packet(rand, in, maxes[m], seq);
            total += len;
            if (seq % 97 == 96) {
                /* A Reset-Request from the peer. */
                dt_mppc_compressor_reset(k.c);
                mppc_context_reset(k.fc, TRUE);
            }
            ours_to_freerdp(&k, in, len);
            freerdp_to_ours(&k, in, len);
        }
        g_test_message("max %zu: ours %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT, maxes[m],
                       k.c->stats.octets_in, k.c->stats.octets_out);
        codecs_clear(&k);
        g_rand_free(rand);
    }
}

/* Purely random payloads: both sides send them uncompressed, then recover. */
static void
test_random_data(void)
{
    GRand *rand = g_rand_new_with_seed(dt_test_seed());
    Codecs k;
    codecs_init(&k);
    for (int i = 0; i < 400; i++) {
        uint8_t in[2000];
        size_t len = (size_t)g_rand_int_range(rand, 1, sizeof(in));
        dt_test_random_bytes(rand, in, len);
        if (i % 3 == 0)
            memset(in, 'x', len / 2); /* half compressible */
        ours_to_freerdp(&k, in, len);
        freerdp_to_ours(&k, in, len);
    }
    codecs_clear(&k);
    g_rand_free(rand);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/mppc-freerdp/streams", test_streams);
    g_test_add_func("/mppc-freerdp/random-data", test_random_data);
    return dt_test_run();
}
