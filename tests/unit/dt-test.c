/* dt-test.c — shared helpers for the unit tests. */
#include "dt-test.h"

#include <stdlib.h>
#include <string.h>

static DtCrypto *crypto;

void
dt_test_init(int *argc, char ***argv)
{
    g_test_init(argc, argv, NULL);
}

int
dt_test_run(void)
{
    int rc = g_test_run();
    dt_crypto_free(crypto);
    crypto = NULL;
    return rc;
}

DtCrypto *
dt_test_crypto(void)
{
    if (!crypto) {
        DtCryptoError e = dt_crypto_new(&crypto);
        if (e != DT_CRYPTO_OK)
            g_error("crypto: %s", dt_crypto_error_to_string(e));
    }
    return crypto;
}

guint32
dt_test_seed(void)
{
    const char *env = g_getenv("DT_TEST_SEED");
    guint32 seed = env ? (guint32)strtoul(env, NULL, 0) : g_random_int();
    g_test_message("random seed %u (set DT_TEST_SEED=%u to replay)", seed, seed);
    return seed;
}

void
dt_test_random_bytes(GRand *rand, void *buf, gsize len)
{
    guint8 *p = buf;
    for (gsize i = 0; i < len; i++)
        p[i] = (guint8)g_rand_int_range(rand, 0, 256);
}

bool
dt_test_random_cb(void *ctx, void *buf, size_t len)
{
    dt_test_random_bytes(ctx, buf, len);
    return true;
}

bool
dt_test_lookup_alice_cb(void *data, const char *user, size_t user_len, char *secret, size_t cap)
{
    (void)data;
    if (user_len != 5 || memcmp(user, "alice", 5) != 0 || cap < 8)
        return false;
    strcpy(secret, "s3cret!");
    return true;
}

char *
dt_test_random_utf8(GRand *rand, int max_units)
{
    GString *s = g_string_new(NULL);
    int units = 0;
    while (units < max_units) {
        gunichar ch;
        switch (g_rand_int_range(rand, 0, 4)) {
        case 0:
            ch = (gunichar)g_rand_int_range(rand, 0x20, 0x7F);
            break;
        case 1:
            ch = (gunichar)g_rand_int_range(rand, 0x80, 0x800);
            break;
        case 2:
            do
                ch = (gunichar)g_rand_int_range(rand, 0x800, 0x10000);
            while (ch >= 0xD800 && ch <= 0xDFFF);
            break;
        default:
            ch = (gunichar)g_rand_int_range(rand, 0x10000, 0x110000);
            break;
        }
        int need = ch >= 0x10000 ? 2 : 1;
        if (units + need > max_units)
            break;
        g_string_append_unichar(s, ch);
        units += need;
    }
    return g_string_free(s, FALSE);
}

char *
dt_test_hex_upper(const guint8 *p, gsize len)
{
    GString *s = g_string_sized_new(len * 2);
    for (gsize i = 0; i < len; i++)
        g_string_append_printf(s, "%02X", p[i]);
    return g_string_free(s, FALSE);
}

static void
put16(guint8 *p, guint v)
{
    p[0] = (guint8)(v >> 8);
    p[1] = (guint8)v;
}

gsize
dt_test_tcp_segment(guint8 *ip, gsize cap, gboolean ipv6, guint8 flags, const guint8 *opts,
                    gsize opts_len, gsize payload)
{
    gsize h = DT_TEST_TCP_OFFSET(ipv6), seg = 20 + opts_len + payload;
    g_assert_cmpuint(opts_len % 4, ==, 0);
    g_assert_cmpuint(opts_len, <=, 40);
    g_assert_cmpuint(h + seg, <=, cap);
    memset(ip, 0, h + seg);
    if (ipv6) {
        ip[0] = 0x60;
        put16(ip + 4, (guint)seg);
        ip[6] = 6; /* TCP */
        ip[7] = 64;
        static const guint8 src[16] = {0xfe, 0x80, [8] = 0x02, [15] = 0x01};
        static const guint8 dst[16] = {0xfe, 0x80, [8] = 0x02, [15] = 0x02};
        memcpy(ip + 8, src, 16);
        memcpy(ip + 24, dst, 16);
    } else {
        ip[0] = 0x45;
        put16(ip + 2, (guint)(h + seg));
        put16(ip + 4, 0x1234);
        ip[6] = 0x40; /* DF */
        ip[8] = 64;
        ip[9] = 6;
        static const guint8 addrs[8] = {10, 0, 0, 2, 198, 51, 100, 7};
        memcpy(ip + 12, addrs, 8);
        guint32 sum = 0;
        for (gsize i = 0; i < 20; i += 2)
            sum += (guint)ip[i] << 8 | ip[i + 1];
        while (sum >> 16)
            sum = (sum & 0xFFFF) + (sum >> 16);
        put16(ip + 10, ~sum & 0xFFFF);
    }
    guint8 *t = ip + h;
    put16(t, 40000);
    put16(t + 2, 443);
    put16(t + 4, 0x1122);
    put16(t + 6, 0x3344);
    t[12] = (guint8)((20 + opts_len) / 4 << 4);
    t[13] = flags;
    put16(t + 14, 64240);
    memcpy(t + 20, opts, opts_len);
    for (gsize i = 0; i < payload; i++)
        t[20 + opts_len + i] = (guint8)(i * 7 + 1);
    put16(t + 16, dt_test_tcp_checksum(ip, h + seg));
    return h + seg;
}

guint16
dt_test_tcp_checksum(const guint8 *ip, gsize len)
{
    gboolean ipv6 = (ip[0] >> 4) == 6;
    gsize h = ipv6 ? 40 : (gsize)(ip[0] & 0x0F) * 4;
    gsize seg = ipv6 ? ((gsize)ip[4] << 8 | ip[5]) : ((gsize)ip[2] << 8 | ip[3]) - h;
    g_assert_cmpuint(h + seg, <=, len);
    guint64 sum = 0;
    /* The pseudo-header: addresses, protocol, TCP length (RFC 9293 §3.1, RFC 8200 §8.1). */
    const guint8 *a = ipv6 ? ip + 8 : ip + 12;
    for (gsize i = 0; i < (ipv6 ? 32u : 8u); i += 2)
        sum += (guint)a[i] << 8 | a[i + 1];
    sum += 6 + seg;
    const guint8 *t = ip + h;
    for (gsize i = 0; i < seg; i += 2) {
        guint w = (guint)t[i] << 8 | (i + 1 < seg ? t[i + 1] : 0);
        if (i == 16)
            w = 0;
        sum += w;
    }
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (guint16)(~sum & 0xFFFF);
}

char *
dt_test_spawn(const char *const *argv)
{
    g_autofree char *path = g_find_program_in_path(argv[0]);
    if (!path)
        return NULL;
    char *out = NULL;
    g_autofree char *err = NULL;
    int status;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("%s failed: %s", argv[0], err);
    return out;
}
