/* dt-ctl-wait.c — see dt-ctl-wait.h. */
#include "dt-ctl-wait.h"

typedef struct {
    GMainLoop *loop;
    const char *const *busy;
    gboolean timed_out;
} Wait;

static gboolean
is_busy(DtDBusConnection1 *c, const char *const *busy)
{
    const char *state = dt_dbus_connection1_get_state(c);
    if (!state) /* the object is gone from the bus */
        return FALSE;
    return g_strv_contains(busy, state);
}

static void
on_properties_changed_cb(GDBusProxy *proxy, GVariant *changed, GStrv invalidated,
                         gpointer user_data)
{
    Wait *w = user_data;
    if (!is_busy(DT_DBUS_CONNECTION1(proxy), w->busy))
        g_main_loop_quit(w->loop);
}

static void
on_owner_changed_cb(GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
    Wait *w = user_data;
    g_autofree char *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(proxy));
    if (!owner)
        g_main_loop_quit(w->loop);
}

static gboolean
on_timeout_cb(gpointer user_data)
{
    Wait *w = user_data;
    w->timed_out = TRUE;
    g_main_loop_quit(w->loop);
    return G_SOURCE_REMOVE;
}

gboolean
dt_ctl_wait_state(DtDBusConnection1 *c, const char *const *busy, guint timeout_s)
{
    Wait w = {.busy = busy};
    if (!is_busy(c, busy))
        return TRUE;
    w.loop = g_main_loop_new(NULL, FALSE);
    gulong h1 =
        g_signal_connect(c, "g-properties-changed", G_CALLBACK(on_properties_changed_cb), &w);
    gulong h2 = g_signal_connect(c, "notify::g-name-owner", G_CALLBACK(on_owner_changed_cb), &w);
    guint t = g_timeout_add_seconds(timeout_s, on_timeout_cb, &w);
    g_main_loop_run(w.loop);
    if (!w.timed_out)
        g_source_remove(t);
    g_signal_handler_disconnect(c, h1);
    g_signal_handler_disconnect(c, h2);
    g_main_loop_unref(w.loop);
    return !w.timed_out;
}
