/* dialtone-link — runs one PPP link.
 *
 * --self-test checks the crypto against the RFC known answers. --standalone PROFILE runs a PPTP
 * or dial-up link (a PPTP one with DialFirst= dials first) from a profile file as root, headless,
 * until SIGINT/SIGTERM or link loss (like pppd nodetach); the helper-managed mode (fds passed in)
 * comes with dialtone-helper. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt-link-exit.h"
#include "dt-link-managed.h"
#include "dt-link-standalone.h"
#include "dt-selftest.h"
#include "dt-tcp.h"

static void
print_check_cb(bool ok, const char *what, void *user_data)
{
    (void)user_data;
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

static void
usage(FILE *out)
{
    fprintf(
        out,
        "Usage: dialtone-link --standalone PROFILE.conf (--password-file FILE | "
        "--password-stdin)\n"
        "                     [--dial-password-file FILE] [--report FILE]\n"
        "       dialtone-link --self-test\n"
        "\n"
        "  --standalone PROFILE   run the PPTP or dial-up link of PROFILE (a profile file, see\n"
        "                         FORMATS.md) until SIGINT or SIGTERM; needs root\n"
        "  --password-file FILE   read the password from the first line of FILE (mode 0600)\n"
        "  --password-stdin       read the password from the first line of standard input\n"
        "  --dial-password-file FILE  the password of the dial-up profile a PPTP profile's\n"
        "                         DialFirst= names (<Id>.conf beside it)\n"
        "  --interface NAME       name the TUN device (default dt0, dt1, ...)\n"
        "  --connect-timeout SEC  how long to wait for the server's TCP port 1723 (15)\n"
        "  --report FILE          when the link ends (SIGINT and SIGTERM included), write a\n"
        "                         connection report to FILE: a pcapng file whose comment holds\n"
        "                         the timeline, what was negotiated and the counters, and whose\n"
        "                         packets are the PPP control frames, secrets redacted\n"
        "  --self-test            check this machine's crypto against the RFC known answers\n"
        "  --version              print the version\n"
        "  --help                 show this help\n"
        "\n"
        "The password is never taken from the command line. Progress goes to standard error\n"
        "as key=value lines; the negotiated protocols and addresses to standard output.\n"
        "\n" DT_LINK_EXIT_HELP);
}

static int
run_self_test(void)
{
    int failed = dt_selftest_run(print_check_cb, NULL);
    if (failed) {
        printf("%d check%s failed\n", failed, failed == 1 ? "" : "s");
        return EXIT_FAILURE;
    }
    printf("all checks passed\n");
    return EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
    enum {
        OPT_SELF_TEST = 256,
        OPT_STANDALONE,
        OPT_PW_FILE,
        OPT_PW_STDIN,
        OPT_IFNAME,
        OPT_TIMEOUT,
        OPT_DIAL_PW_FILE,
        OPT_LOWER_LINK,
        OPT_REPORT,
        OPT_VERSION
    };
    static const struct option options[] = {
        {"self-test", no_argument, NULL, OPT_SELF_TEST},
        {"standalone", required_argument, NULL, OPT_STANDALONE},
        {"password-file", required_argument, NULL, OPT_PW_FILE},
        {"password-stdin", no_argument, NULL, OPT_PW_STDIN},
        {"interface", required_argument, NULL, OPT_IFNAME},
        {"connect-timeout", required_argument, NULL, OPT_TIMEOUT},
        {"dial-password-file", required_argument, NULL, OPT_DIAL_PW_FILE},
        {"lower-link", no_argument, NULL, OPT_LOWER_LINK},
        {"report", required_argument, NULL, OPT_REPORT},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    DtLinkOptions lo = {.connect_timeout_ms = DT_TCP_CONNECT_TIMEOUT_MS};
    bool self_test = false, pw_stdin = false;
    const char *pw_file = NULL;
    int opt;

    if (argc == 2 && strcmp(argv[1], "--managed") == 0) /* dialtone-helper's worker, fd 3 */
        return dt_link_managed_main();
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_SELF_TEST:
            self_test = true;
            break;
        case OPT_STANDALONE:
            lo.profile_path = optarg;
            break;
        case OPT_PW_FILE:
            pw_file = optarg;
            break;
        case OPT_PW_STDIN:
            pw_stdin = true;
            break;
        case OPT_IFNAME:
            if (strlen(optarg) == 0 || strlen(optarg) >= 16 || strchr(optarg, '/')) {
                fprintf(stderr, "dialtone-link: --interface: not an interface name: %s\n", optarg);
                return DT_EXIT_USAGE;
            }
            lo.tun_name = optarg;
            break;
        case OPT_TIMEOUT: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || v < 1 || v > 600) {
                fprintf(stderr, "dialtone-link: --connect-timeout: 1 to 600 seconds, not %s\n",
                        optarg);
                return DT_EXIT_USAGE;
            }
            lo.connect_timeout_ms = (uint32_t)v * 1000u;
            break;
        }
        case OPT_DIAL_PW_FILE:
            lo.dial_password_path = optarg;
            break;
        case OPT_LOWER_LINK:
            /* Internal: started by a DialFirst parent (dt-link-dialfirst.c): the password on
             * standard input, progress to fd 3, the profile from fd 4. */
            lo.lower_link = true;
            lo.ready_fd = 3;
            lo.lower_profile_fd = 4;
            pw_stdin = true;
            break;
        case OPT_REPORT:
            if (!*optarg) {
                fprintf(stderr, "dialtone-link: --report: a file name is needed\n");
                return DT_EXIT_USAGE;
            }
            lo.report_path = optarg;
            break;
        case OPT_VERSION:
            printf("dialtone-link %s\n", DT_VERSION);
            return EXIT_SUCCESS;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        default:
            usage(stderr);
            return DT_EXIT_USAGE;
        }
    }
    if (optind != argc || self_test == (lo.profile_path != NULL || lo.lower_link) ||
        (lo.lower_link && lo.profile_path)) {
        usage(stderr);
        return DT_EXIT_USAGE;
    }
    if (self_test)
        return run_self_test();
    if (pw_stdin == (pw_file != NULL)) {
        fprintf(stderr, "dialtone-link: --standalone needs exactly one of --password-file FILE "
                        "or --password-stdin\n");
        return DT_EXIT_USAGE;
    }
    lo.password_path = pw_stdin ? "-" : pw_file;
    return dt_link_standalone_main(&lo);
}
