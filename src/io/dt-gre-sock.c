/* dt-gre-sock.c — raw GRE socket with batched receive and send. */
#include "dt-gre-sock.h"

#include <errno.h>
#include <netinet/in.h> /* IPPROTO_GRE: 47, RFC 2784 */
#include <string.h>
#include <unistd.h>

static void
set_buffer(int fd, int force_opt, int opt, uint32_t bytes, uint32_t *effective)
{
    int value = bytes > (uint32_t)(INT32_MAX / 2) ? INT32_MAX / 2 : (int)bytes;
    int got = 0;
    socklen_t len = sizeof got;

    /* FORCE ignores the sysctl cap but needs CAP_NET_ADMIN; without it the plain option still
     * gives as much as the administrator allows. Neither failing is fatal: small buffers only
     * cost throughput. */
    if (setsockopt(fd, SOL_SOCKET, force_opt, &value, sizeof value) < 0)
        (void)setsockopt(fd, SOL_SOCKET, opt, &value, sizeof value);
    if (getsockopt(fd, SOL_SOCKET, opt, &got, &len) == 0 && got > 0)
        *effective = (uint32_t)got;
}

int
dt_gre_sock_init(DtGreSock *sock, const DtInetAddr *local, const DtInetAddr *peer,
                 uint32_t buffer_bytes, DtIoError *err)
{
    char peer_text[DT_INET_STRLEN], local_text[DT_INET_STRLEN];
    struct sockaddr_storage ss;
    socklen_t sslen;
    int saved;

    memset(sock, 0, sizeof *sock);
    sock->fd = -1;
    dt_inet_to_string(peer, peer_text);
    dt_inet_to_string(local, local_text);
    if (peer->family != AF_INET && peer->family != AF_INET6)
        return dt_io_fail(err, EAFNOSUPPORT, "opening a GRE socket to %s", peer_text);
    if (local->family != 0 && local->family != peer->family)
        return dt_io_fail(err, EAFNOSUPPORT,
                          "opening a GRE socket from %s to %s (the families differ)", local_text,
                          peer_text);
    sock->family = peer->family;
    sock->peer = *peer;
    sock->local = *local;

    sock->fd = socket(peer->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_GRE);
    if (sock->fd < 0)
        return dt_io_fail(err, errno, "opening a raw GRE socket (needs CAP_NET_RAW)");

    if (buffer_bytes == 0)
        buffer_bytes = DT_GRE_SOCK_BUFFER_DEFAULT;
    set_buffer(sock->fd, SO_RCVBUFFORCE, SO_RCVBUF, buffer_bytes, &sock->rcvbuf);
    set_buffer(sock->fd, SO_SNDBUFFORCE, SO_SNDBUF, buffer_bytes, &sock->sndbuf);

    if (local->family != 0) {
        sslen = dt_inet_to_sockaddr(local, &ss);
        if (bind(sock->fd, (struct sockaddr *)&ss, sslen) < 0) {
            saved = errno;
            dt_gre_sock_clear(sock);
            return dt_io_fail(err, saved, "binding the GRE socket to %s", local_text);
        }
    }
    /* connect() makes the kernel deliver only the peer's GRE to this socket (raw sockets match
     * on the remote address once it is set) and lets send skip the address. */
    sslen = dt_inet_to_sockaddr(peer, &ss);
    if (connect(sock->fd, (struct sockaddr *)&ss, sslen) < 0) {
        saved = errno;
        dt_gre_sock_clear(sock);
        return dt_io_fail(err, saved, "connecting the GRE socket to %s", peer_text);
    }
    return 0;
}

void
dt_gre_sock_clear(DtGreSock *sock)
{
    if (sock->fd >= 0)
        close(sock->fd);
    sock->fd = -1;
}

static void
swap_slots(DtIoSlot *a, DtIoSlot *b)
{
    DtIoSlot t = *a;
    *a = *b;
    *b = t;
}

/* IPv4 raw sockets hand over the whole datagram (RFC 791 header first); find where GRE starts.
 * The kernel has already checked the header, so a mismatch means a bug or something odd on the
 * wire: drop it rather than guess. Returns the header length, or 0 to drop. */
static uint32_t
ipv4_header_length(const uint8_t *p, uint32_t len)
{
    uint32_t ihl, total;

    if (len < 20 || (p[0] >> 4) != 4)
        return 0;
    ihl = (uint32_t)(p[0] & 0x0f) * 4;
    total = (uint32_t)p[2] << 8 | p[3];
    if (ihl < 20 || ihl > len || total != len || p[9] != IPPROTO_GRE)
        return 0;
    return ihl;
}

static bool
is_icmp_report(int e)
{
    /* A connected raw socket reports ICMP errors for earlier packets on a later call. They say
     * nothing about this call's packets, and the tunnel's own keepalives judge the peer. */
    return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH || e == EHOSTDOWN ||
           e == ENETDOWN || e == EPROTO;
}

int
dt_gre_sock_recv_batch(DtGreSock *sock, DtIoSlot *slots, unsigned n, DtIoError *err)
{
    int got;
    unsigned good = 0;

    if (n > DT_IO_BATCH_MAX)
        n = DT_IO_BATCH_MAX;
    for (unsigned i = 0; i < n; i++) {
        sock->iov[i].iov_base = slots[i].buf + slots[i].off;
        sock->iov[i].iov_len = slots[i].cap - slots[i].off;
        memset(&sock->msgs[i], 0, sizeof sock->msgs[i]);
        sock->msgs[i].msg_hdr.msg_iov = &sock->iov[i];
        sock->msgs[i].msg_hdr.msg_iovlen = 1;
    }
    do {
        got = recvmmsg(sock->fd, sock->msgs, n, MSG_DONTWAIT, NULL);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        if (is_icmp_report(errno)) {
            sock->stats.rx_icmp_errors++;
            return 0;
        }
        return dt_io_fail(err, errno, "receiving GRE packets");
    }
    sock->stats.rx_batches++;
    for (unsigned i = 0; i < (unsigned)got; i++) {
        uint32_t len = sock->msgs[i].msg_len;
        uint32_t strip = 0;

        if (sock->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
            sock->stats.rx_truncated++;
            continue;
        }
        if (sock->family == AF_INET) {
            strip = ipv4_header_length(dt_io_slot_data(&slots[i]), len);
            if (strip == 0) {
                sock->stats.rx_bad_header++;
                continue;
            }
        }
        slots[i].off += strip;
        slots[i].len = len - strip;
        if (good != i)
            swap_slots(&slots[good], &slots[i]);
        good++;
    }
    sock->stats.rx_packets += good;
    return (int)good;
}

int
dt_gre_sock_send_batch(DtGreSock *sock, const DtIoSlot *slots, unsigned n, DtIoError *err)
{
    unsigned done = 0;

    if (n > DT_IO_BATCH_MAX)
        n = DT_IO_BATCH_MAX;
    for (unsigned i = 0; i < n; i++) {
        sock->iov[i].iov_base = slots[i].buf + slots[i].off;
        sock->iov[i].iov_len = slots[i].len;
        memset(&sock->msgs[i], 0, sizeof sock->msgs[i]);
        sock->msgs[i].msg_hdr.msg_iov = &sock->iov[i];
        sock->msgs[i].msg_hdr.msg_iovlen = 1;
    }
    while (done < n) {
        int sent = sendmmsg(sock->fd, sock->msgs + done, n - done, MSG_DONTWAIT);
        if (sent > 0) {
            done += (unsigned)sent;
            sock->stats.tx_packets += (unsigned)sent;
            sock->stats.tx_batches++;
            continue;
        }
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
            break;
        if (sent < 0 && (errno == EMSGSIZE || is_icmp_report(errno))) {
            /* Only this packet is at fault (or an old ICMP report was pending): drop it and go
             * on, as a router would; retrying could spin. */
            sock->stats.tx_dropped++;
            done++;
            continue;
        }
        return dt_io_fail(err, sent < 0 ? errno : EIO, "sending GRE packets");
    }
    return (int)done;
}
