/* bench-server-load.c — many PPTP clients in one process, for dialtone-server's scale (issue 12).
 *
 * Each simulated client is a real client DtSession (the engine dialtone-link runs): its own TCP
 * control connection to port 1723 from its own source address, SCCRQ, OCRQ, LCP, MS-CHAP v2,
 * CCP (MPPE-128) and IPCP. There is no TUN: IP packets out of a session are counted, and the
 * "traffic" phase sends ICMP echo requests into the sessions (encrypted like any packet) towards
 * the server's tunnel address and counts the replies. GRE of every call shares one raw socket:
 * packets are written with their own IPv4 header (IP_HDRINCL, so each call's source address is
 * its own) and received ones are handed to the session named by the GRE Key, which is the
 * client's Call ID (call i uses Call ID i + 1).
 *
 * One epoll loop and one timer (the earliest deadline of any session). Control from the bench
 * script by signals: SIGUSR1 starts the traffic, SIGUSR2 stops it and prints its counts,
 * SIGTERM/SIGINT hang every call up (LCP Terminate, Call-Clear, StopCCRQ) and exit. Output is
 * key=value lines on stdout; "event=all-up" once every call reached NETWORK_UP.
 *
 * --floor-listen ADDR / --floor-connect ADDR: a bare TCP server and client holding --calls
 * connections and doing nothing else, for the memory floor of one connection.
 */
#include "dt-crypto.h"
#include "dt-loop.h"
#include "dt-session-config.h"
#include "dt-session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define PPTP_PORT 1723
#define IPV4_HEADER 20
#define BUF_HEADROOM 128
#define BUF_SIZE 2048
#define RX_BATCH 64
#define TRAFFIC_TICK_MS 10
#define CLOSE_BOUND_MS 10000

typedef enum {
    CALL_IDLE,
    CALL_CONNECTING, /* TCP connect in progress */
    CALL_SETUP,      /* session started, not yet NETWORK_UP */
    CALL_UP,
    CALL_DOWN,
} CallState;

typedef struct Bench Bench;

typedef struct {
    Bench *bench;
    unsigned index;
    CallState state;
    uint32_t source; /* host order */
    DtSession *session;
    DtLoopWatch watch;
    DtTime deadline;
    DtTime t_start, t_up;
    uint32_t tunnel_local, tunnel_peer; /* IPCP, host order */
    uint16_t ping_seq;
    uint64_t rx_ip, rx_echo_replies, tx_pings;
} Call;

struct Bench {
    const char *server_text;
    uint32_t server; /* host order */
    uint32_t source_base;
    unsigned n_sources; /* call i comes from source_base + i % n_sources */
    unsigned n_calls, parallel, next_to_start, in_setup, n_up, n_down, n_failed;
    unsigned setup_timeout_ms;
    double ping_rate; /* packets per second, all calls together */
    const char *user, *password;
    DtCrypto *crypto;
    DtLoop loop;
    int gre_fd, sig_fd;
    DtLoopWatch w_gre, w_sig;
    Call *calls;
    DtTime t_first, t_last_up, t_begin;
    bool all_up_reported, closing, traffic;
    DtTime close_bound, traffic_start, next_tick;
    double ping_credit;
    unsigned ping_cursor;
    uint64_t gre_rx, gre_tx, gre_tx_errors, gre_unknown;
    uint64_t traffic_tx0, traffic_rx0;
    uint8_t rx_bufs[RX_BATCH][BUF_SIZE];
    uint8_t tx_buf[BUF_HEADROOM + BUF_SIZE];
};

static void start_more(Bench *b, DtTime now);
static void timer_cb(DtLoop *loop, DtTime now, void *user);
static void begin_close(Bench *b, DtTime now);

static uint16_t
ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An IPv4 header for len octets of payload of protocol proto, at p. */
static void
write_ipv4_header(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, size_t payload)
{
    memset(p, 0, IPV4_HEADER);
    p[0] = 0x45;
    put16(p + 2, (uint16_t)(IPV4_HEADER + payload));
    p[8] = 64;
    p[9] = proto;
    put32(p + 12, src);
    put32(p + 16, dst);
    put16(p + 10, ip_checksum(p, IPV4_HEADER));
}

static void
send_gre(Bench *b, Call *call, uint8_t *gre, size_t len)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(b->server)};
    uint8_t *ip = gre - IPV4_HEADER;
    write_ipv4_header(ip, call->source, b->server, IPPROTO_GRE, len);
    if (sendto(b->gre_fd, ip, len + IPV4_HEADER, 0, (struct sockaddr *)&to, sizeof to) < 0)
        b->gre_tx_errors++;
    else
        b->gre_tx++;
}

static void
call_count_ip(Call *call, const uint8_t *pkt, size_t len)
{
    call->rx_ip++;
    /* ICMP echo reply (type 0) from the server's end of the tunnel. */
    if (len >= 28 && (pkt[0] >> 4) == 4 && pkt[9] == IPPROTO_ICMP && pkt[20] == 0)
        call->rx_echo_replies++;
}

static void
rearm(Bench *b)
{
    DtTime next = DT_TIME_NEVER;
    for (unsigned i = 0; i < b->next_to_start; i++)
        if (b->calls[i].session && b->calls[i].state != CALL_DOWN)
            next = dt_time_min(next, b->calls[i].deadline);
    if (b->traffic)
        next = dt_time_min(next, b->next_tick);
    if (b->closing)
        next = dt_time_min(next, b->close_bound);
    if (!b->all_up_reported)
        next = dt_time_min(next, b->t_begin + b->setup_timeout_ms);
    if (next != b->loop.deadline)
        dt_loop_set_deadline(&b->loop, next, timer_cb, b, NULL);
}

static void
call_finish(Call *call, bool failed)
{
    Bench *b = call->bench;
    if (call->state == CALL_CONNECTING || call->state == CALL_SETUP) {
        b->in_setup--;
        failed = true;
    }
    if (call->state == CALL_UP)
        b->n_up--;
    if (call->watch.fd >= 0) {
        dt_loop_remove(&b->loop, &call->watch, NULL);
        close(call->watch.fd);
        call->watch.fd = -1;
    }
    call->state = CALL_DOWN;
    b->n_down++;
    if (failed)
        b->n_failed++;
    if (b->closing && b->n_down == b->next_to_start)
        dt_loop_stop(&b->loop); /* every call hung up */
}

/* The pull discipline of dt-session.h after every input into the call's session. */
static void
call_pump(Call *call, DtTime now)
{
    Bench *b = call->bench;
    DtSessionEvent ev;
    uint8_t *pkt;
    size_t len;
    const uint8_t *out;

    while (dt_session_poll_tun(call->session, &pkt, &len))
        call_count_ip(call, pkt, len);
    while ((len = dt_session_poll_gre(call->session, b->tx_buf + BUF_HEADROOM, BUF_SIZE)) > 0)
        send_gre(b, call, b->tx_buf + BUF_HEADROOM, len);
    while (call->watch.fd >= 0 && (out = dt_session_control_peek(call->session, &len)) && len) {
        ssize_t n = send(call->watch.fd, out, len, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        dt_session_control_consume(call->session, (size_t)n);
    }
    if (call->watch.fd >= 0) {
        uint32_t want =
            EPOLLIN | (dt_session_control_peek(call->session, &len) && len ? EPOLLOUT : 0);
        if (want != call->watch.events)
            dt_loop_modify(&b->loop, &call->watch, want, NULL);
    }
    while (dt_session_poll_event(call->session, &ev)) {
        if (ev.type == DT_SESSION_EVENT_NEGOTIATED) {
            call->tunnel_local = ev.u.summary.local_ip;
            call->tunnel_peer = ev.u.summary.peer_ip;
        } else if (ev.type == DT_SESSION_EVENT_STAGE &&
                   ev.u.stage.to == DT_SESSION_STAGE_NETWORK_UP && call->state == CALL_SETUP) {
            call->state = CALL_UP;
            call->t_up = now;
            b->t_last_up = now;
            b->in_setup--;
            b->n_up++;
        } else if (ev.type == DT_SESSION_EVENT_DOWN) {
            bool failed = !b->closing || call->state != CALL_UP;
            if (failed && b->n_failed < 5)
                printf("event=call-down call=%u reason=%s message=\"%s\"\n", call->index,
                       dt_reason_to_string(ev.u.down.reason), ev.u.down.message);
            call_finish(call, failed);
        }
    }
    call->deadline =
        call->state == CALL_DOWN ? DT_TIME_NEVER : dt_session_next_deadline(call->session);
    if (call->deadline < b->loop.deadline)
        dt_loop_set_deadline(&b->loop, call->deadline, timer_cb, b, NULL);
}

static void
call_fd_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Call *call = user;
    Bench *b = call->bench;
    DtTime now = dt_io_now();
    uint8_t in[4096];
    (void)loop;
    (void)w;

    if (call->state == CALL_CONNECTING) {
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(call->watch.fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
            if (b->n_failed < 5)
                printf("event=connect-failed call=%u error=\"%s\"\n", call->index,
                       strerror(soerr ? soerr : errno));
            call_finish(call, true);
            start_more(b, now);
            return;
        }
        call->state = CALL_SETUP;
        if (!b->t_first)
            b->t_first = now;
        call->t_start = now;
        dt_session_start(call->session, now); /* SCCRQ */
        call_pump(call, now);
        return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        ssize_t n = recv(call->watch.fd, in, sizeof in, 0);
        if (n > 0) {
            size_t off = 0;
            while (off < (size_t)n) {
                size_t took =
                    dt_session_control_input(call->session, in + off, (size_t)n - off, now);
                off += took;
                call_pump(call, now);
                if (took == 0 || call->state == CALL_DOWN)
                    break;
            }
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            dt_loop_remove(&b->loop, &call->watch, NULL);
            close(call->watch.fd);
            call->watch.fd = -1;
            dt_session_control_eof(call->session, now);
        }
    }
    if (call->state != CALL_DOWN)
        call_pump(call, now);
    start_more(b, now);
}

static bool
call_open(Bench *b, Call *call)
{
    struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(call->source)};
    struct sockaddr_in dst = {
        .sin_family = AF_INET, .sin_port = htons(PPTP_PORT), .sin_addr.s_addr = htonl(b->server)};
    DtPolicy policy = {.auth = {"mschapv2"},
                       .n_auth = 1,
                       .encryption = DT_POLICY_ENCRYPTION_REQUIRE_128,
                       .strengths = DT_POLICY_STRENGTH_128};
    DtSessionConfig cfg;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        printf("event=error call=%u error=\"socket: %s\"\n", call->index, strerror(errno));
        return false;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0 ||
        (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0 && errno != EINPROGRESS)) {
        printf("event=error call=%u error=\"connect: %s\"\n", call->index, strerror(errno));
        close(fd);
        return false;
    }
    /* What dialtone-link would run for a profile with these settings; the client sends no LCP
     * echo of its own, so the idle figures are the server's keepalive alone. */
    dt_session_config_from_policy(&cfg, DT_SESSION_CLIENT, &policy, b->crypto);
    cfg.pptp.host_name = "bench-server-load";
    cfg.pptp.call_id_base = (uint16_t)(call->index + 1); /* the GRE Key we receive */
    cfg.pptp.echo_interval_ms = 3600u * 1000u;
    cfg.ppp.user = b->user;
    cfg.ppp.password = b->password;
    cfg.path_mtu = 1500;
    call->session = dt_session_new(&cfg);
    if (!call->session) {
        printf("event=error call=%u error=\"cannot create the session\"\n", call->index);
        close(fd);
        return false;
    }
    call->watch = (DtLoopWatch){.fd = fd, .events = EPOLLOUT, .func = call_fd_cb, .user = call};
    if (dt_loop_add(&b->loop, &call->watch, NULL) < 0) {
        close(fd);
        call->watch.fd = -1;
        return false;
    }
    call->deadline = DT_TIME_NEVER;
    call->state = CALL_CONNECTING;
    b->in_setup++;
    return true;
}

/* Keeps up to --parallel calls in set-up at once. */
static void
start_more(Bench *b, DtTime now)
{
    while (!b->closing && b->next_to_start < b->n_calls && b->in_setup < b->parallel) {
        Call *call = &b->calls[b->next_to_start++];
        if (!call_open(b, call))
            call_finish(call, true);
    }
    if (!b->all_up_reported && b->next_to_start == b->n_calls && b->in_setup == 0) {
        double secs = b->t_first && b->t_last_up > b->t_first
                          ? (double)(b->t_last_up - b->t_first) / 1000.0
                          : 0.0;
        DtTime *lat = calloc(b->n_calls ? b->n_calls : 1, sizeof *lat);
        unsigned n = 0;
        struct rusage ru;
        for (unsigned i = 0; lat && i < b->n_calls; i++)
            if (b->calls[i].t_up)
                lat[n++] = b->calls[i].t_up - b->calls[i].t_start;
        for (unsigned i = 1; lat && i < n; i++) /* insertion sort: n ≤ a few thousand */
            for (unsigned j = i; j > 0 && lat[j - 1] > lat[j]; j--) {
                DtTime t = lat[j];
                lat[j] = lat[j - 1];
                lat[j - 1] = t;
            }
        getrusage(RUSAGE_SELF, &ru);
        b->all_up_reported = true;
        printf("event=all-up calls=%u up=%u failed=%u setup_seconds=%.3f setups_per_second=%.1f "
               "latency_ms_median=%llu latency_ms_p99=%llu latency_ms_max=%llu "
               "generator_cpu_seconds=%.2f wall_seconds=%.2f\n",
               b->n_calls, b->n_up, b->n_failed, secs, secs > 0 ? b->n_up / secs : 0.0,
               n ? (unsigned long long)lat[n / 2] : 0ULL,
               n ? (unsigned long long)lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] : 0ULL,
               n ? (unsigned long long)lat[n - 1] : 0ULL,
               (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
               (double)(now - b->t_begin) / 1000.0);
        fflush(stdout);
        free(lat);
    }
}

static void
send_ping(Bench *b, Call *call, DtTime now)
{
    uint8_t *ip = b->tx_buf + BUF_HEADROOM, *gre;
    size_t gre_len, icmp_len = 8 + 56;
    write_ipv4_header(ip, call->tunnel_local, call->tunnel_peer, IPPROTO_ICMP, icmp_len);
    uint8_t *icmp = ip + IPV4_HEADER;
    memset(icmp, 0, icmp_len);
    icmp[0] = 8; /* echo request */
    put16(icmp + 4, (uint16_t)call->index);
    put16(icmp + 6, call->ping_seq++);
    memset(icmp + 8, 0xa5, icmp_len - 8);
    put16(icmp + 2, ip_checksum(icmp, icmp_len));
    if (dt_session_tun_input(call->session, ip, IPV4_HEADER + icmp_len, BUF_HEADROOM, now, &gre,
                             &gre_len)) {
        send_gre(b, call, gre, gre_len);
        call->tx_pings++;
    }
    call_pump(call, now);
}

static void
traffic_tick(Bench *b, DtTime now)
{
    unsigned guard = 0;
    b->ping_credit += b->ping_rate * TRAFFIC_TICK_MS / 1000.0;
    while (b->ping_credit >= 1.0 && b->n_up > 0 && guard++ < b->n_calls) {
        Call *call = &b->calls[b->ping_cursor];
        b->ping_cursor = (b->ping_cursor + 1) % b->n_calls;
        if (call->state != CALL_UP)
            continue;
        send_ping(b, call, now);
        b->ping_credit -= 1.0;
    }
    b->next_tick = now + TRAFFIC_TICK_MS;
}

static void
timer_cb(DtLoop *loop, DtTime now, void *user)
{
    Bench *b = user;
    if (b->closing && now >= b->close_bound) {
        printf("event=close-bound calls_not_down=%u\n", b->next_to_start - b->n_down);
        dt_loop_stop(loop);
        return;
    }
    if (!b->all_up_reported && !b->closing && now >= b->t_begin + b->setup_timeout_ms) {
        printf("event=setup-timeout started=%u up=%u in_setup=%u failed=%u\n", b->next_to_start,
               b->n_up, b->in_setup, b->n_failed);
        begin_close(b, now);
    }
    for (unsigned i = 0; i < b->next_to_start; i++) {
        Call *call = &b->calls[i];
        if (call->state == CALL_CONNECTING && b->t_begin + b->setup_timeout_ms <= now) {
            call_finish(call, true);
            continue;
        }
        if (call->session && call->state != CALL_DOWN && call->deadline <= now) {
            dt_session_handle_timeout(call->session, now);
            call_pump(call, now);
        }
    }
    if (b->traffic && b->next_tick <= now)
        traffic_tick(b, now);
    start_more(b, now);
    if (b->closing && b->n_down == b->next_to_start) {
        dt_loop_stop(loop);
        return;
    }
    rearm(b);
}

static void
gre_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Bench *b = user;
    struct mmsghdr msgs[RX_BATCH];
    struct iovec iov[RX_BATCH];
    DtTime now = dt_io_now();
    (void)loop;
    (void)w;
    (void)events;

    for (int i = 0; i < RX_BATCH; i++) {
        iov[i] = (struct iovec){.iov_base = b->rx_bufs[i], .iov_len = BUF_SIZE};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    int n = recvmmsg(b->gre_fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
    for (int i = 0; i < n; i++) {
        uint8_t *p = b->rx_bufs[i];
        size_t len = msgs[i].msg_len, ihl;
        uint16_t id;
        if (len < IPV4_HEADER || (p[0] >> 4) != 4 || (ihl = (size_t)(p[0] & 15) * 4) > len ||
            p[9] != IPPROTO_GRE || get32(p + 12) != b->server)
            continue;
        b->gre_rx++;
        if (!dt_gre_peek_call_id(p + ihl, len - ihl, &id) || id == 0 || id > b->next_to_start) {
            b->gre_unknown++;
            continue;
        }
        Call *call = &b->calls[id - 1];
        if (!call->session || call->state == CALL_DOWN || get32(p + 16) != call->source) {
            b->gre_unknown++;
            continue;
        }
        /* The server writes OCRP before its first LCP packet, but both may wait in one epoll
         * batch with the GRE socket first: the OCRP is read first, or the session drops the
         * LCP Configure-Request of a call it has no reply for and LCP waits a restart timer
         * (3 s), which would be the generator's delay, not the server's. */
        if (call->watch.fd >= 0 && dt_session_stage(call->session) < DT_SESSION_STAGE_CALL_UP)
            call_fd_cb(&b->loop, &call->watch, EPOLLIN, call);
        if (call->state == CALL_DOWN)
            continue;
        dt_session_gre_input(call->session, p + ihl, len - ihl, now);
        call_pump(call, now);
    }
    start_more(b, now);
}

static void
print_traffic(Bench *b, DtTime now)
{
    uint64_t tx = 0, rx = 0;
    for (unsigned i = 0; i < b->next_to_start; i++) {
        tx += b->calls[i].tx_pings;
        rx += b->calls[i].rx_echo_replies;
    }
    printf("event=traffic-off seconds=%.2f pings_sent=%llu replies=%llu gre_tx=%llu gre_rx=%llu "
           "gre_tx_errors=%llu gre_unknown=%llu\n",
           (double)(now - b->traffic_start) / 1000.0, (unsigned long long)(tx - b->traffic_tx0),
           (unsigned long long)(rx - b->traffic_rx0), (unsigned long long)b->gre_tx,
           (unsigned long long)b->gre_rx, (unsigned long long)b->gre_tx_errors,
           (unsigned long long)b->gre_unknown);
    b->traffic_tx0 = tx;
    b->traffic_rx0 = rx;
}

static void
begin_close(Bench *b, DtTime now)
{
    b->closing = true;
    b->traffic = false;
    b->close_bound = now + CLOSE_BOUND_MS;
    for (unsigned i = 0; i < b->next_to_start; i++) {
        Call *call = &b->calls[i];
        if (call->state == CALL_CONNECTING) {
            call_finish(call, true);
        } else if (call->session && call->state != CALL_DOWN) {
            dt_session_close(call->session, DT_REASON_LOCAL_REQUEST, now);
            call_pump(call, now);
        }
    }
}

static void
sig_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Bench *b = user;
    struct signalfd_siginfo si;
    DtTime now = dt_io_now();
    (void)w;
    (void)events;
    while (read(b->sig_fd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGUSR1 && !b->closing && !b->traffic) {
            b->traffic = true;
            b->traffic_start = now;
            b->next_tick = now;
            b->ping_credit = 0;
            printf("event=traffic-on rate=%.0f\n", b->ping_rate);
        } else if (si.ssi_signo == SIGUSR2 && b->traffic) {
            b->traffic = false;
            print_traffic(b, now);
        } else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            if (b->closing) {
                dt_loop_stop(loop);
                return;
            }
            begin_close(b, now);
        }
        fflush(stdout);
    }
    if (b->closing && b->n_down == b->next_to_start) {
        dt_loop_stop(loop);
        return;
    }
    rearm(b);
}

static int
open_gre(Bench *b)
{
    int one = 1, size = 8 << 20;
    b->gre_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_GRE);
    if (b->gre_fd < 0)
        return -errno;
    if (setsockopt(b->gre_fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) < 0)
        return -errno;
    if (setsockopt(b->gre_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
        setsockopt(b->gre_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (setsockopt(b->gre_fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
        setsockopt(b->gre_fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    return 0;
}

static int
parse_ipv4(const char *text, uint32_t *out)
{
    struct in_addr a;
    if (inet_pton(AF_INET, text, &a) != 1)
        return -1;
    *out = ntohl(a.s_addr);
    return 0;
}

static int
run_load(Bench *b)
{
    DtIoError err;
    sigset_t set;
    int rc;

    if (dt_crypto_new(&b->crypto) != DT_CRYPTO_OK) {
        fprintf(stderr, "bench-server-load: cannot load the crypto\n");
        return 1;
    }
    if ((rc = open_gre(b)) < 0) {
        fprintf(stderr, "bench-server-load: raw GRE socket: %s\n", strerror(-rc));
        return 1;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    b->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (b->sig_fd < 0 || dt_loop_init(&b->loop, &err) < 0) {
        fprintf(stderr, "bench-server-load: cannot set up the loop\n");
        return 1;
    }
    b->w_gre = (DtLoopWatch){.fd = b->gre_fd, .events = EPOLLIN, .func = gre_cb, .user = b};
    b->w_sig = (DtLoopWatch){.fd = b->sig_fd, .events = EPOLLIN, .func = sig_cb, .user = b};
    if (dt_loop_add(&b->loop, &b->w_gre, &err) < 0 || dt_loop_add(&b->loop, &b->w_sig, &err) < 0)
        return 1;
    b->calls = calloc(b->n_calls, sizeof *b->calls);
    if (!b->calls)
        return 1;
    for (unsigned i = 0; i < b->n_calls; i++) {
        b->calls[i] = (Call){.bench = b, .index = i, .source = b->source_base + i % b->n_sources};
        b->calls[i].watch.fd = -1;
        b->calls[i].deadline = DT_TIME_NEVER;
    }
    b->t_begin = dt_io_now();
    dt_loop_set_deadline(&b->loop, b->t_begin + b->setup_timeout_ms, timer_cb, b, NULL);
    printf("event=start calls=%u parallel=%u server=%s\n", b->n_calls, b->parallel, b->server_text);
    fflush(stdout);
    start_more(b, b->t_begin);
    rc = dt_loop_run(&b->loop, &err);
    printf("event=stopped calls=%u down=%u failed=%u\n", b->n_calls, b->n_down, b->n_failed);
    for (unsigned i = 0; i < b->n_calls; i++) {
        if (b->calls[i].watch.fd >= 0)
            close(b->calls[i].watch.fd);
        dt_session_free(b->calls[i].session);
    }
    free(b->calls);
    dt_loop_clear(&b->loop);
    close(b->sig_fd);
    close(b->gre_fd);
    dt_crypto_free(b->crypto);
    return rc < 0 || !b->all_up_reported || b->n_failed ? 1 : 0;
}

/* ---- the floor: bare TCP connections held open, nothing else ---- */

static int
wait_for_signal(void)
{
    sigset_t set;
    int sig;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    return sigwait(&set, &sig);
}

static int
run_floor_listen(uint32_t addr, unsigned n)
{
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons(PPTP_PORT), .sin_addr.s_addr = htonl(addr)};
    int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unsigned got = 0;
    if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1024) < 0) {
        fprintf(stderr, "bench-server-load: listen: %s\n", strerror(errno));
        return 1;
    }
    printf("event=floor-listen\n");
    fflush(stdout);
    while (got < n) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "bench-server-load: accept: %s\n", strerror(errno));
            return 1;
        }
        got++;
    }
    printf("event=floor-accepted connections=%u\n", got);
    fflush(stdout);
    return wait_for_signal();
}

static int
run_floor_connect(uint32_t server, uint32_t source_base, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(source_base + i)};
        struct sockaddr_in dst = {
            .sin_family = AF_INET, .sin_port = htons(PPTP_PORT), .sin_addr.s_addr = htonl(server)};
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof src) < 0 ||
            connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) {
            fprintf(stderr, "bench-server-load: connect %u: %s\n", i, strerror(errno));
            return 1;
        }
    }
    printf("event=floor-connected connections=%u\n", n);
    fflush(stdout);
    return wait_for_signal();
}

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: bench-server-load --server ADDR --source ADDR --calls N [OPTION...]\n"
            "       bench-server-load --floor-listen ADDR --calls N\n"
            "       bench-server-load --floor-connect ADDR --source ADDR --calls N\n"
            "\n"
            "  --server ADDR       dialtone-server's IPv4 address (port 1723)\n"
            "  --source ADDR       the first client source address; call i uses ADDR + i\n"
            "  --calls N           how many clients, one call each\n"
            "  --parallel P        calls in set-up at once (default 100)\n"
            "  --user U            (default bench); the password is read from stdin's first line\n"
            "  --ping-rate R       echo requests per second over all calls in the traffic phase\n"
            "                      (default: one per call per second)\n"
            "  --setup-timeout S   seconds for every call to come up (default 120)\n"
            "  --sources K         K source addresses shared round robin, as clients behind\n"
            "                      NATs (default: one per call)\n"
            "\n"
            "SIGUSR1 starts the traffic, SIGUSR2 stops it, SIGTERM hangs up and exits.\n"
            "Needs root (a raw GRE socket). Exit status 0 when every call came up.\n");
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        {"server", required_argument, NULL, 's'},
        {"source", required_argument, NULL, 'a'},
        {"calls", required_argument, NULL, 'n'},
        {"parallel", required_argument, NULL, 'p'},
        {"user", required_argument, NULL, 'u'},
        {"ping-rate", required_argument, NULL, 'r'},
        {"setup-timeout", required_argument, NULL, 't'},
        {"sources", required_argument, NULL, 'S'},
        {"floor-listen", required_argument, NULL, 'L'},
        {"floor-connect", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static Bench b; /* large: the receive buffers */
    static char password[256];
    const char *floor_listen = NULL, *floor_connect = NULL;
    int opt;

    b.parallel = 100;
    b.user = "bench";
    b.setup_timeout_ms = 120000;
    b.ping_rate = -1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 's':
            b.server_text = optarg;
            if (parse_ipv4(optarg, &b.server) < 0)
                goto bad;
            break;
        case 'a':
            if (parse_ipv4(optarg, &b.source_base) < 0)
                goto bad;
            break;
        case 'n':
            b.n_calls = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'p':
            b.parallel = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'u':
            b.user = optarg;
            break;
        case 'r':
            b.ping_rate = strtod(optarg, NULL);
            break;
        case 't':
            b.setup_timeout_ms = (unsigned)strtoul(optarg, NULL, 10) * 1000u;
            break;
        case 'S':
            b.n_sources = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'L':
            floor_listen = optarg;
            break;
        case 'C':
            floor_connect = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            goto bad;
        }
    }
    if (optind != argc || b.n_calls == 0 || b.n_calls > 60000 || b.parallel == 0)
        goto bad;
    if (floor_listen) {
        uint32_t a;
        if (parse_ipv4(floor_listen, &a) < 0)
            goto bad;
        return run_floor_listen(a, b.n_calls);
    }
    if (!b.source_base)
        goto bad;
    if (floor_connect) {
        uint32_t a;
        if (parse_ipv4(floor_connect, &a) < 0)
            goto bad;
        return run_floor_connect(a, b.source_base, b.n_calls);
    }
    if (!b.server)
        goto bad;
    if (!fgets(password, sizeof password, stdin)) {
        fprintf(stderr, "bench-server-load: no password on stdin\n");
        return 2;
    }
    password[strcspn(password, "\r\n")] = '\0';
    b.password = password;
    if (b.n_sources == 0 || b.n_sources > b.n_calls)
        b.n_sources = b.n_calls;
    if (b.ping_rate < 0)
        b.ping_rate = b.n_calls;
    setvbuf(stdout, NULL, _IOLBF, 0);
    return run_load(&b);

bad:
    usage(stderr);
    return 2;
}
