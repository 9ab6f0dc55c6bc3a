/* itest-tun-ping.c — a loop through the kernel: ping the TUN's peer, read the echo request from
 * the TUN fd in dt-loop, write the echo reply back into the TUN, and receive it on the socket
 * that pinged. Proves both directions a link's data path uses (TUN read = towards the tunnel,
 * TUN write = delivered to the host) and the loop's fd watches and deadline timer.
 */
#include "dt-inet.h"
#include "dt-io-batch.h"
#include "dt-loop.h"
#include "dt-netconf.h"
#include "dt-tun.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int dtio_itest_tun_ping(int argc, char **argv);

#define PINGS 3
#define PING_ID 0x4454 /* "DT" */

typedef struct {
    DtLoop loop;
    DtTun tun;
    DtIoBatch batch;
    DtLoopWatch tun_watch;
    DtLoopWatch icmp_watch;
    int icmp_fd;
    DtInetAddr local, peer;
    unsigned sent, requests_seen, replies_got, reads, max_read;
    DtTime give_up;
    bool failed;
} PingTest;

static uint16_t
checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0; /* RFC 1071 */
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void
send_ping(PingTest *t)
{
    uint8_t icmp[64];
    struct sockaddr_storage ss;
    socklen_t len = dt_inet_to_sockaddr(&t->peer, &ss);
    uint16_t c;

    memset(icmp, 0, sizeof icmp);
    icmp[0] = 8; /* echo request, RFC 792 */
    icmp[4] = PING_ID >> 8;
    icmp[5] = PING_ID & 0xff;
    icmp[7] = (uint8_t)t->sent;
    memcpy(icmp + 8, "dialtone tun ping", 17);
    c = checksum(icmp, sizeof icmp);
    icmp[2] = (uint8_t)(c >> 8);
    icmp[3] = (uint8_t)c;
    if (sendto(t->icmp_fd, icmp, sizeof icmp, 0, (struct sockaddr *)&ss, len) < 0) {
        fprintf(stderr, "FAIL: ping: %s\n", strerror(errno));
        t->failed = true;
        dt_loop_stop(&t->loop);
        return;
    }
    t->sent++;
}

/* Turns the echo request read from the TUN into the peer's reply, in place. */
static bool
make_reply(PingTest *t, DtIoSlot *s)
{
    uint8_t *p = dt_io_slot_data(s);
    uint32_t ihl;
    uint8_t tmp[4];
    uint16_t c;

    if (s->len < 28 || (p[0] >> 4) != 4 || p[9] != IPPROTO_ICMP)
        return false; /* IPv6 router solicitations and the like: not ours */
    ihl = (uint32_t)(p[0] & 15) * 4;
    if (ihl + 8 > s->len || memcmp(p + 16, t->peer.bytes, 4) != 0 ||
        memcmp(p + 12, t->local.bytes, 4) != 0 || p[ihl] != 8 || p[ihl + 4] != PING_ID >> 8 ||
        p[ihl + 5] != (PING_ID & 0xff))
        return false;
    t->requests_seen++;
    memcpy(tmp, p + 12, 4);
    memcpy(p + 12, p + 16, 4);
    memcpy(p + 16, tmp, 4);
    p[10] = p[11] = 0;
    c = checksum(p, ihl);
    p[10] = (uint8_t)(c >> 8);
    p[11] = (uint8_t)c;
    p[ihl] = 0; /* echo reply */
    p[ihl + 2] = p[ihl + 3] = 0;
    c = checksum(p + ihl, s->len - ihl);
    p[ihl + 2] = (uint8_t)(c >> 8);
    p[ihl + 3] = (uint8_t)c;
    return true;
}

static void
on_tun_readable_cb(DtLoop *loop, DtLoopWatch *watch, uint32_t events, void *user)
{
    PingTest *t = user;
    DtIoError err;
    DtIoSlot replies[DT_IO_BATCH_MAX];
    unsigned n_replies = 0;
    int got;

    dt_io_batch_reset(&t->batch);
    got = dt_tun_read_batch(&t->tun, t->batch.slots, t->batch.count, &err);
    if (got < 0) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        t->failed = true;
        dt_loop_stop(loop);
        return;
    }
    t->reads++;
    if ((unsigned)got > t->max_read)
        t->max_read = (unsigned)got;
    for (int i = 0; i < got; i++) {
        if (make_reply(t, &t->batch.slots[i]))
            replies[n_replies++] = t->batch.slots[i];
    }
    if (n_replies && dt_tun_write_batch(&t->tun, replies, n_replies, &err) != (int)n_replies) {
        fprintf(stderr, "FAIL: writing replies to the TUN: %s\n", err.message);
        t->failed = true;
        dt_loop_stop(loop);
    }
}

static void
on_icmp_readable_cb(DtLoop *loop, DtLoopWatch *watch, uint32_t events, void *user)
{
    PingTest *t = user;
    uint8_t buf[256];
    ssize_t n = recv(t->icmp_fd, buf, sizeof buf, MSG_DONTWAIT);
    uint32_t ihl;

    if (n < 28)
        return;
    ihl = (uint32_t)(buf[0] & 15) * 4;
    if ((size_t)n < ihl + 8 || buf[ihl] != 0 || memcmp(buf + 12, t->peer.bytes, 4) != 0 ||
        buf[ihl + 4] != PING_ID >> 8 || memcmp(buf + ihl + 8, "dialtone tun ping", 17) != 0)
        return;
    t->replies_got++;
    if (t->replies_got == PINGS)
        dt_loop_stop(loop);
}

static void
on_timer_cb(DtLoop *loop, DtTime now, void *user)
{
    PingTest *t = user;
    if (now >= t->give_up) {
        fprintf(stderr, "FAIL: timed out: %u pings sent, %u requests on the TUN, %u replies\n",
                t->sent, t->requests_seen, t->replies_got);
        t->failed = true;
        dt_loop_stop(loop);
        return;
    }
    if (t->sent < PINGS)
        send_ping(t);
    dt_loop_set_deadline(loop, t->sent < PINGS ? now + 50 : t->give_up, on_timer_cb, t, NULL);
}

int
dtio_itest_tun_ping(int argc, char **argv)
{
    DtTunConfig cfg = {.name = "dtp%d", .mtu = 1400};
    DtNetconf *nc;
    DtIoError err;
    PingTest t;

    memset(&t, 0, sizeof t);
    dt_inet_parse("198.18.200.1", &t.local);
    dt_inet_parse("198.18.200.2", &t.peer);
    if (dt_netconf_new(&nc, &err) < 0 || dt_tun_init(&t.tun, &cfg, nc, &err) < 0 ||
        dt_netconf_addr_add(nc, t.tun.ifindex, &t.local, 32, &t.peer, &err) < 0 ||
        dt_loop_init(&t.loop, &err) < 0 ||
        dt_io_batch_init(&t.batch, 16, DT_IO_SLOT_SIZE, DT_IO_HEADROOM, &err) < 0) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        return 1;
    }
    t.icmp_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (t.icmp_fd < 0) {
        fprintf(stderr, "FAIL: raw ICMP socket: %s\n", strerror(errno));
        return 1;
    }
    t.tun_watch =
        (DtLoopWatch){.fd = t.tun.fd, .events = EPOLLIN, .func = on_tun_readable_cb, .user = &t};
    t.icmp_watch =
        (DtLoopWatch){.fd = t.icmp_fd, .events = EPOLLIN, .func = on_icmp_readable_cb, .user = &t};
    t.give_up = dt_io_now() + 5000;
    if (dt_loop_add(&t.loop, &t.tun_watch, &err) < 0 ||
        dt_loop_add(&t.loop, &t.icmp_watch, &err) < 0 ||
        dt_loop_set_deadline(&t.loop, 0, on_timer_cb, &t, &err) < 0 ||
        dt_loop_run(&t.loop, &err) < 0) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        return 1;
    }
    if (t.failed)
        return 1;
    printf("%s: %u pings, %u echo requests read from the TUN in %u reads (largest %u), %u "
           "replies written back and received\n",
           t.tun.name, t.sent, t.requests_seen, t.reads, t.max_read, t.replies_got);
    if (t.requests_seen != PINGS || t.replies_got != PINGS || t.tun.stats.tx_packets != PINGS)
        return 1;
    dt_loop_remove(&t.loop, &t.tun_watch, NULL);
    dt_loop_remove(&t.loop, &t.icmp_watch, NULL);
    close(t.icmp_fd);
    dt_loop_clear(&t.loop);
    dt_io_batch_clear(&t.batch);
    dt_tun_clear(&t.tun);
    dt_netconf_free(nc);
    return 0;
}
