/* itest-gre.c — GRE between two network namespaces through dt-gre-sock, in one process.
 *
 * A socket belongs to the namespace it was created in, so this process creates the receiver
 * inside namespace B (setns), the senders inside namespace A, and then moves packets across the
 * veth between them. No synchronisation between processes is needed, and every packet is
 * checked byte for byte on arrival.
 */
#include "dt-gre-sock.h"
#include "dt-io-batch.h"
#include "dt-loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int dtio_itest_gre(int argc, char **argv);

#define PACKETS 200
#define STRANGER_PACKETS 5
#define GRE_HEADER 16

static int
enter_netns(const char *name)
{
    char path[256];
    int fd, rc;
    snprintf(path, sizeof path, "/run/netns/%s", name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "FAIL: opening %s: %s\n", path, strerror(errno));
        return -1;
    }
    rc = setns(fd, CLONE_NEWNET);
    close(fd);
    if (rc < 0)
        fprintf(stderr, "FAIL: entering %s: %s\n", name, strerror(errno));
    return rc;
}

static uint32_t
packet_length(uint32_t seq)
{
    return GRE_HEADER + (seq * 37u) % 1400u; /* 16..1415: covers tiny and MTU-sized payloads */
}

/* An enhanced GRE header as PPTP sends it (RFC 2637 §4.1: K and S set, version 1, protocol
 * 0x880B), then a payload whose every byte depends on seq and its position. */
static void
fill_packet(DtIoSlot *slot, uint32_t seq, uint16_t call_id)
{
    uint8_t *p = dt_io_slot_data(slot);
    uint32_t len = packet_length(seq);
    uint32_t payload = len - GRE_HEADER;
    p[0] = 0x30;
    p[1] = 0x81;
    p[2] = 0x88;
    p[3] = 0x0b;
    p[4] = (uint8_t)(payload >> 8);
    p[5] = (uint8_t)payload;
    p[6] = (uint8_t)(call_id >> 8);
    p[7] = (uint8_t)call_id;
    for (int i = 0; i < 4; i++) {
        p[8 + i] = (uint8_t)(seq >> (24 - 8 * i));
        p[12 + i] = 0;
    }
    for (uint32_t i = GRE_HEADER; i < len; i++)
        p[i] = (uint8_t)(seq * 7u + i);
    slot->len = len;
}

static int
send_all(DtGreSock *sock, DtIoBatch *batch, uint32_t first, uint32_t count, uint16_t call_id)
{
    DtIoError err;
    uint32_t seq = first;

    while (seq < first + count) {
        unsigned n = first + count - seq < 32 ? first + count - seq : 32;
        dt_io_batch_reset(batch);
        for (unsigned i = 0; i < n; i++)
            fill_packet(&batch->slots[i], seq + i, call_id);
        unsigned done = 0;
        for (int tries = 0; done < n && tries < 100; tries++) {
            int rc = dt_gre_sock_send_batch(sock, batch->slots + done, n - done, &err);
            if (rc < 0) {
                fprintf(stderr, "FAIL: %s\n", err.message);
                return -1;
            }
            done += (unsigned)rc;
            if (done < n) {
                struct pollfd pfd = {.fd = sock->fd, .events = POLLOUT};
                poll(&pfd, 1, 100);
            }
        }
        if (done < n) {
            fprintf(stderr, "FAIL: the send buffer never drained\n");
            return -1;
        }
        seq += n;
    }
    return 0;
}

static int
check_packet(const DtIoSlot *slot, uint32_t expect_seq, uint32_t expect_off)
{
    const uint8_t *p = dt_io_slot_data(slot);
    uint32_t seq;

    if (slot->len < GRE_HEADER || p[0] != 0x30 || p[1] != 0x81 || p[2] != 0x88 || p[3] != 0x0b) {
        fprintf(stderr, "FAIL: packet %u does not start with the GRE header (IP header left?)\n",
                expect_seq);
        return -1;
    }
    seq = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
    if (seq != expect_seq || slot->len != packet_length(seq)) {
        fprintf(stderr, "FAIL: expected packet %u of %u bytes, got %u of %u bytes\n", expect_seq,
                packet_length(expect_seq), seq, slot->len);
        return -1;
    }
    if (slot->off != expect_off) {
        fprintf(stderr, "FAIL: packet %u starts at %u, expected %u\n", seq, slot->off, expect_off);
        return -1;
    }
    for (uint32_t i = GRE_HEADER; i < slot->len; i++) {
        if (p[i] != (uint8_t)(seq * 7u + i)) {
            fprintf(stderr, "FAIL: packet %u differs at byte %u\n", seq, i);
            return -1;
        }
    }
    return 0;
}

int
dtio_itest_gre(int argc, char **argv)
{
    DtInetAddr a, b, stranger = {0};
    DtGreSock rx, tx, tx_stranger;
    DtIoBatch batch, rxb;
    DtIoError err;
    unsigned max_batch = 0, batches = 0;
    uint32_t next = 0;

    if (argc < 4 || !dt_inet_parse(argv[2], &a) || !dt_inet_parse(argv[3], &b) ||
        (argc > 4 && !dt_inet_parse(argv[4], &stranger)))
        return 2;
    if (dt_io_batch_init(&batch, 32, DT_IO_SLOT_SIZE, DT_IO_HEADROOM, &err) < 0 ||
        dt_io_batch_init(&rxb, DT_IO_BATCH_MAX, DT_IO_SLOT_SIZE, DT_IO_HEADROOM, &err) < 0) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        return 1;
    }

    /* The receiver lives in B, bound to B's address and connected to A. */
    if (enter_netns(argv[1]) < 0)
        return 1;
    if (dt_gre_sock_init(&rx, &b, &a, 0, &err) < 0) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        return 1;
    }
    /* The senders live in A: the peer, and a stranger on another address of A that the
     * connected receiver must never hear. */
    if (enter_netns(argv[0]) < 0)
        return 1;
    if (dt_gre_sock_init(&tx, &a, &b, 0, &err) < 0) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        return 1;
    }
    tx_stranger.fd = -1;
    if (stranger.family && dt_gre_sock_init(&tx_stranger, &stranger, &b, 0, &err) < 0) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        return 1;
    }
    printf("buffers: rx %u bytes, tx %u bytes\n", rx.rcvbuf, tx.sndbuf);
    if (rx.rcvbuf < DT_GRE_SOCK_BUFFER_DEFAULT || tx.sndbuf < DT_GRE_SOCK_BUFFER_DEFAULT) {
        fprintf(stderr, "FAIL: the socket buffers were not enlarged (FORCE as root)\n");
        return 1;
    }

    if (tx_stranger.fd >= 0 &&
        send_all(&tx_stranger, &batch, 0xdead0000u, STRANGER_PACKETS, 0xbad) < 0)
        return 1;
    /* Everything is sent before the first receive, so the receiver finds a full queue and its
     * batches must hold many packets each. */
    if (send_all(&tx, &batch, 0, PACKETS, 0x1234) < 0)
        return 1;

    uint32_t ip_header = a.family == AF_INET ? 20 : 0;
    DtTime give_up = dt_io_now() + 5000;
    while (next < PACKETS && dt_io_now() < give_up) {
        struct pollfd pfd = {.fd = rx.fd, .events = POLLIN};
        if (poll(&pfd, 1, 200) <= 0)
            continue;
        dt_io_batch_reset(&rxb);
        int got = dt_gre_sock_recv_batch(&rx, rxb.slots, rxb.count, &err);
        if (got < 0) {
            fprintf(stderr, "FAIL: %s\n", err.message);
            return 1;
        }
        if (got == 0)
            continue;
        batches++;
        if ((unsigned)got > max_batch)
            max_batch = (unsigned)got;
        for (int i = 0; i < got; i++, next++) {
            if (check_packet(&rxb.slots[i], next, DT_IO_HEADROOM + ip_header) < 0)
                return 1;
        }
    }
    if (next != PACKETS) {
        fprintf(stderr, "FAIL: received %u of %u packets in 5 s\n", next, PACKETS);
        return 1;
    }
    printf("received %u packets in %u batches (largest %u), header stripped: %u bytes\n", next,
           batches, max_batch, ip_header);
    if (max_batch < 2) {
        fprintf(stderr, "FAIL: recvmmsg never returned more than one packet\n");
        return 1;
    }
    if (rx.stats.rx_packets != PACKETS || rx.stats.rx_bad_header || rx.stats.rx_truncated ||
        tx.stats.tx_packets != PACKETS || tx.stats.tx_batches > (PACKETS + 31) / 32 + 2) {
        fprintf(stderr, "FAIL: counters rx %llu bad %llu trunc %llu tx %llu in %llu batches\n",
                (unsigned long long)rx.stats.rx_packets, (unsigned long long)rx.stats.rx_bad_header,
                (unsigned long long)rx.stats.rx_truncated, (unsigned long long)tx.stats.tx_packets,
                (unsigned long long)tx.stats.tx_batches);
        return 1;
    }
    printf("sent %llu packets in %llu sendmmsg calls\n", (unsigned long long)tx.stats.tx_packets,
           (unsigned long long)tx.stats.tx_batches);
    /* Nothing further may be waiting: the stranger's packets were filtered by the kernel. */
    usleep(100000);
    dt_io_batch_reset(&rxb);
    int extra = dt_gre_sock_recv_batch(&rx, rxb.slots, rxb.count, &err);
    if (extra != 0) {
        fprintf(stderr, "FAIL: %d unexpected packets (from the stranger?) arrived\n", extra);
        return 1;
    }
    if (tx_stranger.fd >= 0)
        printf("the stranger's %d packets were not delivered\n", STRANGER_PACKETS);
    dt_gre_sock_clear(&rx);
    dt_gre_sock_clear(&tx);
    if (tx_stranger.fd >= 0)
        dt_gre_sock_clear(&tx_stranger);
    dt_io_batch_clear(&batch);
    dt_io_batch_clear(&rxb);
    return 0;
}
