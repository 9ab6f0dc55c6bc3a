/* dt-mppe-key.h — MPPE key derivation (RFC 3079) and key change (RFC 3078 §7).
 *
 * Function names follow RFC 3079's pseudocode.  Key lengths are in octets:
 * 8 for 40- and 56-bit MPPE (the key is reduced after every derivation),
 * 16 for 128-bit.
 */
#ifndef DT_MPPE_KEY_H
#define DT_MPPE_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-crypto.h"

#define DT_MPPE_MAX_KEY_LEN 16

typedef enum {
    DT_MPPE_BITS_40 = 40,
    DT_MPPE_BITS_56 = 56,
    DT_MPPE_BITS_128 = 128,
} DtMppeBits;

/* 8 octets for 40/56-bit, 16 for 128-bit. */
size_t dt_mppe_key_len(DtMppeBits bits);

/* RFC 3079 §3.4 GetMasterKey: SHA1(PasswordHashHash ‖ NT-Response ‖ Magic1)[0..16). */
bool dt_get_master_key(const DtCrypto *c, const uint8_t password_hash_hash[16],
                       const uint8_t nt_response[24], uint8_t master_key[16]);
/* RFC 3079 §3.4 GetAsymmetricStartKey.  The client's send key is the server's
 * receive key: both use Magic2. */
bool dt_get_asymmetric_start_key(const DtCrypto *c, const uint8_t master_key[16],
                                 uint8_t *session_key, size_t key_len, bool is_send,
                                 bool is_server);
/* RFC 3079 §2.4 GetStartKey (MS-CHAP v1, 128-bit):
 * SHA1(NtPasswordHashHash ‖ NtPasswordHashHash ‖ Challenge)[0..16). */
bool dt_get_start_key_v1(const DtCrypto *c, const uint8_t challenge[8],
                         const uint8_t nt_password_hash_hash[16], uint8_t start_key[16]);
/* RFC 3079 §2.4/§3.4 GetNewKeyFromSHA:
 * SHA1(StartKey ‖ SHApad1 ‖ SessionKey ‖ SHApad2)[0..len). */
bool dt_get_new_key_from_sha(const DtCrypto *c, const uint8_t *start_key,
                             const uint8_t *session_key, size_t key_len, uint8_t *interim_key);
/* RFC 3079 §2.5/§3.5: force the high octets of a 40/56-bit key (D1 26 9E / D1). */
void dt_mppe_reduce_key(uint8_t *key, DtMppeBits bits);
/* The first session key of a direction: GetNewKeyFromSHA(Start, Start), reduced. */
bool dt_mppe_initial_session_key(const DtCrypto *c, const uint8_t *start_key, DtMppeBits bits,
                                 uint8_t *session_key);
/* RFC 3078 §7.3 key change: Interim = GetNewKeyFromSHA(Start, Session);
 * Session = RC4(Interim, Interim); reduced.  Updates session_key in place. */
bool dt_mppe_change_key(const DtCrypto *c, const uint8_t *start_key, DtMppeBits bits,
                        uint8_t *session_key);

/* Reusable state for per-packet key changes (stateless MPPE changes the key
 * before every packet): one SHA-1 context, one RC4 scratch state and the
 * GetNewKeyFromSHA input laid out once, so a key change allocates nothing
 * and costs one SHA-1 update over a prepared buffer. */
typedef struct {
    DtSha1 *sha1;
    DtRc4 *rc4;
    /* StartKey ‖ SHApad1 ‖ SessionKey ‖ SHApad2 for the current key length. */
    uint8_t sha_input[DT_MPPE_MAX_KEY_LEN + 40 + DT_MPPE_MAX_KEY_LEN + 40];
    size_t key_len;
} DtMppeKeyCtx;

/* Binds the context to one direction's start key and strength. */
bool dt_mppe_key_ctx_init(DtMppeKeyCtx *k, const DtCrypto *c, const uint8_t *start_key,
                          DtMppeBits bits);
void dt_mppe_key_ctx_clear(DtMppeKeyCtx *k);
/* dt_mppe_initial_session_key and dt_mppe_change_key with the context's start key. */
bool dt_mppe_key_ctx_initial(DtMppeKeyCtx *k, DtMppeBits bits, uint8_t *session_key);
bool dt_mppe_key_ctx_change_key(DtMppeKeyCtx *k, DtMppeBits bits, uint8_t *session_key);

/* The two start keys of a link from MS-CHAP v2 credentials, for our role:
 * send is what we encrypt with, recv what the peer encrypts with. */
bool dt_mppe_start_keys_v2(const DtCrypto *c, const uint8_t password_hash[16],
                           const uint8_t nt_response[24], bool is_server, size_t key_len,
                           uint8_t *send_key, uint8_t *recv_key);
/* The start key of a link from MS-CHAP v1 credentials (same both directions):
 * 40/56-bit from the LM hash, 128-bit from GetStartKey.  lm_hash may be NULL
 * for 128-bit. */
bool dt_mppe_start_key_v1(const DtCrypto *c, const uint8_t *lm_password_hash,
                          const uint8_t nt_password_hash[16], const uint8_t challenge[8],
                          DtMppeBits bits, uint8_t *start_key);

#endif /* DT_MPPE_KEY_H */
