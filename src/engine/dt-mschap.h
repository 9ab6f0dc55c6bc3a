/* dt-mschap.h — MS-CHAP v1 (RFC 2433) and v2 (RFC 2759) computations.
 *
 * Pure functions over the crypto core, named after the RFCs' pseudocode so
 * each can be read against its section.  Passwords enter as UTF-8 and are
 * turned into the RFCs' "0-to-256-unicode-char" UTF-16LE form; every buffer
 * that held a password or a hash of one is wiped before return.
 */
#ifndef DT_MSCHAP_H
#define DT_MSCHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-crypto.h"

#define DT_MSCHAP_MAX_PASSWORD_CHARS 256 /* UTF-16 code units, RFC 2759 §8.9 */
#define DT_MSCHAP_CHALLENGE_LEN 8        /* v1 challenge, v2 ChallengeHash */
#define DT_MSCHAP2_CHALLENGE_LEN 16      /* v2 Authenticator and Peer challenge */
#define DT_MSCHAP_RESPONSE_LEN 24        /* NT-Response, LM-Response */
#define DT_MSCHAP_HASH_LEN 16
#define DT_MSCHAP2_AUTH_RESPONSE_LEN 42 /* "S=" + 40 upper-case hex digits */

/* UTF-8 → UTF-16LE.  False if the text is not valid UTF-8 or longer than
 * 256 UTF-16 code units.  *out_len is in octets. */
bool dt_mschap_password_to_unicode(const char *utf8, uint8_t out[2 * DT_MSCHAP_MAX_PASSWORD_CHARS],
                                   size_t *out_len);

/* The part of a "DOMAIN\user" name that enters ChallengeHash (RFC 2759 §4). */
const char *dt_mschap_user_without_domain(const char *user, size_t len, size_t *out_len);

/* RFC 2759 §8.3 / RFC 2433 A.2: MD4 over the UTF-16LE password. */
bool dt_nt_password_hash(const DtCrypto *c, const uint8_t *unicode_pw, size_t len,
                         uint8_t hash[DT_MSCHAP_HASH_LEN]);
/* RFC 2759 §8.4: MD4 of the hash. */
bool dt_hash_nt_password_hash(const DtCrypto *c, const uint8_t hash[DT_MSCHAP_HASH_LEN],
                              uint8_t hashhash[DT_MSCHAP_HASH_LEN]);
/* RFC 2759 §8.2: SHA1(PeerChallenge ‖ AuthenticatorChallenge ‖ UserName)[0..8). */
bool dt_challenge_hash(const DtCrypto *c, const uint8_t peer_challenge[16],
                       const uint8_t auth_challenge[16], const char *user, size_t user_len,
                       uint8_t challenge[DT_MSCHAP_CHALLENGE_LEN]);
/* RFC 2759 §8.5 / RFC 2433 A.5: three DES blocks under the zero-padded hash. */
bool dt_challenge_response(const DtCrypto *c, const uint8_t challenge[DT_MSCHAP_CHALLENGE_LEN],
                           const uint8_t hash[DT_MSCHAP_HASH_LEN],
                           uint8_t response[DT_MSCHAP_RESPONSE_LEN]);

/* RFC 2759 §8.1: the peer's NT-Response; user may carry a domain prefix. */
bool dt_generate_nt_response(const DtCrypto *c, const uint8_t auth_challenge[16],
                             const uint8_t peer_challenge[16], const char *user, size_t user_len,
                             const char *password, uint8_t response[DT_MSCHAP_RESPONSE_LEN]);
/* RFC 2759 §8.7, from the password hash (authenticators keep hashes, not passwords). */
bool dt_generate_authenticator_response_from_hash(const DtCrypto *c,
                                                  const uint8_t hash[DT_MSCHAP_HASH_LEN],
                                                  const uint8_t nt_response[DT_MSCHAP_RESPONSE_LEN],
                                                  const uint8_t peer_challenge[16],
                                                  const uint8_t auth_challenge[16],
                                                  const char *user, size_t user_len,
                                                  char out[DT_MSCHAP2_AUTH_RESPONSE_LEN + 1]);
bool dt_generate_authenticator_response(const DtCrypto *c, const char *password,
                                        const uint8_t nt_response[DT_MSCHAP_RESPONSE_LEN],
                                        const uint8_t peer_challenge[16],
                                        const uint8_t auth_challenge[16], const char *user,
                                        size_t user_len,
                                        char out[DT_MSCHAP2_AUTH_RESPONSE_LEN + 1]);
/* RFC 2759 §8.8, in constant time over the 42 octets received. */
bool dt_check_authenticator_response(const DtCrypto *c, const char *password,
                                     const uint8_t nt_response[DT_MSCHAP_RESPONSE_LEN],
                                     const uint8_t peer_challenge[16],
                                     const uint8_t auth_challenge[16], const char *user,
                                     size_t user_len, const uint8_t *received, size_t received_len);

/* RFC 2433 A.1: NT response for MS-CHAP v1. */
bool dt_nt_challenge_response(const DtCrypto *c, const uint8_t challenge[DT_MSCHAP_CHALLENGE_LEN],
                              const char *password, uint8_t response[DT_MSCHAP_RESPONSE_LEN]);
/* RFC 2433 A.8/A.9: LAN Manager hash of the upper-cased OEM password (≤ 14 chars;
 * non-ASCII characters cannot be represented and make it fail). */
bool dt_lm_password_hash(const DtCrypto *c, const char *password, uint8_t hash[DT_MSCHAP_HASH_LEN]);
/* RFC 2433 A.3: LM response for MS-CHAP v1. */
bool dt_lm_challenge_response(const DtCrypto *c, const uint8_t challenge[DT_MSCHAP_CHALLENGE_LEN],
                              const char *password, uint8_t response[DT_MSCHAP_RESPONSE_LEN]);

#endif /* DT_MSCHAP_H */
