/* dialtone-server — the PPTP server (PAC): many control connections and calls in one process.
 *
 * Reads server.conf (FORMATS.md) and the chap-secrets file it names, listens on TCP 1723, and
 * runs every call on the same engine as the client. Logs go to stderr as key=value lines, one
 * connection-log line per call when it connects and when it ends. SIGTERM or SIGINT stops every
 * call cleanly (Call-Disconnect-Notify, StopCCRQ), bounded in time. */
#include "dt-server.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void
usage(FILE *out)
{
    fprintf(out, "Usage: dialtone-server [--config FILE]\n"
                 "\n"
                 "  --config FILE  the server configuration (default /etc/dialtone/server.conf)\n"
                 "  --version      print the version\n"
                 "  --help         show this help\n"
                 "\n"
                 "Needs root (raw GRE socket, TUN devices, addresses). Stops on SIGTERM/SIGINT.\n"
                 "Exit status: 0 stopped by a signal, 1 run-time failure, 2 configuration or\n"
                 "secrets file error (a chap-secrets file others may read is refused).\n");
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *config = "/etc/dialtone/server.conf";
    DtServer *s;
    int opt, status;

    while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            config = optarg;
            break;
        case 'V':
            printf("dialtone-server %s\n", DT_VERSION);
            return EXIT_SUCCESS;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (geteuid() != 0) {
        fprintf(stderr, "dialtone-server: needs root (raw GRE socket, TUN devices, addresses)\n");
        return 2;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        return 1;
    status = dt_server_init(s, config);
    if (status == 0)
        status = dt_server_run(s);
    dt_server_clear(s);
    free(s);
    return status;
}
