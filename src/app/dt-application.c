/* dt-application.c — see dt-application.h. */
#include "dt-application.h"

#include <glib/gi18n.h>

#include "dt-profile-list.h"
#include "dt-window.h"

struct _DtApplication {
    GtkApplication parent_instance;

    DtProfileList *list;
};

G_DEFINE_TYPE(DtApplication, dt_application, GTK_TYPE_APPLICATION)

static void
quit_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    g_application_quit(G_APPLICATION(user_data));
}

static const GActionEntry app_actions[] = {
    {"quit", quit_activated, NULL, NULL, NULL, {0}},
};

static void
dt_application_startup(GApplication *app)
{
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
}

static void
dt_application_activate(GApplication *app)
{
    DtApplication *self = DT_APPLICATION(app);
    GtkWindow *window = gtk_application_get_active_window(GTK_APPLICATION(app));

    /* Single instance: a second launch lands here in the first process. */
    if (!window) {
        if (!self->list)
            self->list = dt_profile_list_new(NULL);
        window = GTK_WINDOW(dt_window_new(GTK_APPLICATION(app), self->list));
        gtk_widget_show_all(GTK_WIDGET(window));
    }
    gtk_window_present(window);
}

static void
dt_application_dispose(GObject *object)
{
    g_clear_object(&DT_APPLICATION(object)->list);
    G_OBJECT_CLASS(dt_application_parent_class)->dispose(object);
}

static void
dt_application_class_init(DtApplicationClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = dt_application_dispose;
    G_APPLICATION_CLASS(klass)->startup = dt_application_startup;
    G_APPLICATION_CLASS(klass)->activate = dt_application_activate;
}

static void
dt_application_init(DtApplication *self)
{
}

DtApplication *
dt_application_new(void)
{
    return g_object_new(DT_TYPE_APPLICATION, "application-id", DT_APPLICATION_ID, "flags",
                        G_APPLICATION_DEFAULT_FLAGS, NULL);
}
