/* test-mppe-key.c — RFC 3079 key derivation and RFC 3078 key change. */
#include <string.h>

#include "dt-mppe-key.h"
#include "dt-mschap.h"
#include "dt-test.h"
#include "dt-vectors.h"

static void
rc4_check(const guint8 *key, gsize keylen, GBytes *plain, GBytes *cipher)
{
    gsize n = g_bytes_get_size(plain);
    g_autofree guint8 *out = g_malloc(n);
    g_assert_true(dt_crypto_rc4_oneshot(dt_test_crypto(), key, keylen,
                                        g_bytes_get_data(plain, NULL), out, n));
    dt_assert_bytes(out, n, cipher);
}

static void
test_rfc3079_mschapv2(void)
{
    DtCrypto *c = dt_test_crypto();
    g_autoptr(DtVectors) v = dt_vectors_load("rfc3079.txt");

    /* The inputs: recompute the RFC 2759 values they come from. */
    gsize ulen;
    const char *user = g_bytes_get_data(dt_vectors_get(v, "s3_5.UserName"), &ulen);
    GBytes *pw16 = dt_vectors_get(v, "s3_5.Password");
    const guint8 *auth_chal = dt_vectors_get_n(v, "s3_5.AuthenticatorChallenge", 16);
    const guint8 *peer_chal = dt_vectors_get_n(v, "s3_5.PeerChallenge", 16);
    uint8_t challenge[8], hash[16], hashhash[16], nt_response[24], master[16];
    g_assert_true(dt_challenge_hash(c, peer_chal, auth_chal, user, ulen, challenge));
    dt_assert_mem(challenge, dt_vectors_get_n(v, "s3_5.Challenge", 8), 8);
    g_assert_true(
        dt_nt_password_hash(c, g_bytes_get_data(pw16, NULL), g_bytes_get_size(pw16), hash));
    dt_assert_mem(hash, dt_vectors_get_n(v, "s3_5.PasswordHash", 16), 16);
    g_assert_true(dt_challenge_response(c, challenge, hash, nt_response));
    dt_assert_mem(nt_response, dt_vectors_get_n(v, "s3_5.NT-Response", 24), 24);
    g_assert_true(dt_hash_nt_password_hash(c, hash, hashhash));
    dt_assert_mem(hashhash, dt_vectors_get_n(v, "s3_5.PasswordHashHash", 16), 16);

    g_assert_true(dt_get_master_key(c, hashhash, nt_response, master));
    dt_assert_mem(master, dt_vectors_get_n(v, "s3_5.MasterKey", 16), 16);

    /* The RFC's "send" key is the server's: IsSend=TRUE, IsServer=TRUE (Magic3). */
    uint8_t start[16], session[16];
    g_assert_true(dt_get_asymmetric_start_key(c, master, start, 8, true, true));
    dt_assert_mem(start, dt_vectors_get_n(v, "s3_5_1.SendStartKey40", 8), 8);
    dt_assert_mem(start, dt_vectors_get_n(v, "s3_5_2.SendStartKey56", 8), 8);
    /* The same key seen from the client is its receive key. */
    uint8_t other[16];
    g_assert_true(dt_get_asymmetric_start_key(c, master, other, 8, false, false));
    dt_assert_mem(other, start, 8);

    g_assert_true(dt_get_new_key_from_sha(c, start, start, 8, session));
    dt_assert_mem(session, dt_vectors_get_n(v, "computed.UnreducedSessionKey64", 8), 8);

    GBytes *msg = dt_vectors_get(v, "s3_5_1.TestMessage");
    g_assert_true(dt_mppe_initial_session_key(c, start, DT_MPPE_BITS_40, session));
    dt_assert_mem(session, dt_vectors_get_n(v, "s3_5_1.SendSessionKey40", 8), 8);
    rc4_check(session, 8, msg, dt_vectors_get(v, "s3_5_1.EncryptedTestMessage"));

    g_assert_true(dt_mppe_initial_session_key(c, start, DT_MPPE_BITS_56, session));
    dt_assert_mem(session, dt_vectors_get_n(v, "s3_5_2.SendSessionKey56", 8), 8);
    /* §3.5.2 erratum: the RFC misprints the last octet; we match the correct value. */
    rc4_check(session, 8, msg, dt_vectors_get(v, "s3_5_2.EncryptedTestMessage_Correct"));
    GBytes *misprint = dt_vectors_get(v, "s3_5_2.EncryptedTestMessage_AsPrintedInRFC");
    guint8 out[12];
    g_assert_cmpuint(g_bytes_get_size(misprint), ==, sizeof(out));
    g_assert_true(
        dt_crypto_rc4_oneshot(c, session, 8, g_bytes_get_data(msg, NULL), out, sizeof(out)));
    g_assert_cmpmem(out, 11, g_bytes_get_data(misprint, NULL), 11);
    g_assert_cmpint(out[11], !=, ((const guint8 *)g_bytes_get_data(misprint, NULL))[11]);

    g_assert_true(dt_get_asymmetric_start_key(c, master, start, 16, true, true));
    dt_assert_mem(start, dt_vectors_get_n(v, "s3_5_3.SendStartKey128", 16), 16);
    g_assert_true(dt_mppe_initial_session_key(c, start, DT_MPPE_BITS_128, session));
    dt_assert_mem(session, dt_vectors_get_n(v, "s3_5_3.SendSessionKey128", 16), 16);
    rc4_check(session, 16, msg, dt_vectors_get(v, "s3_5_3.EncryptedTestMessage"));

    /* The other direction (Magic2): client send = server receive. */
    g_assert_true(dt_get_asymmetric_start_key(c, master, start, 16, true, false));
    dt_assert_mem(start, dt_vectors_get_n(v, "computed.ClientSendStartKey128", 16), 16);
    g_assert_true(dt_get_asymmetric_start_key(c, master, other, 16, false, true));
    dt_assert_mem(other, start, 16);
    g_assert_true(dt_get_asymmetric_start_key(c, master, start, 8, true, false));
    dt_assert_mem(start, dt_vectors_get_n(v, "computed.ClientSendStartKey64", 8), 8);

    /* Both roles at once, from the password hash. */
    uint8_t c_send[16], c_recv[16], s_send[16], s_recv[16];
    g_assert_true(dt_mppe_start_keys_v2(c, hash, nt_response, false, 16, c_send, c_recv));
    g_assert_true(dt_mppe_start_keys_v2(c, hash, nt_response, true, 16, s_send, s_recv));
    dt_assert_mem(c_send, dt_vectors_get_n(v, "computed.ClientSendStartKey128", 16), 16);
    dt_assert_mem(s_send, dt_vectors_get_n(v, "s3_5_3.SendStartKey128", 16), 16);
    dt_assert_mem(c_send, s_recv, 16);
    dt_assert_mem(c_recv, s_send, 16);

    /* §2.5: MS-CHAP v1. */
    g_autofree char *pw_v1 =
        g_strndup(g_bytes_get_data(dt_vectors_get(v, "s2_5.PasswordAscii"), NULL),
                  g_bytes_get_size(dt_vectors_get(v, "s2_5.PasswordAscii")));
    uint8_t lm[16];
    g_assert_true(dt_lm_password_hash(c, pw_v1, lm));
    dt_assert_mem(lm, dt_vectors_get_n(v, "s2_5.LmPasswordHash", 16), 16);
    const guint8 *chal_v1 = dt_vectors_get_n(v, "s2_5.Challenge", 8);

    g_assert_true(dt_mppe_start_key_v1(c, lm, hash, chal_v1, DT_MPPE_BITS_40, start));
    dt_assert_mem(start, dt_vectors_get_n(v, "s2_5_1.InitialSessionKey40", 8), 8);
    g_assert_true(dt_get_new_key_from_sha(c, start, start, 8, session));
    dt_assert_mem(session, dt_vectors_get_n(v, "s2_5_1.GetKeyOutput", 8), 8);
    g_assert_true(dt_mppe_initial_session_key(c, start, DT_MPPE_BITS_40, session));
    dt_assert_mem(session, dt_vectors_get_n(v, "s2_5_1.SessionKey40", 8), 8);
    g_assert_true(dt_mppe_start_key_v1(c, lm, hash, chal_v1, DT_MPPE_BITS_56, start));
    g_assert_true(dt_mppe_initial_session_key(c, start, DT_MPPE_BITS_56, session));
    dt_assert_mem(session, dt_vectors_get_n(v, "s2_5_2.SessionKey56", 8), 8);

    dt_assert_mem(hashhash, dt_vectors_get_n(v, "s2_5_3.PasswordHashHash", 16), 16);
    g_assert_true(dt_mppe_start_key_v1(c, NULL, hash, chal_v1, DT_MPPE_BITS_128, start));
    dt_assert_mem(start, dt_vectors_get_n(v, "s2_5_3.InitialSessionKey128", 16), 16);
    g_assert_true(dt_mppe_initial_session_key(c, start, DT_MPPE_BITS_128, session));
    dt_assert_mem(session, dt_vectors_get_n(v, "s2_5_3.SessionKey128", 16), 16);
    /* 40/56-bit v1 keys need the LM hash. */
    g_assert_false(dt_mppe_start_key_v1(c, NULL, hash, chal_v1, DT_MPPE_BITS_40, start));

    dt_vectors_assert_all_used(v);
}

/* RFC 3078 §7.3 key change chains K0..K3 and K256, every strength and direction. */
static void
test_rfc3078_key_chains(void)
{
    DtCrypto *c = dt_test_crypto();
    g_autoptr(DtVectors) v = dt_vectors_load("rfc3078_mppe_computed.txt");
    static const struct {
        const char *name;
        DtMppeBits bits;
    } strengths[] = {
        {"k40", DT_MPPE_BITS_40}, {"k56", DT_MPPE_BITS_56}, {"k128", DT_MPPE_BITS_128}};
    static const char *dirs[] = {"s2c", "c2s"};

    for (gsize i = 0; i < G_N_ELEMENTS(strengths); i++) {
        for (gsize d = 0; d < G_N_ELEMENTS(dirs); d++) {
            gsize len = dt_mppe_key_len(strengths[i].bits);
            char name[64];
            g_snprintf(name, sizeof(name), "%s.%s.StartKey", strengths[i].name, dirs[d]);
            const guint8 *start = dt_vectors_get_n(v, name, len);
            uint8_t key[16];
            g_assert_true(dt_mppe_initial_session_key(c, start, strengths[i].bits, key));
            /* K1..K3 follow K0 by one key change each.  The file's "K256" is
             * reached after 255 changes, not 256 (an independent Python
             * RC4/SHA-1 computation agrees): we check the file as it is. */
            for (int n = 0; n <= 255; n++) {
                int label = n == 255 ? 256 : n;
                if (n <= 3 || n == 255) {
                    g_snprintf(name, sizeof(name), "%s.%s.K%d", strengths[i].name, dirs[d], label);
                    dt_assert_mem(key, dt_vectors_get_n(v, name, len), len);
                }
                g_assert_true(dt_mppe_change_key(c, start, strengths[i].bits, key));
            }
        }
    }
    /* Every key in the file is checked here; its packets belong to the MPPE tests. */
    g_assert_cmpuint(dt_vectors_used(v), ==, 3 * 2 * 6);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/mppe-key/rfc3079", test_rfc3079_mschapv2);
    g_test_add_func("/mppe-key/rfc3078-chains", test_rfc3078_key_chains);
    return dt_test_run();
}
