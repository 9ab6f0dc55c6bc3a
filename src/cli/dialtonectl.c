/* dialtonectl — Dialtone's command line: one file per subcommand, and this table, which also
 * drives --help (as wireguard-tools' wg does). It talks to dialtone-helper on the system bus. */
#include "dt-ctl.h"

#include <stdio.h>
#include <string.h>

static const DtCtlCommand commands[] = {
    {"list", dt_ctl_list, "", "list the profiles in your profile folder"},
    {"status", dt_ctl_status, "[NAME|PATH]",
     "show the running connections and what they negotiated"},
    {"show", dt_ctl_show, "NAME|PATH",
     "what a connection negotiated, with CCP option 18's bits decoded"},
    {"connect", dt_ctl_connect, "NAME|--file FILE [--password-stdin|--password-file F]",
     "connect a profile and wait until it is up; the password comes from the keyring,\n"
     "      or is asked for on a terminal when the keyring has none"},
    {"disconnect", dt_ctl_disconnect, "NAME|PATH|--all",
     "disconnect a running connection (--all: every one you may) and wait"},
    {"report", dt_ctl_report, "NAME|PATH [-o FILE|-]",
     "save a connection's report for Wireshark: timeline, what was negotiated, counters\n"
     "      and the PPP control packets, secrets redacted (default file report-NAME.pcapng)"},
    {"log", dt_ctl_log, "[NAME]", "the connection log of your connections, oldest first"},
    {"monitor", dt_ctl_monitor, "", "print stage changes, log lines and traffic as they happen"},
    {"import", dt_ctl_import, "FILE [--format F] [--dry-run]",
     "import profiles from rasphone.pbk, .nmconnection, pppd peers or wvdial.conf"},
    {"export", dt_ctl_export, "NAME --format pbk|nm [-o FILE]",
     "export a profile as a Windows phonebook or a NetworkManager keyfile"},
    {"test", dt_ctl_test, "NAME|--file FILE [--timeout SECONDS] [--json]",
     "check the path to a PPTP server without logging in: DNS, TCP 1723, PPTP, GRE\n"
     "      (its own exit statuses: dialtonectl test --help)"},
};

static void
usage(FILE *out)
{
    fprintf(out, "Usage: dialtonectl COMMAND [ARGS]\n\nCommands:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %s %s\n      %s\n", commands[i].name, commands[i].args, commands[i].help);
    fprintf(out, "\n%s", DT_CTL_EXIT_HELP);
}

int
main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? DT_CTL_USAGE : DT_CTL_OK;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "dialtonectl: unknown command “%s”\n", argv[1]);
    usage(stderr);
    return DT_CTL_USAGE;
}
