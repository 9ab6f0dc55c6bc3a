/* dt-preflight.c — the pre-flight check: DNS, TCP 1723, SCCRQ/SCCRP, OCRQ/OCRP, GRE both ways,
 * then a clean Call-Clear-Request and Stop-Control-Connection-Request. The protocol is the
 * engine's (DtPptpCtrl in the PNS role, the GRE codec); this file is only the I/O around it: one
 * poll() loop with a deadline per step. */
#include "dt-preflight.h"

#include "dt-gre-sock.h"
#include "dt-gre.h"
#include "dt-io-batch.h"
#include "dt-loop.h"
#include "dt-tcp.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define PROBE_IN_LEN 2048
#define GRE_RX_SLOTS 8

/* Our one GRE packet: an LCP Configure-Request without options (RFC 1661 §5.1), with the HDLC
 * address and control octets PPTP keeps until ACFC is negotiated (RFC 2637 §4). A server
 * answers it, and a stateful firewall or NAT in front of the server sees GRE from our side
 * first, as it would for a real link. */
static const uint8_t lcp_configure_request[] = {0xFF, 0x03, 0xC0, 0x21, 0x01, 0x01, 0x00, 0x04};

typedef struct {
    DtTcp tcp;
    DtPptpCtrl *ctrl;
    bool tcp_done; /* end of stream or a broken socket: nothing more to read or write */
    uint8_t in[PROBE_IN_LEN];
    size_t in_off, in_len; /* read from TCP, not yet taken by the control connection */
    bool have_gre;
    DtGreSock gre;
    DtIoBatch rx;
    DtPreflightResult *r;
} Probe;

typedef enum {
    WAIT_EVENT,
    WAIT_GRE,
    WAIT_TIMEOUT,
} WaitResult;

static void __attribute__((format(printf, 3, 4)))
set_step(DtPreflightResult *r, DtPreflightStepId id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->steps[id].detail, sizeof r->steps[id].detail, fmt, ap);
    va_end(ap);
}

static void
pass(DtPreflightResult *r, DtPreflightStepId id)
{
    r->steps[id].status = DT_PREFLIGHT_OK;
}

static void
fail(DtPreflightResult *r, DtPreflightStepId id)
{
    r->steps[id].status = DT_PREFLIGHT_FAILED;
}

static void
mark_tcp_done(Probe *p, DtTime now)
{
    if (p->tcp_done)
        return;
    p->tcp_done = true;
    dt_pptp_ctrl_input_eof(p->ctrl, now);
}

/* Hands what the control connection wants to send to the socket's queue. */
static void
flush_ctrl(Probe *p, DtTime now)
{
    const uint8_t *data;
    size_t n;
    bool broken = false;
    while ((data = dt_pptp_ctrl_peek_transmit(p->ctrl, &n)) != NULL && n > 0) {
        if (!p->tcp_done && !broken && dt_tcp_send(&p->tcp, data, n, NULL) < 0)
            broken = true;
        dt_pptp_ctrl_consume_transmit(p->ctrl, n);
    }
    if (broken)
        mark_tcp_done(p, now);
}

static void
feed_ctrl(Probe *p, DtTime now)
{
    while (p->in_off < p->in_len) {
        size_t k = dt_pptp_ctrl_input(p->ctrl, p->in + p->in_off, p->in_len - p->in_off, now);
        if (k == 0)
            break;
        p->in_off += k;
    }
    if (p->in_off == p->in_len)
        p->in_off = p->in_len = 0;
}

static const char *
lcp_code_name(uint8_t code)
{
    static const char *const names[] = {
        NULL,
        "Configure-Request",
        "Configure-Ack",
        "Configure-Nak",
        "Configure-Reject",
        "Terminate-Request",
        "Terminate-Ack",
        "Code-Reject",
        "Protocol-Reject",
        "Echo-Request",
        "Echo-Reply",
        "Discard-Request",
    };
    return code < sizeof names / sizeof names[0] && names[code] ? names[code] : "packet";
}

/* A few words for what a GRE packet carried, for the report. */
static void
describe_gre(const DtGrePacket *pkt, char *buf, size_t cap)
{
    const uint8_t *d = pkt->payload;
    size_t len = pkt->payload_len;
    if (d == NULL || len == 0) {
        snprintf(buf, cap, "an acknowledgement");
        return;
    }
    if (len >= 2 && d[0] == 0xFF && d[1] == 0x03) { /* address and control (RFC 1662 §3.1) */
        d += 2;
        len -= 2;
    }
    if (len < 2) {
        snprintf(buf, cap, "a PPP frame");
        return;
    }
    unsigned proto = (unsigned)d[0] << 8 | d[1];
    if (proto == 0xC021 && len >= 3)
        snprintf(buf, cap, "LCP %s", lcp_code_name(d[2]));
    else
        snprintf(buf, cap, "PPP protocol 0x%04x", proto);
}

static void
read_gre(Probe *p)
{
    dt_io_batch_reset(&p->rx);
    int n = dt_gre_sock_recv_batch(&p->gre, p->rx.slots, p->rx.count, NULL);
    for (int i = 0; i < n; i++) {
        DtGrePacket pkt;
        const DtIoSlot *slot = &p->rx.slots[i];
        /* Counted from the moment the call is placed: the server's LCP may beat its OCRP here. */
        if (p->r->call_id == 0 ||
            dt_gre_decode(dt_io_slot_data(slot), slot->len, p->r->call_id, &pkt) != DT_GRE_OK)
            continue;
        if (p->r->gre_packets++ == 0)
            describe_gre(&pkt, p->r->gre_first, sizeof p->r->gre_first);
    }
    p->r->gre_icmp_errors = p->gre.stats.rx_icmp_errors;
}

/* One round of I/O: writes what is queued, waits for input until deadline (or the control
 * connection's own deadline), reads it, feeds it in. False once deadline has passed. */
static bool
pump(Probe *p, DtTime deadline)
{
    DtTime now = dt_io_now();
    if (p->in_off < p->in_len) { /* the engine wanted its events pulled first */
        size_t before = p->in_off;
        feed_ctrl(p, now);
        flush_ctrl(p, now);
        /* A closed connection takes nothing more: what it left is dropped, not retried. */
        if (p->in_off == before && dt_pptp_ctrl_state(p->ctrl) == DT_PPTP_CTRL_CLOSED)
            p->in_off = p->in_len = 0;
        return now < deadline;
    }
    flush_ctrl(p, now);
    if (now >= deadline)
        return false;
    DtTime until = dt_time_min(deadline, dt_pptp_ctrl_next_deadline(p->ctrl));
    struct pollfd fds[2];
    nfds_t n = 0;
    int tcp_i = -1, gre_i = -1;
    if (!p->tcp_done) {
        fds[n] = (struct pollfd){
            .fd = p->tcp.fd, .events = (short)(POLLIN | (dt_tcp_pending(&p->tcp) ? POLLOUT : 0))};
        tcp_i = (int)n++;
    }
    if (p->have_gre) {
        fds[n] = (struct pollfd){.fd = p->gre.fd, .events = POLLIN};
        gre_i = (int)n++;
    }
    int ms = until > now ? (int)(until - now < 60000 ? until - now : 60000) : 0;
    int rc = poll(fds, n, ms);
    now = dt_io_now();
    if (rc > 0 && tcp_i >= 0) {
        short ev = fds[tcp_i].revents;
        if ((ev & POLLOUT) && dt_tcp_flush(&p->tcp, NULL) < 0)
            mark_tcp_done(p, now);
        if (!p->tcp_done && (ev & (POLLIN | POLLHUP | POLLERR))) {
            long got = dt_tcp_read(&p->tcp, p->in, sizeof p->in, NULL);
            if (got > 0) {
                p->in_off = 0;
                p->in_len = (size_t)got;
                feed_ctrl(p, now);
            } else if (got != -EAGAIN) {
                mark_tcp_done(p, now);
            }
        }
    }
    if (rc > 0 && gre_i >= 0 && (fds[gre_i].revents & (POLLIN | POLLERR)))
        read_gre(p);
    if (now >= dt_pptp_ctrl_next_deadline(p->ctrl))
        dt_pptp_ctrl_handle_timeout(p->ctrl, now);
    flush_ctrl(p, now);
    return true;
}

#define WANT(t) (1u << (t))

/* Pulls the control connection's events until one in want arrives (CLOSED always counts), GRE
 * from the server arrives (when until_gre), or the deadline passes. */
static WaitResult
wait_for(Probe *p, DtTime deadline, unsigned want, bool until_gre, DtPptpEvent *ev)
{
    want |= WANT(DT_PPTP_EVENT_CLOSED);
    for (;;) {
        while (dt_pptp_ctrl_poll_event(p->ctrl, ev))
            if (want & WANT(ev->type))
                return WAIT_EVENT;
        if (until_gre && p->r->gre_packets > 0)
            return WAIT_GRE;
        if (!pump(p, deadline))
            return WAIT_TIMEOUT;
    }
}

static void
caps_words(uint32_t caps, const char *a, const char *b, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s%s", caps & 1 ? a : "", (caps & 3) == 3 ? "+" : "", caps & 2 ? b : "",
             (caps & 3) == 0 ? "none" : "");
}

/* getaddrinfo() takes as long as the resolver's own timeouts and attempts say, often tens of
 * seconds for a DNS server that does not answer; the check's timeout must bound it too. So the
 * lookup runs in a thread, and one that outlives the wait is left to finish on its own and free
 * the job (the last of the two to let go frees it). */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
    bool abandoned;
    int rc;
    DtInetAddr addrs[DT_PREFLIGHT_ADDR_MAX];
    DtIoError err;
    char host[]; /* flexible: the name being looked up */
} ResolveJob;

static void
free_job(ResolveJob *j)
{
    pthread_cond_destroy(&j->cond);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

static void *
resolve_thread(void *arg)
{
    ResolveJob *j = arg;
    DtInetAddr addrs[DT_PREFLIGHT_ADDR_MAX];
    DtIoError err = {0};
    int rc = dt_tcp_resolve(j->host, addrs, DT_PREFLIGHT_ADDR_MAX, &err);
    pthread_mutex_lock(&j->lock);
    bool abandoned = j->abandoned;
    j->rc = rc;
    j->err = err;
    memcpy(j->addrs, addrs, sizeof addrs);
    j->done = true;
    pthread_cond_signal(&j->cond);
    pthread_mutex_unlock(&j->lock);
    if (abandoned)
        free_job(j);
    return NULL;
}

/* dt_tcp_resolve() bounded by timeout_ms: -ETIMEDOUT when it did not return in time. */
static int
resolve_bounded(const char *host, uint32_t timeout_ms, DtInetAddr *addrs, DtIoError *err)
{
    size_t len = strlen(host) + 1;
    ResolveJob *j = calloc(1, sizeof *j + len);
    pthread_condattr_t attr;
    pthread_attr_t tattr;
    pthread_t tid;
    if (!j)
        return dt_tcp_resolve(host, addrs, DT_PREFLIGHT_ADDR_MAX, err);
    memcpy(j->host, host, len);
    pthread_mutex_init(&j->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&j->cond, &attr);
    pthread_condattr_destroy(&attr);
    pthread_attr_init(&tattr);
    pthread_attr_setdetachstate(&tattr, PTHREAD_CREATE_DETACHED);
    int started = pthread_create(&tid, &tattr, resolve_thread, j);
    pthread_attr_destroy(&tattr);
    if (started != 0) {
        free_job(j);
        return dt_tcp_resolve(host, addrs, DT_PREFLIGHT_ADDR_MAX, err);
    }
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&j->lock);
    while (!j->done && pthread_cond_timedwait(&j->cond, &j->lock, &until) != ETIMEDOUT)
        ;
    if (!j->done) {
        j->abandoned = true;
        pthread_mutex_unlock(&j->lock);
        return dt_io_fail(err, ETIMEDOUT, "resolving %s", host);
    }
    pthread_mutex_unlock(&j->lock);
    int rc = j->rc;
    *err = j->err;
    memcpy(addrs, j->addrs, sizeof j->addrs);
    free_job(j);
    return rc;
}

static bool
step_resolve(const char *host, uint32_t timeout_ms, DtPreflightResult *r)
{
    DtIoError err = {0};
    DtInetAddr literal;
    int n = resolve_bounded(host, timeout_ms, r->addrs, &err);
    if (n < 0) {
        fail(r, DT_PREFLIGHT_STEP_DNS);
        if (n == -ETIMEDOUT)
            set_step(r, DT_PREFLIGHT_STEP_DNS,
                     "“%s” does not resolve: the DNS server gave no answer within %u s", host,
                     (timeout_ms + 999) / 1000);
        else if (n == -ENXIO)
            set_step(r, DT_PREFLIGHT_STEP_DNS, "“%s” does not resolve: no such name", host);
        else if (n == -EAGAIN)
            set_step(r, DT_PREFLIGHT_STEP_DNS, "“%s” does not resolve: no DNS server answered",
                     host);
        else
            set_step(r, DT_PREFLIGHT_STEP_DNS, "%s", err.message);
        return false;
    }
    r->addr_count = (unsigned)n;
    char list[DT_PREFLIGHT_DETAIL_LEN] = "";
    for (int i = 0; i < n; i++) {
        char a[DT_INET_STRLEN];
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                 dt_inet_to_string(&r->addrs[i], a));
    }
    pass(r, DT_PREFLIGHT_STEP_DNS);
    if (dt_inet_parse(host, &literal))
        set_step(r, DT_PREFLIGHT_STEP_DNS, "%s is an address: nothing to look up", list);
    else
        set_step(r, DT_PREFLIGHT_STEP_DNS, "%s → %s", host, list);
    return true;
}

static bool
step_connect(Probe *p, const char *host, uint16_t port, uint32_t timeout_ms)
{
    DtPreflightResult *r = p->r;
    char a[DT_INET_STRLEN], l[DT_INET_STRLEN];
    DtIoError err = {0};
    for (unsigned i = 0; i < r->addr_count; i++) {
        int rc = dt_tcp_connect(&p->tcp, &r->addrs[i], port, host, timeout_ms, -1, &err);
        if (rc == 0) {
            r->connected = true;
            r->local = p->tcp.local;
            r->peer = p->tcp.peer;
            pass(r, DT_PREFLIGHT_STEP_TCP);
            set_step(r, DT_PREFLIGHT_STEP_TCP, "connected to %s port %u from %s",
                     dt_inet_to_string(&r->peer, a), port, dt_inet_to_string(&r->local, l));
            return true;
        }
        /* Refused only when every address refused: one that timed out is a blocked path. */
        if (r->tcp_error == 0 || r->tcp_error == ECONNREFUSED)
            r->tcp_error = -rc;
    }
    fail(r, DT_PREFLIGHT_STEP_TCP);
    if (r->tcp_error == ETIMEDOUT)
        set_step(r, DT_PREFLIGHT_STEP_TCP, "no answer from %s port %u within %u s%s",
                 r->addr_count == 1 ? dt_inet_to_string(&r->addrs[0], a) : host, port,
                 (timeout_ms + 999) / 1000, r->addr_count > 1 ? " (any of its addresses)" : "");
    else
        set_step(r, DT_PREFLIGHT_STEP_TCP, "%s", err.message);
    return false;
}

static bool
step_control(Probe *p, DtTime deadline)
{
    DtPreflightResult *r = p->r;
    DtPptpEvent ev;
    dt_pptp_ctrl_start(p->ctrl, dt_io_now());
    WaitResult w = wait_for(p, deadline, WANT(DT_PPTP_EVENT_CONTROL_UP), false, &ev);
    const DtPptpPeerInfo *peer = dt_pptp_ctrl_peer(p->ctrl);
    if (peer->valid) {
        r->have_server = true;
        r->server = *peer;
        r->sccrp_result =
            w == WAIT_EVENT && ev.type == DT_PPTP_EVENT_CLOSED ? ev.result : DT_PPTP_SCCRP_OK;
        r->sccrp_error = w == WAIT_EVENT && ev.type == DT_PPTP_EVENT_CLOSED ? ev.error : 0;
    }
    if (w == WAIT_EVENT && ev.type == DT_PPTP_EVENT_CONTROL_UP) {
        char res[96], framing[32], bearer[32];
        dt_pptp_describe_result(DT_PPTP_SCCRP, r->sccrp_result, 0, 0, res, sizeof res);
        caps_words(peer->framing_caps, "async", "sync", framing, sizeof framing);
        caps_words(peer->bearer_caps, "analog", "digital", bearer, sizeof bearer);
        pass(r, DT_PREFLIGHT_STEP_CONTROL);
        set_step(r, DT_PREFLIGHT_STEP_CONTROL,
                 "Start-Control-Connection-Reply: %s (result %u); protocol %u.%02u, vendor “%s”, "
                 "host name “%s”, firmware %u; framing %s, bearer %s, %u channels",
                 res, r->sccrp_result, peer->version >> 8, peer->version & 0xFF, peer->vendor,
                 peer->host_name, peer->firmware, framing, bearer, peer->max_channels);
        return true;
    }
    fail(r, DT_PREFLIGHT_STEP_CONTROL);
    if (w == WAIT_TIMEOUT)
        set_step(r, DT_PREFLIGHT_STEP_CONTROL,
                 "no Start-Control-Connection-Reply: the server kept TCP 1723 open but did not "
                 "answer in time (is it a PPTP server?)");
    else if (r->have_server)
        set_step(r, DT_PREFLIGHT_STEP_CONTROL, "%s (vendor “%s”, host name “%s”)", ev.message,
                 r->server.vendor, r->server.host_name);
    else
        set_step(r, DT_PREFLIGHT_STEP_CONTROL, "%s", ev.message);
    return false;
}

/* Opens the raw GRE socket before the call is placed: the server's first LCP
 * Configure-Request follows its Outgoing-Call-Reply at once, and would be missed otherwise. */
static void
open_gre(Probe *p)
{
    DtPreflightResult *r = p->r;
    DtIoError err;
    int rc = dt_gre_sock_init(&p->gre, &r->local, &r->peer, 256 * 1024, &err);
    if (rc == -EPERM || rc == -EACCES) {
        r->steps[DT_PREFLIGHT_STEP_GRE].status = DT_PREFLIGHT_SKIPPED;
        set_step(r, DT_PREFLIGHT_STEP_GRE,
                 "not checked: a raw GRE socket needs root (CAP_NET_RAW); run “dialtonectl test” "
                 "as root to check GRE too");
        return;
    }
    if (rc < 0 || dt_io_batch_init(&p->rx, GRE_RX_SLOTS, DT_IO_SLOT_SIZE, 0, &err) < 0) {
        if (rc == 0)
            dt_gre_sock_clear(&p->gre);
        fail(r, DT_PREFLIGHT_STEP_GRE);
        set_step(r, DT_PREFLIGHT_STEP_GRE, "cannot check GRE here: %s", err.message);
        return;
    }
    p->have_gre = true;
}

static bool
step_call(Probe *p, DtTime deadline)
{
    DtPreflightResult *r = p->r;
    DtPptpEvent ev;
    if (!dt_pptp_ctrl_call(p->ctrl, dt_io_now(), &r->call_id)) {
        fail(r, DT_PREFLIGHT_STEP_CALL);
        set_step(r, DT_PREFLIGHT_STEP_CALL, "no call slot (a bug)");
        return false;
    }
    WaitResult w = wait_for(
        p, deadline, WANT(DT_PPTP_EVENT_CALL_UP) | WANT(DT_PPTP_EVENT_CALL_DOWN), false, &ev);
    if (w == WAIT_EVENT && ev.type == DT_PPTP_EVENT_CALL_UP) {
        DtPptpCallInfo info;
        r->call_up = true;
        r->peer_call_id = ev.peer_call_id;
        r->ocrp_result = DT_PPTP_OCRP_CONNECTED;
        if (dt_pptp_ctrl_call_info(p->ctrl, r->call_id, &info))
            r->connect_speed = info.connect_speed;
        pass(r, DT_PREFLIGHT_STEP_CALL);
        set_step(r, DT_PREFLIGHT_STEP_CALL,
                 "Outgoing-Call-Reply: connected (result 1); our call ID %u, the server’s %u, "
                 "%u bit/s",
                 r->call_id, r->peer_call_id, r->connect_speed);
        return true;
    }
    fail(r, DT_PREFLIGHT_STEP_CALL);
    if (w == WAIT_TIMEOUT) {
        set_step(r, DT_PREFLIGHT_STEP_CALL, "no Outgoing-Call-Reply in time");
    } else {
        r->ocrp_result = ev.result;
        r->ocrp_error = ev.error;
        r->ocrp_cause = ev.cause;
        set_step(r, DT_PREFLIGHT_STEP_CALL, "%s", ev.message);
    }
    return false;
}

static void
step_gre(Probe *p, DtTime deadline, uint32_t timeout_ms)
{
    DtPreflightResult *r = p->r;
    DtPptpEvent ev;
    uint8_t buf[DT_GRE_HEADER_MAX + sizeof lcp_configure_request];
    size_t h = dt_gre_encode_header(buf, sizeof buf, r->peer_call_id,
                                    (uint16_t)sizeof lcp_configure_request, true, 1, false, 0);
    memcpy(buf + h, lcp_configure_request, sizeof lcp_configure_request);
    DtIoSlot slot = {.buf = buf,
                     .cap = sizeof buf,
                     .off = 0,
                     .len = (uint32_t)(h + sizeof lcp_configure_request)};
    DtIoError err;
    if (dt_gre_sock_send_batch(&p->gre, &slot, 1, &err) < 0 || p->gre.stats.tx_dropped) {
        fail(r, DT_PREFLIGHT_STEP_GRE);
        set_step(r, DT_PREFLIGHT_STEP_GRE, "our GRE packet could not be sent: %s",
                 p->gre.stats.tx_dropped ? "the kernel refused it" : err.message);
        return;
    }
    r->gre_tried = true;
    WaitResult w = wait_for(p, deadline, WANT(DT_PPTP_EVENT_CALL_DOWN), true, &ev);
    if (r->gre_packets > 0) {
        pass(r, DT_PREFLIGHT_STEP_GRE);
        set_step(r, DT_PREFLIGHT_STEP_GRE, "the server’s GRE came back for our call: %s",
                 r->gre_first);
    } else if (w == WAIT_EVENT) {
        r->call_up = ev.type != DT_PPTP_EVENT_CALL_DOWN && ev.type != DT_PPTP_EVENT_CLOSED;
        fail(r, DT_PREFLIGHT_STEP_GRE);
        set_step(r, DT_PREFLIGHT_STEP_GRE, "no GRE came back before the call ended: %s",
                 ev.message);
    } else {
        fail(r, DT_PREFLIGHT_STEP_GRE);
        set_step(r, DT_PREFLIGHT_STEP_GRE,
                 "no GRE from the server for our call within %u s, after one sent%s",
                 (timeout_ms + 999) / 1000,
                 r->gre_icmp_errors ? " (ICMP errors came back instead)" : "");
    }
}

/* Clears the call (if any) and stops the control connection, as a real link does on hang-up. */
static void
step_close(Probe *p, uint32_t timeout_ms)
{
    DtPreflightResult *r = p->r;
    DtPptpEvent ev;
    bool call_cleared = true;
    if (dt_pptp_ctrl_state(p->ctrl) == DT_PPTP_CTRL_CLOSED)
        return; /* the server ended it already; the step that saw it says so */
    if (r->call_up && dt_pptp_ctrl_clear_call(p->ctrl, r->call_id, dt_io_now())) {
        WaitResult w =
            wait_for(p, dt_io_now() + timeout_ms, WANT(DT_PPTP_EVENT_CALL_DOWN), false, &ev);
        call_cleared = w == WAIT_EVENT && ev.type == DT_PPTP_EVENT_CALL_DOWN;
    }
    dt_pptp_ctrl_stop(p->ctrl, DT_PPTP_STOP_REASON_NONE, dt_io_now());
    WaitResult w = wait_for(p, dt_io_now() + timeout_ms, 0, false, &ev);
    bool stopped = w == WAIT_EVENT && ev.result == DT_PPTP_STOPCCRP_OK;
    if (dt_tcp_pending(&p->tcp) && !p->tcp_done)
        (void)dt_tcp_flush(&p->tcp, NULL);
    if (call_cleared && stopped) {
        pass(r, DT_PREFLIGHT_STEP_CLOSE);
        set_step(r, DT_PREFLIGHT_STEP_CLOSE, "%s",
                 r->call_up ? "call cleared (Call-Disconnect-Notify), control connection stopped"
                            : "control connection stopped");
    } else {
        fail(r, DT_PREFLIGHT_STEP_CLOSE);
        set_step(r, DT_PREFLIGHT_STEP_CLOSE, "%s%s",
                 call_cleared ? "" : "no Call-Disconnect-Notify in time; ",
                 stopped ? "control connection stopped"
                         : "no Stop-Control-Connection-Reply in time");
    }
}

static DtPreflightVerdict
verdict_of(const DtPreflightResult *r, bool gre_internal)
{
    for (int i = 0; i < DT_PREFLIGHT_STEP_COUNT; i++) {
        if (r->steps[i].status != DT_PREFLIGHT_FAILED)
            continue;
        switch ((DtPreflightStepId)i) {
        case DT_PREFLIGHT_STEP_DNS:
            return DT_PREFLIGHT_DNS;
        case DT_PREFLIGHT_STEP_TCP:
            return r->tcp_error == ECONNREFUSED ? DT_PREFLIGHT_TCP_REFUSED
                                                : DT_PREFLIGHT_TCP_BLOCKED;
        case DT_PREFLIGHT_STEP_CONTROL:
        case DT_PREFLIGHT_STEP_CALL:
            return DT_PREFLIGHT_PPTP_REFUSED;
        case DT_PREFLIGHT_STEP_GRE:
            return gre_internal ? DT_PREFLIGHT_INTERNAL : DT_PREFLIGHT_GRE_BLOCKED;
        case DT_PREFLIGHT_STEP_CLOSE:
        case DT_PREFLIGHT_STEP_COUNT:
            break; /* a slow goodbye does not make the path bad */
        }
    }
    return r->steps[DT_PREFLIGHT_STEP_GRE].status == DT_PREFLIGHT_SKIPPED
               ? DT_PREFLIGHT_GRE_UNCHECKED
               : DT_PREFLIGHT_PASSED;
}

void
dt_preflight_run(const char *host, const DtPreflightConfig *config, DtPreflightResult *r)
{
    uint32_t timeout_ms =
        config && config->timeout_ms ? config->timeout_ms : DT_PREFLIGHT_DEFAULT_TIMEOUT_MS;
    uint16_t port = config && config->port ? config->port : DT_PPTP_TCP_PORT;
    memset(r, 0, sizeof *r);
    if (!step_resolve(host, timeout_ms, r)) {
        r->verdict = verdict_of(r, false);
        return;
    }
    Probe *p = calloc(1, sizeof *p);
    uint16_t base = 0;
    if (p)
        p->tcp.fd = -1;
    /* A fresh Call ID per run, as the link picks one, so a NAT's PPTP helper never mixes two. */
    if (getrandom(&base, sizeof base, GRND_NONBLOCK) != (ssize_t)sizeof base)
        base = 1;
    DtPptpCtrlConfig cc = {.role = DT_PPTP_ROLE_PNS,
                           .host_name = "dialtone",
                           .vendor = "Dialtone",
                           .call_id_base = base,
                           .reply_timeout_ms = timeout_ms,
                           .stop_timeout_ms = timeout_ms};
    if (!p || !(p->ctrl = dt_pptp_ctrl_new(&cc))) {
        free(p);
        r->verdict = DT_PREFLIGHT_INTERNAL;
        return;
    }
    p->r = r;
    bool gre_internal = false;
    if (step_connect(p, host, port, timeout_ms) &&
        step_control(p, dt_io_now() + timeout_ms + 100)) {
        open_gre(p);
        gre_internal = r->steps[DT_PREFLIGHT_STEP_GRE].status == DT_PREFLIGHT_FAILED;
        if (step_call(p, dt_io_now() + timeout_ms + 100) && p->have_gre)
            step_gre(p, dt_io_now() + timeout_ms, timeout_ms);
    }
    if (r->connected)
        step_close(p, timeout_ms);
    r->verdict = verdict_of(r, gre_internal);
    if (p->have_gre) {
        dt_gre_sock_clear(&p->gre);
        dt_io_batch_clear(&p->rx);
    }
    dt_tcp_close(&p->tcp);
    dt_pptp_ctrl_free(p->ctrl);
    free(p);
}

const char *
dt_preflight_verdict_to_string(DtPreflightVerdict v)
{
    switch (v) {
    case DT_PREFLIGHT_PASSED:
        return "passed";
    case DT_PREFLIGHT_DNS:
        return "dns";
    case DT_PREFLIGHT_TCP_REFUSED:
        return "tcp-refused";
    case DT_PREFLIGHT_TCP_BLOCKED:
        return "tcp-blocked";
    case DT_PREFLIGHT_PPTP_REFUSED:
        return "pptp-refused";
    case DT_PREFLIGHT_GRE_BLOCKED:
        return "gre-blocked";
    case DT_PREFLIGHT_GRE_UNCHECKED:
        return "gre-unchecked";
    case DT_PREFLIGHT_INTERNAL:
        return "internal";
    }
    return "unknown";
}

const char *
dt_preflight_verdict_describe(DtPreflightVerdict v)
{
    switch (v) {
    case DT_PREFLIGHT_PASSED:
        return "The path to the server works: DNS, TCP 1723, PPTP and GRE.";
    case DT_PREFLIGHT_DNS:
        return "The server’s name does not resolve.";
    case DT_PREFLIGHT_TCP_REFUSED:
        return "The server’s host is reachable, but nothing accepts connections on TCP 1723.";
    case DT_PREFLIGHT_TCP_BLOCKED:
        return "TCP 1723 does not get through: a firewall drops it, or the host is down.";
    case DT_PREFLIGHT_PPTP_REFUSED:
        return "TCP 1723 is open, but the PPTP server refused the control connection or the call.";
    case DT_PREFLIGHT_GRE_BLOCKED:
        return "PPTP’s control connection works, but GRE (IP protocol 47) does not come back.";
    case DT_PREFLIGHT_GRE_UNCHECKED:
        return "DNS, TCP 1723 and PPTP work; GRE was not checked (it needs root).";
    case DT_PREFLIGHT_INTERNAL:
        return "The check itself could not run to the end on this machine.";
    }
    return "";
}

const char *
dt_preflight_verdict_next_step(DtPreflightVerdict v)
{
    switch (v) {
    case DT_PREFLIGHT_PASSED:
        return "Connect; if it still fails, the cause is after this point: the user name, the "
               "password or the encryption settings.";
    case DT_PREFLIGHT_DNS:
        return "Check the server’s name in the profile for typos, or use its IP address; check "
               "that this machine has a working DNS server.";
    case DT_PREFLIGHT_TCP_REFUSED:
        return "Check that the VPN server is running and listens on port 1723, and that the "
               "profile names the right server.";
    case DT_PREFLIGHT_TCP_BLOCKED:
        return "Ask the network’s administrator to allow outgoing TCP port 1723, or try from "
               "another network; check that the server is up.";
    case DT_PREFLIGHT_PPTP_REFUSED:
        return "Read the server’s answer above; ask the server’s administrator whether PPTP is "
               "enabled for you and has a free line.";
    case DT_PREFLIGHT_GRE_BLOCKED:
        return "Allow GRE (IP protocol 47) through the firewalls on the way, or use a router "
               "with a PPTP pass-through (NAT helper); a PPTP link cannot work without it.";
    case DT_PREFLIGHT_GRE_UNCHECKED:
        return "Run the check as root to test GRE as well, or just connect.";
    case DT_PREFLIGHT_INTERNAL:
        return "Read the failed step’s message; it names what this machine could not do.";
    }
    return "";
}

const char *
dt_preflight_step_to_string(DtPreflightStepId s)
{
    static const char *const names[DT_PREFLIGHT_STEP_COUNT] = {"dns",  "tcp", "control",
                                                               "call", "gre", "close"};
    return (unsigned)s < DT_PREFLIGHT_STEP_COUNT ? names[s] : "unknown";
}

const char *
dt_preflight_status_to_string(DtPreflightStatus s)
{
    switch (s) {
    case DT_PREFLIGHT_NOT_RUN:
        return "not-run";
    case DT_PREFLIGHT_OK:
        return "ok";
    case DT_PREFLIGHT_FAILED:
        return "failed";
    case DT_PREFLIGHT_SKIPPED:
        return "skipped";
    }
    return "unknown";
}
