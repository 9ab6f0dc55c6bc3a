/* dt-link-dataplane.c — one client DtSession on the epoll loop.
 *
 * Four watches (TCP, GRE, TUN, signals) and one timer. After every input the session's outputs
 * are pulled in the order dt-session.h asks: TUN packets first, then GRE, the control octets,
 * events, and the next deadline. Packets move in DtIoBatch slots with headroom: a TUN read lands
 * at DT_IO_HEADROOM and the session builds the GRE packet in front of it, in place; a GRE batch
 * comes in by one recvmmsg and goes out by one sendmmsg. When the GRE socket is full the TUN
 * stops being read until EPOLLOUT, so a fast sender is slowed, not dropped.
 */
#include "dt-link-dataplane.h"

#include "dt-link-dns.h"
#include "dt-log.h"
#include "dt-session-config.h"
#include "dt-session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* How long an orderly disconnect may take (LCP Terminate, Call-Clear, StopCCRQ) before the
 * link ends anyway. */
#define DISCONNECT_BOUND_MS 6000
#define STOP_TIMEOUT_MS 3000

typedef struct {
    DtLinkRun *run;
    DtCrypto *crypto;
    DtSession *session;
    DtLoopWatch w_tcp, w_gre, w_tun, w_sig;
    DtIoBatch gre_rx, tun_rx, ctl_tx;
    DtIoSlot tx[DT_IO_BATCH_MAX]; /* GRE packets built in tun_rx slots, waiting to go out */
    unsigned tx_n, tx_sent;
    bool tun_paused;
    bool closing;
    DtTime close_bound;
    bool down;
    bool network_applied;
    DtLinkDns *dns;  /* --standalone only: the helper applies DNS for --managed links */
    bool dns_remote; /* applied by the sandbox's parent */
    const char *dns_via;
    char dns_why[256];
    uint8_t tcp_in[4096];
} Dp;

static void pump(Dp *dp, DtTime now);

static void
tun_write(Dp *dp, uint8_t *pkt, size_t len)
{
    DtIoSlot slot = {.buf = pkt, .cap = (uint32_t)len, .off = 0, .len = (uint32_t)len};
    (void)dt_tun_write_batch(&dp->run->tun, &slot, 1, NULL);
}

static void
drain_tun(Dp *dp)
{
    uint8_t *pkt;
    size_t len;
    while (dt_session_poll_tun(dp->session, &pkt, &len))
        tun_write(dp, pkt, len);
}

static void
drain_gre(Dp *dp)
{
    unsigned n = 0;
    dt_io_batch_reset(&dp->ctl_tx);
    while (n < dp->ctl_tx.count) {
        DtIoSlot *s = &dp->ctl_tx.slots[n];
        size_t len = dt_session_poll_gre(dp->session, s->buf, s->cap);
        if (len == 0)
            break;
        s->off = 0;
        s->len = (uint32_t)len;
        n++;
    }
    /* Control frames and acks are few; a full socket drops them and PPP retransmits. */
    if (n)
        (void)dt_gre_sock_send_batch(&dp->run->gre, dp->ctl_tx.slots, n, NULL);
}

static void
update_tcp_watch(Dp *dp)
{
    uint32_t want = EPOLLIN | (dt_tcp_pending(&dp->run->tcp) ? EPOLLOUT : 0);
    if (want != dp->w_tcp.events && dp->run->tcp.fd >= 0)
        dt_loop_modify(&dp->run->loop, &dp->w_tcp, want, NULL);
}

static void
drain_control(Dp *dp)
{
    size_t len;
    const uint8_t *out = dt_session_control_peek(dp->session, &len);
    if (out && len && dp->run->tcp.fd >= 0) {
        /* dt_tcp_send queues what the kernel does not take, so all of it is consumed. */
        if (dt_tcp_send(&dp->run->tcp, out, len, NULL) < 0)
            dt_log("stage=control error=\"cannot write the control connection\"");
        dt_session_control_consume(dp->session, len);
    }
    update_tcp_watch(dp);
}

static void
print_summary(Dp *dp, const DtSessionSummary *s)
{
    DtLinkRun *run = dp->run;
    char a[DT_INET_STRLEN], b[DT_INET_STRLEN], hex1[24] = "-", hex2[24] = "-";
    struct in_addr ia;

    if (s->have_ccp_sent)
        dt_session_ccp_hex(s->ccp_sent, hex1);
    if (s->have_ccp_received)
        dt_session_ccp_hex(s->ccp_received, hex2);
    ia.s_addr = htonl(s->local_ip);
    inet_ntop(AF_INET, &ia, a, sizeof a);
    ia.s_addr = htonl(s->peer_ip);
    inet_ntop(AF_INET, &ia, b, sizeof b);
    printf("Connected to %s (%s) as %s on %s\n", run->profile.server, run->server_text,
           run->profile.user, run->tun.name);
    printf("  Authentication: %s\n", dt_auth_method_describe(s->auth));
    printf("  Encryption:     %s (%s)\n", s->description, dt_session_strength_word(s));
    printf("  CCP option 18:  sent %s, received %s\n", hex1, hex2);
    printf("  Address:        %s, server end %s, MTU %u\n", a, b, (unsigned)s->mtu);
    printf("  Routes:         %s\n", run->profile.default_route ? "default (0.0.0.0/1, 128.0.0.0/1)"
                                     : run->profile.n_routes    ? "the profile's Routes="
                                                                : "none");
    printf("  DNS:            ");
    if (run->profile.dns_mode == DT_LINK_DNS_NONE) {
        printf("none (DNS=none)\n");
    } else if (run->profile.dns_mode == DT_LINK_DNS_STATIC) {
        for (size_t i = 0; i < run->profile.n_dns; i++)
            printf("%s%s", i ? ", " : "", dt_inet_to_string(&run->profile.dns[i], a));
        printf(" (from the profile)\n");
    } else if (s->dns[0] || s->dns[1]) {
        for (int i = 0; i < 2; i++) {
            if (!s->dns[i])
                continue;
            ia.s_addr = htonl(s->dns[i]);
            printf("%s%s", i && s->dns[0] ? ", " : "", inet_ntop(AF_INET, &ia, a, sizeof a));
        }
        printf(" (offered by the server)\n");
    } else {
        printf("none offered\n");
    }
    if (dp->dns || dp->dns_remote)
        printf("  DNS applied:    through %s, until the link goes down\n", dp->dns_via);
    else if (dp->dns_why[0])
        printf("  DNS applied:    no: %s\n", dp->dns_why);
    fflush(stdout);
}

static void
on_network_up(Dp *dp, const DtSessionSummary *s)
{
    DtLinkRun *run = dp->run;
    DtLinkIpSettings ip;
    DtIoError err;
    char a[DT_INET_STRLEN], b[DT_INET_STRLEN];
    uint32_t be;

    memset(&ip, 0, sizeof ip);
    ip.ifindex = run->tun.ifindex;
    ip.local.family = AF_INET;
    be = htonl(s->local_ip);
    memcpy(ip.local.bytes, &be, 4);
    if (s->peer_ip) {
        ip.peer.family = AF_INET;
        be = htonl(s->peer_ip);
        memcpy(ip.peer.bytes, &be, 4);
    }
    if (s->ipv6) {
        /* RFC 5072 §5: the link-local address is fe80::/64 plus the negotiated identifier. */
        ip.local6.family = AF_INET6;
        ip.local6.bytes[0] = 0xfe;
        ip.local6.bytes[1] = 0x80;
        memcpy(ip.local6.bytes + 8, s->local_iid, 8);
    }
    ip.mtu = s->mtu ? s->mtu : dt_session_mtu(dp->session);
    ip.default_route = run->profile.default_route;
    ip.routes = run->profile.routes;
    ip.n_routes = run->profile.n_routes;
    /* Split (dt-link-sandbox.h): the privileged parent validates and applies; the device and
     * the routes are its own, whatever is asked. */
    bool refused = false;
    uint32_t offered[2] = {s->dns[0], s->dns[1]};
    int rc = run->sandbox ? dt_link_sandbox_apply_ip(run->sandbox, &ip, offered, &refused, &err)
                          : dt_link_netcfg_apply(&run->netcfg, &ip, &err);
    if (rc < 0) {
        dt_log("stage=network error=\"%s\"", err.message);
        snprintf(run->message, sizeof run->message, "%s", err.message);
        dt_session_close(dp->session, refused ? DT_REASON_ADDRESS_REFUSED : DT_REASON_INTERNAL,
                         dt_io_now());
        return;
    }
    dp->network_applied = true;
    if (run->sandbox) {
        /* The parent applied the DNS too (and takes it back when we end). */
        dp->dns_remote = run->sandbox->dns_applied;
        if (dp->dns_remote)
            dp->dns_via = run->sandbox->dns_note;
        else
            snprintf(dp->dns_why, sizeof dp->dns_why, "%s", run->sandbox->dns_note);
    } else if (!run->managed) {
        dp->dns = dt_link_dns_apply(&run->profile, run->tun.name, run->tun.ifindex, offered,
                                    &dp->dns_via, dp->dns_why, sizeof dp->dns_why);
        if (dp->dns)
            dt_log("stage=dns via=%s", dp->dns_via);
        else if (dp->dns_why[0])
            dt_log("stage=dns error=\"%s\"", dp->dns_why);
    }
    dt_log("stage=network-up tun=%s local=%s peer=%s mtu=%u encryption=\"%s\"", run->tun.name,
           dt_inet_to_string(&ip.local, a), dt_inet_to_string(&ip.peer, b), ip.mtu, s->description);
    print_summary(dp, s);
}

static void
drain_events(Dp *dp)
{
    DtSessionEvent ev;
    while (dt_session_poll_event(dp->session, &ev)) {
        switch (ev.type) {
        case DT_SESSION_EVENT_STAGE:
            dt_log("stage=%s from=%s", dt_session_stage_to_string(ev.u.stage.to),
                   dt_session_stage_to_string(ev.u.stage.from));
            break;
        case DT_SESSION_EVENT_NEGOTIATED:
            on_network_up(dp, &ev.u.summary);
            break;
        case DT_SESSION_EVENT_LOG:
            dt_log("%s", ev.u.log);
            break;
        case DT_SESSION_EVENT_DOWN:
            dp->run->reason = ev.u.down.reason;
            if (ev.u.down.reason != DT_REASON_LOCAL_REQUEST || !dp->run->message[0])
                snprintf(dp->run->message, sizeof dp->run->message, "%s",
                         ev.u.down.message[0] ? ev.u.down.message
                                              : dt_reason_describe(ev.u.down.reason));
            dt_log("stage=down reason=%s protocol=0x%04x option=%d",
                   dt_reason_to_string(ev.u.down.reason), ev.u.down.protocol, ev.u.down.option);
            dp->down = true;
            break;
        }
        if (dp->run->hooks && dp->run->hooks->event)
            dp->run->hooks->event(dp->run, &ev, dp->run->hooks->user);
    }
}

static void
timer_cb(DtLoop *loop, DtTime now, void *user)
{
    Dp *dp = user;
    if (dp->closing && now >= dp->close_bound) {
        dt_log("stage=disconnect error=\"the server did not finish the disconnect in %d ms\"",
               DISCONNECT_BOUND_MS);
        dp->down = true;
        dt_loop_stop(loop);
        return;
    }
    dt_session_handle_timeout(dp->session, now);
    pump(dp, now);
}

/* Sends what waits in tx; pauses the TUN while the socket is full. */
static void
flush_tx(Dp *dp)
{
    while (dp->tx_sent < dp->tx_n) {
        int n = dt_gre_sock_send_batch(&dp->run->gre, dp->tx + dp->tx_sent, dp->tx_n - dp->tx_sent,
                                       NULL);
        if (n <= 0)
            break;
        dp->tx_sent += (unsigned)n;
    }
    bool full = dp->tx_sent < dp->tx_n;
    if (!full)
        dp->tx_n = dp->tx_sent = 0;
    if (full != dp->tun_paused) {
        dp->tun_paused = full;
        dt_loop_modify(&dp->run->loop, &dp->w_tun, full ? 0 : EPOLLIN, NULL);
        dt_loop_modify(&dp->run->loop, &dp->w_gre, EPOLLIN | (full ? EPOLLOUT : 0), NULL);
    }
}

static void
pump(Dp *dp, DtTime now)
{
    (void)now;
    drain_tun(dp);
    drain_gre(dp);
    drain_control(dp);
    drain_events(dp);
    if (dp->down) {
        /* The last reply (StopCCRP, CDN) goes out before the socket closes. */
        (void)dt_tcp_flush(&dp->run->tcp, NULL);
        dt_loop_stop(&dp->run->loop);
        return;
    }
    DtTime deadline = dt_session_next_deadline(dp->session);
    if (dp->closing)
        deadline = dt_time_min(deadline, dp->close_bound);
    /* Under traffic the deadline rarely moves between batches: re-arming an unchanged timer is
     * a timerfd_settime per wake-up for nothing. The loop clears its deadline when the timer
     * fires, so a fired timer is always armed again. */
    DtLoop *loop = &dp->run->loop;
    if (deadline != loop->deadline || loop->timer_func != timer_cb || loop->timer_user != dp)
        dt_loop_set_deadline(loop, deadline, timer_cb, dp, NULL);
}

static void
tcp_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Dp *dp = user;
    DtTime now = dt_io_now();
    if (events & EPOLLOUT)
        (void)dt_tcp_flush(&dp->run->tcp, NULL);
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        long n = dt_tcp_read(&dp->run->tcp, dp->tcp_in, sizeof dp->tcp_in, NULL);
        if (n > 0) {
            size_t off = 0;
            while (off < (size_t)n && !dp->down) {
                size_t took =
                    dt_session_control_input(dp->session, dp->tcp_in + off, (size_t)n - off, now);
                off += took;
                pump(dp, now);
                if (took == 0 && off < (size_t)n) {
                    dt_log("stage=control error=\"control input stalled\"");
                    break;
                }
            }
            return;
        }
        if (n == 0 || n != -EAGAIN) {
            /* End of stream or a broken connection: the server is gone. */
            dt_loop_remove(loop, w, NULL);
            dt_tcp_close(&dp->run->tcp);
            dt_session_control_eof(dp->session, now);
        }
    }
    pump(dp, now);
}

static void
gre_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Dp *dp = user;
    DtTime now = dt_io_now();
    (void)loop;
    (void)w;
    if (events & EPOLLOUT)
        flush_tx(dp);
    if (events & EPOLLIN) {
        dt_io_batch_reset(&dp->gre_rx);
        int n = dt_gre_sock_recv_batch(&dp->run->gre, dp->gre_rx.slots, dp->gre_rx.count, NULL);
        if (n > 0)
            dt_link_run_activity(dp->run);
        for (int i = 0; i < n; i++) {
            DtIoSlot *s = &dp->gre_rx.slots[i];
            dt_session_gre_input(dp->session, dt_io_slot_data(s), s->len, now);
            drain_tun(dp);
        }
    }
    pump(dp, now);
}

static void
tun_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Dp *dp = user;
    DtTime now = dt_io_now();
    (void)loop;
    (void)w;
    if ((events & EPOLLIN) && dp->tx_n == 0) {
        dt_io_batch_reset(&dp->tun_rx);
        int n = dt_tun_read_batch(&dp->run->tun, dp->tun_rx.slots, dp->tun_rx.count, NULL);
        if (n > 0)
            dt_link_run_activity(dp->run);
        for (int i = 0; i < n; i++) {
            DtIoSlot *s = &dp->tun_rx.slots[i];
            uint8_t *gre;
            size_t gre_len;
            if (dt_session_tun_input(dp->session, dt_io_slot_data(s), s->len, s->off, now, &gre,
                                     &gre_len)) {
                DtIoSlot *t = &dp->tx[dp->tx_n++];
                t->buf = s->buf;
                t->cap = s->cap;
                t->off = (uint32_t)(gre - s->buf);
                t->len = (uint32_t)gre_len;
            }
        }
        flush_tx(dp);
    }
    pump(dp, now);
}

static void
sig_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Dp *dp = user;
    struct signalfd_siginfo si;
    DtTime now = dt_io_now();
    (void)w;
    (void)events;
    while (read(dp->run->sigfd, &si, sizeof si) == sizeof si) {
        if (dp->closing) {
            dt_log("stage=disconnect signal=%u action=immediate", si.ssi_signo);
            dp->down = true;
            dt_loop_stop(loop);
            return;
        }
        dt_log("stage=disconnect signal=%u action=orderly", si.ssi_signo);
        dp->closing = true;
        dp->close_bound = now + DISCONNECT_BOUND_MS;
        dp->run->stop_requested = true;
        snprintf(dp->run->message, sizeof dp->run->message, "stopped by signal %u", si.ssi_signo);
        dt_session_close(dp->session, DT_REASON_LOCAL_REQUEST, now);
    }
    pump(dp, now);
}

static void
fill_config(Dp *dp, DtSessionConfig *cfg)
{
    DtLinkRun *run = dp->run;
    dt_session_config_from_policy(cfg, DT_SESSION_CLIENT, &run->profile.policy, dp->crypto);
    cfg->pptp.host_name = "dialtone";
    cfg->pptp.vendor = "Dialtone";
    cfg->pptp.stop_timeout_ms = STOP_TIMEOUT_MS;
    dt_crypto_random(dp->crypto, &cfg->pptp.call_id_base, sizeof cfg->pptp.call_id_base);
    cfg->ppp.user = run->profile.user;
    cfg->ppp.password = run->secret.text;
    cfg->ppp.enable_ipv6cp = run->profile.ipv6;
    /* The TUN MTU fits the path the GRE packets take (dt-mtu.h). */
    cfg->path_mtu = run->path_mtu;
    cfg->path_ipv6 = run->server.family == AF_INET6;
    if (run->report)
        cfg->ppp.tap = (DtPppTap){dt_link_report_tap_cb, run->report};
}

static int
add_watch(Dp *dp, DtLoopWatch *w, int fd, DtLoopFdFunc func)
{
    w->fd = fd;
    w->events = EPOLLIN;
    w->func = func;
    w->user = dp;
    return dt_loop_add(&dp->run->loop, w, NULL);
}

int
dt_link_dataplane_run(DtLinkRun *run)
{
    Dp *dp = calloc(1, sizeof *dp);
    DtSessionConfig cfg;
    DtIoError err;
    int rc = -1;

    if (!dp) {
        snprintf(run->message, sizeof run->message, "Out of memory");
        return -1;
    }
    dp->run = run;
    if (dt_crypto_new(&dp->crypto) != DT_CRYPTO_OK) {
        snprintf(run->message, sizeof run->message,
                 "Cannot load the crypto (OpenSSL's legacy provider for MD4, DES and RC4)");
        free(dp);
        return -1;
    }
    fill_config(dp, &cfg);
    dp->session = dt_session_new(&cfg);
    /* The session keeps its own copy of the password: ours goes now. */
    dt_link_secret_clear(&run->secret);
    if (!dp->session) {
        snprintf(run->message, sizeof run->message, "Cannot create the PPTP session");
        goto out;
    }
    if (dt_io_batch_init(&dp->gre_rx, DT_IO_BATCH_MAX, DT_IO_SLOT_SIZE, 0, &err) < 0 ||
        dt_io_batch_init(&dp->tun_rx, DT_IO_BATCH_MAX, DT_IO_SLOT_SIZE, DT_IO_HEADROOM, &err) < 0 ||
        dt_io_batch_init(&dp->ctl_tx, 8, DT_SESSION_MAX_GRE + 64, 0, &err) < 0) {
        snprintf(run->message, sizeof run->message, "%s", err.message);
        goto out;
    }
    /* Everything that reads files (OpenSSL's providers) is done: from here on only the data
     * path's system calls are allowed. */
    if (dt_link_sandbox_lock(run->sandbox, &run->loop, run->message, sizeof run->message) < 0)
        goto out;
    if (add_watch(dp, &dp->w_tcp, run->tcp.fd, tcp_cb) < 0 ||
        add_watch(dp, &dp->w_gre, run->gre.fd, gre_cb) < 0 ||
        add_watch(dp, &dp->w_tun, run->tun.fd, tun_cb) < 0 ||
        add_watch(dp, &dp->w_sig, run->sigfd, sig_cb) < 0) {
        snprintf(run->message, sizeof run->message, "Cannot watch the link's sockets");
        goto out;
    }
    run->session = dp->session;
    dt_session_start(dp->session, dt_io_now());
    pump(dp, dt_io_now());
    if (!dp->down && dt_loop_run(&run->loop, &err) < 0) {
        snprintf(run->message, sizeof run->message, "%s", err.message);
        goto out;
    }
    if (run->stop_requested && run->reason != DT_REASON_LOCAL_REQUEST &&
        run->reason != DT_REASON_NONE)
        dt_log("stage=disconnect note=\"ended by %s while disconnecting\"",
               dt_reason_to_string(run->reason));
    if (run->stop_requested)
        run->reason = DT_REASON_LOCAL_REQUEST;
    {
        DtSessionStats st;
        dt_session_stats(dp->session, dt_io_now(), &st);
        if (run->report) {
            dt_link_report_set_session(run->report, dt_session_summary(dp->session), &st);
            dt_link_report_set_ppp(run->report, dt_session_ppp(dp->session));
        }
        dt_log("stage=stats tx_packets=%llu tx_octets=%llu rx_packets=%llu rx_octets=%llu "
               "gre_lost=%llu gre_reordered=%llu tx_mss_clamped=%llu rx_mss_clamped=%llu "
               "errors=%llu duration_ms=%llu",
               (unsigned long long)st.tx_packets, (unsigned long long)st.tx_octets,
               (unsigned long long)st.rx_packets, (unsigned long long)st.rx_octets,
               (unsigned long long)st.gre_lost, (unsigned long long)st.gre_reordered,
               (unsigned long long)st.tx_mss_clamped, (unsigned long long)st.rx_mss_clamped,
               (unsigned long long)st.errors, (unsigned long long)st.duration_ms);
    }
    rc = 0;
out:
    /* Before the TUN goes: resolv.conf must not name servers only the tunnel reaches. */
    dt_link_dns_revert(dp->dns);
    dp->dns = NULL;
    run->session = NULL;
    dt_session_free(dp->session);
    dt_io_batch_clear(&dp->gre_rx);
    dt_io_batch_clear(&dp->tun_rx);
    dt_io_batch_clear(&dp->ctl_tx);
    dt_crypto_free(dp->crypto);
    free(dp);
    return rc;
}
