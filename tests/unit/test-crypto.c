/* test-crypto.c — the crypto core itself: providers, primitives, failure words. */
#include <stdlib.h>
#include <string.h>

#include "dt-crypto.h"
#include <glib/gstdio.h>

#include "dt-test.h"

static void
test_digests(void)
{
    DtCrypto *c = dt_test_crypto();
    uint8_t out[20];
    /* The classic "abc" values of RFC 1320, RFC 1321 and FIPS 180. */
    DtIov abc[2] = {{"a", 1}, {"bc", 2}};
    g_assert_true(dt_crypto_md4(c, abc, 2, out));
    g_autofree char *md4 = dt_test_hex_upper(out, 16);
    g_assert_cmpstr(md4, ==, "A448017AAF21D8525FC10AE87AA6729D");
    g_assert_true(dt_crypto_md5(c, abc, 2, out));
    g_autofree char *md5 = dt_test_hex_upper(out, 16);
    g_assert_cmpstr(md5, ==, "900150983CD24FB0D6963F7D28E17F72");
    g_assert_true(dt_crypto_sha1(c, abc, 2, out));
    g_autofree char *sha1 = dt_test_hex_upper(out, 20);
    g_assert_cmpstr(sha1, ==, "A9993E364706816ABA3E25717850C26C9CD0D89D");
}

static void
test_rc4_stream(void)
{
    DtCrypto *c = dt_test_crypto();
    /* Encrypting in two pieces continues the keystream; set_key restarts it. */
    uint8_t buf[64] = {0}, whole[64], parts[64];
    const uint8_t key[5] = {1, 2, 3, 4, 5};
    g_assert_true(dt_crypto_rc4_oneshot(c, key, 5, buf, whole, 64));
    /* RFC 6229, 40-bit key 0x0102030405, keystream offset 0. */
    g_autofree char *ks = dt_test_hex_upper(whole, 16);
    g_assert_cmpstr(ks, ==, "B2396305F03DC027CCC3524A0A1118A8");

    DtRc4 *r = dt_rc4_new(c);
    g_assert_nonnull(r);
    g_assert_true(dt_rc4_set_key(r, key, 5));
    g_assert_true(dt_rc4_crypt(r, buf, parts, 10));
    g_assert_true(dt_rc4_crypt(r, buf + 10, parts + 10, 54));
    dt_assert_mem(parts, whole, 64);
    g_assert_true(dt_rc4_set_key(r, key, 5));
    memcpy(parts, buf, 64);
    g_assert_true(dt_rc4_crypt(r, parts, parts, 64)); /* in place */
    dt_assert_mem(parts, whole, 64);
    /* Key lengths change on the same state. */
    const uint8_t key16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    g_assert_true(dt_rc4_set_key(r, key16, 16));
    g_assert_true(dt_rc4_crypt(r, buf, parts, 16));
    g_autofree char *ks16 = dt_test_hex_upper(parts, 16);
    g_assert_cmpstr(ks16, ==, "9AC7CC9A609D1EF7B2932899CDE41B97");
    g_assert_false(dt_rc4_set_key(r, key16, 0));
    dt_rc4_free(r);
}

static void
test_random(void)
{
    uint8_t a[16] = {0}, b[16] = {0};
    g_assert_true(dt_crypto_random(dt_test_crypto(), a, sizeof(a)));
    g_assert_true(dt_crypto_random(dt_test_crypto(), b, sizeof(b)));
    g_assert_false(dt_consttime_equal(a, b, sizeof(a)));
}

static void
test_wipe_and_compare(void)
{
    uint8_t s[8] = {1, 2, 3, 4, 5, 6, 7, 8}, z[8] = {0};
    g_assert_false(dt_consttime_equal(s, z, 8));
    dt_wipe(s, sizeof(s));
    g_assert_true(dt_consttime_equal(s, z, 8));
}

/* Without the legacy provider the error says so, and how to fix it. */
static void
test_missing_legacy_provider(void)
{
    if (g_test_subprocess()) {
        DtCrypto *c = NULL;
        DtCryptoError e = dt_crypto_new(&c);
        g_assert_null(c);
        g_print("%d|%s\n", e, dt_crypto_error_to_string(e));
        exit(0);
    }
    g_autofree char *empty = g_dir_make_tmp("dt-no-providers-XXXXXX", NULL);
    g_assert_nonnull(empty);
    g_setenv("OPENSSL_MODULES", empty, TRUE);
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_unsetenv("OPENSSL_MODULES");
    g_rmdir(empty);
    g_test_trap_assert_passed();
    g_autofree char *expect =
        g_strdup_printf("%d|*legacy provider*libssl3*", DT_CRYPTO_ERR_NO_LEGACY_PROVIDER);
    g_test_trap_assert_stdout(expect);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/crypto/digests", test_digests);
    g_test_add_func("/crypto/rc4-stream", test_rc4_stream);
    g_test_add_func("/crypto/random", test_random);
    g_test_add_func("/crypto/wipe-and-compare", test_wipe_and_compare);
    g_test_add_func("/crypto/missing-legacy-provider", test_missing_legacy_provider);
    return dt_test_run();
}
