/* dt-netconf.h — addresses, links and routes over rtnetlink (libnl-route-3), for the helper and
 * dialtone-link --standalone.
 *
 * Every route Dialtone adds carries its own route protocol number, DT_RTPROT, so that the
 * helper can find what a crashed run left behind (`ip route show proto 68`) and remove exactly
 * that at start-up: routes through the TUN vanish with the TUN, but the host route to the VPN
 * server sits on the real interface and would otherwise outlive us.
 */
#ifndef DT_NETCONF_H
#define DT_NETCONF_H

#include "dt-inet.h"
#include "dt-io-error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Dialtone's rtnetlink route protocol (rtm_protocol). 68 (0x44, 'D') because it is free
 * everywhere we looked: not in iproute2's /etc/iproute2/rt_protos, not an RTPROT_* value in
 * <linux/rtnetlink.h> (0..18, 42, 99, 186..192), not in the range FRR uses (186..199), bird
 * (12), keepalived (18), babel (42) or openr (99); NetworkManager and systemd-networkd use the
 * standard boot/static/dhcp/ra values. The kernel gives values above RTPROT_STATIC no meaning of
 * its own, so they are free for daemons to claim. A distribution can name it by shipping
 * /etc/iproute2/rt_protos.d/dialtone.conf with the line "68 dialtone". */
#define DT_RTPROT 68

/* How the default route goes into the tunnel.
 *   DT_DEFAULT_SPLIT (the default): two half routes, 0.0.0.0/1 + 128.0.0.0/1 (::/1 + 8000::/1).
 *     They are more specific than any existing default, so they win without touching, replacing
 *     or re-metricking it, and they go away with the TUN, leaving the original default intact
 *     even after a crash. Routes more specific than /1 (the LAN) still win, which is what users
 *     expect. This is OpenVPN's "def1" choice.
 *   DT_DEFAULT_METRIC: one real default route with the given metric (lower wins); for setups that
 *     inspect "the" default route, or want the VPN as a fallback with a higher metric. */
typedef enum {
    DT_DEFAULT_SPLIT,
    DT_DEFAULT_METRIC,
} DtDefaultMode;

typedef struct {
    DtInetPrefix dst;
    DtInetAddr gateway; /* family 0: on-link (point-to-point) */
    int ifindex;        /* output device; 0 only in lookups that found none */
    uint32_t metric;    /* 0: the kernel's default */
    uint32_t table;     /* 0 means main */
    uint8_t protocol;   /* filled by lookups and listings; adds always use DT_RTPROT */
    uint8_t type;       /* RTN_* from lookups (RTN_UNICAST, RTN_LOCAL, ...) */
} DtRoute;

typedef struct {
    uint32_t mtu;    /* 0: leave as is */
    uint32_t txqlen; /* 0: leave as is */
    bool up;
} DtLinkSettings;

typedef struct DtNetconf DtNetconf;

/* One rtnetlink socket; not thread-safe (one user at a time). */
int dt_netconf_new(DtNetconf **out, DtIoError *err);
void dt_netconf_free(DtNetconf *nc);

int dt_netconf_link_index(DtNetconf *nc, const char *name, int *ifindex, DtIoError *err);
int dt_netconf_link_set(DtNetconf *nc, int ifindex, const DtLinkSettings *settings, DtIoError *err);

/* Adds local/prefix_len on ifindex; with a peer (family != 0) it is a point-to-point address
 * ("inet LOCAL peer PEER/32"), the shape PPP links have (RFC 1332 gives both ends). For IPv6
 * the peer becomes a tagged host route PEER/128 on the device instead (libnl sets peers on IPv4
 * only; the kernel then reaches the peer the same way). Deleting undoes both. */
int dt_netconf_addr_add(DtNetconf *nc, int ifindex, const DtInetAddr *local, unsigned prefix_len,
                        const DtInetAddr *peer, DtIoError *err);
int dt_netconf_addr_del(DtNetconf *nc, int ifindex, const DtInetAddr *local, unsigned prefix_len,
                        const DtInetAddr *peer, DtIoError *err);

/* Adds or deletes one route, tagged DT_RTPROT. Adding a route that exists fails with EEXIST:
 * Dialtone never replaces a route it did not make. */
int dt_netconf_route_add(DtNetconf *nc, const DtRoute *route, DtIoError *err);
int dt_netconf_route_del(DtNetconf *nc, const DtRoute *route, DtIoError *err);

/* Asks the kernel which route reaches dst right now (`ip route get`): fills gateway, ifindex,
 * type and protocol; dst becomes the host prefix of the address asked about. */
int dt_netconf_route_get(DtNetconf *nc, const DtInetAddr *dst, DtRoute *out, DtIoError *err);

/* Pins the path to the VPN server before the tunnel's routes take the default: looks up the
 * route that reaches server now and adds server/32 (or /128) via the same gateway and device,
 * tagged. Refuses (EHOSTUNREACH, ELOOP) when the server is unreachable, local, or reached through
 * avoid_ifindex (the tunnel itself). *added (optional) receives the route added. */
int dt_netconf_add_server_route(DtNetconf *nc, const DtInetAddr *server, int avoid_ifindex,
                                DtRoute *added, DtIoError *err);

/* Routes family's default through ifindex the way mode says (see DtDefaultMode). */
int dt_netconf_add_default_routes(DtNetconf *nc, int family, int ifindex, DtDefaultMode mode,
                                  uint32_t metric, DtIoError *err);

/* Every route in every table and family that carries DT_RTPROT. Fills up to max (routes may be
 * NULL with max 0 to count); *count is the total found, which may exceed max. */
int dt_netconf_list_tagged(DtNetconf *nc, DtRoute *routes, size_t max, size_t *count,
                           DtIoError *err);
/* Deletes every route tagged DT_RTPROT (the helper's start-up cleanup), and only those. A route
 * that vanished meanwhile is not an error. *removed (optional) counts the deletions. */
int dt_netconf_remove_tagged(DtNetconf *nc, size_t *removed, DtIoError *err);

/* "10.0.0.0/8 via 192.0.2.1 dev 3 metric 5 table 254 proto 68", for logs and tests. */
const char *dt_route_to_string(const DtRoute *route, char *buf, size_t size);

#endif /* DT_NETCONF_H */
