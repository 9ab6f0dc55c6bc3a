/* dtio-itest.c — drives libdtio against the real kernel for the integration suite.
 *
 * Each subcommand checks one promise of src/io and exits 0 when it holds, 1 when it does not
 * (with the reason on stderr). The shell drivers beside it make the network namespaces and
 * veth pairs and run these inside them; nothing here touches the caller's own namespace unless
 * the driver runs it there.
 */
#include "dt-gre-sock.h"
#include "dt-inet.h"
#include "dt-io-batch.h"
#include "dt-loop.h"
#include "dt-netconf.h"
#include "dt-tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    return 1;
}

static int
fail_io(const DtIoError *err)
{
    return fail("%s", err->message);
}

/* Writes text to path atomically, so the driver's wait loop never reads half a line. */
static void
write_ready(const char *path, const char *text)
{
    char tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
    rename(tmp, path);
}

/* Waits for a signal; the driver kills us. The alarm bounds a driver that forgets. */
static void
hold(void)
{
    alarm(60);
    for (;;)
        pause();
}

static bool
parse_or_die(const char *text, DtInetAddr *a)
{
    if (!dt_inet_parse(text, a)) {
        fprintf(stderr, "FAIL: not an address: %s\n", text);
        exit(2);
    }
    return true;
}

/* tun-hold READY [vnet|mq]: keep a TUN open until killed. */
static int
cmd_tun_hold(int argc, char **argv)
{
    DtTunConfig cfg = {.name = "dtt%d", .mtu = 1400};
    DtIoError err;
    DtTun tun;
    char line[128];

    if (argc < 1)
        return 2;
    if (argc > 1 && strcmp(argv[1], "vnet") == 0)
        cfg.flags |= DT_TUN_VNET_HDR;
    if (argc > 1 && strcmp(argv[1], "mq") == 0)
        cfg.flags |= DT_TUN_MULTI_QUEUE;
    if (dt_tun_init(&tun, &cfg, NULL, &err) < 0)
        return fail_io(&err);
    if ((cfg.flags & DT_TUN_VNET_HDR) && tun.vnet_hdr_len != 12)
        return fail("%s", "vnet header length is not 12");
    if (cfg.flags & DT_TUN_MULTI_QUEUE) {
        int q2;
        if (dt_tun_open_queue(&tun, &q2, &err) < 0)
            return fail_io(&err);
        /* q2 stays open: the device must still vanish when the process dies. */
    }
    snprintf(line, sizeof line, "%s %d\n", tun.name, tun.ifindex);
    write_ready(argv[0], line);
    hold();
    return 0;
}

/* tun-open-close: the interface exists while the fd is open and is gone right after close. */
static int
cmd_tun_open_close(int argc, char **argv)
{
    DtTunConfig cfg = {.name = "dtc%d", .mtu = 1280};
    DtIoError err;
    DtTun tun;
    char name[IFNAMSIZ];

    if (dt_tun_init(&tun, &cfg, NULL, &err) < 0)
        return fail_io(&err);
    snprintf(name, sizeof name, "%s", tun.name);
    if (if_nametoindex(name) != (unsigned)tun.ifindex)
        return fail("%s is not there while its fd is open", name);
    dt_tun_clear(&tun);
    /* The kernel unregisters the device in close(); allow it a moment, bounded. */
    for (int i = 0; i < 100 && if_nametoindex(name) != 0; i++)
        usleep(10000);
    if (if_nametoindex(name) != 0)
        return fail("%s is still there after close", name);
    printf("%s vanished after close\n", name);
    return 0;
}

/* netconf-apply READY SERVER CIDR4 CIDR6: what a link's bring-up does, then hold. */
static int
cmd_netconf_apply(int argc, char **argv)
{
    DtTunConfig cfg = {.name = "dtn%d", .mtu = 1400};
    DtInetAddr local4, peer4, local6, peer6, server;
    DtInetPrefix cidr4, cidr6;
    DtNetconf *nc;
    DtIoError err;
    DtRoute host, r;
    DtTun tun;
    char line[512], text[160];

    if (argc < 4)
        return 2;
    parse_or_die(argv[1], &server);
    if (!dt_inet_prefix_parse(argv[2], &cidr4) || !dt_inet_prefix_parse(argv[3], &cidr6))
        return fail("%s", "bad CIDR");
    parse_or_die("198.18.100.1", &local4);
    parse_or_die("198.18.100.2", &peer4);
    parse_or_die("fd00:d7::1", &local6);
    parse_or_die("fd00:d7::2", &peer6);

    if (dt_netconf_new(&nc, &err) < 0 || dt_tun_init(&tun, &cfg, nc, &err) < 0)
        return fail_io(&err);
    /* The host route first: once the split routes are in, a lookup would find the tunnel. */
    if (dt_netconf_add_server_route(nc, &server, tun.ifindex, &host, &err) < 0)
        return fail_io(&err);
    if (dt_netconf_addr_add(nc, tun.ifindex, &local4, 32, &peer4, &err) < 0 ||
        dt_netconf_addr_add(nc, tun.ifindex, &local6, 128, &peer6, &err) < 0)
        return fail_io(&err);
    if (dt_netconf_add_default_routes(nc, AF_INET, tun.ifindex, DT_DEFAULT_SPLIT, 0, &err) < 0 ||
        dt_netconf_add_default_routes(nc, AF_INET6, tun.ifindex, DT_DEFAULT_SPLIT, 0, &err) < 0)
        return fail_io(&err);
    memset(&r, 0, sizeof r);
    r.ifindex = tun.ifindex;
    r.dst = cidr4;
    if (dt_netconf_route_add(nc, &r, &err) < 0)
        return fail_io(&err);
    r.dst = cidr6;
    r.metric = 77;
    if (dt_netconf_route_add(nc, &r, &err) < 0)
        return fail_io(&err);
    /* A second add of the same route must be refused, not silently replace it. */
    if (dt_netconf_route_add(nc, &r, &err) != -EEXIST)
        return fail("%s", "adding an existing route did not fail with EEXIST");
    fprintf(stderr, "expected refusal: %s\n", err.message);

    char gw[DT_INET_STRLEN], ifname[IFNAMSIZ] = "?";
    if_indextoname((unsigned)host.ifindex, ifname);
    snprintf(line, sizeof line, "%s %s %s\n", tun.name, dt_inet_to_string(&host.gateway, gw),
             ifname);
    fprintf(stderr, "server route: %s\n", dt_route_to_string(&host, text, sizeof text));
    write_ready(argv[0], line);
    hold();
    return 0;
}

/* netconf-default-metric: the alternative default route shape, on a TUN of our own. */
static int
cmd_netconf_default_metric(int argc, char **argv)
{
    DtTunConfig cfg = {.name = "dtm%d"};
    DtNetconf *nc;
    DtIoError err;
    DtRoute routes[16];
    size_t n;
    DtTun tun;

    if (dt_netconf_new(&nc, &err) < 0 || dt_tun_init(&tun, &cfg, nc, &err) < 0)
        return fail_io(&err);
    if (dt_netconf_add_default_routes(nc, AF_INET, tun.ifindex, DT_DEFAULT_METRIC, 5, &err) < 0)
        return fail_io(&err);
    if (dt_netconf_list_tagged(nc, routes, 16, &n, &err) < 0)
        return fail_io(&err);
    bool found = false;
    for (size_t i = 0; i < n && i < 16; i++) {
        if (routes[i].ifindex == tun.ifindex && routes[i].dst.prefix_len == 0 &&
            routes[i].metric == 5 && routes[i].dst.addr.family == AF_INET)
            found = true;
    }
    if (!found)
        return fail("%s", "no tagged 0.0.0.0/0 metric 5 route on the TUN");
    printf("default route with metric 5 on %s\n", tun.name);
    dt_tun_clear(&tun);
    dt_netconf_free(nc);
    return 0;
}

static int
cmd_netconf_list(int argc, char **argv)
{
    DtRoute routes[64];
    DtNetconf *nc;
    DtIoError err;
    size_t n;
    char text[160];

    if (dt_netconf_new(&nc, &err) < 0 || dt_netconf_list_tagged(nc, routes, 64, &n, &err) < 0)
        return fail_io(&err);
    for (size_t i = 0; i < n && i < 64; i++)
        printf("%s\n", dt_route_to_string(&routes[i], text, sizeof text));
    dt_netconf_free(nc);
    return 0;
}

static int
cmd_netconf_cleanup(int argc, char **argv)
{
    DtNetconf *nc;
    DtIoError err;
    size_t removed, left;

    if (dt_netconf_new(&nc, &err) < 0 || dt_netconf_remove_tagged(nc, &removed, &err) < 0)
        return fail_io(&err);
    if (dt_netconf_list_tagged(nc, NULL, 0, &left, &err) < 0)
        return fail_io(&err);
    printf("removed %zu\n", removed);
    dt_netconf_free(nc);
    return left == 0 ? 0 : fail("%s", "tagged routes left after cleanup");
}

/* route-get DST: print "via GATEWAY dev NAME" as dt_netconf_route_get() sees it. */
static int
cmd_route_get(int argc, char **argv)
{
    DtInetAddr dst;
    DtNetconf *nc;
    DtIoError err;
    DtRoute r;
    char gw[DT_INET_STRLEN], ifname[IFNAMSIZ] = "?";

    if (argc < 1)
        return 2;
    parse_or_die(argv[0], &dst);
    if (dt_netconf_new(&nc, &err) < 0)
        return fail_io(&err);
    if (dt_netconf_route_get(nc, &dst, &r, &err) < 0) {
        printf("error %d %s\n", err.code, err.message);
        dt_netconf_free(nc);
        return 0;
    }
    if_indextoname((unsigned)r.ifindex, ifname);
    printf("via %s dev %s\n", dt_inet_to_string(&r.gateway, gw), ifname);
    dt_netconf_free(nc);
    return 0;
}

int dtio_itest_gre(int argc, char **argv);
int dtio_itest_tun_ping(int argc, char **argv);

static const struct {
    const char *name;
    int (*func)(int argc, char **argv);
    const char *usage;
} commands[] = {
    {"tun-hold", cmd_tun_hold, "READY [vnet|mq]"},
    {"tun-open-close", cmd_tun_open_close, ""},
    {"tun-ping", dtio_itest_tun_ping, ""},
    {"netconf-apply", cmd_netconf_apply, "READY SERVER CIDR4 CIDR6"},
    {"netconf-default-metric", cmd_netconf_default_metric, ""},
    {"netconf-list", cmd_netconf_list, ""},
    {"netconf-cleanup", cmd_netconf_cleanup, ""},
    {"route-get", cmd_route_get, "DST"},
    {"gre", dtio_itest_gre, "NETNS_A NETNS_B ADDR_A ADDR_B"},
};

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].func(argc - 2, argv + 2);
        }
    }
    fprintf(stderr, "usage:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(stderr, "  dtio-itest %s %s\n", commands[i].name, commands[i].usage);
    return 2;
}
