/* bench-mppe.c — MPPE encrypt+decrypt throughput on 1400-octet packets.
 *
 * Prints, measured in the same run on the same buffers: raw OpenSSL RC4
 * (one key, continuous keystream: what stateful MPPE does at best), our
 * stateful and stateless MPPE, and where stateless time goes (SHA-1 key
 * change, RC4 key setup, RC4 over the data). */
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dt-mppe.h"

#define PKT 1400
#define NPKT 1024
#define MIN_SECONDS 1.0

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t bufs[NPKT][DT_MPPE_HEADROOM + PKT];
static uint8_t plain[NPKT][PKT];

static void
fill(void)
{
    uint32_t x = 12345;
    for (int i = 0; i < NPKT; i++) {
        for (int k = 0; k < PKT; k++) {
            x = x * 1103515245u + 12345u;
            plain[i][k] = (uint8_t)(x >> 16);
        }
        plain[i][0] = 0x00;
        plain[i][1] = 0x21;
    }
}

/* Runs fn over all packets until MIN_SECONDS passed; returns packets/s. */
typedef void (*RoundFn)(void *ctx);

/* The best of several short runs: the machine is shared, and interference
 * only ever slows a run down. */
static double
measure(RoundFn fn, void *ctx)
{
    fn(ctx); /* warm up */
    double best = 0;
    for (int rep = 0; rep < 7; rep++) {
        long rounds = 0;
        double t0 = now(), t;
        do {
            fn(ctx);
            rounds++;
            t = now();
        } while (t - t0 < MIN_SECONDS / 7);
        double rate = (double)rounds * NPKT / (t - t0);
        if (rate > best)
            best = rate;
    }
    return best;
}

typedef struct {
    EVP_CIPHER_CTX *enc;
    EVP_CIPHER_CTX *dec;
    EVP_CIPHER *rc4;
    EVP_MD_CTX *md;
    EVP_MD *sha1;
} Raw;

static void
raw_rc4_round(void *p)
{
    Raw *r = p;
    int outl;
    for (int i = 0; i < NPKT; i++) {
        uint8_t *b = bufs[i] + DT_MPPE_HEADROOM;
        memcpy(b, plain[i], PKT);
        EVP_EncryptUpdate(r->enc, b, &outl, b, PKT);
        EVP_EncryptUpdate(r->dec, b, &outl, b, PKT);
    }
}

static void
raw_rc4_rekey_round(void *p)
{
    Raw *r = p;
    static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    int outl;
    for (int i = 0; i < NPKT; i++) {
        uint8_t *b = bufs[i] + DT_MPPE_HEADROOM;
        memcpy(b, plain[i], PKT);
        EVP_EncryptInit_ex2(r->enc, NULL, key, NULL, NULL);
        EVP_EncryptUpdate(r->enc, b, &outl, b, PKT);
        EVP_EncryptInit_ex2(r->dec, NULL, key, NULL, NULL);
        EVP_EncryptUpdate(r->dec, b, &outl, b, PKT);
    }
}

static void
raw_sha1_round(void *p)
{
    Raw *r = p;
    uint8_t in[112] = {0}, out[20];
    unsigned n;
    for (int i = 0; i < NPKT; i++) {
        in[0] = (uint8_t)i;
        EVP_DigestInit_ex2(r->md, r->sha1, NULL);
        EVP_DigestUpdate(r->md, in, sizeof(in));
        EVP_DigestFinal_ex(r->md, out, &n);
        EVP_DigestInit_ex2(r->md, r->sha1, NULL);
        EVP_DigestUpdate(r->md, in, sizeof(in));
        EVP_DigestFinal_ex(r->md, out, &n);
    }
}

typedef struct {
    DtMppeTx tx;
    DtMppeRx rx;
    long errors;
} Ours;

static void
ours_round(void *p)
{
    Ours *o = p;
    for (int i = 0; i < NPKT; i++) {
        uint8_t *b = bufs[i] + DT_MPPE_HEADROOM;
        memcpy(b, plain[i], PKT);
        size_t n = dt_mppe_tx_encrypt(&o->tx, b, PKT, 0);
        DtMppeRxPacket out;
        if (n != PKT + DT_MPPE_HEADROOM ||
            dt_mppe_rx_decrypt(&o->rx, bufs[i] + 2, n - 2, &out) != DT_MPPE_RX_OK ||
            memcmp(out.data, plain[i], PKT) != 0)
            o->errors++;
    }
}

typedef struct {
    DtMppeKeyCtx k;
    DtRc4 *rc4;
    uint8_t key[16];
} Parts;

static void
part_rekey_round(void *p)
{
    Parts *s = p;
    for (int i = 0; i < 2 * NPKT; i++) /* tx and rx each change the key */
        dt_mppe_key_ctx_change_key(&s->k, DT_MPPE_BITS_128, s->key);
}

static void
part_setkey_round(void *p)
{
    Parts *s = p;
    for (int i = 0; i < 2 * NPKT; i++)
        dt_rc4_set_key(s->rc4, s->key, 16);
}

static void
part_crypt_round(void *p)
{
    Parts *s = p;
    for (int i = 0; i < NPKT; i++) {
        uint8_t *b = bufs[i] + DT_MPPE_HEADROOM;
        memcpy(b, plain[i], PKT);
        dt_rc4_crypt(s->rc4, b, b, PKT);
        dt_rc4_crypt(s->rc4, b, b, PKT);
    }
}

static void
print_line(const char *what, double pps, double base)
{
    double mbps = pps * PKT / 1e6;
    if (base > 0)
        printf("  %-44s %9.0f pkt/s %8.1f MB/s  %5.1f %%\n", what, pps, mbps, 100.0 * pps / base);
    else
        printf("  %-44s %9.0f pkt/s %8.1f MB/s\n", what, pps, mbps);
}

int
main(void)
{
    fill();
    DtCrypto *c;
    if (dt_crypto_new(&c) != DT_CRYPTO_OK)
        return 1;
    OSSL_LIB_CTX *lib = OSSL_LIB_CTX_new();
    OSSL_PROVIDER_load(lib, "default");
    OSSL_PROVIDER_load(lib, "legacy");
    Raw raw = {EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_new(), EVP_CIPHER_fetch(lib, "RC4", NULL),
               EVP_MD_CTX_new(), EVP_MD_fetch(lib, "SHA1", NULL)};
    static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    EVP_EncryptInit_ex2(raw.enc, raw.rc4, key, NULL, NULL);
    EVP_EncryptInit_ex2(raw.dec, raw.rc4, key, NULL, NULL);

    printf("MPPE encrypt + decrypt, %d-octet packets (1 packet = both directions' work)\n", PKT);
    double base = measure(raw_rc4_round, &raw);
    print_line("raw OpenSSL RC4, one keystream (baseline)", base, 0);

    static const char *names[] = {"40-bit", "56-bit", "128-bit"};
    static const DtMppeBits bits[] = {DT_MPPE_BITS_40, DT_MPPE_BITS_56, DT_MPPE_BITS_128};
    for (int b = 0; b < 3; b++) {
        char what[64];
        Ours o;
        DtMppeConfig cfg = {bits[b], false, DT_MPPE_COMPAT_RFC};
        dt_mppe_tx_init(&o.tx, c, &cfg, key);
        dt_mppe_rx_init(&o.rx, c, &cfg, key);
        o.errors = 0;
        snprintf(what, sizeof(what), "dialtone MPPE %s stateful", names[b]);
        print_line(what, measure(ours_round, &o), base);
        if (o.errors)
            printf("  !! %ld packets failed\n", o.errors);
        dt_mppe_tx_clear(&o.tx);
        dt_mppe_rx_clear(&o.rx);
    }
    double raw_rekey = measure(raw_rc4_rekey_round, &raw);
    double stateless = 0;
    for (int b = 0; b < 3; b++) {
        char what[64];
        Ours o;
        DtMppeConfig cfg = {bits[b], true, DT_MPPE_COMPAT_RFC};
        dt_mppe_tx_init(&o.tx, c, &cfg, key);
        dt_mppe_rx_init(&o.rx, c, &cfg, key);
        o.errors = 0;
        snprintf(what, sizeof(what), "dialtone MPPE %s stateless", names[b]);
        stateless = measure(ours_round, &o);
        print_line(what, stateless, base);
        if (o.errors)
            printf("  !! %ld packets failed\n", o.errors);
        dt_mppe_tx_clear(&o.tx);
        dt_mppe_rx_clear(&o.rx);
    }

    printf("\nWhere 128-bit stateless time goes (per packet, both directions):\n");
    Parts s;
    dt_mppe_key_ctx_init(&s.k, c, key, DT_MPPE_BITS_128);
    memcpy(s.key, key, 16);
    s.rc4 = dt_rc4_new(c);
    double t_total = 1e9 / stateless;
    double t_rekey = 1e9 / measure(part_rekey_round, &s);
    double t_setkey = 1e9 / measure(part_setkey_round, &s);
    dt_rc4_set_key(s.rc4, key, 16);
    double t_crypt = 1e9 / measure(part_crypt_round, &s);
    double t_sha = 1e9 / measure(raw_sha1_round, &raw);
    printf("  total                                 %7.0f ns\n", t_total);
    printf("  2 key changes (SHA-1 + RC4 of 16 oct) %7.0f ns  (raw OpenSSL SHA-1 alone: %.0f ns)\n",
           t_rekey, t_sha);
    printf("  2 RC4 key setups                      %7.0f ns\n", t_setkey);
    printf("  2 x RC4 over 1400 octets              %7.0f ns\n", t_crypt);
    printf("  rest (headers, checks, copies)        %7.0f ns\n",
           t_total - t_rekey - t_setkey - t_crypt);
    printf("  raw OpenSSL RC4 with a key setup per packet: %.0f pkt/s (%.0f ns)\n", raw_rekey,
           1e9 / raw_rekey);

    dt_mppe_key_ctx_clear(&s.k);
    dt_rc4_free(s.rc4);
    EVP_CIPHER_CTX_free(raw.enc);
    EVP_CIPHER_CTX_free(raw.dec);
    EVP_CIPHER_free(raw.rc4);
    EVP_MD_CTX_free(raw.md);
    EVP_MD_free(raw.sha1);
    OSSL_LIB_CTX_free(lib);
    dt_crypto_free(c);
    return 0;
}
