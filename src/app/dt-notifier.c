/* dt-notifier.c — see dt-notifier.h. */
#include "dt-notifier.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "dt-connection-info.h"

struct _DtNotifier {
    GObject parent_instance;

    DtConnections *connections;
    char *icon_dir;
    GHashTable *shown; /* profile Id → NotifyNotification */
    GHashTable *up;    /* profile Ids whose current connection reached "connected" */
};

G_DEFINE_TYPE(DtNotifier, dt_notifier, G_TYPE_OBJECT)

static gboolean
was_active(const char *state)
{
    return g_strcmp0(state, "connecting") == 0 || g_strcmp0(state, "connected") == 0 ||
           g_strcmp0(state, "disconnecting") == 0;
}

static void
show(DtNotifier *self, const char *profile_id, const char *summary, const char *body,
     const char *icon, const char *category, NotifyUrgency urgency)
{
    NotifyNotification *n = g_hash_table_lookup(self->shown, profile_id);
    g_autofree char *icon_path =
        self->icon_dir ? g_strdup_printf("%s/hicolor/scalable/status/%s.svg", self->icon_dir, icon)
                       : g_strdup("network-vpn");
    g_autoptr(GError) error = NULL;

    if (n) {
        notify_notification_update(n, summary, body, icon_path);
    } else {
        n = notify_notification_new(summary, body, icon_path);
        notify_notification_set_app_name(n, _("Dialtone"));
        notify_notification_set_hint_string(n, "desktop-entry", "org.dialtone.Dialtone");
        g_hash_table_insert(self->shown, g_strdup(profile_id), n);
    }
    notify_notification_set_category(n, category);
    notify_notification_set_urgency(n, urgency);
    /* Failures stay until read; the rest go by themselves. */
    notify_notification_set_timeout(n, urgency == NOTIFY_URGENCY_CRITICAL ? NOTIFY_EXPIRES_NEVER
                                                                          : NOTIFY_EXPIRES_DEFAULT);
    if (!notify_notification_show(n, &error))
        g_message("Could not show a notification: %s", error->message);
}

static void
on_state_changed_cb(DtConnections *connections, const char *profile_id, const char *old,
                    const char *state, DtNotifier *self)
{
    DtDBusConnection1 *c = dt_connections_lookup(connections, profile_id);
    const char *name = c ? dt_dbus_connection1_get_profile_name(c) : profile_id;
    const char *reason = "", *words = "";
    GVariant *err = c ? dt_dbus_connection1_get_error(c) : NULL;

    if (!notify_is_initted())
        return;
    if (err)
        g_variant_get(err, "(&s&s)", &reason, &words);
    /* A failure before "connected" could not connect; one after it lost the connection. */
    gboolean was_up = g_hash_table_contains(self->up, profile_id);
    if (g_str_equal(state, "connecting"))
        g_hash_table_remove(self->up, profile_id);
    else if (g_str_equal(state, "connected"))
        g_hash_table_add(self->up, g_strdup(profile_id));

    if (g_str_equal(state, "connected") && g_strcmp0(old, "connecting") == 0) {
        GVariant *p = dt_dbus_connection1_get_protocols(c);
        g_autofree char *summary_line = dt_connection_info_summary(p);
        gboolean strong = dt_connection_info_is_strong(p);
        /* Translators: %s is the profile's name. */
        g_autofree char *title = g_strdup_printf(_("%s connected"), name);
        g_autofree char *body =
            /* Translators: %s is "MS-CHAP v2 · MPPC · MPPE 128-bit". */
            g_strdup_printf(strong ? _("%s: strong encryption.")
                                   : _("%s: weak encryption; prefer 128-bit."),
                            summary_line ? summary_line : "");
        show(self, profile_id, title, body, strong ? "dialtone-strong" : "dialtone-weak",
             "network.connected", NOTIFY_URGENCY_NORMAL);
    } else if (g_str_equal(state, "disconnected") && was_active(old)) {
        g_autofree char *title = g_strdup_printf(_("%s disconnected"), name);
        g_autofree char *said = dt_connection_info_failure_words(words);
        show(self, profile_id, title, *said ? said : _("The connection was closed on request."),
             "dialtone-idle", "network.disconnected", NOTIFY_URGENCY_NORMAL);
    } else if (g_str_equal(state, "failed") && was_active(old)) {
        g_autofree char *title = was_up ? g_strdup_printf(_("%s lost its connection"), name)
                                        : g_strdup_printf(_("%s could not connect"), name);
        g_autofree char *said = dt_connection_info_failure_words(words);
        const char *why = *said ? said : _("The connection ended unexpectedly.");
        gboolean stop =
            g_str_has_suffix(why, ".") || g_str_has_suffix(why, "!") || g_str_has_suffix(why, "?");
        g_autofree char *body =
            g_strdup_printf("%s%s %s", why, stop ? "" : ".", dt_connection_info_next_step(reason));
        show(self, profile_id, title, body, "dialtone-error", "network.error",
             NOTIFY_URGENCY_CRITICAL);
    }
}

static void
dt_notifier_dispose(GObject *object)
{
    DtNotifier *self = DT_NOTIFIER(object);

    if (self->connections)
        g_signal_handlers_disconnect_by_data(self->connections, self);
    g_clear_object(&self->connections);
    g_clear_pointer(&self->shown, g_hash_table_unref);
    g_clear_pointer(&self->up, g_hash_table_unref);
    G_OBJECT_CLASS(dt_notifier_parent_class)->dispose(object);
}

static void
dt_notifier_finalize(GObject *object)
{
    g_free(DT_NOTIFIER(object)->icon_dir);
    G_OBJECT_CLASS(dt_notifier_parent_class)->finalize(object);
}

static void
dt_notifier_class_init(DtNotifierClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = dt_notifier_dispose;
    G_OBJECT_CLASS(klass)->finalize = dt_notifier_finalize;
}

static void
dt_notifier_init(DtNotifier *self)
{
    self->shown = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
    self->up = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

DtNotifier *
dt_notifier_new(DtConnections *connections, const char *icon_dir)
{
    DtNotifier *self = g_object_new(DT_TYPE_NOTIFIER, NULL);

    if (!notify_is_initted())
        notify_init("Dialtone");
    self->connections = g_object_ref(connections);
    self->icon_dir = g_strdup(icon_dir);
    g_signal_connect(connections, "state-changed", G_CALLBACK(on_state_changed_cb), self);
    return self;
}
