/* dt-test.h — shared helpers for the unit tests. */
#ifndef DT_TEST_H
#define DT_TEST_H

#include <glib.h>

#include "dt-crypto.h"

void dt_test_init(int *argc, char ***argv);
/* Runs the registered tests and releases what the helpers hold. */
int dt_test_run(void);

/* One crypto context for the whole test program. */
DtCrypto *dt_test_crypto(void);

/* A seed for random tests: $DT_TEST_SEED if set, else fresh (and printed, so a
 * failure can be replayed). */
guint32 dt_test_seed(void);
void dt_test_random_bytes(GRand *rand, void *buf, gsize len);
/* A random valid UTF-8 string of up to max_units UTF-16 code units. */
char *dt_test_random_utf8(GRand *rand, int max_units);
char *dt_test_hex_upper(const guint8 *p, gsize len);

#define dt_assert_mem(a, b, n) g_assert_cmpmem((a), (n), (b), (n))
#define dt_assert_bytes(p, n, bytes)                                                               \
    g_assert_cmpmem((p), (n), g_bytes_get_data((bytes), NULL), g_bytes_get_size(bytes))

#endif
