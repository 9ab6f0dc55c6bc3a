/* test-mschap.c — MS-CHAP v1/v2 against RFC 2759 and RFC 2433, and both roles
 * against each other. */
#include <string.h>

#include "dt-crypto.h"
#include "dt-mschap.h"
#include "dt-test.h"
#include "dt-vectors.h"

/* The vectors carry passwords as UTF-16LE; the API takes UTF-8. */
static char *
utf16le_to_utf8(GBytes *b)
{
    gsize n;
    const guint8 *p = g_bytes_get_data(b, &n);
    g_assert_cmpuint(n % 2, ==, 0);
    g_autofree gunichar2 *units = g_new(gunichar2, n / 2 + 1);
    for (gsize i = 0; i < n / 2; i++)
        units[i] = (gunichar2)(p[2 * i] | p[2 * i + 1] << 8);
    char *s = g_utf16_to_utf8(units, (glong)(n / 2), NULL, NULL, NULL);
    g_assert_nonnull(s);
    return s;
}

static char *
bytes_to_string(GBytes *b)
{
    gsize n;
    const char *p = g_bytes_get_data(b, &n);
    return g_strndup(p, n);
}

static void
test_rfc2759_hash_example(void)
{
    DtCrypto *c = dt_test_crypto();
    g_autoptr(DtVectors) v = dt_vectors_load("rfc2759.txt");

    g_autofree char *user = bytes_to_string(dt_vectors_get(v, "s9_2.UserName"));
    GBytes *pw16 = dt_vectors_get(v, "s9_2.Password");
    g_autofree char *password = utf16le_to_utf8(pw16);
    const guint8 *auth_chal = dt_vectors_get_n(v, "s9_2.AuthenticatorChallenge", 16);
    const guint8 *peer_chal = dt_vectors_get_n(v, "s9_2.PeerChallenge", 16);

    uint8_t unicode[512];
    size_t ulen;
    g_assert_true(dt_mschap_password_to_unicode(password, unicode, &ulen));
    dt_assert_bytes(unicode, ulen, pw16);

    uint8_t challenge[8], hash[16], hashhash[16], response[24];
    g_assert_true(dt_challenge_hash(c, peer_chal, auth_chal, user, strlen(user), challenge));
    dt_assert_mem(challenge, dt_vectors_get_n(v, "s9_2.Challenge", 8), 8);

    g_assert_true(dt_nt_password_hash(c, unicode, ulen, hash));
    dt_assert_mem(hash, dt_vectors_get_n(v, "s9_2.PasswordHash", 16), 16);

    g_assert_true(
        dt_generate_nt_response(c, auth_chal, peer_chal, user, strlen(user), password, response));
    dt_assert_mem(response, dt_vectors_get_n(v, "s9_2.NT-Response", 24), 24);

    g_assert_true(dt_hash_nt_password_hash(c, hash, hashhash));
    dt_assert_mem(hashhash, dt_vectors_get_n(v, "s9_2.PasswordHashHash", 16), 16);

    char auth_resp[43];
    g_assert_true(dt_generate_authenticator_response(c, password, response, peer_chal, auth_chal,
                                                     user, strlen(user), auth_resp));
    dt_assert_bytes(auth_resp, 42, dt_vectors_get(v, "s9_2.AuthenticatorResponseAscii"));
    /* The digest is the hex after "S=". */
    const guint8 *digest = dt_vectors_get_n(v, "s9_2.AuthenticatorResponseDigest", 20);
    g_autofree char *hex = dt_test_hex_upper(digest, 20);
    g_assert_cmpstr(auth_resp + 2, ==, hex);

    g_assert_true(dt_check_authenticator_response(c, password, response, peer_chal, auth_chal, user,
                                                  strlen(user), (const uint8_t *)auth_resp, 42));
    /* One flipped digit, a lower-case digit, or a short string must all fail. */
    char bad[43];
    memcpy(bad, auth_resp, 43);
    bad[41] = bad[41] == '0' ? '1' : '0';
    g_assert_false(dt_check_authenticator_response(c, password, response, peer_chal, auth_chal,
                                                   user, strlen(user), (const uint8_t *)bad, 42));
    memcpy(bad, auth_resp, 43);
    for (int i = 2; i < 42; i++)
        bad[i] = g_ascii_tolower(bad[i]);
    if (strcmp(bad, auth_resp) != 0)
        g_assert_false(dt_check_authenticator_response(c, password, response, peer_chal, auth_chal,
                                                       user, strlen(user), (const uint8_t *)bad,
                                                       42));
    g_assert_false(dt_check_authenticator_response(c, password, response, peer_chal, auth_chal,
                                                   user, strlen(user), (const uint8_t *)auth_resp,
                                                   41));
    /* A domain prefix does not enter ChallengeHash (RFC 2759 §4). */
    uint8_t with_domain[24];
    g_assert_true(
        dt_generate_nt_response(c, auth_chal, peer_chal, "CORP\\User", 9, password, with_domain));
    dt_assert_mem(with_domain, response, 24);

    /* The §9.3 DES key example. */
    GBytes *my_pw16 = dt_vectors_get(v, "s9_3.PasswordUnicode");
    g_autofree char *my_pw = utf16le_to_utf8(my_pw16);
    g_autofree char *printed = bytes_to_string(dt_vectors_get(v, "s9_3.PasswordAsPrinted"));
    g_assert_cmpstr(my_pw, ==, printed);
    g_assert_true(dt_mschap_password_to_unicode(my_pw, unicode, &ulen));
    dt_assert_bytes(unicode, ulen, my_pw16);
    g_assert_true(dt_nt_password_hash(c, unicode, ulen, hash));
    dt_assert_mem(hash, dt_vectors_get_n(v, "s9_3.PasswordHash", 16), 16);
    const guint8 *raw1 = dt_vectors_get_n(v, "s9_3.RawDesKey1", 7);
    const guint8 *raw2 = dt_vectors_get_n(v, "s9_3.RawDesKey2", 7);
    dt_assert_mem(hash, raw1, 7);
    dt_assert_mem(hash + 7, raw2, 7);
    uint8_t key8[8];
    dt_des_key_expand(raw1, key8);
    dt_assert_mem(key8, dt_vectors_get_n(v, "s9_3.ParityDesKey1", 8), 8);
    dt_des_key_expand(raw2, key8);
    dt_assert_mem(key8, dt_vectors_get_n(v, "s9_3.ParityDesKey2", 8), 8);

    dt_vectors_assert_all_used(v);
}

static void
test_rfc2433_hash_example(void)
{
    DtCrypto *c = dt_test_crypto();
    g_autoptr(DtVectors) v = dt_vectors_load("rfc2433.txt");

    const guint8 *challenge = dt_vectors_get_n(v, "B2.Challenge", 8);
    g_autofree char *password = utf16le_to_utf8(dt_vectors_get(v, "B2.Password"));
    uint8_t unicode[512], hash[16], response[24];
    size_t ulen;
    g_assert_true(dt_mschap_password_to_unicode(password, unicode, &ulen));
    dt_assert_bytes(unicode, ulen, dt_vectors_get(v, "B2.Password"));
    g_assert_true(dt_nt_password_hash(c, unicode, ulen, hash));
    dt_assert_mem(hash, dt_vectors_get_n(v, "B2.PasswordHash", 16), 16);
    g_assert_true(dt_nt_challenge_response(c, challenge, password, response));
    dt_assert_mem(response, dt_vectors_get_n(v, "B2.NtChallengeResponse", 24), 24);

    g_assert_true(dt_lm_password_hash(c, password, hash));
    dt_assert_mem(hash, dt_vectors_get_n(v, "computed.LmPasswordHash_MyPw", 16), 16);
    g_assert_true(dt_lm_challenge_response(c, challenge, password, response));
    dt_assert_mem(response, dt_vectors_get_n(v, "computed.LmChallengeResponse_MyPw", 24), 24);
    g_assert_true(dt_lm_password_hash(c, "clientPass", hash));
    dt_assert_mem(hash, dt_vectors_get_n(v, "computed.LmPasswordHash_clientPass", 16), 16);

    const guint8 *chal3 = dt_vectors_get_n(v, "thirdparty.LmChallengeResponse_challenge", 8);
    g_assert_true(dt_lm_challenge_response(c, chal3, password, response));
    dt_assert_mem(response, dt_vectors_get_n(v, "thirdparty.LmChallengeResponse_MyPw", 24), 24);

    /* LM cannot carry more than 14 characters or non-ASCII text. */
    g_assert_false(dt_lm_password_hash(c, "fifteen-chars!!", hash));
    g_assert_false(dt_lm_password_hash(c, "p\xc3\xa4ss", hash));

    dt_vectors_assert_all_used(v);
}

static void
test_password_unicode(void)
{
    uint8_t out[512];
    size_t len;

    /* "Grüße, 密码 🔑": two-, three- and four-octet UTF-8 sequences. */
    const char *pw = "Gr\xc3\xbc\xc3\x9f"
                     "e, \xe5\xaf\x86\xe7\xa0\x81 \xf0\x9f\x94\x91";
    g_assert_true(dt_mschap_password_to_unicode(pw, out, &len));
    static const uint8_t expect[] = {'G',  0,    'r', 0, 0xFC, 0,    0xDF, 0,
                                     'e',  0,    ',', 0, ' ',  0,    0xC6, 0x5B,
                                     0x01, 0x78, ' ', 0, 0x3D, 0xD8, 0x11, 0xDD};
    dt_assert_mem(out, expect, sizeof(expect));
    g_assert_cmpuint(len, ==, sizeof(expect));

    /* Exactly 256 UTF-16 units fit; 257 do not, nor does a split surrogate pair. */
    char buf[300];
    memset(buf, 'a', 256);
    buf[256] = '\0';
    g_assert_true(dt_mschap_password_to_unicode(buf, out, &len));
    g_assert_cmpuint(len, ==, 512);
    buf[256] = 'a';
    buf[257] = '\0';
    g_assert_false(dt_mschap_password_to_unicode(buf, out, &len));
    memset(buf, 'a', 255);
    memcpy(buf + 255, "\xf0\x9f\x94\x91", 5);
    g_assert_false(dt_mschap_password_to_unicode(buf, out, &len));

    /* Invalid UTF-8: stray continuation, overlong, surrogate, truncated, > U+10FFFF. */
    const char *bad[] = {"\x80", "\xc0\xaf", "\xed\xa0\x80", "ab\xe5\xaf", "\xf4\x90\x80\x80"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(dt_mschap_password_to_unicode(bad[i], out, &len));

    g_assert_true(dt_mschap_password_to_unicode("", out, &len));
    g_assert_cmpuint(len, ==, 0);
}

static void
test_user_without_domain(void)
{
    size_t n;
    const char *u = dt_mschap_user_without_domain("CORP\\alice", 10, &n);
    g_assert_cmpmem(u, n, "alice", 5);
    u = dt_mschap_user_without_domain("alice", 5, &n);
    g_assert_cmpmem(u, n, "alice", 5);
    u = dt_mschap_user_without_domain("A\\B\\bob", 7, &n);
    g_assert_cmpmem(u, n, "bob", 3);
    u = dt_mschap_user_without_domain("CORP\\", 5, &n);
    g_assert_cmpuint(n, ==, 0);
}

/* Random passwords (any Unicode), names and challenges: what the peer sends is
 * what an authenticator holding the same password expects, and the
 * authenticator's answer passes the peer's check; a wrong password fails both. */
static void
test_roles_property(void)
{
    DtCrypto *c = dt_test_crypto();
    GRand *rand = g_rand_new_with_seed(dt_test_seed());

    for (int round = 0; round < 200; round++) {
        g_autofree char *password = dt_test_random_utf8(rand, g_rand_int_range(rand, 0, 120));
        g_autofree char *other = g_strconcat(password, "x", NULL);
        char user[40];
        int ulen = g_rand_int_range(rand, 1, (int)sizeof(user));
        for (int i = 0; i < ulen; i++)
            user[i] = (char)g_rand_int_range(rand, 0x21, 0x7F);
        uint8_t auth_chal[16], peer_chal[16];
        dt_test_random_bytes(rand, auth_chal, 16);
        dt_test_random_bytes(rand, peer_chal, 16);

        /* Peer. */
        uint8_t nt_response[24];
        g_assert_true(dt_generate_nt_response(c, auth_chal, peer_chal, user, (size_t)ulen, password,
                                              nt_response));
        /* Authenticator: recompute from its own copy and compare in constant time. */
        uint8_t expected[24], wrong[24];
        g_assert_true(dt_generate_nt_response(c, auth_chal, peer_chal, user, (size_t)ulen, password,
                                              expected));
        g_assert_true(dt_consttime_equal(expected, nt_response, 24));
        g_assert_true(
            dt_generate_nt_response(c, auth_chal, peer_chal, user, (size_t)ulen, other, wrong));
        g_assert_false(dt_consttime_equal(wrong, nt_response, 24));

        char answer[43];
        g_assert_true(dt_generate_authenticator_response(c, password, nt_response, peer_chal,
                                                         auth_chal, user, (size_t)ulen, answer));
        g_assert_true(dt_check_authenticator_response(c, password, nt_response, peer_chal,
                                                      auth_chal, user, (size_t)ulen,
                                                      (const uint8_t *)answer, 42));
        /* An authenticator that does not know the password cannot forge the answer. */
        char forged[43];
        g_assert_true(dt_generate_authenticator_response(c, other, nt_response, peer_chal,
                                                         auth_chal, user, (size_t)ulen, forged));
        g_assert_false(dt_check_authenticator_response(c, password, nt_response, peer_chal,
                                                       auth_chal, user, (size_t)ulen,
                                                       (const uint8_t *)forged, 42));

        /* MS-CHAP v1: the same response from both sides. */
        uint8_t v1a[24], v1b[24];
        g_assert_true(dt_nt_challenge_response(c, auth_chal, password, v1a));
        g_assert_true(dt_nt_challenge_response(c, auth_chal, password, v1b));
        dt_assert_mem(v1a, v1b, 24);
        g_assert_true(dt_nt_challenge_response(c, auth_chal, other, v1b));
        g_assert_false(dt_consttime_equal(v1a, v1b, 24));
    }
    g_rand_free(rand);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/mschap/rfc2759-hash-example", test_rfc2759_hash_example);
    g_test_add_func("/mschap/rfc2433-hash-example", test_rfc2433_hash_example);
    g_test_add_func("/mschap/password-unicode", test_password_unicode);
    g_test_add_func("/mschap/user-without-domain", test_user_without_domain);
    g_test_add_func("/mschap/roles-property", test_roles_property);
    return dt_test_run();
}
