/* cmd-disconnect.c — dialtonectl disconnect NAME|PATH: Disconnect, then wait until it ended. */
#include "dt-ctl-wait.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DISCONNECT_WAIT_SECONDS 15

static gboolean
disconnect_one(DtDBusConnection1 *c, int *status)
{
    g_autoptr(GError) error = NULL;
    static const char *const busy[] = {"connecting", "connected", "disconnecting", NULL};

    if (!dt_dbus_connection1_call_disconnect_sync(c, NULL, &error)) {
        *status = dt_ctl_fail("disconnect", error);
        return FALSE;
    }
    if (!dt_ctl_wait_state(c, busy, DISCONNECT_WAIT_SECONDS)) {
        fprintf(stderr, "dialtonectl: disconnect: still %s after %d s\n",
                dt_dbus_connection1_get_state(c), DISCONNECT_WAIT_SECONDS);
        *status = DT_CTL_FAILED;
        return FALSE;
    }
    dt_ctl_print_connection(c, FALSE);
    return TRUE;
}

int
dt_ctl_disconnect(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    DtDBusConnection1 *c = NULL;
    int status = DT_CTL_OK;

    if (argc != 2) {
        fprintf(stderr, "Usage: dialtonectl disconnect NAME|PATH|--all\n");
        return DT_CTL_USAGE;
    }
    list = dt_ctl_list_connections(&error);
    if (!list)
        return dt_ctl_fail("disconnect", error);
    if (strcmp(argv[1], "--all") == 0) {
        /* hangup.bat: every connection this user may end (root: all of them). Each is asked
         * and waited for in turn; the first failure's status is the result. */
        guint uid = getuid(), n = 0;
        for (guint i = 0; i < list->len; i++) {
            DtDBusConnection1 *x = g_ptr_array_index(list, i);
            int one = DT_CTL_OK;
            if (uid != 0 && dt_dbus_connection1_get_owner(x) != uid)
                continue;
            n++;
            if (!disconnect_one(x, &one) && status == DT_CTL_OK)
                status = one;
        }
        if (n == 0)
            printf("No connections to disconnect.\n");
        return status;
    }
    c = dt_ctl_find_connection(list, argv[1]);
    if (!c) {
        fprintf(stderr, "dialtonectl: disconnect: no running connection “%s”\n", argv[1]);
        return DT_CTL_NOT_FOUND;
    }
    disconnect_one(c, &status);
    return status;
}
