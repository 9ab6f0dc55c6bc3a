/* dialtone-helper — the polkit-checked system service that runs connections
 * (org.dialtone.Helper1, data/org.dialtone.Helper1.xml).
 *
 * D-Bus activates it on the system bus; by hand it runs on whatever bus
 * DBUS_SYSTEM_BUS_ADDRESS names (the tests' private bus). SIGTERM or SIGINT disconnects every
 * link in order, then exits. */
#include "dt-helper.h"
#include "dt-resolver.h"

#include <glib-unix.h>
#include <stdlib.h>

#define STOP_BOUND_SECONDS 10

typedef struct {
    GMainLoop *loop;
    DtHelper *helper;
    int status;
} Daemon;

static void
on_bus_acquired_cb(GDBusConnection *bus, const char *name, gpointer user_data)
{
    Daemon *d = user_data;
    g_autoptr(GError) error = NULL;
    dt_helper_remove_leftovers(d->helper, bus);
    if (!dt_helper_export(d->helper, bus, &error)) {
        g_printerr("dialtone-helper: cannot export /org/dialtone/Helper1: %s\n", error->message);
        d->status = EXIT_FAILURE;
        g_main_loop_quit(d->loop);
    }
}

static void
on_name_acquired_cb(GDBusConnection *bus, const char *name, gpointer user_data)
{
    g_message("owns %s", name);
}

static void
on_name_lost_cb(GDBusConnection *bus, const char *name, gpointer user_data)
{
    Daemon *d = user_data;
    g_printerr("dialtone-helper: %s %s\n", bus ? "lost or could not own" : "no bus to own", name);
    d->status = EXIT_FAILURE;
    g_main_loop_quit(d->loop);
}

static gboolean
on_all_stopped_cb(gpointer user_data)
{
    Daemon *d = user_data;
    g_main_loop_quit(d->loop);
    return G_SOURCE_REMOVE;
}

static gboolean
on_signal_cb(gpointer user_data)
{
    Daemon *d = user_data;
    g_message("stopping: disconnecting every link");
    dt_helper_stop_all(d->helper, on_all_stopped_cb, d);
    /* A worker that does not finish in time is killed when the helper frees it. */
    g_timeout_add_seconds(STOP_BOUND_SECONDS, on_all_stopped_cb, d);
    return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
    g_autofree char *link_path = NULL;
    g_autofree char *state_dir = NULL;
    gboolean version = FALSE;
    const GOptionEntry entries[] = {
        {"link-path", 0, 0, G_OPTION_ARG_FILENAME, &link_path,
         "The dialtone-link worker to run (default " DT_LINK_PATH ")", "PATH"},
        {"state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
         "Where the resolv.conf backup is kept (default " DT_STATE_DIR ")", "DIR"},
        {"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("— Dialtone's system service");
    g_autoptr(GError) error = NULL;
    Daemon d = {0};

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        g_printerr("dialtone-helper: %s\n", error->message);
        return 2;
    }
    if (version) {
        g_print("dialtone-helper %s\n", DT_VERSION);
        return EXIT_SUCCESS;
    }
    if (!link_path)
        link_path = g_strdup(DT_LINK_PATH);
    if (!state_dir)
        state_dir = g_strdup(DT_STATE_DIR);
    if (!g_path_is_absolute(link_path) || !g_path_is_absolute(state_dir)) {
        g_printerr("dialtone-helper: --link-path and --state-dir must be absolute\n");
        return 2;
    }
    d.loop = g_main_loop_new(NULL, FALSE);
    d.helper = dt_helper_new(link_path, DT_RESOLVER_DEFAULT_RESOLV_CONF, state_dir);
    g_unix_signal_add(SIGTERM, on_signal_cb, &d);
    g_unix_signal_add(SIGINT, on_signal_cb, &d);
    guint owner =
        g_bus_own_name(G_BUS_TYPE_SYSTEM, "org.dialtone.Helper1", G_BUS_NAME_OWNER_FLAGS_NONE,
                       on_bus_acquired_cb, on_name_acquired_cb, on_name_lost_cb, &d, NULL);
    g_main_loop_run(d.loop);
    g_bus_unown_name(owner);
    dt_helper_free(d.helper);
    g_main_loop_unref(d.loop);
    return d.status;
}
