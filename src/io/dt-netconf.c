/* dt-netconf.c — links, addresses and routes through libnl-route-3. */
#include "dt-netconf.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct DtNetconf {
    struct nl_sock *sk;
    int kernel_errno; /* the kernel's own errno for the last failed request, 0 if none */
};

/* libnl folds the kernel's errno into its own NLE_* codes and loses some on the way (an
 * unreachable destination becomes "Unspecific failure"). The error callback keeps the
 * original, and the default handling goes on (NL_STOP). */
static int
on_netlink_error_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
    DtNetconf *nc = arg;
    nc->kernel_errno = -e->error;
    return NL_STOP;
}

static int
errno_from_nle(int nle)
{
    switch (nle < 0 ? -nle : nle) {
    case NLE_AGAIN:
        return EAGAIN;
    case NLE_NOMEM:
        return ENOMEM;
    case NLE_EXIST:
        return EEXIST;
    case NLE_INVAL:
        return EINVAL;
    case NLE_RANGE:
        return ERANGE;
    case NLE_OPNOTSUPP:
        return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT:
        return EAFNOSUPPORT;
    case NLE_OBJ_NOTFOUND:
        return ESRCH;
    case NLE_NOADDR:
        return EADDRNOTAVAIL;
    case NLE_BUSY:
        return EBUSY;
    case NLE_NOACCESS:
        return EACCES;
    case NLE_PERM:
        return EPERM;
    case NLE_NODEV:
        return ENODEV;
    case NLE_INTR:
        return EINTR;
    default:
        return EIO;
    }
}

/* The errno for a failed libnl call: the kernel's if it answered, libnl's otherwise. */
static int
take_errno(DtNetconf *nc, int nle)
{
    int e = nc->kernel_errno ? nc->kernel_errno : errno_from_nle(nle);
    nc->kernel_errno = 0;
    return e;
}

int
dt_netconf_new(DtNetconf **out, DtIoError *err)
{
    DtNetconf *nc = calloc(1, sizeof *nc);
    int rc;

    *out = NULL;
    if (!nc)
        return dt_io_fail(err, ENOMEM, "allocating the netlink state");
    nc->sk = nl_socket_alloc();
    if (!nc->sk) {
        free(nc);
        return dt_io_fail(err, ENOMEM, "allocating a netlink socket");
    }
    rc = nl_connect(nc->sk, NETLINK_ROUTE);
    if (rc < 0) {
        int e = errno_from_nle(rc);
        nl_socket_free(nc->sk);
        free(nc);
        return dt_io_fail(err, e, "connecting to rtnetlink (%s)", nl_geterror(rc));
    }
    nl_socket_modify_err_cb(nc->sk, NL_CB_CUSTOM, on_netlink_error_cb, nc);
    *out = nc;
    return 0;
}

void
dt_netconf_free(DtNetconf *nc)
{
    if (!nc)
        return;
    nl_socket_free(nc->sk);
    free(nc);
}

int
dt_netconf_link_index(DtNetconf *nc, const char *name, int *ifindex, DtIoError *err)
{
    struct rtnl_link *link = NULL;
    int rc = rtnl_link_get_kernel(nc->sk, 0, name, &link);

    if (rc < 0)
        return dt_io_fail(err, take_errno(nc, rc), "looking up interface %s", name);
    *ifindex = rtnl_link_get_ifindex(link);
    rtnl_link_put(link);
    return 0;
}

int
dt_netconf_link_set(DtNetconf *nc, int ifindex, const DtLinkSettings *settings, DtIoError *err)
{
    struct rtnl_link *orig = NULL, *change;
    int rc;

    rc = rtnl_link_get_kernel(nc->sk, ifindex, NULL, &orig);
    if (rc < 0)
        return dt_io_fail(err, take_errno(nc, rc), "looking up interface %d", ifindex);
    change = rtnl_link_alloc();
    if (!change) {
        rtnl_link_put(orig);
        return dt_io_fail(err, ENOMEM, "allocating a link change");
    }
    if (settings->mtu)
        rtnl_link_set_mtu(change, settings->mtu);
    if (settings->txqlen)
        rtnl_link_set_txqlen(change, settings->txqlen);
    if (settings->up)
        rtnl_link_set_flags(change, IFF_UP);
    else
        rtnl_link_unset_flags(change, IFF_UP);
    rc = rtnl_link_change(nc->sk, orig, change, 0);
    rtnl_link_put(change);
    rtnl_link_put(orig);
    if (rc < 0)
        return dt_io_fail(err, take_errno(nc, rc), "setting interface %d %s, mtu %u, txqlen %u",
                          ifindex, settings->up ? "up" : "down", settings->mtu, settings->txqlen);
    return 0;
}

static struct nl_addr *
make_nl_addr(const DtInetAddr *a, unsigned prefix_len)
{
    struct nl_addr *na = nl_addr_build(a->family, a->bytes, dt_inet_addr_len(a->family));
    if (na)
        nl_addr_set_prefixlen(na, (int)prefix_len);
    return na;
}

static void
from_nl_addr(struct nl_addr *na, DtInetAddr *a, unsigned *prefix_len)
{
    memset(a, 0, sizeof *a);
    if (prefix_len)
        *prefix_len = 0;
    if (!na)
        return;
    int family = nl_addr_get_family(na);
    unsigned len = nl_addr_get_len(na);
    if ((family == AF_INET || family == AF_INET6) && len == dt_inet_addr_len(family)) {
        a->family = family;
        memcpy(a->bytes, nl_addr_get_binary_addr(na), len);
    } else if ((family == AF_INET || family == AF_INET6) && len == 0) {
        /* libnl gives the default route's destination as an empty address. */
        a->family = family;
    }
    if (prefix_len)
        *prefix_len = nl_addr_get_prefixlen(na);
}

static struct rtnl_addr *
build_addr(int ifindex, const DtInetAddr *local, unsigned prefix_len, const DtInetAddr *peer)
{
    struct rtnl_addr *addr = rtnl_addr_alloc();
    struct nl_addr *l = NULL, *p = NULL;
    bool ok = false;

    if (!addr)
        return NULL;
    rtnl_addr_set_ifindex(addr, ifindex);
    rtnl_addr_set_family(addr, local->family);
    l = make_nl_addr(local, prefix_len);
    if (l && rtnl_addr_set_local(addr, l) == 0) {
        ok = true;
        if (peer) {
            p = make_nl_addr(peer, prefix_len);
            ok = p && rtnl_addr_set_peer(addr, p) == 0;
        }
    }
    rtnl_addr_set_prefixlen(addr, (int)prefix_len);
    nl_addr_put(l);
    nl_addr_put(p);
    if (!ok) {
        rtnl_addr_put(addr);
        return NULL;
    }
    return addr;
}

static int
change_addr(DtNetconf *nc, bool add, int ifindex, const DtInetAddr *local, unsigned prefix_len,
            const DtInetAddr *peer, DtIoError *err)
{
    char l[DT_INET_STRLEN], p[DT_INET_STRLEN];
    const char *verb = add ? "adding" : "removing";
    struct rtnl_addr *addr;
    bool has_peer = peer && peer->family != 0;
    int rc;

    dt_inet_to_string(local, l);
    dt_inet_to_string(peer, p);
    if (local->family != AF_INET && local->family != AF_INET6)
        return dt_io_fail(err, EAFNOSUPPORT, "%s address %s", verb, l);
    if (prefix_len > dt_inet_max_prefix(local->family) ||
        (has_peer && peer->family != local->family))
        return dt_io_fail(err, EINVAL, "%s address %s/%u peer %s", verb, l, prefix_len, p);
    /* libnl sets a peer (IFA_ADDRESS) on IPv4 only. For IPv6 the same effect, the peer reachable
     * on the link, is a host route to it, tagged like every route we add. */
    addr =
        build_addr(ifindex, local, prefix_len, has_peer && local->family == AF_INET ? peer : NULL);
    if (!addr)
        return dt_io_fail(err, ENOMEM, "building address %s", l);
    rc = add ? rtnl_addr_add(nc->sk, addr, NLM_F_EXCL) : rtnl_addr_delete(nc->sk, addr, 0);
    rtnl_addr_put(addr);
    if (rc < 0)
        return dt_io_fail(err, take_errno(nc, rc), "%s address %s/%u peer %s on interface %d", verb,
                          l, prefix_len, p, ifindex);
    if (has_peer && local->family == AF_INET6) {
        DtRoute r;
        memset(&r, 0, sizeof r);
        r.dst.addr = *peer;
        r.dst.prefix_len = 128;
        r.ifindex = ifindex;
        rc = add ? dt_netconf_route_add(nc, &r, err) : dt_netconf_route_del(nc, &r, err);
        if (rc < 0 && add) {
            addr = build_addr(ifindex, local, prefix_len, NULL);
            if (addr) {
                (void)rtnl_addr_delete(nc->sk, addr, 0); /* all or nothing */
                rtnl_addr_put(addr);
            }
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

int
dt_netconf_addr_add(DtNetconf *nc, int ifindex, const DtInetAddr *local, unsigned prefix_len,
                    const DtInetAddr *peer, DtIoError *err)
{
    return change_addr(nc, true, ifindex, local, prefix_len, peer, err);
}

int
dt_netconf_addr_del(DtNetconf *nc, int ifindex, const DtInetAddr *local, unsigned prefix_len,
                    const DtInetAddr *peer, DtIoError *err)
{
    return change_addr(nc, false, ifindex, local, prefix_len, peer, err);
}

const char *
dt_route_to_string(const DtRoute *route, char *buf, size_t size)
{
    char dst[DT_INET_STRLEN], gw[DT_INET_STRLEN];
    int n = snprintf(buf, size, "%s", dt_inet_prefix_to_string(&route->dst, dst));
    if (n >= 0 && route->gateway.family != 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, " via %s", dt_inet_to_string(&route->gateway, gw));
    if (n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " dev %d metric %u table %u proto %u", route->ifindex,
                 route->metric, route->table ? route->table : RT_TABLE_MAIN, route->protocol);
    return buf;
}

static struct rtnl_route *
build_route(const DtRoute *r)
{
    struct rtnl_route *route = rtnl_route_alloc();
    struct rtnl_nexthop *nh;
    struct nl_addr *dst, *gw = NULL;

    if (!route)
        return NULL;
    dst = make_nl_addr(&r->dst.addr, r->dst.prefix_len);
    nh = rtnl_route_nh_alloc();
    if (!dst || !nh || (r->gateway.family && !(gw = make_nl_addr(&r->gateway, 0)))) {
        nl_addr_put(dst);
        if (nh)
            rtnl_route_nh_free(nh);
        rtnl_route_put(route);
        return NULL;
    }
    rtnl_route_set_family(route, (uint8_t)r->dst.addr.family);
    rtnl_route_set_dst(route, dst);
    rtnl_route_set_table(route, r->table ? r->table : RT_TABLE_MAIN);
    rtnl_route_set_protocol(route, DT_RTPROT);
    rtnl_route_set_type(route, RTN_UNICAST);
    /* On-link routes on a point-to-point device are link scope; via a gateway, global. */
    rtnl_route_set_scope(route, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
    if (r->metric)
        rtnl_route_set_priority(route, r->metric);
    rtnl_route_nh_set_ifindex(nh, r->ifindex);
    if (gw)
        rtnl_route_nh_set_gateway(nh, gw);
    rtnl_route_add_nexthop(route, nh); /* the route owns nh now */
    nl_addr_put(dst);
    nl_addr_put(gw);
    return route;
}

static int
check_route(const DtRoute *r, const char *verb, DtIoError *err)
{
    char text[160];
    int f = r->dst.addr.family;
    if ((f != AF_INET && f != AF_INET6) || r->dst.prefix_len > dt_inet_max_prefix(f) ||
        (r->gateway.family != 0 && r->gateway.family != f) ||
        (r->ifindex <= 0 && r->gateway.family == 0))
        return dt_io_fail(err, EINVAL, "%s route %s (needs a device or a gateway)", verb,
                          dt_route_to_string(r, text, sizeof text));
    return 0;
}

int
dt_netconf_route_add(DtNetconf *nc, const DtRoute *r, DtIoError *err)
{
    char text[160];
    struct rtnl_route *route;
    int rc = check_route(r, "adding", err);

    if (rc < 0)
        return rc;
    route = build_route(r);
    if (!route)
        return dt_io_fail(err, ENOMEM, "building route");
    /* NLM_F_EXCL: never replace a route someone else made. */
    rc = rtnl_route_add(nc->sk, route, NLM_F_EXCL);
    rtnl_route_put(route);
    if (rc < 0) {
        DtRoute shown = *r;
        shown.protocol = DT_RTPROT;
        return dt_io_fail(err, take_errno(nc, rc), "adding route %s",
                          dt_route_to_string(&shown, text, sizeof text));
    }
    return 0;
}

int
dt_netconf_route_del(DtNetconf *nc, const DtRoute *r, DtIoError *err)
{
    char text[160];
    struct rtnl_route *route;
    int rc = check_route(r, "removing", err);

    if (rc < 0)
        return rc;
    route = build_route(r);
    if (!route)
        return dt_io_fail(err, ENOMEM, "building route");
    rc = rtnl_route_delete(nc->sk, route, 0);
    rtnl_route_put(route);
    if (rc < 0)
        return dt_io_fail(err, take_errno(nc, rc), "removing route %s",
                          dt_route_to_string(r, text, sizeof text));
    return 0;
}

static void
fill_route(struct rtnl_route *route, DtRoute *out)
{
    struct rtnl_nexthop *nh;
    memset(out, 0, sizeof *out);
    from_nl_addr(rtnl_route_get_dst(route), &out->dst.addr, &out->dst.prefix_len);
    if (out->dst.addr.family == 0)
        out->dst.addr.family = rtnl_route_get_family(route);
    out->metric = rtnl_route_get_priority(route);
    out->table = rtnl_route_get_table(route);
    out->protocol = rtnl_route_get_protocol(route);
    out->type = rtnl_route_get_type(route);
    nh = rtnl_route_get_nnexthops(route) > 0 ? rtnl_route_nexthop_n(route, 0) : NULL;
    if (nh) {
        out->ifindex = rtnl_route_nh_get_ifindex(nh);
        from_nl_addr(rtnl_route_nh_get_gateway(nh), &out->gateway, NULL);
    }
}

int
dt_netconf_route_get(DtNetconf *nc, const DtInetAddr *dst, DtRoute *out, DtIoError *err)
{
    char text[DT_INET_STRLEN];
    struct rtnl_route *route = NULL;
    struct nl_addr *na;
    int rc;

    dt_inet_to_string(dst, text);
    if (dst->family != AF_INET && dst->family != AF_INET6)
        return dt_io_fail(err, EAFNOSUPPORT, "looking up the route to %s", text);
    na = make_nl_addr(dst, dt_inet_max_prefix(dst->family));
    if (!na)
        return dt_io_fail(err, ENOMEM, "looking up the route to %s", text);
    rc = rtnl_route_lookup(nc->sk, na, &route);
    nl_addr_put(na);
    if (rc < 0)
        return dt_io_fail(err, take_errno(nc, rc), "looking up the route to %s", text);
    fill_route(route, out);
    rtnl_route_put(route);
    out->dst.addr = *dst;
    out->dst.prefix_len = dt_inet_max_prefix(dst->family);
    return 0;
}

int
dt_netconf_add_server_route(DtNetconf *nc, const DtInetAddr *server, int avoid_ifindex,
                            DtRoute *added, DtIoError *err)
{
    char text[DT_INET_STRLEN];
    DtRoute found, host;
    int rc = dt_netconf_route_get(nc, server, &found, err);

    if (rc < 0)
        return rc;
    dt_inet_to_string(server, text);
    if (found.type == RTN_LOCAL)
        return dt_io_fail(err, ELOOP, "pinning the route to VPN server %s (it is this machine)",
                          text);
    if (found.type != RTN_UNICAST || found.ifindex <= 0)
        return dt_io_fail(err, EHOSTUNREACH,
                          "pinning the route to VPN server %s (no route reaches it, type %u)", text,
                          found.type);
    if (avoid_ifindex > 0 && found.ifindex == avoid_ifindex)
        return dt_io_fail(err, ELOOP,
                          "pinning the route to VPN server %s (it would go through the tunnel "
                          "itself)",
                          text);
    memset(&host, 0, sizeof host);
    host.dst = found.dst; /* the server's address as a host prefix */
    host.gateway = found.gateway;
    host.ifindex = found.ifindex;
    host.table = RT_TABLE_MAIN;
    rc = dt_netconf_route_add(nc, &host, err);
    if (rc < 0)
        return rc;
    if (added) {
        *added = host;
        added->protocol = DT_RTPROT;
    }
    return 0;
}

int
dt_netconf_add_default_routes(DtNetconf *nc, int family, int ifindex, DtDefaultMode mode,
                              uint32_t metric, DtIoError *err)
{
    DtRoute r;
    int rc;

    if (family != AF_INET && family != AF_INET6)
        return dt_io_fail(err, EAFNOSUPPORT, "adding default routes (family %d)", family);
    memset(&r, 0, sizeof r);
    r.dst.addr.family = family;
    r.ifindex = ifindex;
    r.table = RT_TABLE_MAIN;
    if (mode == DT_DEFAULT_METRIC) {
        r.metric = metric;
        return dt_netconf_route_add(nc, &r, err);
    }
    /* 0.0.0.0/1 + 128.0.0.0/1, or ::/1 + 8000::/1. */
    r.dst.prefix_len = 1;
    rc = dt_netconf_route_add(nc, &r, err);
    if (rc < 0)
        return rc;
    r.dst.addr.bytes[0] = 0x80;
    rc = dt_netconf_route_add(nc, &r, err);
    if (rc < 0) {
        r.dst.addr.bytes[0] = 0;
        (void)dt_netconf_route_del(nc, &r, NULL); /* all or nothing */
    }
    return rc;
}

typedef struct {
    DtNetconf *nc;
    DtRoute *routes;
    size_t max;
    size_t count;
    bool remove;
    int first_errno;
    char first_route[160];
} TaggedWalk;

static void
visit_tagged_cb(struct nl_object *obj, void *arg)
{
    TaggedWalk *walk = arg;
    struct rtnl_route *route = (struct rtnl_route *)obj;
    DtRoute r;

    if (rtnl_route_get_protocol(route) != DT_RTPROT)
        return;
    fill_route(route, &r);
    if (walk->remove) {
        int rc = rtnl_route_delete(walk->nc->sk, route, 0);
        if (rc < 0) {
            int e = take_errno(walk->nc, rc);
            /* Gone already (its device went away meanwhile): that is the goal anyway. */
            if (e == ESRCH || e == ENOENT || e == ENODEV)
                return;
            if (!walk->first_errno) {
                walk->first_errno = e;
                dt_route_to_string(&r, walk->first_route, sizeof walk->first_route);
            }
            return;
        }
    }
    if (walk->count < walk->max)
        walk->routes[walk->count] = r;
    walk->count++;
}

static int
walk_tagged(DtNetconf *nc, TaggedWalk *walk, DtIoError *err)
{
    struct nl_cache *cache = NULL;
    /* AF_UNSPEC dumps every family; a route dump covers every table. */
    int rc = rtnl_route_alloc_cache(nc->sk, AF_UNSPEC, 0, &cache);

    if (rc < 0)
        return dt_io_fail(err, take_errno(nc, rc), "listing routes");
    nl_cache_foreach(cache, visit_tagged_cb, walk);
    nl_cache_free(cache);
    if (walk->first_errno)
        return dt_io_fail(err, walk->first_errno, "removing leftover route %s", walk->first_route);
    return 0;
}

int
dt_netconf_list_tagged(DtNetconf *nc, DtRoute *routes, size_t max, size_t *count, DtIoError *err)
{
    TaggedWalk walk = {.nc = nc, .routes = routes, .max = routes ? max : 0};
    int rc = walk_tagged(nc, &walk, err);
    *count = walk.count;
    return rc;
}

int
dt_netconf_remove_tagged(DtNetconf *nc, size_t *removed, DtIoError *err)
{
    TaggedWalk walk = {.nc = nc, .remove = true};
    int rc = walk_tagged(nc, &walk, err);
    if (removed)
        *removed = walk.count;
    return rc;
}
