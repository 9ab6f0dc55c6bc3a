/* dt-helper-report.c — see dt-helper-report.h. */
#include "dt-helper-report.h"

#include "dt-helper-error.h"

typedef struct {
    guint32 id;
    GDBusMethodInvocation *invocation;
    guint timeout;
    DtHelperReport *owner;
} Waiter;

struct DtHelperReport {
    GByteArray *incoming; /* the report being received */
    guint32 incoming_id;
    GBytes *last; /* the last attempt's final report (id 0) */
    guint32 next_id;
    GList *waiters; /* Waiter */
};

static GVariant *
report_reply(GBytes *bytes)
{
    gsize len;
    gconstpointer data = g_bytes_get_data(bytes, &len);
    return g_variant_new("(@ay)", g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1));
}

static void
waiter_done(Waiter *w, GBytes *bytes, const char *error)
{
    w->owner->waiters = g_list_remove(w->owner->waiters, w);
    g_clear_handle_id(&w->timeout, g_source_remove);
    if (bytes && g_bytes_get_size(bytes))
        g_dbus_method_invocation_return_value(w->invocation, report_reply(bytes));
    else
        g_dbus_method_invocation_return_error_literal(
            w->invocation, DT_HELPER_ERROR,
            bytes ? DT_HELPER_ERROR_FAILED : DT_HELPER_ERROR_NOT_RUNNING,
            bytes ? "The link could not make its report" : error);
    g_free(w);
}

static gboolean
on_timeout_cb(gpointer user_data)
{
    Waiter *w = user_data;
    w->timeout = 0;
    g_dbus_method_invocation_return_error(w->invocation, DT_HELPER_ERROR, DT_HELPER_ERROR_FAILED,
                                          "The link did not send its report in %d s",
                                          DT_HELPER_REPORT_TIMEOUT_S);
    w->owner->waiters = g_list_remove(w->owner->waiters, w);
    g_free(w);
    return G_SOURCE_REMOVE;
}

DtHelperReport *
dt_helper_report_new(void)
{
    return g_new0(DtHelperReport, 1);
}

void
dt_helper_report_free(DtHelperReport *r)
{
    if (!r)
        return;
    while (r->waiters)
        waiter_done(r->waiters->data, NULL, "The connection is gone");
    if (r->incoming)
        g_byte_array_unref(r->incoming);
    g_clear_pointer(&r->last, g_bytes_unref);
    g_free(r);
}

gboolean
dt_helper_report_add(DtHelperReport *r, GVariant *record)
{
    guint32 id;
    gboolean last;
    g_autoptr(GVariant) piece = NULL;
    gsize len;

    g_variant_get(record, "(ub@ay)", &id, &last, &piece);
    const guint8 *data = g_variant_get_fixed_array(piece, &len, 1);
    if (r->incoming && id != r->incoming_id)
        return FALSE;
    if (!r->incoming) {
        r->incoming = g_byte_array_new();
        r->incoming_id = id;
    }
    if (r->incoming->len + len > DT_HELPER_REPORT_MAX)
        return FALSE;
    g_byte_array_append(r->incoming, data, (guint)len);
    if (!last)
        return TRUE;
    g_autoptr(GBytes) done = g_byte_array_free_to_bytes(g_steal_pointer(&r->incoming));
    if (id == 0 && g_bytes_get_size(done)) {
        g_clear_pointer(&r->last, g_bytes_unref);
        r->last = g_bytes_ref(done);
    }
    for (GList *l = r->waiters; l;) {
        Waiter *w = l->data;
        l = l->next;
        if (w->id == id)
            waiter_done(w, done, NULL);
    }
    return TRUE;
}

guint32
dt_helper_report_wait(DtHelperReport *r, GDBusMethodInvocation *invocation)
{
    Waiter *w = g_new0(Waiter, 1);
    if (++r->next_id == 0)
        r->next_id = 1;
    w->id = r->next_id;
    w->invocation = invocation;
    w->owner = r;
    w->timeout = g_timeout_add_seconds(DT_HELPER_REPORT_TIMEOUT_S, on_timeout_cb, w);
    r->waiters = g_list_append(r->waiters, w);
    return w->id;
}

void
dt_helper_report_new_attempt(DtHelperReport *r)
{
    g_clear_pointer(&r->last, g_bytes_unref);
}

void
dt_helper_report_worker_gone(DtHelperReport *r)
{
    if (r->incoming)
        g_clear_pointer(&r->incoming, g_byte_array_unref);
    while (r->waiters) {
        Waiter *w = r->waiters->data;
        if (r->last)
            waiter_done(w, r->last, NULL);
        else
            waiter_done(w, NULL, "The link ended without a report");
    }
}

GBytes *
dt_helper_report_last(DtHelperReport *r)
{
    return r->last;
}
