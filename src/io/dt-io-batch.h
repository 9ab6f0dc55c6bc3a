/* dt-io-batch.h — preallocated packet slots shared by the TUN, the GRE socket and the engine.
 *
 * The data path moves packets in batches so that one system call (recvmmsg, sendmmsg) carries
 * many of them, and it never allocates per packet: a DtIoBatch allocates all of its slots once,
 * in one block, at set-up. Each slot is a window [off, off + len) into a buffer of cap bytes;
 * the space before off is headroom, so an encapsulating layer prepends its header by moving off
 * back (no copy), and a decapsulating layer strips one by moving off forward.
 *
 * Layout budget for one slot (DT_IO_SLOT_SIZE = 2048, DT_IO_HEADROOM = 128):
 *   TUN -> GRE: the IP packet is read at off = DT_IO_HEADROOM; PPTP adds, in front of it,
 *     enhanced GRE 16 (with sequence and acknowledgement, RFC 2637 §4.1), PPP address/control 2,
 *     MPPE protocol 2 + coherency 2 (RFC 3078 §3), inner protocol 2: 24 bytes; a virtio-net
 *     header (12, IFF_VNET_HDR) may sit there too. 128 leaves room and keeps the IP payload
 *     cache-line aligned.
 *   GRE -> TUN: recvmmsg writes at off; on IPv4 the kernel's IP header (20..60) comes first and
 *     dt_gre_sock_recv_batch() strips it by moving off, so the GRE header is at dt_io_slot_data().
 *   A 1500-byte MTU plus every header fits in 2048; GSO-sized slots (64 KiB) are a
 *   dt_io_batch_init() argument away for the IFF_VNET_HDR work.
 */
#ifndef DT_IO_BATCH_H
#define DT_IO_BATCH_H

#include "dt-io-error.h"

#include <stdint.h>

#define DT_IO_BATCH_MAX 64 /* packets per batch: one recvmmsg/sendmmsg call at most */
#define DT_IO_HEADROOM 128
#define DT_IO_SLOT_SIZE 2048

typedef struct {
    uint8_t *buf; /* owned by the DtIoBatch that made it, never by the slot */
    uint32_t cap; /* bytes at buf */
    uint32_t off; /* where the packet starts */
    uint32_t len; /* packet bytes */
} DtIoSlot;

static inline uint8_t *
dt_io_slot_data(const DtIoSlot *slot)
{
    return slot->buf + slot->off;
}

typedef struct {
    DtIoSlot slots[DT_IO_BATCH_MAX];
    unsigned count;    /* slots in use: 1..DT_IO_BATCH_MAX */
    uint32_t headroom; /* off that dt_io_batch_reset() restores */
    uint8_t *storage;  /* one allocation behind every slot */
} DtIoBatch;

/* Allocates count slots of slot_size bytes each (64-byte aligned) and resets them. */
int dt_io_batch_init(DtIoBatch *batch, unsigned count, uint32_t slot_size, uint32_t headroom,
                     DtIoError *err);
void dt_io_batch_clear(DtIoBatch *batch);
/* Every slot back to off = headroom, len = 0, before the next receive into the batch. */
void dt_io_batch_reset(DtIoBatch *batch);

#endif /* DT_IO_BATCH_H */
