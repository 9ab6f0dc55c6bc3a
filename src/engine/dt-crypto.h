/* dt-crypto.h — the engine's one door to cryptography (OpenSSL 3 EVP).
 *
 * MS-CHAP needs MD4 and single DES, MPPE needs RC4 and SHA-1: MD4, DES and
 * RC4 live only in OpenSSL's legacy provider.  A DtCrypto holds a private
 * OSSL_LIB_CTX with the default and legacy providers loaded and the
 * algorithms fetched once, so per-packet work never looks anything up and
 * the process's global OpenSSL configuration is left alone.
 */
#ifndef DT_CRYPTO_H
#define DT_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct DtCrypto DtCrypto;
typedef struct DtRc4 DtRc4;
typedef struct DtSha1 DtSha1;

typedef enum {
    DT_CRYPTO_OK = 0,
    DT_CRYPTO_ERR_NOMEM,
    DT_CRYPTO_ERR_NO_DEFAULT_PROVIDER,
    DT_CRYPTO_ERR_NO_LEGACY_PROVIDER,
    DT_CRYPTO_ERR_ALGORITHM,
} DtCryptoError;

/* A byte range, for digests over several parts without copying. */
typedef struct {
    const void *p;
    size_t len;
} DtIov;

DtCryptoError dt_crypto_new(DtCrypto **out);
void dt_crypto_free(DtCrypto *c);
/* What went wrong and what to do about it, in words. */
const char *dt_crypto_error_to_string(DtCryptoError e);

bool dt_crypto_md4(const DtCrypto *c, const DtIov *parts, size_t n, uint8_t out[16]);
bool dt_crypto_md5(const DtCrypto *c, const DtIov *parts, size_t n, uint8_t out[16]);
bool dt_crypto_sha1(const DtCrypto *c, const DtIov *parts, size_t n, uint8_t out[20]);

/* A reusable SHA-1 context for per-packet work (the MPPE key change): the
 * OpenSSL digest context is created once in dt_sha1_new, so a digest
 * allocates nothing. */
DtSha1 *dt_sha1_new(const DtCrypto *c);
void dt_sha1_free(DtSha1 *s);
bool dt_sha1_digest(DtSha1 *s, const DtIov *parts, size_t n, uint8_t out[20]);

/* RFC 2759 §8.6 / RFC 2433 A.7: spread 56 key bits over 8 octets, odd parity in bit 0. */
void dt_des_key_expand(const uint8_t key7[7], uint8_t key8[8]);
/* One DES-ECB block under a 7-octet key (expanded with parity first). */
bool dt_crypto_des_encrypt(const DtCrypto *c, const uint8_t key7[7], const uint8_t clear[8],
                           uint8_t cipher[8]);

bool dt_crypto_random(const DtCrypto *c, void *buf, size_t len);

/* RC4 keystream state.  dt_rc4_set_key restarts the keystream; crypt may be in place. */
DtRc4 *dt_rc4_new(const DtCrypto *c);
void dt_rc4_free(DtRc4 *r);
bool dt_rc4_set_key(DtRc4 *r, const uint8_t *key, size_t len);
bool dt_rc4_crypt(DtRc4 *r, const uint8_t *in, uint8_t *out, size_t len);
/* One-shot RC4 of len octets under key (a fresh keystream). */
bool dt_crypto_rc4_oneshot(const DtCrypto *c, const uint8_t *key, size_t keylen, const uint8_t *in,
                           uint8_t *out, size_t len);

/* Erase secrets so the compiler cannot elide it. */
void dt_wipe(void *p, size_t n);
/* Constant-time equality of two n-octet buffers. */
bool dt_consttime_equal(const void *a, const void *b, size_t n);

#endif /* DT_CRYPTO_H */
