/* dt-test.c — shared helpers for the unit tests. */
#include "dt-test.h"

#include <stdlib.h>

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
