/* cmd-disconnect.c — dialtonectl disconnect NAME|PATH: Disconnect, then wait until it ended. */
#include "dt-ctl-wait.h"

#include <stdio.h>
#include <string.h>

#define DISCONNECT_WAIT_SECONDS 15

int
dt_ctl_disconnect(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    DtDBusConnection1 *c = NULL;

    if (argc != 2) {
        fprintf(stderr, "Usage: dialtonectl disconnect NAME|PATH\n");
        return DT_CTL_USAGE;
    }
    list = dt_ctl_list_connections(&error);
    if (!list)
        return dt_ctl_fail("disconnect", error);
    for (guint i = 0; i < list->len && !c; i++) {
        DtDBusConnection1 *x = g_ptr_array_index(list, i);
        if (strcmp(argv[1], g_dbus_proxy_get_object_path(G_DBUS_PROXY(x))) == 0 ||
            g_strcmp0(argv[1], dt_dbus_connection1_get_profile_name(x)) == 0)
            c = x;
    }
    if (!c) {
        fprintf(stderr, "dialtonectl: disconnect: no running connection “%s”\n", argv[1]);
        return DT_CTL_FAILED;
    }
    if (!dt_dbus_connection1_call_disconnect_sync(c, NULL, &error))
        return dt_ctl_fail("disconnect", error);
    static const char *const busy[] = {"connecting", "connected", "disconnecting", NULL};
    if (!dt_ctl_wait_state(c, busy, DISCONNECT_WAIT_SECONDS)) {
        fprintf(stderr, "dialtonectl: disconnect: still %s after %d s\n",
                dt_dbus_connection1_get_state(c), DISCONNECT_WAIT_SECONDS);
        return DT_CTL_FAILED;
    }
    dt_ctl_print_connection(c, FALSE);
    return DT_CTL_OK;
}
