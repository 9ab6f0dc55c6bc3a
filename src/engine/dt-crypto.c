/* dt-crypto.c — OpenSSL 3 EVP behind the engine's crypto interface. */
#include "dt-crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

struct DtCrypto {
    OSSL_LIB_CTX *libctx;
    OSSL_PROVIDER *default_prov;
    OSSL_PROVIDER *legacy_prov;
    EVP_MD *md4;
    EVP_MD *md5;
    EVP_MD *sha1;
    EVP_CIPHER *des_ecb;
    EVP_CIPHER *rc4;
};

struct DtSha1 {
    EVP_MD_CTX *ctx;
    const EVP_MD *md;
};

struct DtRc4 {
    EVP_CIPHER_CTX *ctx;
    const EVP_CIPHER *cipher;
    size_t keylen;
};

DtCryptoError
dt_crypto_new(DtCrypto **out)
{
    *out = NULL;
    DtCrypto *c = calloc(1, sizeof(*c));
    if (!c)
        return DT_CRYPTO_ERR_NOMEM;
    DtCryptoError e = DT_CRYPTO_ERR_NOMEM;

    c->libctx = OSSL_LIB_CTX_new();
    if (!c->libctx)
        goto fail;
    c->default_prov = OSSL_PROVIDER_load(c->libctx, "default");
    if (!c->default_prov) {
        e = DT_CRYPTO_ERR_NO_DEFAULT_PROVIDER;
        goto fail;
    }
    c->legacy_prov = OSSL_PROVIDER_load(c->libctx, "legacy");
    if (!c->legacy_prov) {
        e = DT_CRYPTO_ERR_NO_LEGACY_PROVIDER;
        goto fail;
    }
    e = DT_CRYPTO_ERR_ALGORITHM;
    c->md4 = EVP_MD_fetch(c->libctx, "MD4", NULL);
    c->md5 = EVP_MD_fetch(c->libctx, "MD5", NULL);
    c->sha1 = EVP_MD_fetch(c->libctx, "SHA1", NULL);
    c->des_ecb = EVP_CIPHER_fetch(c->libctx, "DES-ECB", NULL);
    c->rc4 = EVP_CIPHER_fetch(c->libctx, "RC4", NULL);
    if (!c->md4 || !c->md5 || !c->sha1 || !c->des_ecb || !c->rc4)
        goto fail;
    *out = c;
    return DT_CRYPTO_OK;

fail:
    dt_crypto_free(c);
    return e;
}

void
dt_crypto_free(DtCrypto *c)
{
    if (!c)
        return;
    EVP_MD_free(c->md4);
    EVP_MD_free(c->md5);
    EVP_MD_free(c->sha1);
    EVP_CIPHER_free(c->des_ecb);
    EVP_CIPHER_free(c->rc4);
    if (c->legacy_prov)
        OSSL_PROVIDER_unload(c->legacy_prov);
    if (c->default_prov)
        OSSL_PROVIDER_unload(c->default_prov);
    OSSL_LIB_CTX_free(c->libctx);
    free(c);
}

const char *
dt_crypto_error_to_string(DtCryptoError e)
{
    switch (e) {
    case DT_CRYPTO_OK:
        return "no error";
    case DT_CRYPTO_ERR_NOMEM:
        return "out of memory while setting up OpenSSL";
    case DT_CRYPTO_ERR_NO_DEFAULT_PROVIDER:
        return "OpenSSL's default provider could not be loaded; check the OpenSSL 3 "
               "installation (Debian package libssl3)";
    case DT_CRYPTO_ERR_NO_LEGACY_PROVIDER:
        return "OpenSSL's legacy provider could not be loaded, and MS-CHAP and MPPE need "
               "it for MD4, DES and RC4; install it (Debian package libssl3, file "
               "ossl-modules/legacy.so) or point OPENSSL_MODULES at the folder holding it";
    case DT_CRYPTO_ERR_ALGORITHM:
        return "OpenSSL lacks one of MD4, MD5, SHA-1, DES-ECB or RC4 although its providers "
               "loaded; the OpenSSL build was configured without them";
    }
    return "unknown crypto error";
}

static bool
digest(const EVP_MD *md, const DtIov *parts, size_t n, uint8_t *out)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex2(ctx, md, NULL);
    for (size_t i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(ctx, parts[i].p, parts[i].len);
    ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
    EVP_MD_CTX_free(ctx);
    return ok;
}

bool
dt_crypto_md4(const DtCrypto *c, const DtIov *parts, size_t n, uint8_t out[16])
{
    return digest(c->md4, parts, n, out);
}

bool
dt_crypto_md5(const DtCrypto *c, const DtIov *parts, size_t n, uint8_t out[16])
{
    return digest(c->md5, parts, n, out);
}

bool
dt_crypto_sha1(const DtCrypto *c, const DtIov *parts, size_t n, uint8_t out[20])
{
    return digest(c->sha1, parts, n, out);
}

DtSha1 *
dt_sha1_new(const DtCrypto *c)
{
    DtSha1 *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->md = c->sha1;
    s->ctx = EVP_MD_CTX_new();
    /* The first init creates the provider's digest state; later inits with
     * the same algorithm reuse it. */
    if (!s->ctx || !EVP_DigestInit_ex2(s->ctx, s->md, NULL)) {
        dt_sha1_free(s);
        return NULL;
    }
    return s;
}

void
dt_sha1_free(DtSha1 *s)
{
    if (!s)
        return;
    EVP_MD_CTX_free(s->ctx);
    free(s);
}

bool
dt_sha1_digest(DtSha1 *s, const DtIov *parts, size_t n, uint8_t out[20])
{
    bool ok = EVP_DigestInit_ex2(s->ctx, s->md, NULL);
    for (size_t i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(s->ctx, parts[i].p, parts[i].len);
    return ok && EVP_DigestFinal_ex(s->ctx, out, NULL);
}

void
dt_des_key_expand(const uint8_t k[7], uint8_t out[8])
{
    /* Each output octet takes the next 7 key bits in its high bits. */
    out[0] = k[0];
    out[1] = (uint8_t)(k[0] << 7 | k[1] >> 1);
    out[2] = (uint8_t)(k[1] << 6 | k[2] >> 2);
    out[3] = (uint8_t)(k[2] << 5 | k[3] >> 3);
    out[4] = (uint8_t)(k[3] << 4 | k[4] >> 4);
    out[5] = (uint8_t)(k[4] << 3 | k[5] >> 5);
    out[6] = (uint8_t)(k[5] << 2 | k[6] >> 6);
    out[7] = (uint8_t)(k[6] << 1);
    for (int i = 0; i < 8; i++) {
        uint8_t b = out[i] & 0xFE;
        unsigned ones = (unsigned)__builtin_popcount(b);
        out[i] = (uint8_t)(b | ((ones & 1) ? 0 : 1));
    }
}

bool
dt_crypto_des_encrypt(const DtCrypto *c, const uint8_t key7[7], const uint8_t clear[8],
                      uint8_t cipher[8])
{
    uint8_t key8[8];
    dt_des_key_expand(key7, key8);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int outl = 0;
    bool ok = ctx && EVP_EncryptInit_ex2(ctx, c->des_ecb, key8, NULL, NULL) &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) &&
              EVP_EncryptUpdate(ctx, cipher, &outl, clear, 8) && outl == 8;
    EVP_CIPHER_CTX_free(ctx);
    dt_wipe(key8, sizeof(key8));
    return ok;
}

bool
dt_crypto_random(const DtCrypto *c, void *buf, size_t len)
{
    return RAND_bytes_ex(c->libctx, buf, len, 0) == 1;
}

DtRc4 *
dt_rc4_new(const DtCrypto *c)
{
    DtRc4 *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->ctx = EVP_CIPHER_CTX_new();
    r->cipher = c->rc4;
    if (!r->ctx) {
        free(r);
        return NULL;
    }
    return r;
}

void
dt_rc4_free(DtRc4 *r)
{
    if (!r)
        return;
    EVP_CIPHER_CTX_free(r->ctx);
    free(r);
}

bool
dt_rc4_set_key(DtRc4 *r, const uint8_t *key, size_t len)
{
    if (len == 0 || len > 256)
        return false;
    if (len != r->keylen) {
        /* RC4 takes any key length: set it before the key goes in. */
        if (!EVP_EncryptInit_ex2(r->ctx, r->cipher, NULL, NULL, NULL) ||
            !EVP_CIPHER_CTX_set_key_length(r->ctx, (int)len))
            return false;
        r->keylen = len;
    }
    return EVP_EncryptInit_ex2(r->ctx, NULL, key, NULL, NULL) == 1;
}

bool
dt_rc4_crypt(DtRc4 *r, const uint8_t *in, uint8_t *out, size_t len)
{
    /* EVP takes int lengths; PPP frames are far below that, but stay correct. */
    while (len > 0) {
        int chunk = len > 1u << 30 ? 1 << 30 : (int)len;
        int outl = 0;
        if (!EVP_EncryptUpdate(r->ctx, out, &outl, in, chunk) || outl != chunk)
            return false;
        in += chunk;
        out += chunk;
        len -= (size_t)chunk;
    }
    return true;
}

bool
dt_crypto_rc4_oneshot(const DtCrypto *c, const uint8_t *key, size_t keylen, const uint8_t *in,
                      uint8_t *out, size_t len)
{
    DtRc4 *r = dt_rc4_new(c);
    bool ok = r && dt_rc4_set_key(r, key, keylen) && dt_rc4_crypt(r, in, out, len);
    dt_rc4_free(r);
    return ok;
}

void
dt_wipe(void *p, size_t n)
{
    if (!p || !n)
        return;
#if defined(__GLIBC__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
    explicit_bzero(p, n);
#else
    OPENSSL_cleanse(p, n);
#endif
}

bool
dt_consttime_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}
