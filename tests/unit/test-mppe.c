/* test-mppe.c — MPPE (RFC 3078) transmit and receive, per direction. */
#include <string.h>

#include "dt-buf.h"
#include "dt-mppc.h"
#include "dt-mppe.h"
#include "dt-test.h"
#include "dt-vectors.h"

#define MAXPKT 2048

typedef struct {
    uint8_t buf[DT_MPPE_HEADROOM + MAXPKT];
    size_t len; /* frame length (00 FD ‖ header ‖ ciphertext) */
} Frame;

static const struct {
    const char *name;
    DtMppeBits bits;
} strengths[] = {{"k40", DT_MPPE_BITS_40}, {"k56", DT_MPPE_BITS_56}, {"k128", DT_MPPE_BITS_128}};

/* The RFC 3079 §3.5 credentials, through dt-mppe-key.h: the server's send key
 * (s2c, Magic3) and the client's (c2s, Magic2). */
static void
derive_start_keys(size_t key_len, uint8_t s2c[16], uint8_t c2s[16])
{
    g_autoptr(DtVectors) v = dt_vectors_load("rfc3079.txt");
    const guint8 *hash = dt_vectors_get_n(v, "s3_5.PasswordHash", 16);
    const guint8 *nt = dt_vectors_get_n(v, "s3_5.NT-Response", 24);
    uint8_t recv[16];
    g_assert_true(dt_mppe_start_keys_v2(dt_test_crypto(), hash, nt, true, key_len, s2c, recv));
    g_assert_true(dt_mppe_start_keys_v2(dt_test_crypto(), hash, nt, false, key_len, c2s, recv));
    dt_assert_mem(recv, s2c, key_len);
}

static size_t
encrypt(DtMppeTx *tx, Frame *f, const uint8_t *plain, size_t len, uint8_t mppc_flags)
{
    memcpy(f->buf + DT_MPPE_HEADROOM, plain, len);
    f->len = dt_mppe_tx_encrypt(tx, f->buf + DT_MPPE_HEADROOM, len, mppc_flags);
    g_assert_cmpuint(f->len, ==, len + DT_MPPE_HEADROOM);
    g_assert_cmphex(dt_get_u16(f->buf), ==, DT_MPPE_PROTOCOL);
    return f->len;
}

static DtMppeRxResult
decrypt(DtMppeRx *rx, Frame *f, DtMppeRxPacket *out)
{
    return dt_mppe_rx_decrypt(rx, f->buf + 2, f->len - 2, out);
}

/* Every packet of rfc3078_mppe_computed.txt, sent and received; its key
 * chains through the reusable key context. */
static void
test_vectors(void)
{
    DtCrypto *c = dt_test_crypto();
    g_autoptr(DtVectors) v = dt_vectors_load("rfc3078_mppe_computed.txt");
    char name[64];

    for (gsize i = 0; i < G_N_ELEMENTS(strengths); i++) {
        size_t l = dt_mppe_key_len(strengths[i].bits);
        uint8_t s2c[16], c2s[16];
        derive_start_keys(l, s2c, c2s);
        const uint8_t *dirs[2] = {s2c, c2s};
        const char *dnames[2] = {"s2c", "c2s"};
        for (int d = 0; d < 2; d++) {
            g_snprintf(name, sizeof(name), "%s.%s.StartKey", strengths[i].name, dnames[d]);
            dt_assert_mem(dirs[d], dt_vectors_get_n(v, name, l), l);
            DtMppeKeyCtx k;
            g_assert_true(dt_mppe_key_ctx_init(&k, c, dirs[d], strengths[i].bits));
            uint8_t key[16];
            g_assert_true(dt_mppe_key_ctx_initial(&k, strengths[i].bits, key));
            for (int n = 0; n <= 255; n++) {
                if (n <= 3 || n == 255) {
                    /* The file's "K256" is the key after 255 changes (test-mppe-key.c). */
                    g_snprintf(name, sizeof(name), "%s.%s.K%d", strengths[i].name, dnames[d],
                               n == 255 ? 256 : n);
                    dt_assert_mem(key, dt_vectors_get_n(v, name, l), l);
                }
                g_assert_true(dt_mppe_key_ctx_change_key(&k, strengths[i].bits, key));
            }
            dt_mppe_key_ctx_clear(&k);
        }
    }

    /* The sample packets are 128-bit, client to server. */
    uint8_t s2c[16], c2s[16];
    derive_start_keys(16, s2c, c2s);
    gsize plen;
    const guint8 *plain = g_bytes_get_data(dt_vectors_get(v, "pkt.Plain"), &plen);
    static const struct {
        const char *prefix;
        bool stateless;
    } modes[] = {{"stateless", true}, {"stateful", false}};
    for (gsize m = 0; m < G_N_ELEMENTS(modes); m++) {
        /* Linux mode sends no A on the first stateful packet, as the file does;
         * RFC mode sets it and yields the same ciphertext. */
        for (int compat = 0; compat < 2; compat++) {
            DtMppeConfig cfg = {DT_MPPE_BITS_128, modes[m].stateless, compat};
            DtMppeTx tx;
            DtMppeRx rx;
            g_assert_true(dt_mppe_tx_init(&tx, c, &cfg, c2s));
            g_assert_true(dt_mppe_rx_init(&rx, c, &cfg, c2s));
            for (int cc = 0; cc < 2; cc++) {
                g_snprintf(name, sizeof(name), "%s.cc%d.PPP", modes[m].prefix, cc);
                gsize wlen;
                const guint8 *wire = g_bytes_get_data(dt_vectors_get(v, name), &wlen);
                Frame f;
                encrypt(&tx, &f, plain, plen, 0);
                g_assert_cmpuint(f.len, ==, wlen);
                uint8_t hdr0 = wire[2];
                if (!modes[m].stateless && cc == 0 && compat == DT_MPPE_COMPAT_RFC)
                    hdr0 |= DT_MPPE_FLAG_A;
                g_assert_cmphex(f.buf[2], ==, hdr0);
                g_assert_cmpmem(f.buf + 3, f.len - 3, wire + 3, wlen - 3);

                /* Receive the file's own bytes. */
                Frame in;
                memcpy(in.buf, wire, wlen);
                in.len = wlen;
                DtMppeRxPacket out;
                g_assert_cmpint(decrypt(&rx, &in, &out), ==, DT_MPPE_RX_OK);
                g_assert_cmpuint(out.ccount, ==, cc);
                g_assert_cmphex(out.protocol, ==, 0x0021);
                g_assert_cmpmem(out.data, out.len, plain, plen);
                g_assert_cmpmem(out.info, out.info_len, plain + 2, plen - 2);
            }
            dt_mppe_tx_clear(&tx);
            dt_mppe_rx_clear(&rx);
        }
    }

    /* MPPC + MPPE: the compressed payload encrypted with A|B|C|D. */
    gsize clen, wlen;
    const guint8 *mppc = g_bytes_get_data(dt_vectors_get(v, "mppcmppe.MPPCPayload"), &clen);
    const guint8 *wire = g_bytes_get_data(dt_vectors_get(v, "mppcmppe.cc0.PPP"), &wlen);
    for (int compat = 0; compat < 2; compat++) {
        DtMppeConfig cfg = {DT_MPPE_BITS_128, false, compat};
        DtMppeTx tx;
        DtMppeRx rx;
        g_assert_true(dt_mppe_tx_init(&tx, c, &cfg, c2s));
        g_assert_true(dt_mppe_rx_init(&rx, c, &cfg, c2s));
        Frame f;
        encrypt(&tx, &f, mppc, clen, DT_MPPC_FLAG_A | DT_MPPC_FLAG_B | DT_MPPC_FLAG_C);
        g_assert_cmpmem(f.buf, f.len, wire, wlen);
        DtMppeRxPacket out;
        g_assert_cmpint(decrypt(&rx, &f, &out), ==, DT_MPPE_RX_OK);
        g_assert_cmphex(out.flags, ==, 0xF0);
        g_assert_cmpuint(out.protocol, ==, 0);
        g_assert_cmpmem(out.data, out.len, mppc, clen);
        /* …and the decrypted payload decompresses to the plain packet. */
        DtMppcDecompressor *d = g_new(DtMppcDecompressor, 1);
        dt_mppc_decompressor_init(d);
        const uint8_t *dec;
        size_t dlen;
        g_assert_cmpint(dt_mppc_decompress(d, out.data, out.len, out.flags, &dec, &dlen), ==,
                        DT_MPPC_OK);
        g_assert_cmpmem(dec, dlen, plain, plen);
        g_free(d);
        dt_mppe_tx_clear(&tx);
        dt_mppe_rx_clear(&rx);
    }
    dt_vectors_assert_all_used(v);
}

typedef struct {
    DtMppeTx tx;
    DtMppeRx rx;
    GRand *rand;
} Link;

static void
link_init(Link *k, const DtMppeConfig *cfg, guint32 seed)
{
    uint8_t s2c[16], c2s[16];
    derive_start_keys(dt_mppe_key_len(cfg->bits), s2c, c2s);
    g_assert_true(dt_mppe_tx_init(&k->tx, dt_test_crypto(), cfg, c2s));
    g_assert_true(dt_mppe_rx_init(&k->rx, dt_test_crypto(), cfg, c2s));
    k->rand = g_rand_new_with_seed(seed);
}

static void
link_clear(Link *k)
{
    dt_mppe_tx_clear(&k->tx);
    dt_mppe_rx_clear(&k->rx);
    g_rand_free(k->rand);
}

/* A random IPv4-looking packet with its 2-octet protocol. */
static size_t
random_plain(GRand *rand, uint8_t *p)
{
    size_t len = (size_t)g_rand_int_range(rand, 3, 1500);
    p[0] = 0x00;
    p[1] = 0x21;
    dt_test_random_bytes(rand, p + 2, len - 2);
    return len;
}

static void
send_one(Link *k, Frame *f, uint8_t *plain, size_t *plen)
{
    *plen = random_plain(k->rand, plain);
    encrypt(&k->tx, f, plain, *plen, 0);
}

static void
expect_ok(Link *k, Frame *f, const uint8_t *plain, size_t plen)
{
    DtMppeRxPacket out;
    DtMppeRxResult r = decrypt(&k->rx, f, &out);
    g_assert_cmpstr(dt_mppe_rx_result_to_string(r), ==, "ok");
    g_assert_cmpmem(out.data, out.len, plain, plen);
}

static void
expect_drop(Link *k, Frame *f, DtMppeRxResult want)
{
    DtMppeRxPacket out;
    DtMppeRxResult r = decrypt(&k->rx, f, &out);
    g_assert_cmpstr(dt_mppe_rx_result_to_string(r), ==, dt_mppe_rx_result_to_string(want));
}

/* Every strength × mode × compatibility, across the 4096 count wrap. */
static void
test_round_trips(void)
{
    guint32 seed = dt_test_seed();
    for (gsize i = 0; i < G_N_ELEMENTS(strengths); i++) {
        for (int stateless = 0; stateless < 2; stateless++) {
            for (int compat = 0; compat < 2; compat++) {
                DtMppeConfig cfg = {strengths[i].bits, stateless, compat};
                Link k;
                link_init(&k, &cfg, seed);
                int n = i == 2 ? 4200 : 600;
                for (int p = 0; p < n; p++) {
                    Frame f;
                    uint8_t plain[MAXPKT];
                    size_t plen;
                    send_one(&k, &f, plain, &plen);
                    uint16_t hdr = dt_get_u16(f.buf + 2);
                    g_assert_cmpuint(hdr & 0xFFF, ==, p % 4096);
                    g_assert_true(hdr & 0x1000);
                    if (stateless || (p & 0xFF) == 0xFF)
                        g_assert_true(hdr & 0x8000);
                    else if (p != 0)
                        g_assert_false(hdr & 0x8000);
                    expect_ok(&k, &f, plain, plen);
                }
                const DtMppeRxStats *st = dt_mppe_rx_stats(&k.rx);
                g_assert_cmpuint(st->packets, ==, n);
                g_assert_cmpuint(st->losses, ==, 0);
                g_assert_cmpuint(st->key_changes, ==, dt_mppe_tx_stats(&k.tx)->key_changes);
                link_clear(&k);
            }
        }
    }
}

/* Stateless: lost packets cost key changes, nothing else; reordered ones
 * inside the window decrypt once; duplicates and far-late ones drop. */
static void
test_stateless_loss_reorder(void)
{
    DtMppeConfig cfg = {DT_MPPE_BITS_128, true, DT_MPPE_COMPAT_RFC};
    Link k;
    link_init(&k, &cfg, dt_test_seed());
    Frame f[40];
    uint8_t plain[40][MAXPKT];
    size_t plen[40];
    for (int i = 0; i < 40; i++)
        send_one(&k, &f[i], plain[i], &plen[i]);
    expect_ok(&k, &f[0], plain[0], plen[0]);
    /* 1..4 lost, 6 before 5. */
    expect_ok(&k, &f[6], plain[6], plen[6]);
    expect_ok(&k, &f[5], plain[5], plen[5]);
    Frame copy = f[5];
    expect_drop(&k, &copy, DT_MPPE_RX_DUPLICATE);
    copy = f[6];
    expect_drop(&k, &copy, DT_MPPE_RX_DUPLICATE);
    /* 1 is still inside the window. */
    expect_ok(&k, &f[1], plain[1], plen[1]);
    expect_ok(&k, &f[30], plain[30], plen[30]);
    /* 2 is now 28 behind: beyond the 16-key window. */
    expect_drop(&k, &f[2], DT_MPPE_RX_LATE);
    expect_ok(&k, &f[20], plain[20], plen[20]);
    g_assert_cmpuint(dt_mppe_rx_stats(&k.rx)->losses, ==, 5 + 23);
    g_assert_false(dt_mppe_rx_poll_reset_request(&k.rx));

    /* More than 2048 ahead counts as late (Linux); 2048 exactly is caught up. */
    Frame g;
    uint8_t pl[MAXPKT];
    size_t pn;
    for (int cc = 40; cc <= 30 + 2048; cc++)
        send_one(&k, &g, pl, &pn);
    expect_ok(&k, &g, pl, pn);
    for (int i = 0; i < 2049; i++)
        send_one(&k, &g, pl, &pn);
    expect_drop(&k, &g, DT_MPPE_RX_LATE);
    link_clear(&k);
}

/* Stateful: a gap means discard and Reset-Request until a packet with A;
 * then one key change per flag packet missed.  Both compatibility modes,
 * with losses inside one 256 block and across several. */
static void
test_stateful_resync(void)
{
    static const int gaps[][2] = {{10, 3}, {250, 10}, {254, 1}, {200, 700}, {255, 1}, {3000, 2000}};
    for (int compat = 0; compat < 2; compat++) {
        for (gsize g = 0; g < G_N_ELEMENTS(gaps); g++) {
            DtMppeConfig cfg = {DT_MPPE_BITS_128, false, compat};
            Link k;
            link_init(&k, &cfg, dt_test_seed());
            Frame f;
            uint8_t plain[MAXPKT];
            size_t plen;
            int at = gaps[g][0], lost = gaps[g][1];
            for (int i = 0; i < at; i++) {
                send_one(&k, &f, plain, &plen);
                expect_ok(&k, &f, plain, plen);
            }
            for (int i = 0; i < lost; i++)
                send_one(&k, &f, plain, &plen);
            /* The next packet (unless it is a flag packet, which has A) reveals the gap. */
            send_one(&k, &f, plain, &plen);
            if (((at + lost) & 0xFF) == 0xFF) {
                expect_ok(&k, &f, plain, plen);
                g_assert_false(dt_mppe_rx_poll_reset_request(&k.rx));
            } else {
                expect_drop(&k, &f, DT_MPPE_RX_LOSS);
                g_assert_true(dt_mppe_rx_discarding(&k.rx));
                g_assert_true(dt_mppe_rx_poll_reset_request(&k.rx));
                g_assert_false(dt_mppe_rx_poll_reset_request(&k.rx));
                /* Still in flight before the Reset-Request arrived: dropped. */
                send_one(&k, &f, plain, &plen);
                expect_drop(&k, &f, DT_MPPE_RX_DISCARDING);
                dt_mppe_tx_reset(&k.tx);
                send_one(&k, &f, plain, &plen);
                g_assert_true(f.buf[2] & DT_MPPE_FLAG_A);
                expect_ok(&k, &f, plain, plen);
            }
            g_assert_false(dt_mppe_rx_discarding(&k.rx));
            for (int i = 0; i < 600; i++) {
                send_one(&k, &f, plain, &plen);
                expect_ok(&k, &f, plain, plen);
            }
            link_clear(&k);
        }
    }
}

/* A receiver in the other compatibility mode goes wrong after a reset:
 * the switch matters, and it is what tells Linux peers from the rest. */
static void
test_compat_differs(void)
{
    DtMppeConfig rfc = {DT_MPPE_BITS_128, false, DT_MPPE_COMPAT_RFC};
    DtMppeConfig linux_cfg = {DT_MPPE_BITS_128, false, DT_MPPE_COMPAT_LINUX};
    uint8_t s2c[16], c2s[16];
    derive_start_keys(16, s2c, c2s);
    DtMppeTx tx;
    DtMppeRx rx;
    g_assert_true(dt_mppe_tx_init(&tx, dt_test_crypto(), &rfc, s2c));
    g_assert_true(dt_mppe_rx_init(&rx, dt_test_crypto(), &linux_cfg, s2c));
    uint8_t plain[64] = {0x00, 0x21, 1, 2, 3};
    Frame f;
    DtMppeRxPacket out;
    encrypt(&tx, &f, plain, sizeof(plain), 0);
    /* RFC's A on the first packet is no key change for a Linux receiver here. */
    g_assert_cmpint(decrypt(&rx, &f, &out), ==, DT_MPPE_RX_OK);
    g_assert_cmpmem(out.data, out.len, plain, sizeof(plain));
    dt_mppe_tx_reset(&tx);
    encrypt(&tx, &f, plain, sizeof(plain), 0);
    DtMppeRxResult r = decrypt(&rx, &f, &out);
    g_assert_true(r != DT_MPPE_RX_OK || memcmp(out.data, plain, sizeof(plain)) != 0);
    dt_mppe_tx_clear(&tx);
    dt_mppe_rx_clear(&rx);
}

/* A Reset-Request before every packet: every packet flushed, all decrypt. */
static void
test_flushed_flood(void)
{
    for (int compat = 0; compat < 2; compat++) {
        DtMppeConfig cfg = {DT_MPPE_BITS_56, false, compat};
        Link k;
        link_init(&k, &cfg, dt_test_seed());
        for (int i = 0; i < 700; i++) {
            Frame f;
            uint8_t plain[MAXPKT];
            size_t plen;
            if (i % 3 != 2)
                dt_mppe_tx_reset(&k.tx);
            send_one(&k, &f, plain, &plen);
            expect_ok(&k, &f, plain, plen);
        }
        link_clear(&k);
    }
}

static void
test_sanity(void)
{
    for (int stateless = 0; stateless < 2; stateless++) {
        DtMppeConfig cfg = {DT_MPPE_BITS_40, stateless, DT_MPPE_COMPAT_RFC};
        Link k;
        link_init(&k, &cfg, dt_test_seed());
        Frame f;
        uint8_t plain[MAXPKT];
        size_t plen;
        send_one(&k, &f, plain, &plen);
        Frame bad = f;
        bad.buf[2] &= (uint8_t)~DT_MPPE_FLAG_D;
        expect_drop(&k, &bad, DT_MPPE_RX_NOT_ENCRYPTED);
        if (stateless) {
            bad = f;
            bad.buf[2] &= (uint8_t)~DT_MPPE_FLAG_A;
            expect_drop(&k, &bad, DT_MPPE_RX_NO_FLUSH);
        }
        bad = f;
        bad.len = 4;
        expect_drop(&k, &bad, DT_MPPE_RX_SHORT);
        expect_ok(&k, &f, plain, plen);
        if (!stateless) {
            for (int i = 1; i < 255; i++) {
                send_one(&k, &f, plain, &plen);
                expect_ok(&k, &f, plain, plen);
            }
            /* Count 255 is a flag packet: A is mandatory. */
            send_one(&k, &f, plain, &plen);
            f.buf[2] &= (uint8_t)~DT_MPPE_FLAG_A;
            expect_drop(&k, &f, DT_MPPE_RX_NO_FLUSH);
        }
        const DtMppeRxStats *st = dt_mppe_rx_stats(&k.rx);
        g_assert_cmpuint(st->sanity_errors, ==, stateless ? 2 : 2);
        g_assert_cmpuint(st->dropped[DT_MPPE_RX_SHORT], ==, 1);
        link_clear(&k);
    }
}

/* A PFC-compressed (odd, 1-octet) inner protocol is accepted. */
static void
test_pfc_inner(void)
{
    DtMppeConfig cfg = {DT_MPPE_BITS_128, true, DT_MPPE_COMPAT_RFC};
    Link k;
    link_init(&k, &cfg, 1);
    uint8_t plain[] = {0x21, 0x45, 0x00, 0x00, 0x14};
    Frame f;
    encrypt(&k.tx, &f, plain, sizeof(plain), 0);
    DtMppeRxPacket out;
    g_assert_cmpint(decrypt(&k.rx, &f, &out), ==, DT_MPPE_RX_OK);
    g_assert_cmphex(out.protocol, ==, 0x21);
    g_assert_cmpmem(out.info, out.info_len, plain + 1, sizeof(plain) - 1);
    /* An even second octet of a 2-octet field is no protocol. */
    uint8_t broken[] = {0x00, 0x20, 0x45};
    encrypt(&k.tx, &f, broken, sizeof(broken), 0);
    g_assert_cmpint(decrypt(&k.rx, &f, &out), ==, DT_MPPE_RX_BAD_PROTOCOL);
    link_clear(&k);

    g_assert_true(dt_mppe_protocol_is_encrypted(0x0021));
    g_assert_true(dt_mppe_protocol_is_encrypted(0x0057));
    g_assert_true(dt_mppe_protocol_is_encrypted(0x00FA));
    g_assert_false(dt_mppe_protocol_is_encrypted(0x00FD));
    g_assert_false(dt_mppe_protocol_is_encrypted(0x80FD));
    g_assert_false(dt_mppe_protocol_is_encrypted(0xC021));
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/mppe/vectors", test_vectors);
    g_test_add_func("/mppe/round-trips", test_round_trips);
    g_test_add_func("/mppe/stateless-loss-reorder", test_stateless_loss_reorder);
    g_test_add_func("/mppe/stateful-resync", test_stateful_resync);
    g_test_add_func("/mppe/compat-differs", test_compat_differs);
    g_test_add_func("/mppe/flushed-flood", test_flushed_flood);
    g_test_add_func("/mppe/sanity", test_sanity);
    g_test_add_func("/mppe/pfc-inner", test_pfc_inner);
    return dt_test_run();
}
