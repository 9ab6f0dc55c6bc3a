/* dialtone-link — runs one PPP link.
 *
 * Today it offers the engine's self-test; running a link from a profile
 * (--standalone) and under the helper arrive with the tunnel. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "dt-selftest.h"

static void
print_check_cb(bool ok, const char *what, void *user_data)
{
    (void)user_data;
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

static void
usage(FILE *out)
{
    fprintf(out, "Usage: dialtone-link --self-test\n"
                 "\n"
                 "  --self-test   check this machine's crypto against the RFC known answers\n"
                 "  --version     print the version\n"
                 "  --help        show this help\n");
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        {"self-test", no_argument, NULL, 's'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool self_test = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 's':
            self_test = true;
            break;
        case 'V':
            printf("dialtone-link %s\n", DT_VERSION);
            return EXIT_SUCCESS;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!self_test || optind != argc) {
        usage(stderr);
        return 2;
    }
    int failed = dt_selftest_run(print_check_cb, NULL);
    if (failed) {
        printf("%d check%s failed\n", failed, failed == 1 ? "" : "s");
        return EXIT_FAILURE;
    }
    printf("all checks passed\n");
    return EXIT_SUCCESS;
}
