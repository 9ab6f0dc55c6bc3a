/* dt-tun.c — non-persistent TUN devices. */
#include "dt-tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define DT_TUN_PATH "/dev/net/tun"

static int
attach(const char *name, unsigned flags, int *fd_out, char *name_out, DtIoError *err)
{
    struct ifreq ifr;
    int fd = open(DT_TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    int saved;

    if (fd < 0)
        return dt_io_fail(err, errno, "opening %s", DT_TUN_PATH);
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (flags & DT_TUN_VNET_HDR)
        ifr.ifr_flags |= IFF_VNET_HDR;
    if (flags & DT_TUN_MULTI_QUEUE)
        ifr.ifr_flags |= IFF_MULTI_QUEUE;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        saved = errno;
        close(fd);
        return dt_io_fail(err, saved, "creating TUN device %s (needs CAP_NET_ADMIN)", name);
    }
    /* TUNSETIFF attaches to an existing device of that name too; a persistent one would outlive
     * us, which breaks the promise that a dead link leaves nothing behind. */
    memset(&ifr, 0, sizeof ifr);
    if (ioctl(fd, TUNGETIFF, &ifr) == 0 && (ifr.ifr_flags & IFF_PERSIST) &&
        !(flags & DT_TUN_MULTI_QUEUE)) {
        close(fd);
        return dt_io_fail(err, EEXIST,
                          "creating TUN device %s (a persistent device of that name "
                          "exists)",
                          name);
    }
    snprintf(name_out, IFNAMSIZ, "%s", ifr.ifr_name);
    *fd_out = fd;
    return 0;
}

int
dt_tun_init(DtTun *tun, const DtTunConfig *config, DtNetconf *nc, DtIoError *err)
{
    const char *name = config->name ? config->name : "dt%d";
    DtNetconf *own = NULL;
    DtLinkSettings link;
    int rc;

    memset(tun, 0, sizeof *tun);
    tun->fd = -1;
    if (strlen(name) >= IFNAMSIZ)
        return dt_io_fail(err, ENAMETOOLONG, "creating TUN device %s", name);
    rc = attach(name, config->flags, &tun->fd, tun->name, err);
    if (rc < 0)
        return rc;
    tun->flags = config->flags & (DT_TUN_VNET_HDR | DT_TUN_MULTI_QUEUE);
    if (tun->flags & DT_TUN_VNET_HDR) {
        /* The mergeable-buffers layout (12 bytes) keeps the IP header 4-byte aligned after it
         * and is what the GSO work will use. */
        int len = (int)sizeof(struct virtio_net_hdr_mrg_rxbuf);
        if (ioctl(tun->fd, TUNSETVNETHDRSZ, &len) < 0) {
            int saved = errno;
            dt_tun_clear(tun);
            return dt_io_fail(err, saved, "setting the virtio-net header size on %s", tun->name);
        }
        tun->vnet_hdr_len = (uint32_t)len;
    }
    tun->ifindex = (int)if_nametoindex(tun->name);
    if (tun->ifindex == 0) {
        int saved = errno;
        dt_tun_clear(tun);
        return dt_io_fail(err, saved, "looking up the index of %s", tun->name);
    }
    if (!nc) {
        rc = dt_netconf_new(&own, err);
        if (rc < 0) {
            dt_tun_clear(tun);
            return rc;
        }
        nc = own;
    }
    link.mtu = config->mtu;
    link.txqlen = config->txqlen ? config->txqlen : DT_TUN_TXQLEN_DEFAULT;
    link.up = !config->no_up;
    rc = dt_netconf_link_set(nc, tun->ifindex, &link, err);
    dt_netconf_free(own);
    if (rc < 0) {
        dt_tun_clear(tun);
        return rc;
    }
    return 0;
}

void
dt_tun_clear(DtTun *tun)
{
    if (tun->fd >= 0)
        close(tun->fd);
    tun->fd = -1;
}

int
dt_tun_open_queue(const DtTun *tun, int *fd, DtIoError *err)
{
    char name[IFNAMSIZ];
    int rc;

    if (!(tun->flags & DT_TUN_MULTI_QUEUE))
        return dt_io_fail(err, EINVAL, "opening another queue of %s (not multi-queue)", tun->name);
    rc = attach(tun->name, tun->flags, fd, name, err);
    if (rc < 0)
        return rc;
    if (tun->vnet_hdr_len) {
        int len = (int)tun->vnet_hdr_len;
        if (ioctl(*fd, TUNSETVNETHDRSZ, &len) < 0) {
            int saved = errno;
            close(*fd);
            *fd = -1;
            return dt_io_fail(err, saved, "setting the virtio-net header size on %s", name);
        }
    }
    return 0;
}

int
dt_tun_read_batch(DtTun *tun, DtIoSlot *slots, unsigned n, DtIoError *err)
{
    unsigned got = 0;

    while (got < n) {
        DtIoSlot *s = &slots[got];
        ssize_t r = read(tun->fd, s->buf + s->off, s->cap - s->off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return dt_io_fail(err, errno, "reading from %s", tun->name);
        }
        if (r == 0)
            break;
        s->len = (uint32_t)r;
        got++;
    }
    tun->stats.rx_packets += got;
    return (int)got;
}

int
dt_tun_write_batch(DtTun *tun, const DtIoSlot *slots, unsigned n, DtIoError *err)
{
    unsigned done = 0;

    while (done < n) {
        const DtIoSlot *s = &slots[done];
        ssize_t w = write(tun->fd, s->buf + s->off, s->len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            if (errno == EINVAL || errno == EIO) {
                /* The kernel found the packet malformed (bad version nibble, bad vnet header):
                 * that packet only. */
                tun->stats.tx_dropped++;
                done++;
                continue;
            }
            return dt_io_fail(err, errno, "writing to %s", tun->name);
        }
        tun->stats.tx_packets++;
        done++;
    }
    return (int)done;
}
