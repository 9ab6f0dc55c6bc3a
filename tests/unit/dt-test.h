/* dt-test.h — shared helpers for the unit tests. */
#ifndef DT_TEST_H
#define DT_TEST_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "dt-crypto.h"

void dt_test_init(int *argc, char ***argv);
/* Runs the registered tests and releases what the helpers hold. */
int dt_test_run(void);

/* One crypto context for the whole test program. */
DtCrypto *dt_test_crypto(void);

/* A seed for random tests: $DT_TEST_SEED if set, else fresh (and printed, so a
 * failure can be replayed). */
guint32 dt_test_seed(void);
/* Runs argv (a tool such as tshark) and returns its standard output; NULL when the program is
 * not installed; fails the test when it exits non-zero. */
char *dt_test_spawn(const char *const *argv);
void dt_test_random_bytes(GRand *rand, void *buf, gsize len);
/* A DtRandom callback drawing from the seeded GRand in ctx. */
bool dt_test_random_cb(void *ctx, void *buf, size_t len);
/* A secrets lookup (DtPppConfig.lookup) that knows one user, alice, password "s3cret!". */
bool dt_test_lookup_alice_cb(void *data, const char *user, size_t user_len, char *secret,
                             size_t cap);
/* A random valid UTF-8 string of up to max_units UTF-16 code units. */
char *dt_test_random_utf8(GRand *rand, int max_units);
char *dt_test_hex_upper(const guint8 *p, gsize len);

/* TCP segments for the MSS clamp (dt-mtu.h).  dt_test_tcp_segment() writes an IPv4 (20-octet
 * header) or IPv6 (40) packet carrying a TCP header with the given flags (0x02 SYN, 0x12
 * SYN-ACK), the options opts[0..opts_len) (a multiple of 4) and payload octets of filler, with
 * a valid checksum computed from scratch; returns its length.  dt_test_tcp_checksum() recomputes
 * the TCP checksum from scratch, the checksum field counted as zero (RFC 9293 §3.1). */
gsize dt_test_tcp_segment(guint8 *ip, gsize cap, gboolean ipv6, guint8 flags, const guint8 *opts,
                          gsize opts_len, gsize payload);
guint16 dt_test_tcp_checksum(const guint8 *ip, gsize len);
/* Where the TCP header starts in a packet dt_test_tcp_segment() made. */
#define DT_TEST_TCP_OFFSET(ipv6) ((ipv6) ? 40u : 20u)

#define dt_assert_mem(a, b, n) g_assert_cmpmem((a), (n), (b), (n))
#define dt_assert_bytes(p, n, bytes)                                                               \
    g_assert_cmpmem((p), (n), g_bytes_get_data((bytes), NULL), g_bytes_get_size(bytes))

#endif
