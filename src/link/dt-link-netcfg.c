/* dt-link-netcfg.c — a link's routes, recorded and removed. */
#include "dt-link-netcfg.h"

#include <errno.h>
#include <string.h>

int
dt_link_netcfg_init(DtLinkNetcfg *n, DtIoError *err)
{
    memset(n, 0, sizeof *n);
    return dt_netconf_new(&n->nc, err);
}

void
dt_link_netcfg_clear(DtLinkNetcfg *n)
{
    if (!n->nc)
        return;
    dt_link_netcfg_undo(n, NULL);
    dt_netconf_free(n->nc);
    n->nc = NULL;
}

static int
record(DtLinkNetcfg *n, const DtRoute *r, DtIoError *err)
{
    char text[160];
    if (n->n_added == DT_LINK_NETCFG_ROUTES_MAX)
        return dt_io_fail(err, ENOSPC, "adding route %s (more than %d routes)",
                          dt_route_to_string(r, text, sizeof text), DT_LINK_NETCFG_ROUTES_MAX);
    n->added[n->n_added++] = *r;
    return 0;
}

static int
add_route(DtLinkNetcfg *n, const DtRoute *r, DtIoError *err)
{
    int rc = dt_netconf_route_add(n->nc, r, err);
    if (rc < 0)
        return rc;
    rc = record(n, r, err);
    if (rc < 0)
        dt_netconf_route_del(n->nc, r, NULL);
    return rc;
}

int
dt_link_netcfg_add_route(DtLinkNetcfg *n, const DtRoute *route, DtIoError *err)
{
    return add_route(n, route, err);
}

int
dt_link_netcfg_server_route(DtLinkNetcfg *n, const DtInetAddr *server, DtRoute *route,
                            DtIoError *err)
{
    DtRoute added;
    int rc = dt_netconf_add_server_route(n->nc, server, 0, &added, err);
    if (rc == -EEXIST) {
        dt_io_error_reset(err);
        memset(&added, 0, sizeof added);
        rc = 0;
    } else if (rc == 0) {
        rc = record(n, &added, err);
        if (rc < 0)
            dt_netconf_route_del(n->nc, &added, NULL);
    }
    if (rc == 0 && route)
        *route = added;
    return rc;
}

static DtRoute
device_route(int ifindex, const char *prefix)
{
    DtRoute r;
    memset(&r, 0, sizeof r);
    dt_inet_prefix_parse(prefix, &r.dst);
    r.ifindex = ifindex;
    return r;
}

int
dt_link_netcfg_apply(DtLinkNetcfg *n, const DtLinkIpSettings *ip, DtIoError *err)
{
    DtLinkSettings ls = {.mtu = ip->mtu, .up = true};
    int rc;

    if (ip->mtu) {
        rc = dt_netconf_link_set(n->nc, ip->ifindex, &ls, err);
        if (rc < 0)
            return rc;
    }
    /* RFC 1332 gives both ends: a point-to-point /32 with the server's end as peer. */
    rc = dt_netconf_addr_add(n->nc, ip->ifindex, &ip->local, 32, ip->peer.family ? &ip->peer : NULL,
                             err);
    if (rc < 0)
        return rc;
    if (ip->local6.family == AF_INET6) {
        rc = dt_netconf_addr_add(n->nc, ip->ifindex, &ip->local6, 64, NULL, err);
        if (rc < 0 && rc != -EEXIST)
            return rc;
    }
    if (ip->default_route) {
        /* Two halves beat any existing default without touching it (DtDefaultMode). */
        static const char *const halves[] = {"0.0.0.0/1", "128.0.0.0/1"};
        for (size_t i = 0; i < 2; i++) {
            DtRoute r = device_route(ip->ifindex, halves[i]);
            rc = add_route(n, &r, err);
            if (rc < 0)
                return rc;
        }
    } else {
        for (size_t i = 0; i < ip->n_routes; i++) {
            DtRoute r;
            memset(&r, 0, sizeof r);
            r.dst = ip->routes[i];
            r.ifindex = ip->ifindex;
            rc = add_route(n, &r, err);
            if (rc < 0 && rc != -EEXIST)
                return rc;
            dt_io_error_reset(err);
        }
    }
    return 0;
}

size_t
dt_link_netcfg_undo(DtLinkNetcfg *n, size_t *failed)
{
    size_t removed = 0, bad = 0;
    while (n->n_added > 0) {
        const DtRoute *r = &n->added[--n->n_added];
        int rc = dt_netconf_route_del(n->nc, r, NULL);
        if (rc == 0)
            removed++;
        else if (rc != -ESRCH && rc != -ENOENT && rc != -ENODEV)
            bad++;
    }
    if (failed)
        *failed = bad;
    return removed;
}
