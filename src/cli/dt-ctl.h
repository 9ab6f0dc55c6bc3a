/* dt-ctl.h — what dialtonectl's subcommands share: the dispatch table's entry shape, the
 * helper's proxies on the system bus, and exit statuses a script can rely on. */
#ifndef DT_CTL_H
#define DT_CTL_H

#include "dt-helper-generated.h"

#include <gio/gio.h>

typedef enum {
    DT_CTL_OK = 0,
    DT_CTL_FAILED = 1,         /* the connection failed or the helper said no */
    DT_CTL_USAGE = 2,          /* command line, profile or password */
    DT_CTL_NOT_AUTHORIZED = 3, /* polkit refused */
    DT_CTL_INVALID = 4,        /* the helper refused an argument */
    DT_CTL_NO_HELPER = 5,      /* the helper cannot be reached */
    DT_CTL_AUTH_FAILED = 6,    /* connect: the server refused the user name or password */
    DT_CTL_NOT_FOUND = 7,      /* no such profile or running connection */
} DtCtlExit;

/* For --help: one line per status, as above. */
#define DT_CTL_EXIT_HELP                                                                           \
    "Exit status:\n"                                                                               \
    "  0  done (connect: the link is up; disconnect: it ended)\n"                                  \
    "  1  failed (the link failed or did not come up in time, or the helper could not do it)\n"    \
    "  2  usage: command line, profile file, or no password available\n"                           \
    "  3  not authorized (polkit, or another user's connection)\n"                                 \
    "  4  the helper refused an argument (the message names the key)\n"                            \
    "  5  the helper cannot be reached on the system bus\n"                                        \
    "  6  connect: the server refused the user name or password (no redial is tried)\n"            \
    "  7  no such profile or running connection\n"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *args;
    const char *help;
} DtCtlCommand;

int dt_ctl_list(int argc, char **argv);
int dt_ctl_status(int argc, char **argv);
int dt_ctl_connect(int argc, char **argv);
int dt_ctl_disconnect(int argc, char **argv);
int dt_ctl_monitor(int argc, char **argv);
int dt_ctl_import(int argc, char **argv);
int dt_ctl_export(int argc, char **argv);
int dt_ctl_show(int argc, char **argv);
int dt_ctl_log(int argc, char **argv);
int dt_ctl_test(int argc, char **argv);
int dt_ctl_report(int argc, char **argv);

DtDBusHelper1 *dt_ctl_helper(GError **error);
DtDBusConnection1 *dt_ctl_connection(const char *path, GError **error);
/* Prints "dialtonectl: what: message" and returns the exit status error calls for. */
int dt_ctl_fail(const char *what, const GError *error);
/* The running connections' proxies (element type DtDBusConnection1). */
GPtrArray *dt_ctl_list_connections(GError **error);
/* The connection in list whose path, profile name or profile Id is name_or_path; borrowed. */
DtDBusConnection1 *dt_ctl_find_connection(GPtrArray *list, const char *name_or_path);
void dt_ctl_print_connection(DtDBusConnection1 *c, gboolean details);

#endif /* DT_CTL_H */
