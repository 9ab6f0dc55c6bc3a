/* cmd-status.c — dialtonectl status [NAME|PATH]: the running connections. */
#include "dt-ctl.h"

#include <stdio.h>
#include <string.h>

int
dt_ctl_status(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    guint shown = 0;

    if (argc > 2) {
        fprintf(stderr, "Usage: dialtonectl status [NAME|PATH]\n");
        return DT_CTL_USAGE;
    }
    list = dt_ctl_list_connections(&error);
    if (!list)
        return dt_ctl_fail("status", error);
    for (guint i = 0; i < list->len; i++) {
        DtDBusConnection1 *c = g_ptr_array_index(list, i);
        if (argc == 2 && strcmp(argv[1], g_dbus_proxy_get_object_path(G_DBUS_PROXY(c))) != 0 &&
            g_strcmp0(argv[1], dt_dbus_connection1_get_profile_name(c)) != 0)
            continue;
        dt_ctl_print_connection(c, TRUE);
        shown++;
    }
    if (argc == 2 && shown == 0) {
        fprintf(stderr, "dialtonectl: status: no running connection “%s”\n", argv[1]);
        return DT_CTL_NOT_FOUND;
    }
    if (shown == 0)
        printf("No connections.\n");
    return DT_CTL_OK;
}
