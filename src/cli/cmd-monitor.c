/* cmd-monitor.c — dialtonectl monitor: the helper's connection signals, one line each, until
 * interrupted. */
#include "dt-ctl.h"

#include <glib-unix.h>
#include <stdio.h>

static void
on_signal_cb(GDBusConnection *bus, const char *sender, const char *path, const char *interface,
             const char *signal, GVariant *params, gpointer user_data)
{
    g_autofree char *text = g_variant_print(params, FALSE);
    printf("%s %s %s\n", path, signal, text);
    fflush(stdout);
}

static gboolean
on_quit_cb(gpointer user_data)
{
    g_main_loop_quit(user_data);
    return G_SOURCE_REMOVE;
}

int
dt_ctl_monitor(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
    if (argc != 1) {
        fprintf(stderr, "Usage: dialtonectl monitor\n");
        return DT_CTL_USAGE;
    }
    if (!bus)
        return dt_ctl_fail("monitor", error);
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    g_dbus_connection_signal_subscribe(bus, "org.dialtone.Helper1", "org.dialtone.Connection1",
                                       NULL, NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_signal_cb,
                                       NULL, NULL);
    g_dbus_connection_signal_subscribe(bus, "org.dialtone.Helper1",
                                       "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
                                       NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_signal_cb, NULL, NULL);
    g_unix_signal_add(SIGINT, on_quit_cb, loop);
    g_unix_signal_add(SIGTERM, on_quit_cb, loop);
    g_main_loop_run(loop);
    return DT_CTL_OK;
}
