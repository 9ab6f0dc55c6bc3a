/* dt-notifier.c — see dt-notifier.h. */
#include "dt-notifier.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "dt-connection-info.h"

struct _DtNotifier {
    GObject parent_instance;

    DtConnections *connections;
    char *icon_dir;
    GHashTable *shown;       /* profile Id → NotifyNotification */
    GHashTable *up;          /* profile Ids whose current connection reached "connected" */
    GHashTable *redial_told; /* profile Id → the Attempt whose redial was announced */
    GSettings *desktop;      /* org.gnome.desktop.notifications, when installed */
};

G_DEFINE_TYPE(DtNotifier, dt_notifier, G_TYPE_OBJECT)

static gboolean
was_active(const char *state)
{
    return g_strcmp0(state, "connecting") == 0 || g_strcmp0(state, "connected") == 0 ||
           g_strcmp0(state, "disconnecting") == 0;
}

/* Do not disturb (GNOME's "show-banners" off): only failures, which need the user, still
 * pop up; that connections come and go can wait for the status window. */
static gboolean
quiet(DtNotifier *self)
{
    return self->desktop && !g_settings_get_boolean(self->desktop, "show-banners");
}

static void
show(DtNotifier *self, const char *profile_id, const char *summary, const char *body,
     const char *icon, const char *category, NotifyUrgency urgency)
{
    NotifyNotification *n = g_hash_table_lookup(self->shown, profile_id);
    if (urgency != NOTIFY_URGENCY_CRITICAL && quiet(self)) {
        g_debug("do not disturb: not showing “%s”", summary);
        return;
    }
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

/* A failed attempt that will be dialled again: say so once per redial, with the reason. */
static void
on_changed_cb(DtConnections *connections, const char *profile_id, DtNotifier *self)
{
    DtDBusConnection1 *c = dt_connections_lookup(connections, profile_id);
    if (!c || !notify_is_initted())
        return;
    if (g_strcmp0(dt_dbus_connection1_get_stage(c), "redial-wait") != 0)
        return;
    guint attempt = dt_dbus_connection1_get_attempt(c);
    gpointer told = NULL;
    if (g_hash_table_lookup_extended(self->redial_told, profile_id, NULL, &told) &&
        GPOINTER_TO_UINT(told) == attempt)
        return;
    g_hash_table_insert(self->redial_told, g_strdup(profile_id), GUINT_TO_POINTER(attempt));

    const char *reason = "", *words = "";
    GVariant *err = dt_dbus_connection1_get_error(c);
    if (err)
        g_variant_get(err, "(&s&s)", &reason, &words);
    g_autofree char *said = dt_connection_info_failure_words(words);
    /* Translators: %s is the profile's name. */
    g_autofree char *title =
        g_strdup_printf(_("Redialing %s"), dt_dbus_connection1_get_profile_name(c));
    /* Translators: the first %u counts the redials so far, the second is the limit. */
    g_autofree char *count =
        g_strdup_printf(_("Redial %u of %u."), attempt, dt_dbus_connection1_get_redial_attempts(c));
    gboolean stop =
        g_str_has_suffix(said, ".") || g_str_has_suffix(said, "!") || g_str_has_suffix(said, "?");
    g_autofree char *body =
        *said ? g_strdup_printf("%s%s %s", said, stop ? "" : ".", count) : g_strdup(count);
    show(self, profile_id, title, body, "dialtone-connecting", "network", NOTIFY_URGENCY_NORMAL);
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
    g_clear_pointer(&self->redial_told, g_hash_table_unref);
    g_clear_object(&self->desktop);
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
    self->redial_told = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GSettingsSchemaSource *src = g_settings_schema_source_get_default();
    g_autoptr(GSettingsSchema) schema =
        src ? g_settings_schema_source_lookup(src, "org.gnome.desktop.notifications", TRUE) : NULL;
    if (schema && g_settings_schema_has_key(schema, "show-banners"))
        self->desktop = g_settings_new_full(schema, NULL, NULL);
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
    g_signal_connect(connections, "changed", G_CALLBACK(on_changed_cb), self);
    return self;
}
