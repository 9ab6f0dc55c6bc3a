/* dt-connections.c — see dt-connections.h. */
#include "dt-connections.h"

#include <glib/gi18n.h>

#include "dt-helper-error.h"

#define HELPER_NAME "org.dialtone.Helper1"
#define HELPER_PATH "/org/dialtone/Helper1"

typedef struct {
    DtConnections *self; /* unowned: the entry lives in self->entries */
    char *profile_id;
    DtDBusConnection1 *proxy;
    char *state; /* the State last reported, to tell a change */
    guint64 serial;
    gboolean orphaned; /* the helper went away while it was active */
    GQueue log;        /* the LogLine lines, oldest first, at most LOG_LINES */
} Entry;

#define LOG_LINES 500

struct _DtConnections {
    GObject parent_instance;

    GCancellable *cancellable;
    GDBusConnection *bus;
    DtDBusHelper1 *helper;
    guint watch_id;
    gboolean running;
    gboolean activatable;
    GHashTable *entries; /* profile Id → Entry */
    guint64 next_serial;
};

G_DEFINE_TYPE(DtConnections, dt_connections, G_TYPE_OBJECT)

enum {
    SIG_AVAILABILITY_CHANGED,
    SIG_CHANGED,
    SIG_STATE_CHANGED,
    SIG_ACTIVITY,
    SIG_LOG_LINE,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

static gboolean
state_is_active(const char *state)
{
    return g_strcmp0(state, "connecting") == 0 || g_strcmp0(state, "connected") == 0 ||
           g_strcmp0(state, "disconnecting") == 0;
}

static void
entry_free(Entry *e)
{
    if (e->proxy)
        g_signal_handlers_disconnect_by_data(e->proxy, e);
    g_clear_object(&e->proxy);
    g_queue_clear_full(&e->log, g_free);
    g_free(e->profile_id);
    g_free(e->state);
    g_free(e);
}

static void
on_properties_changed_cb(GDBusProxy *proxy, GVariant *changed, GStrv invalidated, Entry *e)
{
    DtConnections *self = e->self;
    g_autofree char *id = g_strdup(e->profile_id);
    const char *state = dt_dbus_connection1_get_state(e->proxy);

    if (g_strcmp0(state, e->state) != 0) {
        g_autofree char *old = g_steal_pointer(&e->state);
        e->state = g_strdup(state);
        g_signal_emit(self, signals[SIG_STATE_CHANGED], 0, id, old ? old : "", state ? state : "");
    }
    g_signal_emit(self, signals[SIG_CHANGED], 0, id);
}

static void
on_activity_cb(DtDBusConnection1 *proxy, guint64 tx_bytes, guint64 rx_bytes, guint64 tx_packets,
               guint64 rx_packets, Entry *e)
{
    g_signal_emit(e->self, signals[SIG_ACTIVITY], 0, e->profile_id, tx_bytes, rx_bytes);
}

static void
on_log_line_cb(DtDBusConnection1 *proxy, const char *line, Entry *e)
{
    g_queue_push_tail(&e->log, g_strdup(line));
    while (e->log.length > LOG_LINES)
        g_free(g_queue_pop_head(&e->log));
    g_signal_emit(e->self, signals[SIG_LOG_LINE], 0, e->profile_id, line);
}

/* Takes the proxy. Replaces the profile's older connection, if any. assumed_old: the state
 * to report it moved from (our own Connect: "connecting", even if it already failed by the
 * time the proxy exists), or NULL for the older connection's. */
static void
add_connection(DtConnections *self, DtDBusConnection1 *proxy, const char *assumed_old)
{
    const char *id = dt_dbus_connection1_get_profile_id(proxy);
    Entry *old;

    if (!id || !*id) {
        g_object_unref(proxy);
        return;
    }
    old = g_hash_table_lookup(self->entries, id);
    if (old && g_strcmp0(g_dbus_proxy_get_object_path(G_DBUS_PROXY(old->proxy)),
                         g_dbus_proxy_get_object_path(G_DBUS_PROXY(proxy))) == 0) {
        g_object_unref(proxy);
        return;
    }

    Entry *e = g_new0(Entry, 1);
    const char *state = dt_dbus_connection1_get_state(proxy);
    g_autofree char *old_state = g_strdup(assumed_old ? assumed_old : old ? old->state : "");

    e->self = self;
    e->profile_id = g_strdup(id);
    e->proxy = proxy;
    e->state = g_strdup(state);
    e->serial = self->next_serial++;
    g_signal_connect(proxy, "g-properties-changed", G_CALLBACK(on_properties_changed_cb), e);
    g_signal_connect(proxy, "activity", G_CALLBACK(on_activity_cb), e);
    g_signal_connect(proxy, "log-line", G_CALLBACK(on_log_line_cb), e);
    g_hash_table_replace(self->entries, e->profile_id, e);
    g_signal_emit(self, signals[SIG_STATE_CHANGED], 0, e->profile_id, old_state ? old_state : "",
                  state ? state : "");
    g_signal_emit(self, signals[SIG_CHANGED], 0, e->profile_id);
}

static void
listed_proxy_ready_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(DtConnections) self = user_data;
    g_autoptr(GError) error = NULL;
    DtDBusConnection1 *proxy = dt_dbus_connection1_proxy_new_finish(result, &error);

    if (!proxy) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_warning("Could not follow a connection: %s", error->message);
        return;
    }
    add_connection(self, proxy, NULL);
}

static void
list_connections_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(DtConnections) self = user_data;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) paths = NULL;

    if (!dt_dbus_helper1_call_list_connections_finish(DT_DBUS_HELPER1(source), &paths, result,
                                                      &error)) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_warning("Could not list the helper's connections: %s", error->message);
        return;
    }
    for (guint i = 0; paths[i]; i++)
        dt_dbus_connection1_proxy_new(self->bus, G_DBUS_PROXY_FLAGS_NONE, HELPER_NAME, paths[i],
                                      self->cancellable, listed_proxy_ready_cb, g_object_ref(self));
}

static void
helper_appeared_cb(GDBusConnection *bus, const char *name, const char *owner, gpointer user_data)
{
    DtConnections *self = DT_CONNECTIONS(user_data);

    self->running = TRUE;
    g_signal_emit(self, signals[SIG_AVAILABILITY_CHANGED], 0);
    if (self->helper)
        dt_dbus_helper1_call_list_connections(self->helper, self->cancellable, list_connections_cb,
                                              g_object_ref(self));
}

static void
helper_vanished_cb(GDBusConnection *bus, const char *name, gpointer user_data)
{
    DtConnections *self = DT_CONNECTIONS(user_data);
    g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    Entry *e;

    self->running = FALSE;
    /* Whatever ran in the helper has ended with it. */
    g_hash_table_iter_init(&iter, self->entries);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&e)) {
        if (state_is_active(e->state) && !e->orphaned) {
            e->orphaned = TRUE;
            g_ptr_array_add(gone, g_strdup(e->profile_id));
        }
    }
    for (guint i = 0; i < gone->len; i++) {
        e = g_hash_table_lookup(self->entries, g_ptr_array_index(gone, i));
        g_autofree char *old = g_steal_pointer(&e->state);
        e->state = g_strdup("failed");
        g_signal_emit(self, signals[SIG_STATE_CHANGED], 0, e->profile_id, old, "failed");
        g_signal_emit(self, signals[SIG_CHANGED], 0, e->profile_id);
    }
    g_signal_emit(self, signals[SIG_AVAILABILITY_CHANGED], 0);
}

static void
activatable_names_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(DtConnections) self = user_data;
    g_autoptr(GVariant) reply =
        g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, NULL);
    g_autofree const char **names = NULL;

    if (!reply)
        return;
    g_variant_get(reply, "(^a&s)", &names);
    self->activatable = g_strv_contains(names, HELPER_NAME);
    g_signal_emit(self, signals[SIG_AVAILABILITY_CHANGED], 0);
}

static void
helper_proxy_ready_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(DtConnections) self = user_data;
    g_autoptr(GError) error = NULL;
    DtDBusHelper1 *helper = dt_dbus_helper1_proxy_new_finish(result, &error);

    if (!helper) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_warning("Could not reach the Dialtone system service: %s", error->message);
        return;
    }
    self->helper = helper;
    /* Names are watched only once the proxy exists, so "appeared" can list at once. */
    self->watch_id =
        g_bus_watch_name_on_connection(self->bus, HELPER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                       helper_appeared_cb, helper_vanished_cb, self, NULL);
}

static void
bus_ready_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(DtConnections) self = user_data;
    g_autoptr(GError) error = NULL;
    GDBusConnection *bus = g_bus_get_finish(result, &error);

    if (!bus) {
        /* No system bus: the app still manages profiles, Connect stays off. */
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_message("No system bus, so no connections: %s", error->message);
        return;
    }
    self->bus = bus;
    g_dbus_connection_call(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus", "ListActivatableNames", NULL,
                           G_VARIANT_TYPE("(as)"), G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
                           activatable_names_cb, g_object_ref(self));
    /* Not started just because the app opened: only a Connect starts an activatable helper. */
    dt_dbus_helper1_proxy_new(bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION,
                              HELPER_NAME, HELPER_PATH, self->cancellable, helper_proxy_ready_cb,
                              g_object_ref(self));
}

static void
dt_connections_dispose(GObject *object)
{
    DtConnections *self = DT_CONNECTIONS(object);

    g_cancellable_cancel(self->cancellable);
    if (self->watch_id)
        g_bus_unwatch_name(self->watch_id);
    self->watch_id = 0;
    g_clear_pointer(&self->entries, g_hash_table_unref);
    g_clear_object(&self->helper);
    g_clear_object(&self->bus);
    g_clear_object(&self->cancellable);
    G_OBJECT_CLASS(dt_connections_parent_class)->dispose(object);
}

static void
dt_connections_class_init(DtConnectionsClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = dt_connections_dispose;
    signals[SIG_AVAILABILITY_CHANGED] =
        g_signal_new("availability-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                     NULL, NULL, G_TYPE_NONE, 0);
    signals[SIG_CHANGED] = g_signal_new("changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
    signals[SIG_STATE_CHANGED] =
        g_signal_new("state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
    signals[SIG_ACTIVITY] =
        g_signal_new("activity", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_UINT64);
    signals[SIG_LOG_LINE] =
        g_signal_new("log-line", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
dt_connections_init(DtConnections *self)
{
    (void)dt_helper_error_quark(); /* the helper's error names map back to codes */
    self->cancellable = g_cancellable_new();
    self->entries =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)entry_free);
    g_bus_get(G_BUS_TYPE_SYSTEM, self->cancellable, bus_ready_cb, g_object_ref(self));
}

DtConnections *
dt_connections_new(void)
{
    return g_object_new(DT_TYPE_CONNECTIONS, NULL);
}

gboolean
dt_connections_is_available(DtConnections *self)
{
    g_return_val_if_fail(DT_IS_CONNECTIONS(self), FALSE);
    return self->helper && (self->running || self->activatable);
}

DtDBusConnection1 *
dt_connections_lookup(DtConnections *self, const char *profile_id)
{
    g_return_val_if_fail(DT_IS_CONNECTIONS(self), NULL);
    Entry *e = profile_id ? g_hash_table_lookup(self->entries, profile_id) : NULL;
    return e ? e->proxy : NULL;
}

gboolean
dt_connections_is_active(DtConnections *self, const char *profile_id)
{
    g_return_val_if_fail(DT_IS_CONNECTIONS(self), FALSE);
    Entry *e = profile_id ? g_hash_table_lookup(self->entries, profile_id) : NULL;
    return e && !e->orphaned && state_is_active(e->state);
}

const GQueue *
dt_connections_get_log(DtConnections *self, const char *profile_id)
{
    g_return_val_if_fail(DT_IS_CONNECTIONS(self), NULL);
    Entry *e = profile_id ? g_hash_table_lookup(self->entries, profile_id) : NULL;
    return e ? &e->log : NULL;
}

static gint
by_serial(gconstpointer a, gconstpointer b)
{
    const Entry *x = *(Entry *const *)a, *y = *(Entry *const *)b;
    return x->serial < y->serial ? -1 : x->serial > y->serial;
}

GPtrArray *
dt_connections_list_active(DtConnections *self)
{
    g_autoptr(GPtrArray) entries = g_ptr_array_new();
    GPtrArray *ids = g_ptr_array_new();
    GHashTableIter iter;
    Entry *e;

    g_hash_table_iter_init(&iter, self->entries);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&e))
        if (!e->orphaned && state_is_active(e->state))
            g_ptr_array_add(entries, e);
    g_ptr_array_sort(entries, by_serial);
    for (guint i = 0; i < entries->len; i++)
        g_ptr_array_add(ids, ((Entry *)g_ptr_array_index(entries, i))->profile_id);
    return ids;
}

static void
connected_proxy_ready_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    DtConnections *self = g_task_get_source_object(task);
    GError *error = NULL;
    DtDBusConnection1 *proxy = dt_dbus_connection1_proxy_new_finish(result, &error);

    if (!proxy) {
        g_task_return_error(task, error);
        return;
    }
    add_connection(self, proxy, "connecting");
    g_task_return_boolean(task, TRUE);
}

static void
connect_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    DtConnections *self = g_task_get_source_object(task);
    g_autofree char *path = NULL;
    GError *error = NULL;

    if (!dt_dbus_helper1_call_connect_finish(DT_DBUS_HELPER1(source), &path, result, &error)) {
        g_task_return_error(task, error);
        return;
    }
    dt_dbus_connection1_proxy_new(self->bus, G_DBUS_PROXY_FLAGS_NONE, HELPER_NAME, path,
                                  g_task_get_cancellable(task), connected_proxy_ready_cb,
                                  g_object_ref(task));
}

void
dt_connections_connect_async(DtConnections *self, const DtProfile *profile,
                             const DtProfile *dial_first, const char *password,
                             const char *dial_first_password, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
    GVariantBuilder secrets;

    g_task_set_source_tag(task, dt_connections_connect_async);
    if (!self->helper) {
        g_task_return_new_error(
            task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
            _("The Dialtone system service (dialtone-helper) is not available"));
        return;
    }
    g_variant_builder_init(&secrets, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&secrets, "{sv}", "password", g_variant_new_string(password));
    if (dial_first && dial_first_password)
        g_variant_builder_add(&secrets, "{sv}", "dial-first-password",
                              g_variant_new_string(dial_first_password));
    /* The helper may need a while to ask polkit (an admin password prompt): no timeout. */
    g_dbus_proxy_call(G_DBUS_PROXY(self->helper), "Connect",
                      g_variant_new("(@a{sv}@a{sv}@a{sv})",
                                    dt_profile_to_variant(profile, dial_first),
                                    g_variant_builder_end(&secrets),
                                    g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)),
                      G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, G_MAXINT, cancellable,
                      connect_cb, g_steal_pointer(&task));
}

gboolean
dt_connections_connect_finish(DtConnections *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

static void
disconnect_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;

    if (!dt_dbus_connection1_call_disconnect_finish(DT_DBUS_CONNECTION1(source), result, &error))
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
}

void
dt_connections_disconnect_async(DtConnections *self, const char *profile_id,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
    Entry *e = g_hash_table_lookup(self->entries, profile_id);

    g_task_set_source_tag(task, dt_connections_disconnect_async);
    if (!e || e->orphaned || !state_is_active(e->state)) {
        g_task_return_new_error(task, DT_HELPER_ERROR, DT_HELPER_ERROR_NOT_RUNNING,
                                _("The profile is not connected"));
        return;
    }
    dt_dbus_connection1_call_disconnect(e->proxy, cancellable, disconnect_cb,
                                        g_steal_pointer(&task));
}

gboolean
dt_connections_disconnect_finish(DtConnections *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

char *
dt_connections_error_message(const GError *error)
{
    g_autoptr(GError) copy = g_error_copy(error);
    g_dbus_error_strip_remote_error(copy);
    return g_strdup(copy->message);
}
