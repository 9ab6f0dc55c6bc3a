/* dt-tun.h — the TUN device a link's IP traffic enters and leaves by.
 *
 * Non-persistent (TUNSETPERSIST is never set), so the kernel deletes the interface, with its
 * addresses and routes, when the last fd closes: a worker that crashes or is killed leaves no
 * interface behind. IFF_NO_PI: each read or write is one bare IP packet (the version nibble
 * says which); with DT_TUN_VNET_HDR each is preceded by a struct virtio_net_hdr of
 * vnet_hdr_len bytes, the doorway to GSO/GRO offloads for the performance work.
 */
#ifndef DT_TUN_H
#define DT_TUN_H

#include "dt-io-batch.h"
#include "dt-io-error.h"
#include "dt-netconf.h"

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    DT_TUN_VNET_HDR = 1u << 0,    /* IFF_VNET_HDR: virtio-net header on every packet */
    DT_TUN_MULTI_QUEUE = 1u << 1, /* IFF_MULTI_QUEUE: more queues via dt_tun_open_queue() */
} DtTunFlags;

#define DT_TUN_TXQLEN_DEFAULT 1000 /* the kernel's 500 drops under a burst from a fast sender */

typedef struct {
    const char *name; /* NULL: "dt%d"; a %d is filled by the kernel with the first free number */
    uint32_t mtu;     /* 0: leave the kernel's 1500 */
    uint32_t txqlen;  /* 0: DT_TUN_TXQLEN_DEFAULT */
    unsigned flags;   /* DtTunFlags */
    bool no_up;       /* leave the link down (it is brought up by default) */
} DtTunConfig;

typedef struct {
    uint64_t rx_packets; /* read from the TUN: the host sent them into the tunnel */
    uint64_t tx_packets; /* written to the TUN: the tunnel delivered them to the host */
    uint64_t tx_dropped; /* refused by the kernel (malformed): dropped */
} DtTunStats;

typedef struct {
    int fd; /* nonblocking, close-on-exec */
    int ifindex;
    char name[IFNAMSIZ];
    unsigned flags;        /* DtTunFlags in effect */
    uint32_t vnet_hdr_len; /* 0 without DT_TUN_VNET_HDR */
    DtTunStats stats;
} DtTun;

/* Creates the TUN and configures it through nc (MTU, txqueuelen, up); nc may be NULL, then a
 * netlink socket is opened for the occasion. Refuses to attach to an existing persistent device
 * of that name (it would not vanish with us). Needs CAP_NET_ADMIN. */
int dt_tun_init(DtTun *tun, const DtTunConfig *config, DtNetconf *nc, DtIoError *err);
/* Closes the fd; the interface goes with it unless another queue fd is still open. */
void dt_tun_clear(DtTun *tun);

/* Another queue of a DT_TUN_MULTI_QUEUE device (one per thread); the caller closes *fd. */
int dt_tun_open_queue(const DtTun *tun, int *fd, DtIoError *err);

/* Reads up to n packets, one read() each (TUN has no batch read), into slots[i] at its off.
 * Returns the count (0: nothing waiting) or -errno. */
int dt_tun_read_batch(DtTun *tun, DtIoSlot *slots, unsigned n, DtIoError *err);
/* Writes slots[0..n); returns how many were consumed (a packet the kernel refuses is dropped and
 * counted), fewer than n when the device is busy. -errno for a broken device. */
int dt_tun_write_batch(DtTun *tun, const DtIoSlot *slots, unsigned n, DtIoError *err);

#endif /* DT_TUN_H */
