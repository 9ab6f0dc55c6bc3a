/* dt-helper-log.c — see dt-helper-log.h. */
#include "dt-helper-log.h"

#include <string.h>

typedef struct {
    gint64 time;
    guint owner;
    char *message;
    char **fields; /* key, value, key, value, …, NULL */
} Entry;

struct _DtHelperLog {
    GQueue entries; /* Entry, oldest first */
    guint keep;
};

static void
entry_free(Entry *e)
{
    g_free(e->message);
    g_strfreev(e->fields);
    g_free(e);
}

DtHelperLog *
dt_helper_log_new(guint keep)
{
    DtHelperLog *log = g_new0(DtHelperLog, 1);
    g_queue_init(&log->entries);
    log->keep = keep ? keep : 1;
    return log;
}

void
dt_helper_log_free(DtHelperLog *log)
{
    if (!log)
        return;
    g_queue_clear_full(&log->entries, (GDestroyNotify)entry_free);
    g_free(log);
}

static const char *
field(const Entry *e, const char *key)
{
    for (char **f = e->fields; f[0] && f[1]; f += 2)
        if (strcmp(f[0], key) == 0)
            return f[1];
    return NULL;
}

void
dt_helper_log_add(DtHelperLog *log, guint owner, const char *message, const char *const *fields)
{
    g_autoptr(GArray) lf = g_array_new(FALSE, FALSE, sizeof(GLogField));
    g_autofree char *owner_text = g_strdup_printf("%u", owner);
    Entry *e = g_new0(Entry, 1);
    GPtrArray *kv = g_ptr_array_new();
    GLogField f;

    e->time = g_get_real_time();
    e->owner = owner;
    e->message = g_strdup(message);
    for (const char *const *p = fields; p && p[0] && p[1]; p += 2) {
        g_ptr_array_add(kv, g_strdup(p[0]));
        g_ptr_array_add(kv, g_strdup(p[1]));
    }
    g_ptr_array_add(kv, NULL);
    e->fields = (char **)g_ptr_array_free(kv, FALSE);

    f = (GLogField){"MESSAGE", message, -1};
    g_array_append_val(lf, f);
    f = (GLogField){"PRIORITY", "6", -1}; /* info */
    g_array_append_val(lf, f);
    f = (GLogField){"GLIB_DOMAIN", "dialtone-helper", -1};
    g_array_append_val(lf, f);
    f = (GLogField){"OWNER_UID", owner_text, -1};
    g_array_append_val(lf, f);
    for (char **p = e->fields; p[0] && p[1]; p += 2) {
        f = (GLogField){p[0], p[1], -1};
        g_array_append_val(lf, f);
    }
    g_log_structured_array(G_LOG_LEVEL_INFO, (const GLogField *)lf->data, lf->len);

    g_queue_push_tail(&log->entries, e);
    while (log->entries.length > log->keep)
        entry_free(g_queue_pop_head(&log->entries));
}

GVariant *
dt_helper_log_query(DtHelperLog *log, guint uid, const char *profile_id, guint limit)
{
    GVariantBuilder b;
    guint n = 0;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(xsa{ss})"));
    for (GList *l = log->entries.tail; l && (limit == 0 || n < limit); l = l->prev) {
        const Entry *e = l->data;
        const char *id = field(e, "PROFILE_ID");
        GVariantBuilder fb;
        if (uid != 0 && e->owner != uid)
            continue;
        if (profile_id && *profile_id && g_strcmp0(id, profile_id) != 0)
            continue;
        g_variant_builder_init(&fb, G_VARIANT_TYPE("a{ss}"));
        for (char **p = e->fields; p[0] && p[1]; p += 2)
            g_variant_builder_add(&fb, "{ss}", p[0], p[1]);
        g_variant_builder_add(&b, "(xsa{ss})", e->time, e->message, &fb);
        n++;
    }
    return g_variant_builder_end(&b);
}
