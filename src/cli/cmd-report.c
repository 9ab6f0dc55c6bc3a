/* cmd-report.c — dialtonectl report NAME|PATH [-o FILE]: the connection report (issue 9) as a
 * pcapng file for Wireshark: the text report (timeline, negotiated options, GRE and PPP
 * counters) in its comment, the PPP control frames as its packets, secrets redacted by the
 * link. A snapshot while the link runs; the last attempt's report once it ended. */
#include "dt-ctl.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* "report-NAME.pcapng" with only file-name-safe characters of NAME. */
static char *
default_output(const char *name)
{
    g_autofree char *safe = g_strdup(name);
    for (char *c = safe; *c; c++)
        if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_' && *c != '.')
            *c = '_';
    return g_strdup_printf("report-%s.pcapng", safe[0] == '.' ? "connection" : safe);
}

int
dt_ctl_report(int argc, char **argv)
{
    const char *name = NULL, *output = NULL;
    gboolean bad = FALSE;

    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--output") == 0 || strcmp(argv[i], "-o") == 0) && i + 1 < argc)
            output = argv[++i];
        else if (argv[i][0] != '-' && name == NULL)
            name = argv[i];
        else
            bad = TRUE;
    }
    if (name == NULL || bad) {
        fprintf(stderr, "Usage: dialtonectl report NAME|PATH [--output FILE|-]\n");
        return DT_CTL_USAGE;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(DtDBusConnection1) by_path = NULL;
    DtDBusConnection1 *c = NULL;
    if (name[0] == '/') {
        /* A path: also a connection that ended but is still on the bus. */
        by_path = dt_ctl_connection(name, &error);
        if (!by_path)
            return dt_ctl_fail("report", error);
        c = by_path;
    } else {
        list = dt_ctl_list_connections(&error);
        if (!list)
            return dt_ctl_fail("report", error);
        c = dt_ctl_find_connection(list, name);
        if (!c) {
            fprintf(stderr, "dialtonectl: report: no running connection “%s”\n", name);
            return DT_CTL_NOT_FOUND;
        }
    }
    g_autoptr(GVariant) report = NULL;
    if (!dt_dbus_connection1_call_get_report_sync(c, &report, NULL, &error))
        return dt_ctl_fail("report", error);
    gsize len;
    const guint8 *data = g_variant_get_fixed_array(report, &len, 1);
    if (output && strcmp(output, "-") == 0) {
        if (isatty(STDOUT_FILENO)) {
            fprintf(stderr, "dialtonectl: report: not writing a pcapng file to a terminal\n");
            return DT_CTL_USAGE;
        }
        return fwrite(data, 1, len, stdout) == len && fflush(stdout) == 0 ? DT_CTL_OK
                                                                          : DT_CTL_FAILED;
    }
    g_autofree char *path =
        output ? g_strdup(output) : default_output(dt_dbus_connection1_get_profile_name(c));
    /* It names the user, the server and the addresses: for the owner's eyes. */
    if (!g_file_set_contents_full(path, (const char *)data, (gssize)len,
                                  G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        return dt_ctl_fail(path, error);
    printf("Wrote the report of “%s” to %s (%zu octets; open it in Wireshark, or read its "
           "text with capinfos -k).\n",
           dt_dbus_connection1_get_profile_name(c), path, len);
    return DT_CTL_OK;
}
