/* dt-link-netcfg.h — the addresses and routes one link adds, remembered so that exactly those
 * are removed when it ends.
 *
 * Routes through the TUN vanish with it, but the host route to the VPN server sits on the real
 * interface and would outlive us: every route added here is recorded (and carries DT_RTPROT, so
 * a crash's leftovers can still be found) and dt_link_netcfg_undo() deletes them newest first.
 */
#ifndef DT_LINK_NETCFG_H
#define DT_LINK_NETCFG_H

#include "dt-inet.h"
#include "dt-io-error.h"
#include "dt-netconf.h"

#include <stdbool.h>
#include <stddef.h>

#define DT_LINK_NETCFG_ROUTES_MAX 128

typedef struct {
    DtNetconf *nc;
    DtRoute added[DT_LINK_NETCFG_ROUTES_MAX];
    size_t n_added;
} DtLinkNetcfg;

/* What the network phase agreed, applied to the TUN. */
typedef struct {
    int ifindex;
    DtInetAddr local;  /* IPCP's address for us */
    DtInetAddr peer;   /* the server's end */
    DtInetAddr local6; /* IPv6CP link-local (family 0: none) */
    unsigned mtu;
    bool default_route;         /* split default (0.0.0.0/1 + 128.0.0.0/1) */
    const DtInetPrefix *routes; /* used when !default_route */
    size_t n_routes;
} DtLinkIpSettings;

int dt_link_netcfg_init(DtLinkNetcfg *n, DtIoError *err);
/* Undoes everything (dt_link_netcfg_undo) and closes the netlink socket. */
void dt_link_netcfg_clear(DtLinkNetcfg *n);

/* Pins server to the path it has now; *route (optional) receives what was added. An existing
 * identical route (another link to the same server) is used as it is, not recorded. */
int dt_link_netcfg_server_route(DtLinkNetcfg *n, const DtInetAddr *server, DtRoute *route,
                                DtIoError *err);
/* One route, recorded (an identical existing one is an error, -EEXIST). */
int dt_link_netcfg_add_route(DtLinkNetcfg *n, const DtRoute *route, DtIoError *err);
/* Address, MTU and routes on the TUN. */
int dt_link_netcfg_apply(DtLinkNetcfg *n, const DtLinkIpSettings *ip, DtIoError *err);
/* Deletes every recorded route, newest first; ones already gone (with the TUN) are not errors.
 * Returns how many were deleted now; *failed (optional) counts those the kernel refused. */
size_t dt_link_netcfg_undo(DtLinkNetcfg *n, size_t *failed);

#endif /* DT_LINK_NETCFG_H */
