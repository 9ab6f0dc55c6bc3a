/* test-gre.c — enhanced GRE (RFC 2637 §4.1): codec, reordering, acks. */
#include <string.h>

#include "dt-buf.h"
#include "dt-gre.h"
#include "dt-test.h"
#include "dt-vectors.h"

#define CALL 0x0080

static void
test_vectors(void)
{
    g_autoptr(DtVectors) v = dt_vectors_load("rfc2637_computed.txt");
    gsize dlen, alen, olen;
    const guint8 *data = g_bytes_get_data(dt_vectors_get(v, "GRE_data"), &dlen);
    const guint8 *data_ack = g_bytes_get_data(dt_vectors_get(v, "GRE_data_ack"), &alen);
    const guint8 *ack_only = g_bytes_get_data(dt_vectors_get(v, "GRE_ack_only"), &olen);

    DtGrePacket p;
    g_assert_cmpint(dt_gre_decode(data, dlen, CALL, &p), ==, DT_GRE_OK);
    g_assert_true(p.has_seq);
    g_assert_false(p.has_ack);
    g_assert_cmpuint(p.seq, ==, 1);
    g_assert_cmpuint(p.header_len, ==, 12);
    g_assert_cmpuint(p.payload_len, ==, dlen - 12);
    g_assert_true(p.payload == data + 12);
    const guint8 *payload = p.payload;
    size_t plen = p.payload_len;

    g_assert_cmpint(dt_gre_decode(data_ack, alen, CALL, &p), ==, DT_GRE_OK);
    g_assert_true(p.has_seq && p.has_ack);
    g_assert_cmpuint(p.seq, ==, 2);
    g_assert_cmpuint(p.ack, ==, 7);
    g_assert_cmpuint(p.header_len, ==, 16);
    g_assert_cmpmem(p.payload, p.payload_len, payload, plen);

    /* Ack-only: the ack sits where the sequence number would be. */
    g_assert_cmpint(dt_gre_decode(ack_only, olen, CALL, &p), ==, DT_GRE_OK);
    g_assert_false(p.has_seq);
    g_assert_true(p.has_ack);
    g_assert_cmpuint(p.ack, ==, 7);
    g_assert_cmpuint(p.payload_len, ==, 0);
    g_assert_null(p.payload);

    /* The sender produces the same octets, header in the headroom. */
    DtGreTx tx;
    dt_gre_tx_init(&tx, CALL, 1);
    guint8 buf[64];
    memcpy(buf + DT_GRE_HEADER_MAX, payload, plen);
    size_t h = dt_gre_tx_write_header(&tx, buf + DT_GRE_HEADER_MAX, DT_GRE_HEADER_MAX, plen, 0);
    g_assert_cmpuint(h, ==, 12);
    g_assert_cmpmem(buf + DT_GRE_HEADER_MAX - h, h + plen, data, dlen);
    dt_gre_tx_ack_owed(&tx, 7, 0);
    memcpy(buf + DT_GRE_HEADER_MAX, payload, plen);
    h = dt_gre_tx_write_header(&tx, buf + DT_GRE_HEADER_MAX, DT_GRE_HEADER_MAX, plen, 0);
    g_assert_cmpuint(h, ==, 16);
    g_assert_cmpmem(buf + DT_GRE_HEADER_MAX - h, h + plen, data_ack, alen);
    g_assert_cmpuint(dt_gre_encode_header(buf, sizeof(buf), CALL, 0, false, 0, true, 7), ==, 12);
    g_assert_cmpmem(buf, 12, ack_only, olen);

    dt_vectors_get(v, "SCCRQ"); /* the control messages are test-pptp-msg's */
    g_assert_cmpuint(dt_vectors_used(v), ==, 4);
}

static void
test_decode_checks(void)
{
    g_autoptr(DtVectors) v = dt_vectors_load("rfc2637_computed.txt");
    gsize len;
    const guint8 *orig = g_bytes_get_data(dt_vectors_get(v, "GRE_data_ack"), &len);
    guint8 b[64];
    DtGrePacket p;

    for (gsize cut = 0; cut < len; cut++) {
        DtGreError e = dt_gre_decode(orig, cut, CALL, &p);
        g_assert_true(e == DT_GRE_ERR_SHORT || e == DT_GRE_ERR_LENGTH);
    }
#define MUTATE(stmt, err)                                                                          \
    do {                                                                                           \
        memcpy(b, orig, len);                                                                      \
        stmt;                                                                                      \
        g_assert_cmpint(dt_gre_decode(b, len, CALL, &p), ==, (err));                               \
    } while (0)
    MUTATE(b[0] |= 0x80, DT_GRE_ERR_FLAGS);  /* C */
    MUTATE(b[0] |= 0x40, DT_GRE_ERR_FLAGS);  /* R */
    MUTATE(b[0] &= ~0x20, DT_GRE_ERR_FLAGS); /* K clear */
    MUTATE(b[0] |= 0x08, DT_GRE_ERR_FLAGS);  /* s */
    MUTATE(b[0] |= 0x02, DT_GRE_ERR_FLAGS);  /* Recur */
    MUTATE(b[1] |= 0x08, DT_GRE_ERR_FLAGS);  /* Flags */
    MUTATE(b[1] = 0x80, DT_GRE_ERR_VERSION); /* version 0: plain GRE */
    MUTATE(b[1] = 0x82, DT_GRE_ERR_VERSION);
    MUTATE(b[2] = 0x08, DT_GRE_ERR_PROTOCOL); /* 0x080B */
    MUTATE(dt_put_u16(b + 4, (uint16_t)(len - 16 + 1)), DT_GRE_ERR_LENGTH);
    MUTATE(dt_put_u16(b + 6, CALL + 1), DT_GRE_ERR_CALL_ID);
    MUTATE(b[0] = 0x20; b[1] = 0x01, DT_GRE_ERR_NO_SEQ); /* neither S nor A */
    MUTATE(b[0] = 0x20, DT_GRE_ERR_NO_SEQ);              /* A but payload without S */
#undef MUTATE
    /* A shorter Payload Length than what arrived: padding is ignored. */
    memcpy(b, orig, len);
    dt_put_u16(b + 4, 2);
    g_assert_cmpint(dt_gre_decode(b, len, CALL, &p), ==, DT_GRE_OK);
    g_assert_cmpuint(p.payload_len, ==, 2);
    /* A wrong call still reports its ID, for a server demultiplexing. */
    uint16_t cid = 0;
    g_assert_true(dt_gre_peek_call_id(orig, len, &cid));
    g_assert_cmpuint(cid, ==, CALL);
    g_assert_cmpint(dt_gre_decode(orig, len, 0x1111, &p), ==, DT_GRE_ERR_CALL_ID);
    g_assert_cmpuint(p.call_id, ==, CALL);
    g_assert_false(dt_gre_peek_call_id(orig, 7, &cid));
    g_assert_false(dt_gre_peek_call_id(NULL, 0, &cid));
    for (int e = DT_GRE_OK; e <= DT_GRE_ERR_CALL_ID; e++)
        g_assert_cmpstr(dt_gre_error_to_string((DtGreError)e), !=, "unknown GRE error");
}

/* ---- the receiver --------------------------------------------------------- */

typedef struct {
    DtGreRx *rx;
    GArray *got; /* sequence numbers delivered, read from the payload */
} Rx;

static void
rx_setup(Rx *r, uint32_t window, uint32_t timeout_ms)
{
    DtGreRxConfig cfg = {.call_id = CALL, .window = window, .timeout_ms = timeout_ms};
    r->rx = dt_gre_rx_new(&cfg);
    g_assert_nonnull(r->rx);
    r->got = g_array_new(FALSE, FALSE, sizeof(guint32));
}

static void
rx_teardown(Rx *r)
{
    dt_gre_rx_free(r->rx);
    g_array_free(r->got, TRUE);
}

static void
collect(Rx *r, const uint8_t *p, size_t len)
{
    g_assert_cmpuint(len, ==, 4);
    guint32 v = dt_get_u32(p);
    g_array_append_val(r->got, v);
}

static DtGreRxResult
rx_send(Rx *r, uint32_t seq, DtTime now)
{
    guint8 pkt[32];
    size_t h = dt_gre_encode_header(pkt, sizeof(pkt), CALL, 4, true, seq, false, 0);
    dt_put_u32(pkt + h, seq);
    DtGrePacket p;
    DtGreRxResult res = dt_gre_rx_input(r->rx, pkt, h + 4, now, &p);
    if (res == DT_GRE_RX_DELIVER)
        collect(r, p.payload, p.payload_len);
    const uint8_t *q;
    size_t n;
    while (dt_gre_rx_pop(r->rx, &q, &n))
        collect(r, q, n);
    return res;
}

static void
rx_tick(Rx *r, DtTime now)
{
    if (dt_gre_rx_next_deadline(r->rx) <= now)
        dt_gre_rx_handle_timeout(r->rx, now);
    const uint8_t *q;
    size_t n;
    while (dt_gre_rx_pop(r->rx, &q, &n))
        collect(r, q, n);
}

static void
assert_got(Rx *r, const guint32 *want, guint n)
{
    g_assert_cmpuint(r->got->len, ==, n);
    g_assert_cmpmem(r->got->data, n * 4, want, n * 4);
}

static void
test_rx_in_order(void)
{
    Rx r;
    rx_setup(&r, 0, 0);
    /* Any first sequence number is accepted. */
    for (guint32 s = 1000; s < 1010; s++)
        g_assert_cmpint(rx_send(&r, s, 0), ==, DT_GRE_RX_DELIVER);
    g_assert_cmpuint(r.got->len, ==, 10);
    for (guint i = 0; i < 10; i++)
        g_assert_cmpuint(g_array_index(r.got, guint32, i), ==, 1000 + i);
    guint32 ack;
    g_assert_true(dt_gre_rx_ack(r.rx, &ack));
    g_assert_cmpuint(ack, ==, 1009);
    g_assert_cmpuint(dt_gre_rx_next_deadline(r.rx), ==, DT_TIME_NEVER);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->delivered, ==, 10);
    rx_teardown(&r);
}

static void
test_rx_reorder(void)
{
    Rx r;
    rx_setup(&r, 0, 0);
    g_assert_cmpint(rx_send(&r, 1, 0), ==, DT_GRE_RX_DELIVER);
    g_assert_cmpint(rx_send(&r, 4, 10), ==, DT_GRE_RX_BUFFERED);
    g_assert_cmpint(rx_send(&r, 3, 20), ==, DT_GRE_RX_BUFFERED);
    g_assert_cmpuint(dt_gre_rx_buffered(r.rx), ==, 2);
    g_assert_cmpuint(dt_gre_rx_next_deadline(r.rx), ==, 10 + DT_GRE_DEFAULT_TIMEOUT_MS);
    g_assert_cmpint(rx_send(&r, 2, 30), ==, DT_GRE_RX_DELIVER);
    static const guint32 want[] = {1, 2, 3, 4};
    assert_got(&r, want, 4);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->reordered, ==, 2);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->lost, ==, 0);
    g_assert_cmpuint(dt_gre_rx_next_deadline(r.rx), ==, DT_TIME_NEVER);
    rx_teardown(&r);
}

static void
test_rx_loss_timeout(void)
{
    Rx r;
    rx_setup(&r, 0, 300);
    rx_send(&r, 1, 0);
    rx_send(&r, 5, 100); /* 2,3,4 missing */
    rx_send(&r, 9, 150); /* 6,7,8 missing */
    rx_send(&r, 6, 200);
    g_assert_cmpuint(r.got->len, ==, 1);
    /* Not before the wait is over. */
    g_assert_cmpuint(dt_gre_rx_next_deadline(r.rx), ==, 400);
    rx_tick(&r, 399);
    g_assert_cmpuint(r.got->len, ==, 1);
    rx_tick(&r, 400);
    static const guint32 want1[] = {1, 5, 6};
    assert_got(&r, want1, 3);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->lost, ==, 3);
    /* 9 waits its own 300 ms from its arrival. */
    g_assert_cmpuint(dt_gre_rx_next_deadline(r.rx), ==, 450);
    /* A late packet for a gap given up on is old. */
    g_assert_cmpint(rx_send(&r, 3, 420), ==, DT_GRE_RX_DUPLICATE);
    rx_tick(&r, 450);
    static const guint32 want2[] = {1, 5, 6, 9};
    assert_got(&r, want2, 4);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->lost, ==, 5);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->duplicates, ==, 1);
    g_assert_cmpuint(dt_gre_rx_next_deadline(r.rx), ==, DT_TIME_NEVER);

    /* The wait is bounded per packet: a higher packet that arrived first
     * forces out a lower one that arrived later. */
    rx_send(&r, 12, 1000); /* 10, 11 missing */
    rx_send(&r, 11, 1250);
    rx_tick(&r, 1300);
    static const guint32 want3[] = {1, 5, 6, 9, 11, 12};
    assert_got(&r, want3, 6);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->lost, ==, 6);
    rx_teardown(&r);
}

static void
test_rx_duplicates_and_bogus(void)
{
    Rx r;
    rx_setup(&r, 300, 0);
    rx_send(&r, 100, 0);
    g_assert_cmpint(rx_send(&r, 100, 0), ==, DT_GRE_RX_DUPLICATE);
    g_assert_cmpint(rx_send(&r, 50, 0), ==, DT_GRE_RX_DUPLICATE);
    g_assert_cmpint(rx_send(&r, 103, 0), ==, DT_GRE_RX_BUFFERED);
    g_assert_cmpint(rx_send(&r, 103, 0), ==, DT_GRE_RX_DUPLICATE);
    /* Window: 300 ahead of the next expected (101) at most. */
    g_assert_cmpint(rx_send(&r, 101 + 299, 0), ==, DT_GRE_RX_BUFFERED);
    g_assert_cmpint(rx_send(&r, 101 + 300, 0), ==, DT_GRE_RX_BOGUS);
    g_assert_cmpint(rx_send(&r, 100 + 100000, 0), ==, DT_GRE_RX_BOGUS);
    const DtGreRxStats *st = dt_gre_rx_stats(r.rx);
    g_assert_cmpuint(st->duplicates, ==, 3);
    g_assert_cmpuint(st->bogus, ==, 2);
    g_assert_cmpuint(r.got->len, ==, 1);
    /* Filling the gap releases everything kept, in order. */
    rx_send(&r, 101, 0);
    rx_send(&r, 102, 0);
    static const guint32 want[] = {100, 101, 102, 103};
    assert_got(&r, want, 4);

    /* A long outage: the peer is far ahead for good; after resync_after
     * (8) out-of-window packets the receiver follows it. */
    guint32 base = 50000;
    for (guint i = 0; i < 7; i++)
        g_assert_cmpint(rx_send(&r, base + i, 0), ==, DT_GRE_RX_BOGUS);
    g_assert_cmpint(rx_send(&r, base + 7, 0), ==, DT_GRE_RX_DELIVER);
    g_assert_cmpint(rx_send(&r, base + 8, 0), ==, DT_GRE_RX_DELIVER);
    g_assert_cmpuint(st->resyncs, ==, 1);
    g_assert_cmpuint(dt_gre_rx_buffered(r.rx), ==, 0);
    rx_teardown(&r);
}

static void
test_rx_wrap(void)
{
    Rx r;
    rx_setup(&r, 0, 300);
    rx_send(&r, 0xFFFFFFFD, 0);
    rx_send(&r, 0xFFFFFFFE, 0);
    g_assert_cmpint(rx_send(&r, 1, 0), ==, DT_GRE_RX_BUFFERED);
    g_assert_cmpint(rx_send(&r, 0, 0), ==, DT_GRE_RX_BUFFERED);
    g_assert_cmpint(rx_send(&r, 0xFFFFFFFF, 0), ==, DT_GRE_RX_DELIVER);
    static const guint32 want[] = {0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF, 0, 1};
    assert_got(&r, want, 5);
    g_assert_cmpint(rx_send(&r, 0xFFFFFFF0, 0), ==, DT_GRE_RX_DUPLICATE);
    /* Loss across the wrap is counted right. */
    rx_send(&r, 5, 10);
    rx_tick(&r, 310);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->lost, ==, 3);
    guint32 ack;
    g_assert_true(dt_gre_rx_ack(r.rx, &ack));
    g_assert_cmpuint(ack, ==, 5);
    rx_teardown(&r);
}

static void
test_rx_ack_only_not_data(void)
{
    Rx r;
    rx_setup(&r, 0, 0);
    guint32 ack;
    g_assert_false(dt_gre_rx_ack(r.rx, &ack));
    guint8 pkt[16];
    size_t n = dt_gre_encode_header(pkt, sizeof(pkt), CALL, 0, false, 0, true, 42);
    DtGrePacket p;
    g_assert_cmpint(dt_gre_rx_input(r.rx, pkt, n, 0, &p), ==, DT_GRE_RX_ACK_ONLY);
    g_assert_cmpuint(p.ack, ==, 42);
    const uint8_t *q;
    size_t qn;
    g_assert_false(dt_gre_rx_pop(r.rx, &q, &qn));
    g_assert_false(dt_gre_rx_ack(r.rx, &ack)); /* still no data seen */
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->ack_only, ==, 1);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->received, ==, 0);
    /* Other calls and broken packets are counted, not delivered. */
    n = dt_gre_encode_header(pkt, sizeof(pkt), CALL + 1, 0, false, 0, true, 1);
    g_assert_cmpint(dt_gre_rx_input(r.rx, pkt, n, 0, &p), ==, DT_GRE_RX_WRONG_CALL);
    g_assert_cmpint(dt_gre_rx_input(r.rx, pkt, 3, 0, &p), ==, DT_GRE_RX_MALFORMED);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->wrong_call, ==, 1);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->malformed, ==, 1);
    g_assert_cmpuint(r.got->len, ==, 0);
    rx_teardown(&r);
}

/* Random permutations within the window, no loss: everything arrives
 * exactly once and in order. */
static void
test_rx_random_reorder(void)
{
    GRand *rand = g_rand_new_with_seed(dt_test_seed());
    Rx r;
    rx_setup(&r, 64, 300);
    guint32 first = g_rand_int(rand);
    const guint total = 5000;
    guint32 *order = g_new(guint32, total);
    for (guint i = 0; i < total; i++)
        order[i] = first + i;
    /* Swap within blocks of 32 so nothing is more than 63 ahead; the first
     * packet stays first, as the receiver starts from whatever comes first. */
    for (guint i = 1; i + 32 <= total; i += 32) {
        for (guint j = 0; j < 32; j++) {
            guint k = i + (guint)g_rand_int_range(rand, 0, 32);
            guint32 t = order[i + j];
            order[i + j] = order[k];
            order[k] = t;
        }
    }
    for (guint i = 0; i < total; i++)
        rx_send(&r, order[i], i);
    g_assert_cmpuint(r.got->len, ==, total);
    for (guint i = 0; i < total; i++)
        g_assert_cmpuint(g_array_index(r.got, guint32, i), ==, first + i);
    g_assert_cmpuint(dt_gre_rx_stats(r.rx)->lost, ==, 0);
    g_free(order);
    g_rand_free(rand);
    rx_teardown(&r);
}

static void
test_rx_config(void)
{
    DtGreRxConfig bad = {.window = DT_GRE_MAX_WINDOW + 1};
    g_assert_null(dt_gre_rx_new(&bad));
    g_assert_null(dt_gre_rx_new(NULL));
    /* A packet bigger than a slot cannot be kept. */
    DtGreRxConfig small = {.call_id = CALL, .slot_size = 8};
    DtGreRx *rx = dt_gre_rx_new(&small);
    guint8 payload[16] = {0};
    g_assert_cmpint(dt_gre_rx_push(rx, 1, payload, 16, 0), ==, DT_GRE_RX_DELIVER);
    g_assert_cmpint(dt_gre_rx_push(rx, 3, payload, 16, 0), ==, DT_GRE_RX_TOO_BIG);
    g_assert_cmpint(dt_gre_rx_push(rx, 3, payload, 8, 0), ==, DT_GRE_RX_BUFFERED);
    dt_gre_rx_free(rx);
    /* no_buffer: ahead-of-sequence packets go out at once, the gap lost. */
    DtGreRxConfig nb = {.call_id = CALL, .no_buffer = true};
    rx = dt_gre_rx_new(&nb);
    g_assert_cmpint(dt_gre_rx_push(rx, 1, payload, 4, 0), ==, DT_GRE_RX_DELIVER);
    g_assert_cmpint(dt_gre_rx_push(rx, 4, payload, 4, 0), ==, DT_GRE_RX_DELIVER);
    g_assert_cmpint(dt_gre_rx_push(rx, 3, payload, 4, 0), ==, DT_GRE_RX_DUPLICATE);
    g_assert_cmpuint(dt_gre_rx_stats(rx)->lost, ==, 2);
    dt_gre_rx_free(rx);
}

/* ---- the sender and its acks ---------------------------------------------- */

static void
test_tx_acks(void)
{
    DtGreTx tx;
    dt_gre_tx_init(&tx, CALL, 1);
    guint8 buf[64], out[16];
    g_assert_cmpuint(dt_gre_tx_next_deadline(&tx), ==, DT_TIME_NEVER);
    g_assert_cmpuint(dt_gre_tx_poll_ack_only(&tx, 1000, out, sizeof(out)), ==, 0);

    /* Owed at t=100: due by t=600 at the latest; a newer value joins it. */
    dt_gre_tx_ack_owed(&tx, 10, 100);
    dt_gre_tx_ack_owed(&tx, 11, 300);
    g_assert_cmpuint(dt_gre_tx_next_deadline(&tx), ==, 600);
    g_assert_cmpuint(dt_gre_tx_poll_ack_only(&tx, 599, out, sizeof(out)), ==, 0);
    g_assert_cmpuint(dt_gre_tx_poll_ack_only(&tx, 600, out, sizeof(out)), ==, 12);
    DtGrePacket p;
    g_assert_cmpint(dt_gre_decode(out, 12, CALL, &p), ==, DT_GRE_OK);
    g_assert_false(p.has_seq);
    g_assert_cmpuint(p.ack, ==, 11);
    g_assert_cmpuint(dt_gre_tx_next_deadline(&tx), ==, DT_TIME_NEVER);
    /* The same value again is not owed twice. */
    dt_gre_tx_ack_owed(&tx, 11, 700);
    g_assert_cmpuint(dt_gre_tx_next_deadline(&tx), ==, DT_TIME_NEVER);

    /* Data going out carries the ack and cancels the ack-only packet. */
    dt_gre_tx_ack_owed(&tx, 12, 800);
    size_t h = dt_gre_tx_write_header(&tx, buf + 16, 16, 4, 810);
    g_assert_cmpuint(h, ==, 16);
    g_assert_cmpint(dt_gre_decode(buf + 16 - h, h + 4, CALL, &p), ==, DT_GRE_OK);
    g_assert_true(p.has_ack && p.has_seq);
    g_assert_cmpuint(p.ack, ==, 12);
    g_assert_cmpuint(p.seq, ==, 1);
    g_assert_cmpuint(dt_gre_tx_next_deadline(&tx), ==, DT_TIME_NEVER);
    g_assert_cmpuint(dt_gre_tx_poll_ack_only(&tx, 5000, out, sizeof(out)), ==, 0);
    /* Without an ack owed: 12-octet header. */
    h = dt_gre_tx_write_header(&tx, buf + 16, 16, 4, 820);
    g_assert_cmpuint(h, ==, 12);
    g_assert_cmpint(dt_gre_decode(buf + 16 - h, h + 4, CALL, &p), ==, DT_GRE_OK);
    g_assert_false(p.has_ack);
    g_assert_cmpuint(p.seq, ==, 2);
    /* Not enough headroom, or too long: nothing written, no seq used. */
    g_assert_cmpuint(dt_gre_tx_write_header(&tx, buf + 8, 8, 4, 830), ==, 0);
    g_assert_cmpuint(dt_gre_tx_write_header(&tx, buf + 16, 16, 70000, 830), ==, 0);
    g_assert_cmpuint(tx.next_seq, ==, 3);

    /* Peer acks: forward only, never beyond what was sent. */
    g_assert_cmpuint(dt_gre_tx_unacked(&tx), ==, 2);
    dt_gre_tx_peer_ack(&tx, 1);
    g_assert_cmpuint(dt_gre_tx_unacked(&tx), ==, 1);
    dt_gre_tx_peer_ack(&tx, 0);
    g_assert_cmpuint(tx.peer_ack, ==, 1);
    dt_gre_tx_peer_ack(&tx, 99);
    g_assert_cmpuint(tx.peer_ack, ==, 1);
    dt_gre_tx_peer_ack(&tx, 2);
    g_assert_cmpuint(dt_gre_tx_unacked(&tx), ==, 0);
    g_assert_cmpuint(tx.acks_piggybacked, ==, 1);
    g_assert_cmpuint(tx.acks_only_sent, ==, 1);
}

static void
test_tx_wrap(void)
{
    DtGreTx tx;
    dt_gre_tx_init(&tx, CALL, 0xFFFFFFFF);
    guint8 buf[32];
    DtGrePacket p;
    size_t h = dt_gre_tx_write_header(&tx, buf + 16, 16, 0, 0);
    g_assert_cmpint(dt_gre_decode(buf + 16 - h, h, CALL, &p), ==, DT_GRE_OK);
    g_assert_cmpuint(p.seq, ==, 0xFFFFFFFF);
    h = dt_gre_tx_write_header(&tx, buf + 16, 16, 0, 0);
    g_assert_cmpint(dt_gre_decode(buf + 16 - h, h, CALL, &p), ==, DT_GRE_OK);
    g_assert_cmpuint(p.seq, ==, 0);
    dt_gre_tx_peer_ack(&tx, 0xFFFFFFFF);
    g_assert_cmpuint(dt_gre_tx_unacked(&tx), ==, 1);
    dt_gre_tx_peer_ack(&tx, 0);
    g_assert_cmpuint(dt_gre_tx_unacked(&tx), ==, 0);
    /* Owed acks compare across the wrap too. */
    dt_gre_tx_ack_owed(&tx, 0xFFFFFFFE, 0);
    g_assert_cmpuint(dt_gre_tx_poll_ack_only(&tx, 500, buf, sizeof(buf)), ==, 12);
    dt_gre_tx_ack_owed(&tx, 1, 600);
    g_assert_cmpuint(dt_gre_tx_next_deadline(&tx), ==, 1100);
}

/* The in-order path, timed: a number to watch, not a pass/fail bound. */
static void
test_rx_speed(void)
{
    Rx r;
    rx_setup(&r, 0, 0);
    DtGreTx tx;
    dt_gre_tx_init(&tx, CALL, 1);
    guint8 buf[1500 + DT_GRE_HEADER_MAX];
    memset(buf, 0x11, sizeof(buf));
    const guint n = 2000000;
    gint64 t0 = g_get_monotonic_time();
    guint64 delivered = 0;
    for (guint i = 0; i < n; i++) {
        size_t h = dt_gre_tx_write_header(&tx, buf + DT_GRE_HEADER_MAX, DT_GRE_HEADER_MAX, 1400, i);
        DtGrePacket p;
        if (dt_gre_rx_input(r.rx, buf + DT_GRE_HEADER_MAX - h, h + 1400, i, &p) ==
            DT_GRE_RX_DELIVER)
            delivered++;
    }
    gint64 t1 = g_get_monotonic_time();
    g_assert_cmpuint(delivered, ==, n);
    g_test_message("GRE tx header + rx in order: %.1f Mpackets/s",
                   n / (double)(t1 - t0 > 0 ? t1 - t0 : 1));
    rx_teardown(&r);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/gre/vectors", test_vectors);
    g_test_add_func("/gre/decode-checks", test_decode_checks);
    g_test_add_func("/gre/rx-in-order", test_rx_in_order);
    g_test_add_func("/gre/rx-reorder", test_rx_reorder);
    g_test_add_func("/gre/rx-loss-timeout", test_rx_loss_timeout);
    g_test_add_func("/gre/rx-duplicates-bogus", test_rx_duplicates_and_bogus);
    g_test_add_func("/gre/rx-wrap", test_rx_wrap);
    g_test_add_func("/gre/rx-ack-only-not-data", test_rx_ack_only_not_data);
    g_test_add_func("/gre/rx-random-reorder", test_rx_random_reorder);
    g_test_add_func("/gre/rx-config", test_rx_config);
    g_test_add_func("/gre/tx-acks", test_tx_acks);
    g_test_add_func("/gre/tx-wrap", test_tx_wrap);
    g_test_add_func("/gre/rx-speed", test_rx_speed);
    return dt_test_run();
}
