/* dt-tray.c — see dt-tray.h. */
#include "dt-tray.h"

#include <glib/gi18n.h>
#include <libayatana-appindicator/app-indicator.h>
#include <string.h>

#include "dt-connection-info.h"

/* How long a light stays on after traffic moved. The helper reports at most once a second,
 * so a light blinks once per report. */
#define LIGHT_MS 500

struct _DtTray {
    GObject parent_instance;

    GApplication *app; /* unowned: the application owns the tray */
    DtProfileList *list;
    DtConnections *connections;
    AppIndicator *indicator;
    GtkWidget *menu; /* owned by the indicator */
    gboolean shown;
    gboolean held;

    char *error_id; /* the profile whose last connection failed, until it connects again */
    gboolean tx_on, rx_on;
    guint lights_off;
    GHashTable *last;    /* profile Id → guint64[2] last tx/rx bytes */
    GSettings *settings; /* org.dialtone.Dialtone, when its schema is installed */
    gboolean symbolic;
    char *icon;
    char *title;
};

G_DEFINE_TYPE(DtTray, dt_tray, G_TYPE_OBJECT)

static const char *
overall_state(DtTray *self, char **summary_out)
{
    g_autoptr(GPtrArray) active = dt_connections_list_active(self->connections);
    gboolean connecting = FALSE, connected = FALSE, weak = FALSE;

    for (guint i = 0; i < active->len; i++) {
        DtDBusConnection1 *c = dt_connections_lookup(self->connections, active->pdata[i]);
        const char *state = dt_dbus_connection1_get_state(c);
        if (g_strcmp0(state, "connected") == 0) {
            GVariant *p = dt_dbus_connection1_get_protocols(c);
            connected = TRUE;
            weak |= !dt_connection_info_is_strong(p);
            if (summary_out && !*summary_out)
                *summary_out = dt_connection_info_summary(p);
        } else {
            connecting = TRUE;
        }
    }
    if (connecting)
        return "connecting";
    if (connected)
        return weak ? "weak" : "strong";
    if (self->error_id)
        return "error";
    return "idle";
}

static const char *
state_description(const char *state)
{
    if (g_str_equal(state, "connecting"))
        return _("Connecting");
    if (g_str_equal(state, "strong"))
        return _("Connected, strong encryption");
    if (g_str_equal(state, "weak"))
        return _("Connected, weak encryption");
    if (g_str_equal(state, "error"))
        return _("The last connection failed");
    return _("Not connected");
}

gboolean
dt_tray_icon_style_is_symbolic(DtTrayIconStyle style, const char *current_desktop)
{
    static const char *const symbolic_desktops[] = {"gnome", "unity", "budgie", "pantheon"};
    g_auto(GStrv) desktops = NULL;

    if (style != DT_TRAY_ICON_STYLE_AUTO)
        return style == DT_TRAY_ICON_STYLE_SYMBOLIC;
    desktops = g_strsplit(current_desktop ? current_desktop : "", ":", -1);
    for (guint i = 0; desktops[i]; i++) {
        g_autofree char *d = g_ascii_strdown(desktops[i], -1);
        /* "Budgie:GNOME", "ubuntu:GNOME", "GNOME-Classic:GNOME", "Pantheon" */
        for (gsize j = 0; j < G_N_ELEMENTS(symbolic_desktops); j++)
            if (strstr(d, symbolic_desktops[j]))
                return TRUE;
    }
    return FALSE;
}

char *
dt_tray_icon_name(const char *state, gboolean tx, gboolean rx, gboolean symbolic)
{
    gboolean lit = g_str_equal(state, "strong") || g_str_equal(state, "weak");
    const char *lights = !lit ? "" : tx && rx ? "-txrx" : tx ? "-tx" : rx ? "-rx" : "";
    return g_strdup_printf("dialtone-%s%s%s", state, lights, symbolic ? "-symbolic" : "");
}

static void
update_icon(DtTray *self)
{
    g_autofree char *summary = NULL;
    const char *state = overall_state(self, &summary);
    g_autofree char *icon = dt_tray_icon_name(state, self->tx_on, self->rx_on, self->symbolic);
    /* Translators: the tray's title while connected; %s is "MS-CHAP v2 · MPPC · MPPE 128-bit". */
    g_autofree char *title =
        summary ? g_strdup_printf(_("Dialtone: %s"), summary) : g_strdup(_("Dialtone"));

    if (g_strcmp0(icon, self->icon) != 0) {
        g_free(self->icon);
        self->icon = g_steal_pointer(&icon);
        app_indicator_set_icon_full(self->indicator, self->icon, state_description(state));
    }
    if (g_strcmp0(title, self->title) != 0) {
        g_free(self->title);
        self->title = g_steal_pointer(&title);
        app_indicator_set_title(self->indicator, self->title);
    }
}

static void
activate_app_action(GtkMenuItem *item, gpointer user_data)
{
    DtTray *self = DT_TRAY(user_data);
    const char *action = g_object_get_data(G_OBJECT(item), "dt-action");
    const char *target = g_object_get_data(G_OBJECT(item), "dt-target");

    g_action_group_activate_action(G_ACTION_GROUP(self->app), action,
                                   target ? g_variant_new_string(target) : NULL);
}

static GtkWidget *
add_item(DtTray *self, const char *label, const char *action, const char *target,
         gboolean sensitive)
{
    GtkWidget *item = gtk_menu_item_new_with_label(label);

    g_object_set_data_full(G_OBJECT(item), "dt-action", g_strdup(action), g_free);
    g_object_set_data_full(G_OBJECT(item), "dt-target", g_strdup(target), g_free);
    gtk_widget_set_sensitive(item, sensitive);
    g_signal_connect(item, "activate", G_CALLBACK(activate_app_action), self);
    gtk_menu_shell_append(GTK_MENU_SHELL(self->menu), item);
    return item;
}

static void
rebuild_menu(DtTray *self)
{
    g_autofree char *summary = NULL;
    GtkWidget *status;
    gboolean available = dt_connections_is_available(self->connections);
    guint n = g_list_model_get_n_items(G_LIST_MODEL(self->list));

    /* A new menu each time: the indicator drops the old one and exports the new layout. The
     * old Status… item goes with it, so it must not stay the activation target. */
    app_indicator_set_secondary_activate_target(self->indicator, NULL);
    self->menu = gtk_menu_new();
    for (guint i = 0; i < n; i++) {
        g_autoptr(DtProfileItem) item = g_list_model_get_item(G_LIST_MODEL(self->list), i);
        const char *id = dt_profile_item_get_id(item);
        gboolean active = dt_connections_is_active(self->connections, id);
        /* Translators: a tray menu item; %s is the profile's name. */
        g_autofree char *label = g_strdup_printf(active ? _("Disconnect %s") : _("Connect %s"),
                                                 dt_profile_item_get_name(item));
        add_item(self, label, active ? "disconnect" : "connect", id, available || active);
    }
    if (n > 0)
        gtk_menu_shell_append(GTK_MENU_SHELL(self->menu), gtk_separator_menu_item_new());
    overall_state(self, &summary);
    if (summary)
        add_item(self, summary, "status", "", FALSE);
    status = add_item(self, _("Status…"), "status", "", TRUE);
    add_item(self, _("Open Dialtone"), "show-window", NULL, TRUE);
    add_item(self, _("Quit"), "quit", NULL, TRUE);
    gtk_widget_show_all(self->menu);
    app_indicator_set_menu(self->indicator, GTK_MENU(self->menu));
    /* Activating the icon opens the status window. StatusNotifierItem hosts show the menu on
     * a click (ayatana exports the item as a menu and has no Activate of its own); the other
     * activation, a middle click (SecondaryActivate) or the XEmbed icon's, is Status…. */
    app_indicator_set_secondary_activate_target(self->indicator, status);
    update_icon(self);
}

static gboolean
lights_off_cb(gpointer user_data)
{
    DtTray *self = DT_TRAY(user_data);

    self->lights_off = 0;
    self->tx_on = self->rx_on = FALSE;
    update_icon(self);
    return G_SOURCE_REMOVE;
}

static void
on_activity_cb(DtConnections *connections, const char *profile_id, guint64 tx, guint64 rx,
               DtTray *self)
{
    guint64 *last = g_hash_table_lookup(self->last, profile_id);

    if (!last) {
        last = g_new0(guint64, 2);
        g_hash_table_insert(self->last, g_strdup(profile_id), last);
    }
    self->tx_on |= tx != last[0];
    self->rx_on |= rx != last[1];
    last[0] = tx;
    last[1] = rx;
    g_clear_handle_id(&self->lights_off, g_source_remove);
    self->lights_off = g_timeout_add(LIGHT_MS, lights_off_cb, self);
    update_icon(self);
}

static void
on_state_changed_cb(DtConnections *connections, const char *profile_id, const char *old,
                    const char *state, DtTray *self)
{
    if (g_str_equal(state, "failed") && *old) {
        g_free(self->error_id);
        self->error_id = g_strdup(profile_id);
    } else if (g_strcmp0(profile_id, self->error_id) == 0 || g_str_equal(state, "connected")) {
        g_clear_pointer(&self->error_id, g_free);
    }
    if (!g_str_equal(state, "connected"))
        g_hash_table_remove(self->last, profile_id);
    rebuild_menu(self);
}

static void
on_changed_cb(DtConnections *connections, const char *profile_id, DtTray *self)
{
    update_icon(self);
}

static void
on_items_changed_cb(GListModel *model, guint pos, guint removed, guint added, DtTray *self)
{
    rebuild_menu(self);
}

static void
on_availability_changed_cb(DtConnections *connections, DtTray *self)
{
    rebuild_menu(self);
}

/* While a tray shows the item, closing the main window leaves the app in the tray; without
 * one, closing the window quits as usual. */
static void
on_connection_changed_cb(AppIndicator *indicator, gboolean connected, DtTray *self)
{
    self->shown = connected;
    if (connected && !self->held) {
        g_application_hold(self->app);
        self->held = TRUE;
    } else if (!connected && self->held) {
        self->held = FALSE;
        g_application_release(self->app);
    }
}

static void
read_icon_style(DtTray *self)
{
    DtTrayIconStyle style =
        self->settings ? g_settings_get_enum(self->settings, "tray-icon-style") : 0;

    self->symbolic = dt_tray_icon_style_is_symbolic(style, g_getenv("XDG_CURRENT_DESKTOP"));
}

static void
on_settings_changed_cb(GSettings *settings, const char *key, DtTray *self)
{
    read_icon_style(self);
    update_icon(self);
}

static void
dt_tray_dispose(GObject *object)
{
    DtTray *self = DT_TRAY(object);

    g_clear_handle_id(&self->lights_off, g_source_remove);
    if (self->connections)
        g_signal_handlers_disconnect_by_data(self->connections, self);
    if (self->list)
        g_signal_handlers_disconnect_by_data(self->list, self);
    if (self->indicator)
        g_signal_handlers_disconnect_by_data(self->indicator, self);
    g_clear_object(&self->indicator); /* and with it the menu */
    self->menu = NULL;
    g_clear_object(&self->connections);
    g_clear_object(&self->list);
    if (self->settings)
        g_signal_handlers_disconnect_by_data(self->settings, self);
    g_clear_object(&self->settings);
    g_clear_pointer(&self->last, g_hash_table_unref);
    G_OBJECT_CLASS(dt_tray_parent_class)->dispose(object);
}

static void
dt_tray_finalize(GObject *object)
{
    DtTray *self = DT_TRAY(object);

    g_free(self->error_id);
    g_free(self->icon);
    g_free(self->title);
    G_OBJECT_CLASS(dt_tray_parent_class)->finalize(object);
}

static void
dt_tray_class_init(DtTrayClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = dt_tray_dispose;
    G_OBJECT_CLASS(klass)->finalize = dt_tray_finalize;
}

static void
dt_tray_init(DtTray *self)
{
    self->last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

DtTray *
dt_tray_new(GApplication *app, DtProfileList *list, DtConnections *connections,
            const char *icon_dir)
{
    DtTray *self = g_object_new(DT_TYPE_TRAY, NULL);
    GSettingsSchemaSource *source = g_settings_schema_source_get_default();
    g_autoptr(GSettingsSchema) schema =
        source ? g_settings_schema_source_lookup(source, "org.dialtone.Dialtone", TRUE) : NULL;
    g_autofree char *first_icon = NULL;

    /* Run from the build tree the schema may be missing: then the style is auto. */
    if (schema && g_settings_schema_has_key(schema, "tray-icon-style")) {
        self->settings = g_settings_new_full(schema, NULL, NULL);
        g_signal_connect(self->settings, "changed::tray-icon-style",
                         G_CALLBACK(on_settings_changed_cb), self);
    }
    read_icon_style(self);
    first_icon = dt_tray_icon_name("idle", FALSE, FALSE, self->symbolic);
    self->app = app;
    self->list = g_object_ref(list);
    self->connections = g_object_ref(connections);
    self->indicator = app_indicator_new_with_path("dialtone", first_icon,
                                                  APP_INDICATOR_CATEGORY_COMMUNICATIONS, icon_dir);
    g_signal_connect(self->indicator, "connection-changed", G_CALLBACK(on_connection_changed_cb),
                     self);
    g_signal_connect(connections, "activity", G_CALLBACK(on_activity_cb), self);
    g_signal_connect(connections, "state-changed", G_CALLBACK(on_state_changed_cb), self);
    g_signal_connect(connections, "changed", G_CALLBACK(on_changed_cb), self);
    g_signal_connect(connections, "availability-changed", G_CALLBACK(on_availability_changed_cb),
                     self);
    g_signal_connect(list, "items-changed", G_CALLBACK(on_items_changed_cb), self);
    rebuild_menu(self);
    app_indicator_set_status(self->indicator, APP_INDICATOR_STATUS_ACTIVE);
    return self;
}

gboolean
dt_tray_is_shown(DtTray *self)
{
    g_return_val_if_fail(DT_IS_TRAY(self), FALSE);
    return self->shown;
}
