/* dt-application.c — see dt-application.h. */
#include "dt-application.h"

#include <glib/gi18n.h>

#include "dt-connections.h"
#include "dt-notifier.h"
#include "dt-password-dialog.h"
#include "dt-password.h"
#include "dt-profile-item.h"
#include "dt-profile-list.h"
#include "dt-status-window.h"
#include "dt-tray.h"
#include "dt-window.h"

struct _DtApplication {
    GtkApplication parent_instance;

    DtProfileList *list;
    DtConnections *connections;
    DtNotifier *notifier;
    DtTray *tray;
    char *icon_dir;
    GHashTable *status_windows; /* profile Id → DtStatusWindow (unowned; removed on destroy) */
};

G_DEFINE_TYPE(DtApplication, dt_application, GTK_TYPE_APPLICATION)

static DtWindow *
main_window(DtApplication *self)
{
    for (GList *l = gtk_application_get_windows(GTK_APPLICATION(self)); l; l = l->next)
        if (DT_IS_WINDOW(l->data))
            return l->data;
    return NULL;
}

/* DIALTONE_STARTUP_TRACE=1 (bench/app-startup.sh): the monotonic time of the main window's
 * first frame, on stderr, so that a benchmark can tell how long startup took from the moment
 * it ran the program. */
static gboolean
first_draw_cb(GtkWidget *widget, cairo_t *cr, gpointer user_data)
{
    g_printerr("dialtone: startup first-frame monotonic_us=%" G_GINT64_FORMAT "\n",
               g_get_monotonic_time());
    g_signal_handlers_disconnect_by_func(widget, first_draw_cb, user_data);
    return FALSE;
}

/* The main window, created (and the profiles read) if need be. */
static DtWindow *
ensure_main_window(DtApplication *self)
{
    DtWindow *window = main_window(self);

    if (!window) {
        window = dt_window_new(GTK_APPLICATION(self), self->list, self->connections);
        if (g_strcmp0(g_getenv("DIALTONE_STARTUP_TRACE"), "1") == 0)
            g_signal_connect_after(window, "draw", G_CALLBACK(first_draw_cb), NULL);
        gtk_widget_show_all(GTK_WIDGET(window));
    }
    return window;
}

static void
tell(DtApplication *self, const char *message)
{
    DtWindow *window = ensure_main_window(self);
    dt_window_notify(window, message);
    gtk_window_present(GTK_WINDOW(window));
}

/* Copies, so the profile stays valid while the keyring and the helper answer. */
static DtProfile *
lookup_profile(DtApplication *self, const char *id_or_name, DtProfile **dial_first)
{
    DtProfileStore *store = dt_profile_list_get_store(self->list);
    g_autoptr(GError) error = NULL;
    const DtProfile *p;

    ensure_main_window(self);
    p = dt_profile_store_lookup(store, id_or_name, &error);
    if (!p) {
        tell(self, error->message);
        return NULL;
    }
    if (dial_first)
        *dial_first = p->dial_first
                          ? dt_profile_copy(dt_profile_store_find_by_id(store, p->dial_first))
                          : NULL;
    return dt_profile_copy(p);
}

/* One Connect: the profile's password, then (DialFirst) the dial-up profile's, each from the
 * keyring or a prompt, then the helper. */
typedef struct {
    DtApplication *app;
    DtProfile *profile;
    DtProfile *dial_first;
    char *password; /* the profile's, once known; wiped */
} ConnectOp;

static void
connect_op_free(ConnectOp *op)
{
    dt_password_free(op->password);
    g_object_unref(op->app);
    dt_profile_free(op->profile);
    if (op->dial_first)
        dt_profile_free(op->dial_first);
    g_free(op);
}

static const char *
profile_user(const DtProfile *p)
{
    return p->type == DT_PROFILE_TYPE_PPTP ? p->pptp.user : p->dialup.user;
}

static void
connect_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    ConnectOp *op = user_data;
    g_autoptr(GError) error = NULL;

    if (!dt_connections_connect_finish(DT_CONNECTIONS(source), result, &error)) {
        g_autofree char *why = dt_connections_error_message(error);
        /* Translators: %s is the profile's name, then why the helper refused. */
        g_autofree char *msg =
            g_strdup_printf(_("Could not connect “%s”: %s"), op->profile->name, why);
        tell(op->app, msg);
    }
    connect_op_free(op);
}

/* The profile whose password is asked for now. */
static const DtProfile *
pending_profile(const ConnectOp *op)
{
    return op->password ? op->dial_first : op->profile;
}

static void password_found_cb(GObject *source, GAsyncResult *result, gpointer user_data);

/* password belongs to pending_profile(op): ask for the next one, or connect. */
static void
got_password(ConnectOp *op, const char *password)
{
    if (!op->password && op->dial_first) {
        op->password = g_strdup(password);
        dt_password_lookup_async(op->dial_first->id, profile_user(op->dial_first), NULL,
                                 password_found_cb, op);
        return;
    }
    dt_connections_connect_async(op->app->connections, op->profile, op->dial_first,
                                 op->password ? op->password : password,
                                 op->password ? password : NULL, NULL, connect_done_cb, op);
}

static void
password_stored_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    if (!dt_password_store_finish(result, &error))
        g_warning("Could not save the password in the keyring: %s", error->message);
}

static void
password_entered_cb(const char *password, gboolean save, gpointer user_data)
{
    ConnectOp *op = user_data;

    if (!password) {
        connect_op_free(op);
        return;
    }
    if (save) {
        const DtProfile *p = pending_profile(op);
        g_autofree char *label = g_strdup_printf(_("Dialtone password for “%s”"), p->name);
        dt_password_store_async(p->id, profile_user(p), password, label, NULL, password_stored_cb,
                                NULL);
    }
    got_password(op, password);
}

static void
password_found_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    ConnectOp *op = user_data;
    g_autoptr(GError) error = NULL;
    char *password = dt_password_lookup_finish(result, &error);

    if (error)
        g_message("Could not read the keyring: %s", error->message);
    if (password) {
        got_password(op, password);
        secret_password_free(password);
        return;
    }
    dt_password_dialog_ask(gtk_application_get_active_window(GTK_APPLICATION(op->app)),
                           pending_profile(op)->name, profile_user(pending_profile(op)),
                           password_entered_cb, op);
}

/* app.connect(s): the profile's name or Id. The password comes from the keyring, or from a
 * prompt when there is none. */
static void
connect_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtApplication *self = DT_APPLICATION(user_data);
    DtProfile *first = NULL;
    DtProfile *p = lookup_profile(self, g_variant_get_string(param, NULL), &first);
    ConnectOp *op;

    if (!p)
        return;
    if (dt_connections_is_active(self->connections, p->id) || (p->dial_first && !first)) {
        if (p->dial_first && !first) {
            /* Translators: %s is the VPN profile's name. */
            g_autofree char *msg = g_strdup_printf(
                _("“%s” dials another profile first, and that dial-up profile no longer "
                  "exists; choose one under Dial first"),
                p->name);
            tell(self, msg);
        }
        dt_profile_free(p);
        if (first)
            dt_profile_free(first);
        return;
    }
    op = g_new0(ConnectOp, 1);
    op->app = g_object_ref(self);
    op->profile = p;
    op->dial_first = first;
    dt_password_lookup_async(p->id, profile_user(p), NULL, password_found_cb, op);
}

static void
disconnect_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(DtApplication) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!dt_connections_disconnect_finish(DT_CONNECTIONS(source), result, &error)) {
        g_autofree char *why = dt_connections_error_message(error);
        g_autofree char *msg = g_strdup_printf(_("Could not disconnect: %s"), why);
        tell(self, msg);
    }
}

/* app.disconnect(s): the profile's name or Id. */
static void
disconnect_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtApplication *self = DT_APPLICATION(user_data);
    g_autoptr(DtProfile) p = lookup_profile(self, g_variant_get_string(param, NULL), NULL);

    if (p)
        dt_connections_disconnect_async(self->connections, p->id, NULL, disconnect_done_cb,
                                        g_object_ref(self));
}

/* The Id or name of the profile the launcher's Connect dials: the "default-profile" key of the
 * org.dialtone.Dialtone schema, or "" when the schema is not installed (run from the build
 * tree). */
static char *
get_default_profile(void)
{
    GSettingsSchemaSource *source = g_settings_schema_source_get_default();
    g_autoptr(GSettingsSchema) schema =
        source ? g_settings_schema_source_lookup(source, DT_APPLICATION_ID, TRUE) : NULL;
    g_autoptr(GSettings) settings = NULL;

    if (!schema)
        return g_strdup("");
    settings = g_settings_new_full(schema, NULL, NULL);
    return g_settings_get_string(settings, "default-profile");
}

/* app.connect-default: the .desktop file's Connect. The profile the settings name, or the
 * first in the list when they name none. */
static void
connect_default_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtApplication *self = DT_APPLICATION(user_data);
    g_autofree char *which = get_default_profile();
    GListModel *model = G_LIST_MODEL(self->list);

    ensure_main_window(self); /* it reads the profiles */
    if (!*which && g_list_model_get_n_items(model) > 0) {
        g_autoptr(DtProfileItem) item = g_list_model_get_item(model, 0);
        g_free(which);
        which = g_strdup(dt_profile_item_get_id(item));
    }
    if (!*which) {
        tell(self, _("There is no profile to connect yet."));
        return;
    }
    g_action_group_activate_action(G_ACTION_GROUP(self), "connect", g_variant_new_string(which));
}

/* app.disconnect-all: the .desktop file's Disconnect, every active connection. */
static void
disconnect_all_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtApplication *self = DT_APPLICATION(user_data);
    g_autoptr(GPtrArray) active = dt_connections_list_active(self->connections);

    for (guint i = 0; i < active->len; i++)
        dt_connections_disconnect_async(self->connections, g_ptr_array_index(active, i), NULL,
                                        disconnect_done_cb, g_object_ref(self));
}

static void
on_status_window_destroy_cb(GtkWidget *window, DtApplication *self)
{
    g_hash_table_remove(self->status_windows,
                        dt_status_window_get_profile_id(DT_STATUS_WINDOW(window)));
}

/* app.status(s): the status window of the profile (name or Id), or with "" of the oldest
 * active connection. */
static void
status_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtApplication *self = DT_APPLICATION(user_data);
    const char *which = g_variant_get_string(param, NULL);
    g_autoptr(DtProfile) p = NULL;
    GtkWindow *window;

    if (!*which) {
        g_autoptr(GPtrArray) active = dt_connections_list_active(self->connections);
        if (active->len == 0) {
            gtk_window_present(GTK_WINDOW(ensure_main_window(self)));
            return;
        }
        which = g_ptr_array_index(active, 0);
        p = lookup_profile(self, which, NULL);
    } else {
        p = lookup_profile(self, which, NULL);
    }
    if (!p)
        return;
    window = g_hash_table_lookup(self->status_windows, p->id);
    if (!window) {
        window = GTK_WINDOW(
            dt_status_window_new(GTK_APPLICATION(self), self->connections, p->id, p->name));
        g_hash_table_insert(self->status_windows, g_strdup(p->id), window);
        g_signal_connect(window, "destroy", G_CALLBACK(on_status_window_destroy_cb), self);
    }
    gtk_window_present(window);
}

static void
show_window_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    gtk_window_present(GTK_WINDOW(ensure_main_window(DT_APPLICATION(user_data))));
}

static void
quit_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    g_application_quit(G_APPLICATION(user_data));
}

static const GActionEntry app_actions[] = {
    {"quit", quit_activated, NULL, NULL, NULL, {0}},
    {"connect", connect_activated, "s", NULL, NULL, {0}},
    {"disconnect", disconnect_activated, "s", NULL, NULL, {0}},
    {"status", status_activated, "s", NULL, NULL, {0}},
    {"show-window", show_window_activated, NULL, NULL, NULL, {0}},
    {"connect-default", connect_default_activated, NULL, NULL, NULL, {0}},
    {"disconnect-all", disconnect_all_activated, NULL, NULL, NULL, {0}},
};

/* The tray's icons: installed beside the app, or, run from the build tree, in the
 * sources. */
static char *
find_icon_dir(void)
{
    static const char *const dirs[] = {DT_ICONDIR, DT_SOURCE_ICONDIR};

    for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *probe =
            g_build_filename(dirs[i], "hicolor", "scalable", "status", "dialtone-idle.svg", NULL);
        if (g_file_test(probe, G_FILE_TEST_EXISTS))
            return g_strdup(dirs[i]);
    }
    return NULL;
}

static void
dt_application_startup(GApplication *app)
{
    DtApplication *self = DT_APPLICATION(app);
    static const struct {
        const char *action;
        const char *accels[2];
    } accels[] = {
        {"app.quit", {"<Primary>q", NULL}},      {"win.add-pptp", {"<Primary>n", NULL}},
        {"win.duplicate", {"<Primary>d", NULL}}, {"win.rename", {"F2", NULL}},
        {"win.edit", {"<Primary>e", NULL}},      {"win.undo-delete", {"<Primary>z", NULL}},
    };
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new();

    G_APPLICATION_CLASS(dt_application_parent_class)->startup(app);
    g_action_map_add_action_entries(G_ACTION_MAP(app), app_actions, G_N_ELEMENTS(app_actions), app);
    for (gsize i = 0; i < G_N_ELEMENTS(accels); i++)
        gtk_application_set_accels_for_action(GTK_APPLICATION(app), accels[i].action,
                                              accels[i].accels);
    gtk_css_provider_load_from_resource(css, "/org/dialtone/Dialtone/style.css");
    gtk_style_context_add_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_set_application_name(_("Dialtone"));
    gtk_window_set_default_icon_name("network-vpn");

    self->icon_dir = find_icon_dir();
    if (self->icon_dir) {
        g_autofree char *hicolor = g_build_filename(self->icon_dir, NULL);
        gtk_icon_theme_append_search_path(gtk_icon_theme_get_default(), hicolor);
    }
    self->list = dt_profile_list_new(NULL);
    self->connections = dt_connections_new();
    self->notifier = dt_notifier_new(self->connections, self->icon_dir);
    self->tray = dt_tray_new(app, self->list, self->connections, self->icon_dir);
}

static void
dt_application_activate(GApplication *app)
{
    /* Single instance: a second launch lands here in the first process. */
    gtk_window_present(GTK_WINDOW(ensure_main_window(DT_APPLICATION(app))));
}

static void
dt_application_shutdown(GApplication *app)
{
    DtApplication *self = DT_APPLICATION(app);

    g_clear_object(&self->tray);
    g_clear_object(&self->notifier);
    G_APPLICATION_CLASS(dt_application_parent_class)->shutdown(app);
}

static void
dt_application_dispose(GObject *object)
{
    DtApplication *self = DT_APPLICATION(object);

    g_clear_object(&self->tray);
    g_clear_object(&self->notifier);
    g_clear_object(&self->connections);
    g_clear_object(&self->list);
    g_clear_pointer(&self->status_windows, g_hash_table_unref);
    g_clear_pointer(&self->icon_dir, g_free);
    G_OBJECT_CLASS(dt_application_parent_class)->dispose(object);
}

static void
dt_application_class_init(DtApplicationClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = dt_application_dispose;
    G_APPLICATION_CLASS(klass)->startup = dt_application_startup;
    G_APPLICATION_CLASS(klass)->activate = dt_application_activate;
    G_APPLICATION_CLASS(klass)->shutdown = dt_application_shutdown;
}

static void
dt_application_init(DtApplication *self)
{
    self->status_windows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

DtApplication *
dt_application_new(void)
{
    return g_object_new(DT_TYPE_APPLICATION, "application-id", DT_APPLICATION_ID, "flags",
                        G_APPLICATION_DEFAULT_FLAGS, NULL);
}
