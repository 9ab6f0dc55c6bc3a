/* fuzz-import.h — what every importer must hold to, whatever the bytes:
 * a result or an import error with words; each entry either a profile
 * that validates and whose file text loads back to itself, or a reason it
 * was not imported; the summary never quotes a password. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-import.h"

/* How often needle occurs in the input (any encoding aside); *standalone
 * says whether the last occurrence stands as a token of its own (between
 * spaces, quotes, '=' or line ends), as a secret written in a file does. */
static inline guint
fuzz_count_at(const char *hay, gsize len, const char *needle, gboolean *standalone, gsize *last)
{
    guint n = 0;
    gsize nl = strlen(needle);
    *standalone = FALSE;
    for (gsize i = 0; nl && i + nl <= len; i++)
        if (memcmp(hay + i, needle, nl) == 0) {
            n++;
            *last = i;
            char before = i > 0 ? hay[i - 1] : '\n';
            char after = i + nl < len ? hay[i + nl] : '\n';
            *standalone = strchr(" \t=\"'\r\n", before) && strchr(" \t\"'\r\n", after);
        }
    return n;
}

static inline guint
fuzz_count(const char *hay, gsize len, const char *needle, gboolean *standalone)
{
    gsize last;
    return fuzz_count_at(hay, len, needle, standalone, &last);
}

/* Whether the summary of what data imports to quotes the secret that
 * stands at data[at, at + len): the same bytes are imported again with
 * that secret replaced by a marker found nowhere in them, and the marker
 * is looked for.  (Looking for the secret itself would also find a word
 * of the summary's own, as a password "ignore" is in "ignored".) */
static inline gboolean
fuzz_summary_quotes(DtImportFormat format, const uint8_t *data, size_t size, gsize at, gsize len)
{
    static const char *const marks[] = {"Qz", "Jx", "Vq", "Xj"};
    g_autofree char *copy = g_memdup2(data, size);
    g_autofree char *mark = g_malloc(len + 1);
    for (guint m = 0; m < G_N_ELEMENTS(marks); m++) {
        for (gsize i = 0; i < len; i++)
            mark[i] = marks[m][i % 2];
        mark[len] = '\0';
        gboolean standalone;
        if (fuzz_count((const char *)data, size, mark, &standalone) != 0)
            continue;
        memcpy(copy + at, mark, len);
        g_autoptr(DtImport) imp = dt_import_data(copy, size, "fuzz", format, NULL);
        if (imp == NULL)
            return FALSE;
        g_autofree char *summary = dt_import_summary(imp);
        return strstr(summary, mark) != NULL;
    }
    return FALSE;
}

static inline void
fuzz_import_check(DtImport *imp, const GError *error, DtImportFormat format, const uint8_t *data,
                  size_t size)
{
    if (imp == NULL) {
        if (error == NULL || error->domain != DT_IMPORT_ERROR || error->message[0] == '\0')
            abort();
        return;
    }
    if (error != NULL)
        abort();
    g_autofree char *summary = dt_import_summary(imp);
    for (guint i = 0; i < imp->entries->len; i++) {
        DtImportEntry *e = g_ptr_array_index(imp->entries, i);
        if ((e->profile == NULL) == (e->skipped == NULL))
            abort();
        if (e->profile == NULL) {
            if (e->password)
                abort();
            continue;
        }
        if (!dt_profile_validate(e->profile, NULL))
            abort();
        gsize len;
        g_autofree char *text = dt_profile_to_data(e->profile, &len);
        g_autoptr(DtProfile) again = dt_profile_load_data(text, len, "fuzz.conf", NULL);
        if (again == NULL)
            abort();
        g_autofree char *text2 = dt_profile_to_data(again, NULL);
        if (strcmp(text, text2) != 0)
            abort();
        /* A password that the input holds only as the secret itself (not
         * also as a key or a name the summary may quote, nor inside another
         * word, as "p-ch" in a path when the secret was written "p\\-ch")
         * never appears in the summary. */
        gboolean standalone = FALSE;
        gsize at = 0;
        if (e->password && strlen(e->password) >= 4 &&
            fuzz_count_at((const char *)data, size, e->password, &standalone, &at) == 1 &&
            standalone && strstr(summary, e->password) &&
            fuzz_summary_quotes(format, data, size, at, strlen(e->password)))
            abort();
    }
}

static inline const DtImportEntry *
fuzz_import_find(DtImport *imp, const char *id)
{
    for (guint i = 0; i < imp->entries->len; i++) {
        const DtImportEntry *e = g_ptr_array_index(imp->entries, i);
        if (e->profile && strcmp(e->profile->id, id) == 0)
            return e;
    }
    return NULL;
}

/* The same profile but for its name, which an export may have to spell
 * differently ([ and ] cannot be in a phonebook entry's name). */
static inline void
fuzz_import_same(const DtProfile *a, const DtProfile *b)
{
    g_autoptr(DtProfile) c = dt_profile_copy(b);
    g_free(c->name);
    c->name = g_strdup(a->name);
    g_autofree char *ta = dt_profile_to_data(a, NULL);
    g_autofree char *tc = dt_profile_to_data(c, NULL);
    if (strcmp(ta, tc) != 0)
        abort();
}
