/* dt-vectors.c — a tiny reader for the shared vector files ("name = HEX"). */
#include "dt-vectors.h"

#include <string.h>

struct DtVectors {
    char *file;
    GHashTable *values; /* name → GBytes */
    GHashTable *used;   /* names read */
};

char *
dt_vectors_path(const char *relative)
{
    const char *dir = g_getenv("DT_VECTORS_DIR");
    g_assert_nonnull(dir);
    return g_build_filename(dir, relative, NULL);
}

static GBytes *
decode_hex(const char *file, guint line, const char *hex)
{
    GByteArray *out = g_byte_array_new();
    int nibble = -1;
    for (const char *p = hex; *p; p++) {
        if (g_ascii_isspace(*p))
            continue;
        int v = g_ascii_xdigit_value(*p);
        if (v < 0)
            g_error("%s:%u: not a hex digit: '%c'", file, line, *p);
        if (nibble < 0) {
            nibble = v;
        } else {
            guint8 b = (guint8)(nibble << 4 | v);
            g_byte_array_append(out, &b, 1);
            nibble = -1;
        }
    }
    if (nibble >= 0)
        g_error("%s:%u: odd number of hex digits", file, line);
    return g_byte_array_free_to_bytes(out);
}

DtVectors *
dt_vectors_load(const char *file)
{
    g_autofree char *path = dt_vectors_path(file);
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &text, NULL, &error))
        g_error("cannot read test vectors: %s", error->message);

    DtVectors *v = g_new0(DtVectors, 1);
    v->file = g_strdup(file);
    v->values =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    v->used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        if (*line == '\0' || *line == '#')
            continue;
        char *eq = strchr(line, '=');
        if (!eq)
            g_error("%s:%u: expected 'name = hex'", file, i + 1);
        *eq = '\0';
        char *name = g_strstrip(line);
        char *value = g_strstrip(eq + 1);
        if (g_hash_table_contains(v->values, name))
            g_error("%s:%u: %s defined twice", file, i + 1, name);
        g_hash_table_insert(v->values, g_strdup(name), decode_hex(file, i + 1, value));
    }
    return v;
}

void
dt_vectors_free(DtVectors *v)
{
    if (!v)
        return;
    g_hash_table_unref(v->values);
    g_hash_table_unref(v->used);
    g_free(v->file);
    g_free(v);
}

GBytes *
dt_vectors_get(DtVectors *v, const char *name)
{
    GBytes *b = g_hash_table_lookup(v->values, name);
    if (!b)
        g_error("%s has no vector named %s", v->file, name);
    g_hash_table_add(v->used, g_strdup(name));
    return b;
}

const guint8 *
dt_vectors_get_n(DtVectors *v, const char *name, gsize len)
{
    gsize n;
    const guint8 *p = g_bytes_get_data(dt_vectors_get(v, name), &n);
    if (n != len)
        g_error("%s: %s has %zu octets, expected %zu", v->file, name, n, len);
    return p;
}

guint
dt_vectors_count(DtVectors *v)
{
    return g_hash_table_size(v->values);
}

guint
dt_vectors_used(DtVectors *v)
{
    return g_hash_table_size(v->used);
}

void
dt_vectors_assert_all_used(DtVectors *v)
{
    GHashTableIter it;
    gpointer name;
    g_hash_table_iter_init(&it, v->values);
    while (g_hash_table_iter_next(&it, &name, NULL)) {
        if (!g_hash_table_contains(v->used, name))
            g_error("%s: vector %s is never checked", v->file, (const char *)name);
    }
}
