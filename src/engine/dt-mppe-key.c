/* dt-mppe-key.c — MPPE key derivation (RFC 3079) and key change (RFC 3078 §7.3). */
#include "dt-mppe-key.h"

#include <string.h>

#include "dt-mschap.h"

/* RFC 3079 §3.4: 40 octets of 0x00 and of 0xF2. */
static const uint8_t sha_pad1[40] = {0};
static const uint8_t sha_pad2[40] = {
    0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2,
    0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2,
    0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2, 0xF2,
};

size_t
dt_mppe_key_len(DtMppeBits bits)
{
    return bits == DT_MPPE_BITS_128 ? 16 : 8;
}

bool
dt_get_master_key(const DtCrypto *c, const uint8_t password_hash_hash[16],
                  const uint8_t nt_response[24], uint8_t master_key[16])
{
    static const char magic1[27] = "This is the MPPE Master Key";
    uint8_t digest[20];
    DtIov iov[3] = {{password_hash_hash, 16}, {nt_response, 24}, {magic1, sizeof(magic1)}};
    bool ok = dt_crypto_sha1(c, iov, 3, digest);
    if (ok)
        memcpy(master_key, digest, 16);
    dt_wipe(digest, sizeof(digest));
    return ok;
}

bool
dt_get_asymmetric_start_key(const DtCrypto *c, const uint8_t master_key[16], uint8_t *session_key,
                            size_t key_len, bool is_send, bool is_server)
{
    static const char magic2[84] = "On the client side, this is the send key; "
                                   "on the server side, it is the receive key.";
    static const char magic3[84] = "On the client side, this is the receive key; "
                                   "on the server side, it is the send key.";
    if (key_len > 16)
        return false;
    /* Client send ≡ server receive (Magic2); client receive ≡ server send (Magic3). */
    const char *magic = (is_send != is_server) ? magic2 : magic3;
    uint8_t digest[20];
    DtIov iov[4] = {{master_key, 16}, {sha_pad1, 40}, {magic, 84}, {sha_pad2, 40}};
    bool ok = dt_crypto_sha1(c, iov, 4, digest);
    if (ok)
        memcpy(session_key, digest, key_len);
    dt_wipe(digest, sizeof(digest));
    return ok;
}

bool
dt_get_start_key_v1(const DtCrypto *c, const uint8_t challenge[8],
                    const uint8_t nt_password_hash_hash[16], uint8_t start_key[16])
{
    uint8_t digest[20];
    DtIov iov[3] = {{nt_password_hash_hash, 16}, {nt_password_hash_hash, 16}, {challenge, 8}};
    bool ok = dt_crypto_sha1(c, iov, 3, digest);
    if (ok)
        memcpy(start_key, digest, 16);
    dt_wipe(digest, sizeof(digest));
    return ok;
}

bool
dt_get_new_key_from_sha(const DtCrypto *c, const uint8_t *start_key, const uint8_t *session_key,
                        size_t key_len, uint8_t *interim_key)
{
    if (key_len > 16)
        return false;
    uint8_t digest[20];
    DtIov iov[4] = {{start_key, key_len}, {sha_pad1, 40}, {session_key, key_len}, {sha_pad2, 40}};
    bool ok = dt_crypto_sha1(c, iov, 4, digest);
    if (ok)
        memcpy(interim_key, digest, key_len);
    dt_wipe(digest, sizeof(digest));
    return ok;
}

void
dt_mppe_reduce_key(uint8_t *key, DtMppeBits bits)
{
    switch (bits) {
    case DT_MPPE_BITS_40:
        key[0] = 0xD1;
        key[1] = 0x26;
        key[2] = 0x9E;
        break;
    case DT_MPPE_BITS_56:
        key[0] = 0xD1;
        break;
    case DT_MPPE_BITS_128:
        break;
    }
}

bool
dt_mppe_initial_session_key(const DtCrypto *c, const uint8_t *start_key, DtMppeBits bits,
                            uint8_t *session_key)
{
    size_t len = dt_mppe_key_len(bits);
    if (!dt_get_new_key_from_sha(c, start_key, start_key, len, session_key))
        return false;
    dt_mppe_reduce_key(session_key, bits);
    return true;
}

bool
dt_mppe_change_key(const DtCrypto *c, const uint8_t *start_key, DtMppeBits bits,
                   uint8_t *session_key)
{
    size_t len = dt_mppe_key_len(bits);
    uint8_t interim[DT_MPPE_MAX_KEY_LEN];
    bool ok = dt_get_new_key_from_sha(c, start_key, session_key, len, interim) &&
              dt_crypto_rc4_oneshot(c, interim, len, interim, session_key, len);
    dt_wipe(interim, sizeof(interim));
    if (ok)
        dt_mppe_reduce_key(session_key, bits);
    return ok;
}

bool
dt_mppe_start_keys_v2(const DtCrypto *c, const uint8_t password_hash[16],
                      const uint8_t nt_response[24], bool is_server, size_t key_len,
                      uint8_t *send_key, uint8_t *recv_key)
{
    uint8_t hashhash[16], master[16];
    bool ok = dt_hash_nt_password_hash(c, password_hash, hashhash) &&
              dt_get_master_key(c, hashhash, nt_response, master) &&
              dt_get_asymmetric_start_key(c, master, send_key, key_len, true, is_server) &&
              dt_get_asymmetric_start_key(c, master, recv_key, key_len, false, is_server);
    dt_wipe(hashhash, sizeof(hashhash));
    dt_wipe(master, sizeof(master));
    return ok;
}

bool
dt_mppe_start_key_v1(const DtCrypto *c, const uint8_t *lm_password_hash,
                     const uint8_t nt_password_hash[16], const uint8_t challenge[8],
                     DtMppeBits bits, uint8_t *start_key)
{
    if (bits != DT_MPPE_BITS_128) {
        /* RFC 3079 §2.1: the first 8 octets of the LAN Manager hash. */
        if (!lm_password_hash)
            return false;
        memcpy(start_key, lm_password_hash, 8);
        return true;
    }
    uint8_t hashhash[16];
    bool ok = dt_hash_nt_password_hash(c, nt_password_hash, hashhash) &&
              dt_get_start_key_v1(c, challenge, hashhash, start_key);
    dt_wipe(hashhash, sizeof(hashhash));
    return ok;
}

bool
dt_mppe_key_ctx_init(DtMppeKeyCtx *k, const DtCrypto *c, const uint8_t *start_key, DtMppeBits bits)
{
    memset(k, 0, sizeof(*k));
    k->key_len = dt_mppe_key_len(bits);
    k->sha1 = dt_sha1_new(c);
    k->rc4 = dt_rc4_new(c);
    if (!k->sha1 || !k->rc4) {
        dt_mppe_key_ctx_clear(k);
        return false;
    }
    size_t l = k->key_len;
    memcpy(k->sha_input, start_key, l);
    memset(k->sha_input + l, 0x00, 40);
    memset(k->sha_input + l + 40 + l, 0xF2, 40);
    return true;
}

void
dt_mppe_key_ctx_clear(DtMppeKeyCtx *k)
{
    dt_sha1_free(k->sha1);
    dt_rc4_free(k->rc4);
    dt_wipe(k, sizeof(*k));
}

/* RFC 3079 §3.4 GetNewKeyFromSHA over the prepared buffer. */
static bool
ctx_new_key_from_sha(DtMppeKeyCtx *k, const uint8_t *session_key, uint8_t *interim)
{
    size_t l = k->key_len;
    uint8_t digest[20];
    memcpy(k->sha_input + l + 40, session_key, l);
    DtIov iov = {k->sha_input, 2 * l + 80};
    bool ok = dt_sha1_digest(k->sha1, &iov, 1, digest);
    if (ok)
        memcpy(interim, digest, l);
    dt_wipe(digest, sizeof(digest));
    return ok;
}

bool
dt_mppe_key_ctx_initial(DtMppeKeyCtx *k, DtMppeBits bits, uint8_t *session_key)
{
    if (dt_mppe_key_len(bits) != k->key_len)
        return false;
    /* GetNewKeyFromSHA(Start, Start): the start key sits at the front already. */
    if (!ctx_new_key_from_sha(k, k->sha_input, session_key))
        return false;
    dt_mppe_reduce_key(session_key, bits);
    return true;
}

bool
dt_mppe_key_ctx_change_key(DtMppeKeyCtx *k, DtMppeBits bits, uint8_t *session_key)
{
    size_t l = k->key_len;
    if (dt_mppe_key_len(bits) != l)
        return false;
    uint8_t interim[DT_MPPE_MAX_KEY_LEN];
    /* RFC 3078 §7.3: Session = RC4(key = Interim, data = Interim). */
    bool ok = ctx_new_key_from_sha(k, session_key, interim) && dt_rc4_set_key(k->rc4, interim, l) &&
              dt_rc4_crypt(k->rc4, interim, session_key, l);
    dt_wipe(interim, sizeof(interim));
    if (ok)
        dt_mppe_reduce_key(session_key, bits);
    return ok;
}
