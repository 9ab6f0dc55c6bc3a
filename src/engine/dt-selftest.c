/* dt-selftest.c — known-answer tests, as a FIPS-style power-on check.
 *
 * The known answers are RFC 2759 §9.2 and RFC 3079 §3.5.3 (user "User",
 * password "clientPass").  The unit tests check the full vector files; this
 * is the short version a user can run on their own machine. */
#include "dt-selftest.h"

#include <stdint.h>
#include <string.h>

#include "dt-crypto.h"
#include "dt-mppe-key.h"
#include "dt-mschap.h"

static const uint8_t auth_challenge[16] = {0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E,
                                           0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28};
static const uint8_t peer_challenge[16] = {0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A,
                                           0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C, 0x7E};
static const uint8_t nt_response_kat[24] = {0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E,
                                            0xA0, 0x8F, 0xAA, 0x39, 0x81, 0xCD, 0x83, 0x54,
                                            0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF};
static const char auth_response_kat[] = "S=407A5589115FD0D6209F510FE9C04566932CDA56";
static const uint8_t session_key_kat[16] = {0x40, 0x5C, 0xB2, 0x24, 0x7A, 0x79, 0x56, 0xE6,
                                            0xE2, 0x11, 0x00, 0x7A, 0xE2, 0x7B, 0x22, 0xD4};
static const uint8_t test_message_kat[12] = {0x81, 0x84, 0x83, 0x17, 0xDF, 0x68,
                                             0x84, 0x62, 0x72, 0xFB, 0x5A, 0xBE};

int
dt_selftest_run(DtSelftestReportFn report, void *user_data)
{
    int failed = 0;
#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        bool ok_ = (cond);                                                                         \
        failed += !ok_;                                                                            \
        report(ok_, (what), user_data);                                                            \
    } while (0)

    DtCrypto *c = NULL;
    DtCryptoError e = dt_crypto_new(&c);
    CHECK(e == DT_CRYPTO_OK, e == DT_CRYPTO_OK
                                 ? "OpenSSL 3 with its default and legacy providers (MD4, DES, RC4)"
                                 : dt_crypto_error_to_string(e));
    if (!c)
        return failed;

    uint8_t nt_response[24] = {0};
    bool ok = dt_generate_nt_response(c, auth_challenge, peer_challenge, "User", 4, "clientPass",
                                      nt_response);
    CHECK(ok && memcmp(nt_response, nt_response_kat, 24) == 0,
          "MS-CHAP v2 NT-Response (RFC 2759 §9.2)");

    char answer[DT_MSCHAP2_AUTH_RESPONSE_LEN + 1] = "";
    ok = dt_generate_authenticator_response(c, "clientPass", nt_response, peer_challenge,
                                            auth_challenge, "User", 4, answer);
    CHECK(ok && strcmp(answer, auth_response_kat) == 0,
          "MS-CHAP v2 authenticator response (RFC 2759 §9.2)");
    CHECK(dt_check_authenticator_response(c, "clientPass", nt_response, peer_challenge,
                                          auth_challenge, "User", 4,
                                          (const uint8_t *)auth_response_kat, 42) &&
              !dt_check_authenticator_response(c, "wrongPass", nt_response, peer_challenge,
                                               auth_challenge, "User", 4,
                                               (const uint8_t *)auth_response_kat, 42),
          "MS-CHAP v2 peer rejects a forged authenticator response");

    uint8_t unicode[2 * DT_MSCHAP_MAX_PASSWORD_CHARS], hash[16], send[16], recv[16], key[16];
    size_t ulen;
    ok = dt_mschap_password_to_unicode("clientPass", unicode, &ulen) &&
         dt_nt_password_hash(c, unicode, ulen, hash) &&
         dt_mppe_start_keys_v2(c, hash, nt_response, true, 16, send, recv) &&
         dt_mppe_initial_session_key(c, send, DT_MPPE_BITS_128, key);
    CHECK(ok && memcmp(key, session_key_kat, 16) == 0,
          "MPPE 128-bit session key from MS-CHAP v2 (RFC 3079 §3.5.3)");

    uint8_t cipher[12];
    ok = dt_crypto_rc4_oneshot(c, key, 16, (const uint8_t *)"test message", cipher, 12);
    CHECK(ok && memcmp(cipher, test_message_kat, 12) == 0,
          "MPPE 128-bit RC4 sample message (RFC 3079 §3.5.3)");

    dt_wipe(hash, sizeof(hash));
    dt_wipe(key, sizeof(key));
    dt_wipe(send, sizeof(send));
    dt_wipe(recv, sizeof(recv));
    dt_crypto_free(c);
#undef CHECK
    return failed;
}
