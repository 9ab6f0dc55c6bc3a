/* dt-vectors.h — load the shared RFC test vectors ("name = HEX" lines). */
#ifndef DT_VECTORS_H
#define DT_VECTORS_H

#include <glib.h>

typedef struct DtVectors DtVectors;

/* Loads $DT_VECTORS_DIR/<file>; fails the test if it cannot. */
DtVectors *dt_vectors_load(const char *file);
void dt_vectors_free(DtVectors *v);
/* The decoded octets of name; fails the test if name is absent. */
GBytes *dt_vectors_get(DtVectors *v, const char *name);
/* Like dt_vectors_get, and asserts the value has exactly len octets. */
const guint8 *dt_vectors_get_n(DtVectors *v, const char *name, gsize len);
/* How many names the file holds, and how many of them a test has read. */
guint dt_vectors_count(DtVectors *v);
guint dt_vectors_used(DtVectors *v);
/* Asserts every name in the file was read by the test. */
void dt_vectors_assert_all_used(DtVectors *v);

/* Path of a file under the vectors directory (free with g_free). */
char *dt_vectors_path(const char *relative);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtVectors, dt_vectors_free)

#endif
