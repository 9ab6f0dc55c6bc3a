/* dt-mschap.c — MS-CHAP v1 (RFC 2433) and v2 (RFC 2759). */
#include "dt-mschap.h"

#include <string.h>

bool
dt_mschap_password_to_unicode(const char *s, uint8_t out[2 * DT_MSCHAP_MAX_PASSWORD_CHARS],
                              size_t *out_len)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t units = 0;
    *out_len = 0;
    while (*p) {
        uint32_t cp;
        size_t n;
        if (p[0] < 0x80) {
            cp = p[0];
            n = 1;
        } else if ((p[0] & 0xE0) == 0xC0) {
            cp = p[0] & 0x1Fu;
            n = 2;
        } else if ((p[0] & 0xF0) == 0xE0) {
            cp = p[0] & 0x0Fu;
            n = 3;
        } else if ((p[0] & 0xF8) == 0xF0) {
            cp = p[0] & 0x07u;
            n = 4;
        } else {
            goto invalid;
        }
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                goto invalid;
            cp = cp << 6 | (p[i] & 0x3Fu);
        }
        /* Reject overlong forms, surrogates and values beyond Unicode. */
        static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto invalid;
        p += n;

        if (cp >= 0x10000) {
            if (units + 2 > DT_MSCHAP_MAX_PASSWORD_CHARS)
                goto invalid;
            uint32_t v = cp - 0x10000;
            uint16_t hi = (uint16_t)(0xD800 + (v >> 10)), lo = (uint16_t)(0xDC00 + (v & 0x3FF));
            out[2 * units] = (uint8_t)hi;
            out[2 * units + 1] = (uint8_t)(hi >> 8);
            out[2 * units + 2] = (uint8_t)lo;
            out[2 * units + 3] = (uint8_t)(lo >> 8);
            units += 2;
        } else {
            if (units + 1 > DT_MSCHAP_MAX_PASSWORD_CHARS)
                goto invalid;
            out[2 * units] = (uint8_t)cp;
            out[2 * units + 1] = (uint8_t)(cp >> 8);
            units++;
        }
    }
    *out_len = 2 * units;
    return true;

invalid:
    dt_wipe(out, 2 * DT_MSCHAP_MAX_PASSWORD_CHARS);
    return false;
}

const char *
dt_mschap_user_without_domain(const char *user, size_t len, size_t *out_len)
{
    /* Everything after the last backslash is the user name (RFC 2759 §4). */
    size_t i = len;
    while (i > 0 && user[i - 1] != '\\')
        i--;
    *out_len = len - i;
    return user + i;
}

bool
dt_nt_password_hash(const DtCrypto *c, const uint8_t *unicode_pw, size_t len,
                    uint8_t hash[DT_MSCHAP_HASH_LEN])
{
    DtIov iov = {unicode_pw, len};
    return dt_crypto_md4(c, &iov, 1, hash);
}

bool
dt_hash_nt_password_hash(const DtCrypto *c, const uint8_t hash[DT_MSCHAP_HASH_LEN],
                         uint8_t hashhash[DT_MSCHAP_HASH_LEN])
{
    DtIov iov = {hash, DT_MSCHAP_HASH_LEN};
    return dt_crypto_md4(c, &iov, 1, hashhash);
}

bool
dt_challenge_hash(const DtCrypto *c, const uint8_t peer_challenge[16],
                  const uint8_t auth_challenge[16], const char *user, size_t user_len,
                  uint8_t challenge[DT_MSCHAP_CHALLENGE_LEN])
{
    size_t name_len;
    const char *name = dt_mschap_user_without_domain(user, user_len, &name_len);
    DtIov iov[3] = {{peer_challenge, 16}, {auth_challenge, 16}, {name, name_len}};
    uint8_t digest[20];
    if (!dt_crypto_sha1(c, iov, 3, digest))
        return false;
    memcpy(challenge, digest, DT_MSCHAP_CHALLENGE_LEN);
    return true;
}

bool
dt_challenge_response(const DtCrypto *c, const uint8_t challenge[DT_MSCHAP_CHALLENGE_LEN],
                      const uint8_t hash[DT_MSCHAP_HASH_LEN],
                      uint8_t response[DT_MSCHAP_RESPONSE_LEN])
{
    uint8_t zhash[21] = {0};
    memcpy(zhash, hash, DT_MSCHAP_HASH_LEN);
    bool ok = dt_crypto_des_encrypt(c, zhash, challenge, response) &&
              dt_crypto_des_encrypt(c, zhash + 7, challenge, response + 8) &&
              dt_crypto_des_encrypt(c, zhash + 14, challenge, response + 16);
    dt_wipe(zhash, sizeof(zhash));
    return ok;
}

/* Password text → NtPasswordHash, wiping the Unicode copy. */
static bool
hash_password(const DtCrypto *c, const char *password, uint8_t hash[DT_MSCHAP_HASH_LEN])
{
    uint8_t unicode[2 * DT_MSCHAP_MAX_PASSWORD_CHARS];
    size_t len;
    bool ok = dt_mschap_password_to_unicode(password, unicode, &len) &&
              dt_nt_password_hash(c, unicode, len, hash);
    dt_wipe(unicode, sizeof(unicode));
    return ok;
}

bool
dt_generate_nt_response(const DtCrypto *c, const uint8_t auth_challenge[16],
                        const uint8_t peer_challenge[16], const char *user, size_t user_len,
                        const char *password, uint8_t response[DT_MSCHAP_RESPONSE_LEN])
{
    uint8_t challenge[DT_MSCHAP_CHALLENGE_LEN], hash[DT_MSCHAP_HASH_LEN];
    bool ok = dt_challenge_hash(c, peer_challenge, auth_challenge, user, user_len, challenge) &&
              hash_password(c, password, hash) &&
              dt_challenge_response(c, challenge, hash, response);
    dt_wipe(hash, sizeof(hash));
    return ok;
}

bool
dt_generate_authenticator_response_from_hash(const DtCrypto *c,
                                             const uint8_t hash[DT_MSCHAP_HASH_LEN],
                                             const uint8_t nt_response[DT_MSCHAP_RESPONSE_LEN],
                                             const uint8_t peer_challenge[16],
                                             const uint8_t auth_challenge[16], const char *user,
                                             size_t user_len,
                                             char out[DT_MSCHAP2_AUTH_RESPONSE_LEN + 1])
{
    static const char magic1[39] = "Magic server to client signing constant";
    static const char magic2[41] = "Pad to make it do more than one iteration";
    static const char hex[] = "0123456789ABCDEF";
    uint8_t hashhash[DT_MSCHAP_HASH_LEN], digest[20], challenge[DT_MSCHAP_CHALLENGE_LEN];

    bool ok = dt_hash_nt_password_hash(c, hash, hashhash);
    if (ok) {
        DtIov a[3] = {{hashhash, 16}, {nt_response, 24}, {magic1, sizeof(magic1)}};
        ok = dt_crypto_sha1(c, a, 3, digest);
    }
    ok = ok && dt_challenge_hash(c, peer_challenge, auth_challenge, user, user_len, challenge);
    if (ok) {
        DtIov b[3] = {{digest, 20}, {challenge, 8}, {magic2, sizeof(magic2)}};
        ok = dt_crypto_sha1(c, b, 3, digest);
    }
    if (ok) {
        out[0] = 'S';
        out[1] = '=';
        for (int i = 0; i < 20; i++) {
            out[2 + 2 * i] = hex[digest[i] >> 4];
            out[3 + 2 * i] = hex[digest[i] & 15];
        }
        out[DT_MSCHAP2_AUTH_RESPONSE_LEN] = '\0';
    }
    dt_wipe(hashhash, sizeof(hashhash));
    dt_wipe(digest, sizeof(digest));
    return ok;
}

bool
dt_generate_authenticator_response(const DtCrypto *c, const char *password,
                                   const uint8_t nt_response[DT_MSCHAP_RESPONSE_LEN],
                                   const uint8_t peer_challenge[16],
                                   const uint8_t auth_challenge[16], const char *user,
                                   size_t user_len, char out[DT_MSCHAP2_AUTH_RESPONSE_LEN + 1])
{
    uint8_t hash[DT_MSCHAP_HASH_LEN];
    bool ok = hash_password(c, password, hash) &&
              dt_generate_authenticator_response_from_hash(c, hash, nt_response, peer_challenge,
                                                           auth_challenge, user, user_len, out);
    dt_wipe(hash, sizeof(hash));
    return ok;
}

bool
dt_check_authenticator_response(const DtCrypto *c, const char *password,
                                const uint8_t nt_response[DT_MSCHAP_RESPONSE_LEN],
                                const uint8_t peer_challenge[16], const uint8_t auth_challenge[16],
                                const char *user, size_t user_len, const uint8_t *received,
                                size_t received_len)
{
    char expected[DT_MSCHAP2_AUTH_RESPONSE_LEN + 1];
    if (!dt_generate_authenticator_response(c, password, nt_response, peer_challenge,
                                            auth_challenge, user, user_len, expected))
        return false;
    /* The length is public (always 42); the digits are compared in constant time. */
    bool ok = received_len == DT_MSCHAP2_AUTH_RESPONSE_LEN &&
              dt_consttime_equal(expected, received, DT_MSCHAP2_AUTH_RESPONSE_LEN);
    dt_wipe(expected, sizeof(expected));
    return ok;
}

bool
dt_nt_challenge_response(const DtCrypto *c, const uint8_t challenge[DT_MSCHAP_CHALLENGE_LEN],
                         const char *password, uint8_t response[DT_MSCHAP_RESPONSE_LEN])
{
    uint8_t hash[DT_MSCHAP_HASH_LEN];
    bool ok =
        hash_password(c, password, hash) && dt_challenge_response(c, challenge, hash, response);
    dt_wipe(hash, sizeof(hash));
    return ok;
}

bool
dt_lm_password_hash(const DtCrypto *c, const char *password, uint8_t hash[DT_MSCHAP_HASH_LEN])
{
    static const uint8_t std_text[8] = {'K', 'G', 'S', '!', '@', '#', '$', '%'};
    uint8_t ucase[14] = {0};
    size_t len = strlen(password);
    if (len > sizeof(ucase))
        return false;
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = (uint8_t)password[i];
        if (ch >= 0x80) { /* no OEM code page here: only ASCII has a defined upper case */
            dt_wipe(ucase, sizeof(ucase));
            return false;
        }
        ucase[i] = (ch >= 'a' && ch <= 'z') ? (uint8_t)(ch - 'a' + 'A') : ch;
    }
    bool ok = dt_crypto_des_encrypt(c, ucase, std_text, hash) &&
              dt_crypto_des_encrypt(c, ucase + 7, std_text, hash + 8);
    dt_wipe(ucase, sizeof(ucase));
    return ok;
}

bool
dt_lm_challenge_response(const DtCrypto *c, const uint8_t challenge[DT_MSCHAP_CHALLENGE_LEN],
                         const char *password, uint8_t response[DT_MSCHAP_RESPONSE_LEN])
{
    uint8_t hash[DT_MSCHAP_HASH_LEN];
    bool ok = dt_lm_password_hash(c, password, hash) &&
              dt_challenge_response(c, challenge, hash, response);
    dt_wipe(hash, sizeof(hash));
    return ok;
}
