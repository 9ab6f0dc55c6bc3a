/* test-hdlc.c — RFC 1662 async framing: vectors, round trips, and every kind of bad input. */
#include <string.h>

#include "dt-fcs.h"
#include "dt-hdlc.h"
#include "dt-test.h"
#include "dt-vectors.h"

#define MAX_FRAME 1600

/* Collects what a decoder yields from a stream fed in the given chunk sizes
 * (chunk 0 = random 1..64 from rand). */
typedef struct {
    GPtrArray *frames; /* GBytes */
} Sink;

static void
sink_init(Sink *s)
{
    s->frames = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
}

static void
sink_clear(Sink *s)
{
    g_ptr_array_unref(s->frames);
}

static void
feed_all(DtHdlcDecoder *d, const guint8 *p, gsize len, gsize chunk, GRand *rand, Sink *s)
{
    while (len > 0) {
        gsize n = chunk ? chunk : (gsize)g_rand_int_range(rand, 1, 65);
        if (n > len)
            n = len;
        const guint8 *q = p;
        gsize left = n;
        while (left > 0) {
            size_t used = dt_hdlc_decoder_feed(d, q, left);
            g_assert_cmpuint(used, >=, 1);
            g_assert_cmpuint(used, <=, left);
            q += used;
            left -= used;
            size_t flen;
            const uint8_t *f = dt_hdlc_decoder_frame(d, &flen);
            if (f) {
                g_assert_cmpuint(flen, <=, d->cfg.max_frame);
                /* The FCS octets follow the frame and check out. */
                if (d->cfg.fcs == DT_HDLC_FCS_16)
                    g_assert_cmphex(dt_fcs16(f, flen + 2), ==, DT_FCS16_GOOD);
                else
                    g_assert_cmphex(dt_fcs32(f, flen + 4), ==, DT_FCS32_GOOD);
                g_ptr_array_add(s->frames, g_bytes_new(f, flen));
            } else {
                /* Only a ready frame stops the decoder early. */
                g_assert_cmpuint(left, ==, 0);
            }
        }
        p += n;
        len -= n;
    }
}

static DtHdlcDecoder *
new_decoder(size_t max_frame, DtHdlcFcs fcs, guint32 recv_accm)
{
    DtHdlcDecoderConfig cfg = {.max_frame = max_frame, .fcs = fcs, .recv_accm = recv_accm};
    DtHdlcDecoder *d = dt_hdlc_decoder_new(&cfg);
    g_assert_nonnull(d);
    return d;
}

/* (g_byte_array_insert is not in every GLib we build with.) */
static void
insert_octet(GByteArray *a, guint pos, guint8 b)
{
    g_byte_array_set_size(a, a->len + 1);
    memmove(a->data + pos + 1, a->data + pos, a->len - 1 - pos);
    a->data[pos] = b;
}

static GByteArray *
encode_append(GByteArray *wire, const guint8 *f, gsize n, guint32 accm, DtHdlcFcs fcs,
              unsigned flags)
{
    gsize need = dt_hdlc_encode(f, n, accm, fcs, flags, NULL, 0);
    g_assert_cmpuint(need, <=, DT_HDLC_ENCODED_MAX(n));
    gsize old = wire->len;
    g_byte_array_set_size(wire, old + need);
    g_assert_cmpuint(dt_hdlc_encode(f, n, accm, fcs, flags, wire->data + old, need), ==, need);
    return wire;
}

static void
test_vectors(void)
{
    g_autoptr(DtVectors) v = dt_vectors_load("rfc1662_fcs.txt");
    struct {
        const char *wire, *frame;
        guint32 accm;
    } cases[] = {
        {"lcp.AsyncWire", "lcp.Frame", DT_HDLC_DEFAULT_ACCM},
        {"ipaccm0.AsyncWire", "ipaccm0.Frame", 0},
        {"ipaccmFF.AsyncWire", "ipaccm0.Frame", DT_HDLC_DEFAULT_ACCM},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        GBytes *wire = dt_vectors_get(v, cases[i].wire);
        GBytes *frame = dt_vectors_get(v, cases[i].frame);
        /* Receivers accept escapes of anything, so the receive ACCM does not matter here. */
        for (gsize chunk = 1; chunk <= g_bytes_get_size(wire); chunk++) {
            DtHdlcDecoder *d = new_decoder(MAX_FRAME, DT_HDLC_FCS_16, 0);
            Sink s;
            sink_init(&s);
            feed_all(d, g_bytes_get_data(wire, NULL), g_bytes_get_size(wire), chunk, NULL, &s);
            g_assert_cmpuint(s.frames->len, ==, 1);
            g_assert_true(g_bytes_equal(s.frames->pdata[0], frame));
            g_assert_cmpuint(d->counters.frames, ==, 1);
            sink_clear(&s);
            dt_hdlc_decoder_free(d);
        }
    }

    /* The LCP vector frame with FCS-32, as the RFC 1570 alternative. */
    GBytes *frame = dt_vectors_get(v, "lcp.Frame");
    GBytes *with32 = dt_vectors_get(v, "lcp.FrameWithFCS32");
    g_autoptr(GByteArray) wire = g_byte_array_new();
    encode_append(wire, g_bytes_get_data(frame, NULL), g_bytes_get_size(frame), 0, DT_HDLC_FCS_32,
                  0);
    /* With ACCM 0 and no 7E/7D in it, the wire is the frame and FCS between flags. */
    g_assert_cmpuint(wire->len, ==, g_bytes_get_size(with32) + 2);
    dt_assert_bytes(wire->data + 1, wire->len - 2, with32);
    DtHdlcDecoder *d = new_decoder(MAX_FRAME, DT_HDLC_FCS_32, 0);
    Sink s;
    sink_init(&s);
    feed_all(d, wire->data, wire->len, 7, NULL, &s);
    g_assert_cmpuint(s.frames->len, ==, 1);
    g_assert_true(g_bytes_equal(s.frames->pdata[0], frame));
    sink_clear(&s);
    dt_hdlc_decoder_free(d);
}

static void
test_encode_sizes(void)
{
    guint8 frame[8] = {0x7E, 0x7D, 0x00, 0x1F, 0x20, 0xFF, 0x11, 0x13};
    gsize need =
        dt_hdlc_encode(frame, sizeof(frame), DT_HDLC_DEFAULT_ACCM, DT_HDLC_FCS_16, 0, NULL, 0);
    guint8 out[64];
    memset(out, 0xAA, sizeof(out));
    /* Too small: reports the size, never writes past cap. */
    g_assert_cmpuint(
        dt_hdlc_encode(frame, sizeof(frame), DT_HDLC_DEFAULT_ACCM, DT_HDLC_FCS_16, 0, out, 5), ==,
        need);
    for (gsize i = 5; i < sizeof(out); i++)
        g_assert_cmphex(out[i], ==, 0xAA);
    g_assert_cmpuint(
        dt_hdlc_encode(frame, sizeof(frame), DT_HDLC_DEFAULT_ACCM, DT_HDLC_FCS_16, 0, out, need),
        ==, need);
    /* Flag, 6 escaped + 2 plain octets, FCS, flag. */
    const guint8 head[] = {0x7E, 0x7D, 0x5E, 0x7D, 0x5D, 0x7D, 0x20, 0x7D,
                           0x3F, 0x20, 0xFF, 0x7D, 0x31, 0x7D, 0x33};
    g_assert_cmpmem(out, sizeof(head), head, sizeof(head));
    g_assert_cmphex(out[need - 1], ==, 0x7E);
    /* Without the opening flag it is one octet shorter and otherwise the same. */
    guint8 out2[64];
    gsize n2 = dt_hdlc_encode(frame, sizeof(frame), DT_HDLC_DEFAULT_ACCM, DT_HDLC_FCS_16,
                              DT_HDLC_ENCODE_NO_OPEN_FLAG, out2, sizeof(out2));
    g_assert_cmpuint(n2, ==, need - 1);
    g_assert_cmpmem(out2, n2, out + 1, need - 1);
    /* Only the ACCM's characters are escaped: 0x00 goes out plain under ACCM 0x00080000. */
    gsize n3 = dt_hdlc_encode(frame + 2, 1, 1u << 19, DT_HDLC_FCS_16, 0, out, sizeof(out));
    g_assert_cmphex(out[1], ==, 0x00);
    g_assert_cmpuint(n3, >=, 5);
    g_assert_cmpuint(dt_hdlc_fcs_len(DT_HDLC_FCS_16), ==, 2);
    g_assert_cmpuint(dt_hdlc_fcs_len(DT_HDLC_FCS_32), ==, 4);
}

static void
random_round_trip(GRand *rand, DtHdlcFcs fcs)
{
    enum { FRAMES = 200 };
    guint32 tx_accm = g_rand_int(rand);
    /* What the line inserts must be escaped by the sender: both sides' ACCMs
     * agree on XON/XOFF and friends (§7.1). */
    guint32 rx_accm = tx_accm & g_rand_int(rand);
    gsize max_frame = (gsize)g_rand_int_range(rand, 4, 400);
    g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    g_autoptr(GByteArray) wire = g_byte_array_new();
    guint64 inserted = 0;
    for (int i = 0; i < FRAMES; i++) {
        gsize n = (gsize)g_rand_int_range(rand, 2, (gint32)max_frame + 1);
        guint8 *f = g_malloc(n);
        dt_test_random_bytes(rand, f, n);
        /* Make flags, escapes and control characters common. */
        for (gsize k = 0; k < n; k++)
            if (g_rand_int_range(rand, 0, 4) == 0)
                f[k] = (guint8[]){0x7E, 0x7D, 0x11, 0x13, 0x00, 0x5E}[g_rand_int_range(rand, 0, 6)];
        unsigned flags = i > 0 && g_rand_boolean(rand) ? DT_HDLC_ENCODE_NO_OPEN_FLAG : 0;
        gsize start = wire->len;
        encode_append(wire, f, n, tx_accm, fcs, flags);
        /* A modem inserting receive-ACCM characters anywhere inside the frame. */
        if (rx_accm && g_rand_int_range(rand, 0, 3) == 0) {
            guint c;
            do
                c = (guint)g_rand_int_range(rand, 0, 32);
            while (!(rx_accm >> c & 1));
            guint pos = (guint)g_rand_int_range(rand, (gint32)start + 1, (gint32)wire->len);
            insert_octet(wire, pos, (guint8)c);
            inserted++;
        }
        if (g_rand_int_range(rand, 0, 8) == 0)
            g_byte_array_append(wire, (const guint8[]){0x7E, 0x7E}, 2); /* inter-frame fill */
        g_ptr_array_add(sent, g_bytes_new_take(f, n));
    }
    DtHdlcDecoder *d = new_decoder(max_frame, fcs, rx_accm);
    Sink s;
    sink_init(&s);
    feed_all(d, wire->data, wire->len, 0, rand, &s);
    g_assert_cmpuint(s.frames->len, ==, FRAMES);
    for (guint i = 0; i < FRAMES; i++)
        g_assert_true(g_bytes_equal(s.frames->pdata[i], sent->pdata[i]));
    const DtHdlcCounters *c = dt_hdlc_decoder_counters(d);
    g_assert_cmpuint(c->frames, ==, FRAMES);
    g_assert_cmpuint(c->bad_fcs + c->too_short + c->too_long + c->aborted, ==, 0);
    g_assert_cmpuint(c->accm_dropped, ==, inserted);
    g_assert_cmpuint(c->hunt_octets, ==, 0);
    sink_clear(&s);
    dt_hdlc_decoder_free(d);
}

static void
test_random_round_trip(void)
{
    GRand *rand = g_rand_new_with_seed(dt_test_seed());
    for (int run = 0; run < 40; run++)
        random_round_trip(rand, run % 2 ? DT_HDLC_FCS_32 : DT_HDLC_FCS_16);
    g_rand_free(rand);
}

/* Feeds a stream in one go and returns the frames (as a count) it yields. */
static guint
decode_count(DtHdlcDecoder *d, const guint8 *p, gsize len)
{
    Sink s;
    sink_init(&s);
    feed_all(d, p, len, len ? len : 1, NULL, &s);
    guint n = s.frames->len;
    sink_clear(&s);
    return n;
}

static void
test_garbage_and_noise(void)
{
    const guint8 good[] = {0xFF, 0x03, 0xC0, 0x21, 0x09, 0x01, 0x00, 0x04};
    g_autoptr(GByteArray) wire = g_byte_array_new();
    /* Modem text before the first flag, as after CONNECT. */
    const char *text = "\r\nCONNECT 115200\r\n";
    g_byte_array_append(wire, (const guint8 *)text, (guint)strlen(text));
    encode_append(wire, good, sizeof(good), DT_HDLC_DEFAULT_ACCM, DT_HDLC_FCS_16, 0);
    /* Line noise between frames: a "frame" of junk that fails its FCS. */
    g_byte_array_append(wire, (const guint8[]){0x12, 0x99, 0x34, 0xA5, 0x5A, 0x42, 0x7E}, 7);
    /* A 3-octet frame: too short (§4.3). */
    g_byte_array_append(wire, (const guint8[]){0x01, 0x02, 0x03, 0x7E}, 4);
    encode_append(wire, good, sizeof(good), DT_HDLC_DEFAULT_ACCM, DT_HDLC_FCS_16,
                  DT_HDLC_ENCODE_NO_OPEN_FLAG);
    /* A corrupted frame: one bit flipped in the information field. */
    gsize start = wire->len;
    encode_append(wire, good, sizeof(good), DT_HDLC_DEFAULT_ACCM, DT_HDLC_FCS_16, 0);
    wire->data[start + 9] ^= 0x04;
    /* An aborted frame: 7D 7E in the middle. */
    g_byte_array_append(wire, (const guint8[]){0xFF, 0x7D, 0x23, 0xC0, 0x7D, 0x7E}, 6);
    encode_append(wire, good, sizeof(good), DT_HDLC_DEFAULT_ACCM, DT_HDLC_FCS_16,
                  DT_HDLC_ENCODE_NO_OPEN_FLAG);

    DtHdlcDecoder *d = new_decoder(MAX_FRAME, DT_HDLC_FCS_16, 0);
    g_assert_cmpuint(decode_count(d, wire->data, wire->len), ==, 3);
    const DtHdlcCounters *c = dt_hdlc_decoder_counters(d);
    g_assert_cmpuint(c->frames, ==, 3);
    g_assert_cmpuint(c->hunt_octets, ==, strlen(text));
    g_assert_cmpuint(c->bad_fcs, ==, 2);
    g_assert_cmpuint(c->too_short, ==, 1);
    g_assert_cmpuint(c->aborted, ==, 1);
    g_assert_cmpuint(c->too_long, ==, 0);

    /* After a reset the decoder hunts again. */
    dt_hdlc_decoder_reset(d);
    g_assert_cmpuint(decode_count(d, (const guint8[]){0x01, 0x02}, 2), ==, 0);
    g_assert_cmpuint(c->hunt_octets, ==, strlen(text) + 2);
    dt_hdlc_decoder_free(d);
}

static void
test_max_length(void)
{
    for (int f = 0; f < 2; f++) {
        DtHdlcFcs fcs = f ? DT_HDLC_FCS_32 : DT_HDLC_FCS_16;
        enum { MAX = 64 };
        guint8 frame[MAX + 8];
        for (gsize i = 0; i < sizeof(frame); i++)
            frame[i] = (guint8)(i * 37 + 1);
        g_autoptr(GByteArray) wire = g_byte_array_new();
        encode_append(wire, frame, MAX, 0, fcs, 0);     /* exactly max: kept */
        encode_append(wire, frame, MAX + 1, 0, fcs, 0); /* one over: dropped */
        encode_append(wire, frame, MAX + 8, 0, fcs, 0); /* far over: dropped */
        encode_append(wire, frame, 2, 0, fcs, 0);       /* the smallest legal frame */
        DtHdlcDecoder *d = new_decoder(MAX, fcs, 0);
        Sink s;
        sink_init(&s);
        feed_all(d, wire->data, wire->len, 5, NULL, &s);
        g_assert_cmpuint(s.frames->len, ==, 2);
        g_assert_cmpuint(g_bytes_get_size(s.frames->pdata[0]), ==, MAX);
        g_assert_cmpmem(g_bytes_get_data(s.frames->pdata[0], NULL), MAX, frame, MAX);
        g_assert_cmpuint(g_bytes_get_size(s.frames->pdata[1]), ==, 2);
        g_assert_cmpuint(d->counters.too_long, ==, 2);
        g_assert_cmpuint(d->counters.bad_fcs, ==, 0);
        sink_clear(&s);
        dt_hdlc_decoder_free(d);
    }
    /* Configs that cannot work are refused. */
    DtHdlcDecoderConfig cfg = {.max_frame = 0};
    g_assert_null(dt_hdlc_decoder_new(&cfg));
    cfg.max_frame = (size_t)1 << 30;
    g_assert_null(dt_hdlc_decoder_new(&cfg));
}

static void
test_untaken_frame_and_fcs_switch(void)
{
    const guint8 f1[] = {0xFF, 0x03, 0x00, 0x21, 0x45};
    g_autoptr(GByteArray) wire = g_byte_array_new();
    encode_append(wire, f1, sizeof(f1), 0, DT_HDLC_FCS_16, 0);
    DtHdlcDecoder *d = new_decoder(MAX_FRAME, DT_HDLC_FCS_16, 0);
    g_assert_cmpuint(dt_hdlc_decoder_feed(d, wire->data, wire->len), ==, wire->len);
    size_t n;
    g_assert_nonnull(dt_hdlc_decoder_frame(d, &n));
    g_assert_nonnull(dt_hdlc_decoder_frame(d, &n)); /* looking does not consume */
    g_assert_cmpuint(n, ==, sizeof(f1));
    /* Feeding again drops the untaken frame. */
    g_assert_cmpuint(dt_hdlc_decoder_feed(d, (const guint8[]){0x01}, 1), ==, 1);
    g_assert_null(dt_hdlc_decoder_frame(d, &n));
    g_assert_cmpuint(n, ==, 0);

    /* After LCP agrees on FCS-32, a 16-bit frame fails and a 32-bit one passes. */
    dt_hdlc_decoder_set_fcs(d, DT_HDLC_FCS_32);
    g_assert_cmpuint(decode_count(d, wire->data, wire->len), ==, 0);
    g_assert_cmpuint(d->counters.bad_fcs, ==, 1);
    g_byte_array_set_size(wire, 0);
    encode_append(wire, f1, sizeof(f1), 0, DT_HDLC_FCS_32, 0);
    g_assert_cmpuint(decode_count(d, wire->data, wire->len), ==, 1);
    /* And a new receive ACCM drops raw control characters it names. */
    dt_hdlc_decoder_set_recv_accm(d, 1u << 0x11);
    insert_octet(wire, 3, 0x11);
    g_assert_cmpuint(decode_count(d, wire->data, wire->len), ==, 1);
    g_assert_cmpuint(d->counters.accm_dropped, ==, 1);
    dt_hdlc_decoder_free(d);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/hdlc/vectors", test_vectors);
    g_test_add_func("/hdlc/encode-sizes", test_encode_sizes);
    g_test_add_func("/hdlc/random-round-trip", test_random_round_trip);
    g_test_add_func("/hdlc/garbage-and-noise", test_garbage_and_noise);
    g_test_add_func("/hdlc/max-length", test_max_length);
    g_test_add_func("/hdlc/untaken-frame-and-fcs-switch", test_untaken_frame_and_fcs_switch);
    return dt_test_run();
}
