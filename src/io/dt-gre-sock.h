/* dt-gre-sock.h — the raw IPPROTO_GRE socket that carries PPTP's data channel.
 *
 * PPTP data travels as enhanced GRE (RFC 2637 §4.1), IP protocol 47, straight over IP, so the
 * link needs a raw socket: root or CAP_NET_RAW opens it (the helper), the worker then only reads
 * and writes. The socket is bound to the local address and connected to the peer, so the kernel
 * drops GRE from anyone else before it reaches us. The payload handed in and out starts at the
 * GRE header: on IPv4 the kernel prepends the IP header on receive and it is stripped here; on
 * IPv6 raw sockets never see it. The GRE header itself is the engine's business.
 */
#ifndef DT_GRE_SOCK_H
#define DT_GRE_SOCK_H

#include "dt-inet.h"
#include "dt-io-batch.h"
#include "dt-io-error.h"

#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define DT_GRE_SOCK_BUFFER_DEFAULT (4u << 20) /* 4 MiB each way: a burst of ~2800 packets */

typedef struct {
    uint64_t rx_packets;
    uint64_t rx_batches;
    uint64_t rx_bad_header;  /* IPv4 header that does not add up: dropped */
    uint64_t rx_truncated;   /* larger than the slot: dropped */
    uint64_t rx_icmp_errors; /* ICMP errors the kernel reported on the socket */
    uint64_t tx_packets;
    uint64_t tx_batches;
    uint64_t tx_dropped; /* refused by the kernel (too big, unreachable): dropped, not retried */
} DtGreSockStats;

typedef struct {
    int fd;
    int family;
    DtInetAddr local;
    DtInetAddr peer;
    uint32_t rcvbuf; /* effective sizes as the kernel reports them (it doubles the request) */
    uint32_t sndbuf;
    DtGreSockStats stats;
    /* Scratch for one recvmmsg/sendmmsg call: part of the struct, so no per-call allocation. */
    struct mmsghdr msgs[DT_IO_BATCH_MAX];
    struct iovec iov[DT_IO_BATCH_MAX];
} DtGreSock;

/* Opens a nonblocking raw GRE socket of peer's family, bound to local (family 0: let the route
 * choose) and connected to peer. buffer_bytes (0: DT_GRE_SOCK_BUFFER_DEFAULT) sizes SO_RCVBUF and
 * SO_SNDBUF; the FORCE variants are tried first so that root is not capped by
 * net.core.rmem_max/wmem_max. Needs CAP_NET_RAW. */
int dt_gre_sock_init(DtGreSock *sock, const DtInetAddr *local, const DtInetAddr *peer,
                     uint32_t buffer_bytes, DtIoError *err);
void dt_gre_sock_clear(DtGreSock *sock);

/* Receives up to n packets (n <= DT_IO_BATCH_MAX) in one recvmmsg: each lands in slots[i] at its
 * current off, with cap - off bytes of room; on return slots[0..count) hold GRE packets
 * (off/len moved past any IPv4 header). Malformed or truncated packets are dropped and counted;
 * to keep the good ones first their slots are swapped to the end, so the slot set is the same
 * but its order may change. Returns the count (0: nothing waiting) or -errno. */
int dt_gre_sock_recv_batch(DtGreSock *sock, DtIoSlot *slots, unsigned n, DtIoError *err);

/* Sends slots[0..n) (n <= DT_IO_BATCH_MAX), each a GRE packet, with as few sendmmsg calls as the
 * kernel allows. Returns how many were consumed (sent, or dropped and counted as tx_dropped when
 * the kernel refuses that one packet); fewer than n means the socket buffer is full: wait for
 * EPOLLOUT and send the rest. -errno only for a broken socket. */
int dt_gre_sock_send_batch(DtGreSock *sock, const DtIoSlot *slots, unsigned n, DtIoError *err);

#endif /* DT_GRE_SOCK_H */
