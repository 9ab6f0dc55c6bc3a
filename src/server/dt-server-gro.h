/* dt-server-gro.h — receive coalescing for the server's TUN writes (userspace GRO).
 *
 * Every IP packet written to a TUN walks the whole receive stack (IP, TCP, a socket wake-up) in
 * the writer's system call: at tunnel rates that is most of the server's CPU. Like the kernel's
 * GRO, consecutive in-order TCP segments of one flow are joined into one large packet and
 * written once, with a virtio-net header (IFF_VNET_HDR) that tells the kernel it is a TSO train
 * of gso_size segments (VIRTIO_NET_HDR_GSO_TCPV4). Each segment's IPv4 and TCP checksums are
 * verified here before it joins: MPPE has no integrity check, the TCP checksum is the only one,
 * and the kernel does not check a train again (CHECKSUM_PARTIAL). Anything else (other
 * protocols, IP options, fragments, SYN/FIN/RST/URG, a gap, a bad checksum) is written as it
 * came, after the train it would have broken.
 *
 * One coalescer per server (not per call, to keep idle calls small); it is flushed at the end
 * of every batch, so it never holds a packet across a wait.
 */
#ifndef DT_SERVER_GRO_H
#define DT_SERVER_GRO_H

#include "dt-tun.h"

#include <stddef.h>
#include <stdint.h>

#define DT_SERVER_GRO_MAX 65535u /* IPv4 total length limit of one train */

typedef struct {
    DtTun *tun;   /* the TUN the train goes to; NULL when empty */
    size_t len;   /* octets of the IP train at buf + vnet header */
    size_t hdr;   /* IP + TCP header octets */
    uint32_t mss; /* payload octets of each segment but the last */
    uint32_t next_seq;
    unsigned segs;
    bool closed; /* a short or PSH segment ended the train */
    uint64_t trains, joined, written_as_is;
    uint8_t buf[16 + DT_SERVER_GRO_MAX];
} DtServerGro;

/* Queues one IP packet for tun (which must have DT_TUN_VNET_HDR); may write the train before. */
void dt_server_gro_add(DtServerGro *g, DtTun *tun, const uint8_t *pkt, size_t len);
/* Writes what waits (at the end of a batch). */
void dt_server_gro_flush(DtServerGro *g);
/* Forgets a train bound for tun (the call is going away). */
void dt_server_gro_forget(DtServerGro *g, const DtTun *tun);

/* For a packet read from a DT_TUN_VNET_HDR TUN: strips the header, finishing a checksum the
 * kernel left partial. False: a packet we cannot send (a GSO train we did not ask for). */
bool dt_server_gro_read_fixup(const DtTun *tun, uint8_t *data, size_t len, size_t *ip_off);

#endif /* DT_SERVER_GRO_H */
